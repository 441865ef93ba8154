/*
 * Events whose delivery faults, checked against SDM Vol3A 6.15 (Table 6-5)
 * and SDM Vol3C 27.2.4 / APM Vol2 15.7.2, natively and under the hypervisor:
 *
 * 1. INT 0x80 and INT3 from ring 3 right after a CR3 write: their delivery
 *    reads the IDT, GDT, TSS and trap stack, which the virtual TLB has just
 *    dropped (hidden faults during delivery). Each must arrive once.
 * 2. A #GP whose IDT entry is on a not-present page: the #PF is handled
 *    first (contributory, then page fault: serially), its handler maps the
 *    page, the instruction runs again and the #GP arrives.
 * 3. A #PF whose own IDT entry is on a not-present page: page fault, then
 *    page fault is a #DF, handled by a working #DF handler.
 * 4. With argument "triple": the #DF entry is not present either, and the
 *    guest shuts down (native QEMU -no-reboot exits; the hypervisor stops
 *    the VM with "triple fault").
 * 5. Single steps over instructions the hypervisor emulates: one #DB each.
 * 8. INVLPG through FS, whose base is 0x1000: it invalidates base + offset.
 * 10. SMSW and LMSW with memory operands that fault (the hypervisor emulates
 *    them on AMD-V): a not-present page, a word across a page boundary whose
 *    second page is not present (nothing is written), SMSW from ring 3 to a
 *    read-only page; and a successful SMSW sets the PTE's A and D bits.
 * 12. Exceptions raised while an exception is delivered, each right after a
 *    CR3 write so that the delivery also takes hidden faults: the first
 *    exception's gate names a code segment beyond the GDT, so its delivery
 *    raises #GP(selector | EXT). Benign first (#UD, #DB from a single step,
 *    #BP): the #GP is delivered (serially); contributory (#DE) or page fault
 *    first: a #DF. SDM Vol3A 6.15, Table 6-5. The #GP's EXT bit is not
 *    compared: TCG leaves it clear where the SDM (and Bochs) set it.
 * 11. CPUID in virtual-8086 mode, whose CS base (segment * 16) the
 *    hypervisor must add to RIP to find the instruction: the same answer as
 *    in protected mode.
 * 13. INT1 (ICEBP): a #DB delivered after the instruction.
 * 14. SYSENTER without IA32_SYSENTER_CS: #GP(0).
 *
 * With argument "nopaging" (lab 1's test: the hypervisor's given identity
 * shadow maps the guest, so no later lab runs), the cases that need no
 * paging, CR0.PG never set: 1 without the hidden faults (INT 0x80 and INT3
 * from ring 3, after CR3 writes all the same), 5, 11, 12 but the #PF, 13,
 * 14, and 15: the intercepted exceptions' vectors and error codes as the
 * guest sees them (#GP, #NP and #SS from segment loads) and CLTS, LMSW and
 * SMSW with register and memory operands, single-stepped.
 *
 * With argument "sdm", cases where QEMU's TCG itself deviates from the
 * SDM, so the guest checks the SDM's answer instead of matching a native run:
 * 6. A page read (cached), its PTE cleared without INVLPG, a write that
 *    faults, and a handler that maps the page to another frame and reads it:
 *    the fault invalidated the page's translations (SDM Vol3A 4.10.4.1), so
 *    the handler must read the new frame (TCG returns the old one).
 * 7. MOV to CR0 with NW set and CD clear: #GP(0) (TCG accepts it).
 * 9. A read through a 4 MiB PDE with a reserved bit set: #PF with P and RSVD.
 *    Bit 21 is reserved always; bits 20:13 only when CPUID lacks PSE-36
 *    (SDM Vol3A 4.3, Table 4-4), which is how the guest checks them. TCG
 *    raises no reserved-bit fault for either natively.
 */
#include "cpu.h"
#include "guest.h"
#include "paging.h"
#include "x86.h"

#define T_DB        1          /* debug exception */
#define EFLAGS_TF   0x00000100 /* trap flag: single-step */
#define DR6_BS      (1u << 14) /* a single step raised this #DB */
#define CR0_NW      0x20000000 /* not write-through */
#define CR0_CD      0x40000000 /* cache disable */
#define CPUID_1_EDX_PSE36 (1u << 17)
#define PFERR_P_RSVD 0x9       /* error code: present, reserved bit */
#define RSVD_PDX    4          /* the PDE of 16-20 MiB: unused by the guest */
#define ROUNDS      16
#define GATE_SIZE   8
#define IDT_ENTRIES 256
#define BAD_SELECTOR 0x80 /* beyond the GDT's limit: loading it raises #GP(0x80) */
#define ERROR_EXT   1      /* error code bit 0: raised while delivering another event (TCG leaves it 0) */
#define T_NP        11     /* segment not present */
#define T_SS        12     /* stack-segment fault */
#define GDT_ENTRIES 8      /* the guest's own and one extra (gdt_with_extra) */
#define DESCRIPTOR_SIZE 8
#define MSW_BITS    0xFFFF /* CR0's low word: the machine status word (the rest differs by emulator) */
#define EXTRA_INDEX 7      /* the GDT entry gdt_with_extra() sets */

extern char user_calls[], user_smsw[], step_end[], msw_step_end[], v86_code[], v86_code_end[], int1_after[];
void enter_v86(uint32_t segment) __attribute__((noreturn));
void single_step_emulated(void);
void single_step_msw(uint16_t *word);
void int1_once(void);

static uint32_t pgdir[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t pt0[ENTRIES] __attribute__((aligned(PAGE_SIZE)));   /* 0-4 MiB in 4 KiB pages */
static uint8_t idt_pages[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE))); /* pages A and B */
static uint8_t user_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t remap_pages[3 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE))); /* page, frame 1, frame 2 */
static uint8_t idt_copy[IDT_ENTRIES * GATE_SIZE];
static struct kjmp back;
static unsigned syscalls, breakpoints, page_faults, steps, steps_with_bs;
static uint32_t last_cr2, last_error;

/* Identity paging for 0-16 MiB, user-accessible; 4 KiB pages below 4 MiB. */
static void paging_on(void)
{
	for (uint32_t i = 0; i < ENTRIES; i++)
		pt0[i] = (i * PAGE_SIZE) | PTE_P | PTE_RW | PTE_US;
	pgdir[0] = (uint32_t)pt0 | PTE_P | PTE_RW | PTE_US;
	for (uint32_t i = 1; i < 4; i++)
		pgdir[i] = (i * LARGE_PAGE_SIZE) | PDE_PS | PTE_P | PTE_RW | PTE_US;
	write_cr3((uint32_t)pgdir);
	write_cr4(read_cr4() | CR4_PSE);
	write_cr0(read_cr0() | CR0_PG);
}

/* Make page A (0) or B (1) of idt_pages present or not; not-present to present needs no INVLPG. */
static void idt_page_present(int page, int present)
{
	uint32_t va = (uint32_t)idt_pages + (uint32_t)page * PAGE_SIZE;

	pt0[PTX(va)] = va | (present ? PTE_P | PTE_RW | PTE_US : 0);
	if (!present)
		invlpg(va);
}

/* Load a copy of the IDT whose entry `first_on_b` is the first one on page B. */
static uint32_t load_idt_split_at(unsigned first_on_b)
{
	struct table_reg idtr = { IDT_ENTRIES * GATE_SIZE - 1,
				  (uint32_t)idt_pages + PAGE_SIZE - first_on_b * GATE_SIZE };

	memcpy((void *)idtr.base, idt_copy, sizeof(idt_copy));
	__asm__ volatile("lidt %0" : : "m"(idtr));
	return idtr.base;
}

static void on_syscall(struct trap_frame *tf)
{
	syscalls++;
	if (tf->eax == 1)
		klongjmp(&back, 1);
}

static void on_breakpoint(struct trap_frame *tf)
{
	(void)tf;
	breakpoints++;
}

/* Test 2's #PF: note it, map the IDT page, return to re-execute. */
static void on_page_fault(struct trap_frame *tf)
{
	page_faults++;
	last_cr2 = read_cr2();
	last_error = tf->error;
	idt_page_present(0, 1);
	idt_page_present(1, 1);
}

static void on_fault_and_leave(struct trap_frame *tf)
{
	last_error = tf->error;
	last_cr2 = read_cr2();
	klongjmp(&back, (int)tf->vector + 1);
}

/* Map linear page `va` to frame `pa`, or not at all when pa is 0, in program order. */
static void map_page(uint32_t va, uint32_t pa)
{
	__asm__ volatile("" : : : "memory");
	pt0[PTX(va)] = pa ? pa | PTE_P | PTE_RW : 0;
	__asm__ volatile("" : : : "memory");
}

/* Test 5's #PF: map the page to frame 2 (not present to present: no INVLPG) and read it. */
static void on_remap_fault(struct trap_frame *tf)
{
	uint32_t page = (uint32_t)remap_pages;

	last_error = tf->error;
	map_page(page, page + 2 * PAGE_SIZE);
	last_cr2 = *(volatile uint32_t *)page; /* the value the handler sees */
}

/* 6: after a reflected #PF, the handler sees the frame it mapped; true if so. SDM Vol3A 4.10.4.1 */
static int remap_in_fault_handler(void)
{
	uint32_t page = (uint32_t)remap_pages;

	*(uint32_t *)(page + PAGE_SIZE) = 0x1111;
	*(uint32_t *)(page + 2 * PAGE_SIZE) = 0x2222;
	trap_set_handler(T_PF, on_remap_fault);
	map_page(page, page + PAGE_SIZE);
	invlpg(page);
	(void)*(volatile uint32_t *)page;          /* frame 1, now cached */
	map_page(page, 0);                         /* no INVLPG: the cached entry may stay... */
	*(volatile uint32_t *)page = 0x3333;       /* ...but this write faults */
	__asm__ volatile("" : : : "memory");
	gprintf("events: after a reflected #PF the handler read %x: %s\n", last_cr2,
		last_cr2 == 0x2222 ? "the new frame, as SDM Vol3A 4.10.4.1 requires"
				   : "the old frame (stale translation)");
	return last_cr2 == 0x2222;
}

/* Each single-step #DB sets DR6.BS, which the CPU never clears: the handler
 * counts and clears it, so every step is seen on its own. SDM Vol3A 17.2.3 */
static void on_single_step(struct trap_frame *tf)
{
	uint32_t dr6;

	steps++;
	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	steps_with_bs += !!(dr6 & DR6_BS);
	__asm__ volatile("mov %0, %%dr6" : : "r"(0u));
	if (tf->eip == (uint32_t)step_end || tf->eip == (uint32_t)msw_step_end)
		tf->eflags &= ~EFLAGS_TF;
}

/* 5: a single-step #DB after each instruction, emulated or not. */
static void single_steps(void)
{
	uint32_t dr6;

	trap_set_handler(T_DB, on_single_step);
	single_step_emulated();
	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	gprintf("events: single-stepping 7 instructions, 4 of them emulated: %u #DB, %u with DR6.BS, DR6 %x after\n",
		steps, steps_with_bs, dr6);
}

static void on_int1(struct trap_frame *tf)
{
	(void)tf; /* a trap: EIP is past the instruction already */
}

/* QEMU's TCG raises #UD for INT1 instead of #DB: step over it, so that both runs go on alike. */
static void on_int1_ud(struct trap_frame *tf)
{
	if (tf->eip == (uint32_t)int1_once)
		tf->eip = (uint32_t)int1_after;
}

/* 13: INT1 raises a #DB delivered after the instruction (step.S). A hypervisor
 * that delivers it at the instruction makes the guest execute INT1 forever. */
static void int1_is_a_trap(void)
{
	trap_set_handler(T_DB, on_int1);
	trap_set_handler(T_UD, on_int1_ud);
	int1_once();
	gprintf("events: INT1 returned\n");
}

/* 7: MOV to CR0 with NW set and CD clear raises #GP(0); true if it did. */
static int cr0_nw_without_cd(void)
{
	int vector;

	trap_set_handler(T_GP, on_fault_and_leave);
	last_error = 0xFFFF;
	if ((vector = ksetjmp(&back)) == 0)
		write_cr0((read_cr0() | CR0_NW) & ~CR0_CD);
	gprintf("events: CR0.NW without CD: %s\n", vector - 1 == T_GP && last_error == 0
		? "#GP(0), as SDM Vol2B MOV requires" : "no #GP(0) (the CPU accepted it)");
	return vector - 1 == T_GP && last_error == 0;
}

/* Does CPUID offer PSE-36 (bits 20:13 of a 4 MiB PDE as address bits 39:32)? */
static int has_pse36(void)
{
	uint32_t eax = 1, ebx, ecx = 0, edx;

	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	return (edx & CPUID_1_EDX_PSE36) != 0;
}

/* 9: a read through a 4 MiB PDE with `bit` set faults with P|RSVD; true if it did. SDM Vol3A 4.7 */
static int reserved_bit_faults(unsigned bit)
{
	uint32_t va = RSVD_PDX * LARGE_PAGE_SIZE;
	int vector;

	trap_set_handler(T_PF, on_fault_and_leave);
	last_error = 0xFFFF;
	pgdir[RSVD_PDX] = va | PDE_PS | PTE_P | PTE_RW | (1u << bit);
	if ((vector = ksetjmp(&back)) == 0)
		(void)*(volatile uint32_t *)va;
	pgdir[RSVD_PDX] = 0;
	invlpg(va);
	gprintf("events: 4 MiB PDE with reserved bit %u: %s\n", bit,
		vector - 1 == T_PF && last_error == PFERR_P_RSVD && last_cr2 == va
		? "#PF error 9 (P, RSVD), as SDM Vol3A 4.7 requires" : "no reserved-bit fault");
	return vector - 1 == T_PF && last_error == PFERR_P_RSVD && last_cr2 == va;
}

/* Page `va` of the guest's identity map: present and user-writable, or not present. */
static void identity_page(uint32_t va, uint32_t flags)
{
	pt0[PTX(va)] = va | flags;
	invlpg(va);
}

/* 10: SMSW and LMSW memory operands fault as any write and read does. SDM Vol3A 4.7 */
static void msw_operands_that_fault(void)
{
	static struct trap_frame tf;
	static volatile int vector; /* static: klongjmp() brings back no registers */
	volatile uint8_t *p0 = remap_pages, *p1 = remap_pages + PAGE_SIZE;

	trap_set_handler(T_PF, on_fault_and_leave);
	identity_page((uint32_t)p1, 0);
	if ((vector = ksetjmp(&back)) == 0)
		__asm__ volatile("smsw %0" : "=m"(*(volatile uint16_t *)(p1 + 6)));
	gprintf("events: smsw to a not-present page: vector %d error %x, cr2 %s\n", vector - 1,
		last_error, last_cr2 == (uint32_t)p1 + 6 ? "= the operand" : "WRONG");
	if ((vector = ksetjmp(&back)) == 0)
		__asm__ volatile("lmsw %0" : : "m"(*(volatile uint16_t *)(p1 + 8)));
	gprintf("events: lmsw from a not-present page: vector %d error %x, cr2 %s\n", vector - 1,
		last_error, last_cr2 == (uint32_t)p1 + 8 ? "= the operand" : "WRONG");
	p0[PAGE_SIZE - 1] = 0x5A;
	if ((vector = ksetjmp(&back)) == 0)
		__asm__ volatile("smsw %0" : "=m"(*(volatile uint16_t *)(p0 + PAGE_SIZE - 1)));
	gprintf("events: smsw across into a not-present page: vector %d error %x, cr2 %s, first byte %x\n",
		vector - 1, last_error, last_cr2 == (uint32_t)p1 ? "= the second page" : "WRONG",
		p0[PAGE_SIZE - 1]);
	identity_page((uint32_t)p1, PTE_P | PTE_US); /* user, read-only */
	if ((vector = ksetjmp(&back)) == 0) {
		trap_frame_user(&tf, (uint32_t)user_smsw, (uint32_t)user_stack + PAGE_SIZE);
		tf.ebx = (uint32_t)p1 + 2;
		trap_return(&tf);
	}
	gprintf("events: smsw from ring 3 to a read-only page: vector %d error %x, cr2 %s\n",
		vector - 1, last_error, last_cr2 == (uint32_t)p1 + 2 ? "= the operand" : "WRONG");
	identity_page((uint32_t)p1, PTE_P | PTE_RW | PTE_US); /* A and D clear */
	__asm__ volatile("smsw %0" : "=m"(*(volatile uint16_t *)(p1 + 4)));
	gprintf("events: smsw to a clean page: its PTE has A %d, D %d\n",
		(pt0[PTX((uint32_t)p1)] & PTE_A) != 0, (pt0[PTX((uint32_t)p1)] & PTE_D) != 0);
}

#define V86_SEGMENT 0x0600 /* code and stack at linear 0x6000, below the Multiboot info */

static uint32_t v86_eax, v86_edx;

/* The v86 code's system call: its CPUID results, then back to cpuid_in_v86(). */
static void on_v86_syscall(struct trap_frame *tf)
{
	v86_eax = tf->esi;
	v86_edx = tf->edi;
	klongjmp(&back, 1);
}

/* 11: CPUID in virtual-8086 mode answers as in protected mode. */
static void cpuid_in_v86(void)
{
	uint32_t eax = 1, ebx, ecx = 0, edx;

	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	memcpy((void *)(V86_SEGMENT * 16), v86_code, (size_t)(v86_code_end - v86_code));
	trap_set_handler(T_SYSCALL, on_v86_syscall);
	if (ksetjmp(&back) == 0)
		enter_v86(V86_SEGMENT);
	trap_set_handler(T_SYSCALL, on_syscall);
	gprintf("events: CPUID in virtual-8086 mode: %s\n", v86_eax == eax && v86_edx == edx
		? "EAX and EDX as in protected mode" : "a different answer (WRONG)");
}

static void raise_ud(void) { __asm__ volatile("ud2"); }
static void raise_bp(void) { __asm__ volatile("int3"); }
static void raise_de(void) { __asm__ volatile("xor %%ecx, %%ecx; div %%ecx" : : : "eax", "ecx", "edx"); }
static void raise_pf(void) { (void)*(volatile uint32_t *)(remap_pages + PAGE_SIZE); }
static void raise_db(void) { __asm__ volatile("pushf; orl %0, (%%esp); popf; nop" : : "i"(EFLAGS_TF) : "cc"); }

/* 12: exception `first`, whose gate's code selector is bad, raised by `raise`. */
static void fault_in_delivery(const char *what, unsigned first, void (*raise)(void))
{
	struct table_reg idtr;
	uint16_t *selector, saved;
	int vector;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	selector = (uint16_t *)(idtr.base + first * GATE_SIZE + 2);
	saved = *selector;
	*selector = BAD_SELECTOR;
	last_error = 0xFFFF;
	write_cr3((uint32_t)pgdir); /* delivery meets an empty virtual TLB */
	if ((vector = ksetjmp(&back)) == 0)
		raise();
	*selector = saved;
	gprintf("events: %s whose gate's selector is bad: vector %d error %x (EXT aside)\n", what,
		vector - 1, last_error & ~ERROR_EXT);
}

/* 12: Table 6-5's pairs with a #GP second; the #PF first only with paging. */
static void faults_during_delivery(int paging)
{
	trap_set_handler(T_GP, on_fault_and_leave);
	trap_set_handler(T_DF, on_fault_and_leave);
	load_idt_split_at(0);
	fault_in_delivery("#UD (benign)", T_UD, raise_ud);
	fault_in_delivery("#BP from INT3 (benign)", T_BP, raise_bp);
	fault_in_delivery("#DB from a single step (benign)", T_DB, raise_db);
	fault_in_delivery("#DE (contributory)", T_DE, raise_de);
	if (!paging)
		return;
	identity_page((uint32_t)remap_pages + PAGE_SIZE, 0);
	fault_in_delivery("#PF", T_PF, raise_pf);
	identity_page((uint32_t)remap_pages + PAGE_SIZE, PTE_P | PTE_RW | PTE_US);
}

/* Load a copy of the GDT whose entry EXTRA_INDEX is `descriptor`; its selector. */
static uint16_t gdt_with_extra(const uint8_t descriptor[DESCRIPTOR_SIZE])
{
	static uint8_t gdt[GDT_ENTRIES * DESCRIPTOR_SIZE] __attribute__((aligned(DESCRIPTOR_SIZE)));
	struct table_reg gdtr;

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	memcpy(gdt, (void *)gdtr.base, gdtr.limit + 1u);
	memcpy(gdt + EXTRA_INDEX * DESCRIPTOR_SIZE, descriptor, DESCRIPTOR_SIZE);
	gdtr = (struct table_reg){ sizeof(gdt) - 1, (uint32_t)gdt };
	__asm__ volatile("lgdt %0" : : "m"(gdtr) : "memory");
	return EXTRA_INDEX * DESCRIPTOR_SIZE;
}

/* 8: INVLPG %fs:(x - 0x1000) with FS based at 0x1000 invalidates page x. SDM Vol2A INVLPG */
static void invlpg_through_a_based_segment(void)
{
	static const uint8_t data_at_0x1000[8] = { 0xFF, 0xFF, 0x00, 0x10, 0x00, 0x93, 0xCF, 0x00 };
	uint32_t page = (uint32_t)remap_pages, value;
	uint16_t selector = gdt_with_extra(data_at_0x1000);

	__asm__ volatile("mov %0, %%fs" : : "r"(selector) : "memory");
	*(uint32_t *)(page + PAGE_SIZE) = 0x1111;
	*(uint32_t *)(page + 2 * PAGE_SIZE) = 0x2222;
	map_page(page, page + PAGE_SIZE);
	invlpg(page);
	(void)*(volatile uint32_t *)page;           /* frame 1, now cached */
	map_page(page, page + 2 * PAGE_SIZE);
	__asm__ volatile("invlpg %%fs:(%0)" : : "r"(page - 0x1000) : "memory");
	value = *(volatile uint32_t *)page;
	gprintf("events: INVLPG through FS based at 0x1000, then a read: %x\n", value);
	__asm__ volatile("mov %0, %%fs" : : "r"((uint16_t)SEG_KDATA));
	map_page(page, page);
	invlpg(page);
}

/* 1: INT 0x80 and INT3 from ring 3, each round right after a CR3 write. */
static void syscalls_after_cr3_writes(void)
{
	static struct trap_frame tf;
	static int round; /* static: klongjmp() brings back no registers */

	for (round = 0; round < ROUNDS; round++) {
		write_cr3((uint32_t)pgdir);
		if (ksetjmp(&back) == 0) {
			trap_frame_user(&tf, (uint32_t)user_calls, (uint32_t)user_stack + PAGE_SIZE);
			trap_return(&tf);
		}
	}
	gprintf("events: %u rounds from ring 3 after CR3 writes: %u system calls, %u breakpoints\n",
		ROUNDS, syscalls, breakpoints);
}

/* 2: #GP, then #PF reading its IDT entry: the #PF first, then the #GP again. */
static void gp_whose_gate_is_not_present(void)
{
	uint32_t base = load_idt_split_at(T_PF); /* 0-13 on page A, 14 on B */
	int vector;

	idt_page_present(0, 0);
	page_faults = 0;
	if ((vector = ksetjmp(&back)) == 0)
		__asm__ volatile("mov %0, %%ds" : : "r"(BAD_SELECTOR));
	gprintf("events: #GP with its gate not present: %u page fault(s), cr2 %s, then vector %d error %x\n",
		page_faults, last_cr2 == base + T_GP * GATE_SIZE ? "= the #GP gate" : "WRONG", vector - 1,
		last_error);
	__asm__ volatile("mov %0, %%ds" : : "r"(SEG_KDATA));
}

/* 3: #PF, then #PF reading its own IDT entry: a #DF, whose gate is present. */
static void page_fault_whose_gate_is_not_present(void)
{
	uint32_t base = load_idt_split_at(T_PF - 1); /* 0-12 on page A (with #DF), 13+ on B */
	int vector;

	idt_page_present(1, 0);
	if ((vector = ksetjmp(&back)) == 0)
		(void)*(volatile uint32_t *)(idt_pages + PAGE_SIZE + 0x800); /* page B */
	gprintf("events: #PF with its gate not present: vector %d error %x, cr2 %s\n", vector - 1,
		last_error, last_cr2 == base + T_PF * GATE_SIZE ? "= the #PF gate" : "WRONG");
	idt_page_present(1, 1);
}

/* 4: #PF, #PF on its gate, #PF on the #DF gate: shutdown. */
static void triple_fault(void)
{
	load_idt_split_at(T_DF); /* 0-7 on page A, #DF and #PF on B */
	idt_page_present(1, 0);
	gprintf("events: #PF with the #PF and #DF gates not present: triple fault next\n");
	(void)*(volatile uint32_t *)(idt_pages + PAGE_SIZE);
	gprintf("events: still alive (WRONG)\n");
}

/* 14: SYSENTER with IA32_SYSENTER_CS 0, as boot leaves it and no guest can change it
 * (WRMSR stops the VM): #GP(0). SDM Vol2B SYSENTER */
static void sysenter_without_setup(void)
{
	int vector;

	last_error = ~0u;
	if ((vector = ksetjmp(&back)) == 0)
		__asm__ volatile("sysenter");
	gprintf("events: SYSENTER with SYSENTER_CS 0: vector %d error %x\n", vector - 1, last_error);
}

/* Load `selector` into DS (or SS if `stack`); the vector it raised and its error code. */
static void segment_load(const char *what, uint16_t selector, int stack)
{
	int vector;

	last_error = ~0u;
	if ((vector = ksetjmp(&back)) == 0) {
		if (stack)
			__asm__ volatile("mov %0, %%ss" : : "r"(selector));
		else
			__asm__ volatile("mov %0, %%ds" : : "r"(selector));
	}
	__asm__ volatile("mov %0, %%ds" : : "r"((uint16_t)SEG_KDATA));
	gprintf("events: %s: vector %d error %x\n", what, vector - 1, last_error);
}

/* 15: intercepted exceptions reach the guest with their vector and error code. SDM Vol2B MOV */
static void intercepted_exceptions(void)
{
	/* a flat data segment, as SEG_KDATA's, with the P bit (access byte 0x93) clear */
	static const uint8_t absent_data[DESCRIPTOR_SIZE] = { 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x13, 0xCF, 0x00 };
	uint16_t absent = gdt_with_extra(absent_data);

	trap_set_handler(T_GP, on_fault_and_leave);
	trap_set_handler(T_NP, on_fault_and_leave);
	trap_set_handler(T_SS, on_fault_and_leave);
	segment_load("DS beyond the GDT", BAD_SELECTOR, 0);
	segment_load("DS not present", absent, 0);
	segment_load("SS not present", absent, 1);
}

/* 15: CLTS, LMSW and SMSW, register and memory operands, each single-stepped (step.S). */
static void msw_forms_single_stepped(void)
{
	static uint16_t word;

	steps = steps_with_bs = 0;
	trap_set_handler(T_DB, on_single_step);
	single_step_msw(&word);
	gprintf("events: single-stepping CLTS, LMSW and SMSW: %u #DB, %u with DR6.BS, stored MSW %x, MSW now %x\n",
		steps, steps_with_bs, word, read_cr0() & MSW_BITS);
	__asm__ volatile("clts");
}

/* The cases that need no paging, CR0.PG left clear. */
static void without_paging(void)
{
	syscalls_after_cr3_writes();
	single_steps();
	msw_forms_single_stepped();
	int1_is_a_trap();
	cpuid_in_v86();
	sysenter_without_setup();
	intercepted_exceptions();
	faults_during_delivery(0);
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	struct table_reg idtr;
	uint32_t size;

	(void)magic;
	console_init();
	cpu_init();
	__asm__ volatile("sidt %0" : "=m"(idtr));
	size = (uint32_t)idtr.limit + 1;
	memcpy(idt_copy, (void *)idtr.base, size < sizeof(idt_copy) ? size : sizeof(idt_copy));
	idt_copy[T_BP * GATE_SIZE + 5] |= 0x60; /* DPL 3: INT3 from ring 3 */
	trap_set_handler(T_SYSCALL, on_syscall);
	trap_set_handler(T_BP, on_breakpoint);
	trap_set_handler(T_PF, on_page_fault);
	trap_set_handler(T_GP, on_fault_and_leave);
	trap_set_handler(T_DF, on_fault_and_leave);
	load_idt_split_at(0);
	if (arg_flag(mb_args(mbi), "nopaging")) {
		without_paging();
		return GUEST_SUCCESS;
	}
	paging_on();
	if (arg_flag(mb_args(mbi), "triple")) {
		triple_fault();
		return GUEST_FAILURE;
	}
	if (arg_flag(mb_args(mbi), "sdm")) {
		int ok = remap_in_fault_handler() + cr0_nw_without_cd(), all = 3;

		ok += reserved_bit_faults(21);
		if (!has_pse36()) {
			ok += reserved_bit_faults(13);
			all++;
		}
		gprintf("events: %d of %d as the SDM requires\n", ok, all);
		return GUEST_SUCCESS;
	}
	syscalls_after_cr3_writes();
	gp_whose_gate_is_not_present();
	trap_set_handler(T_PF, on_fault_and_leave);
	page_fault_whose_gate_is_not_present();
	single_steps();
	int1_is_a_trap();
	invlpg_through_a_based_segment();
	msw_operands_that_fault();
	cpuid_in_v86();
	sysenter_without_setup();
	faults_during_delivery(1);
	return GUEST_SUCCESS;
}
