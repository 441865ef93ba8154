/*
 * A guest that uses the two memory-mapped chips of a PC, as under the
 * hypervisor (kernel/pc/) so natively (QEMU has both): first it prints the
 * local APIC as the firmware left it (pending.c); with paging off, then with
 * paging on (the two device pages mapped supervisor-only in its own tables),
 * it reads the local APIC's ID and version and writes and reads back TPR
 * and SVR, then reads the IOAPIC's version and programs and reads back a
 * redirection entry. A ring-3 read of the supervisor-only APIC page is a
 * #PF, which it reports. Last, with interrupts off (IF=0) throughout, self
 * IPIs and the timer set IRR bits it reads (pending.c): nothing is ever taken.
 * SDM Vol3A Table 10-1 (Local APIC Register Address Map); 82093AA: 3.1, 3.2.
 *
 * Arguments, each ending the run where the hypervisor stops it by name:
 * `movs` copies a word into TPR with MOVS; `narrow` reads the version with a 16-bit MOV;
 * `slot` reads the word after the LVT timer register, inside its 16-byte slot.
 * Argument `sdm` checks ESR against the SDM instead (QEMU's differs natively) and ends.
 */
#include "apics.h"
#include "cpu.h"
#include "paging.h"
#include "x86.h"

#define PIN            4     /* COM1's ISA IRQ, a pin every PC wires */

static uint32_t pgdir[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t pt0[ENTRIES] __attribute__((aligned(PAGE_SIZE)));      /* 0-4 MiB, identity, user */
static uint32_t pt_chips[ENTRIES] __attribute__((aligned(PAGE_SIZE))); /* 0xFEC00000-0xFEFFFFFF: the two pages */
static uint8_t user_stack[1024] __attribute__((aligned(16)));
static struct kjmp user_done;

/* Read, write and read back each chip's registers; tpr and vector make each pass's values its own. */
static void use_chips(const char *mode, uint32_t tpr, uint32_t vector)
{
	gprintf("apics: %s: lapic id %x version %x dfr %x lvt timer %x\n", mode, apic_read(LAPIC_ID),
		apic_read(LAPIC_VERSION), apic_read(LAPIC_DFR), apic_read(LAPIC_LVT_TIMER));
	gprintf("apics: %s: tpr %x", mode, apic_read(LAPIC_TPR)); /* not SVR: natively the firmware set it */
	apic_write(LAPIC_TPR, tpr);
	apic_write(LAPIC_SVR, SVR_ENABLE | vector);
	gprintf(", then tpr %x svr %x\n", apic_read(LAPIC_TPR), apic_read(LAPIC_SVR));
	gprintf("apics: %s: ioapic id %x version %x, pin %d %x:%x", mode, ioapic_read(IOAPIC_REG_ID),
		ioapic_read(IOAPIC_REG_VER), PIN, ioapic_read(IOAPIC_REDIR(PIN) + 1), ioapic_read(IOAPIC_REDIR(PIN)));
	ioapic_write(IOAPIC_REDIR(PIN), REDIR_MASKED | vector);
	ioapic_write(IOAPIC_REDIR(PIN) + 1, 0x01000000u);
	gprintf(", then %x:%x\n", ioapic_read(IOAPIC_REDIR(PIN) + 1), ioapic_read(IOAPIC_REDIR(PIN)));
}

/* Register numbers past the redirection table (pins 24 and up): they read 0
 * and a write reaches no entry. 82093AA: 3.2 (IOREDTBL[23:0] ends at 0x3F) */
static void beyond_the_table(void)
{
	ioapic_write(IOAPIC_REDIR(23), REDIR_MASKED | 0x57);
	ioapic_write(IOAPIC_REDIR(24), 0x12345678u);
	ioapic_write(IOAPIC_REDIR(24) + 1, 0x12345678u);
	ioapic_write(0xFF, 0x12345678u);
	gprintf("apics: ioapic pin 24 %x:%x, register 0xff %x, pin 23 %x\n", ioapic_read(IOAPIC_REDIR(24) + 1),
		ioapic_read(IOAPIC_REDIR(24)), ioapic_read(0xFF), ioapic_read(IOAPIC_REDIR(23)));
}

/* Identity-map 0-4 MiB for ring 3 too, and the two chips' pages for ring 0 only. */
static void paging_on(void)
{
	for (uint32_t i = 0; i < ENTRIES; i++)
		pt0[i] = (i * PAGE_SIZE) | PTE_P | PTE_RW | PTE_US;
	pt_chips[PTX(LAPIC)] = LAPIC | PTE_P | PTE_RW | PTE_PCD;
	pt_chips[PTX(IOAPIC)] = IOAPIC | PTE_P | PTE_RW | PTE_PCD;
	pgdir[0] = (uint32_t)pt0 | PTE_P | PTE_RW | PTE_US;
	pgdir[PDX(LAPIC)] = (uint32_t)pt_chips | PTE_P | PTE_RW | PTE_US;
	write_cr3((uint32_t)pgdir);
	write_cr0(read_cr0() | CR0_WP | CR0_PG);
}

static void on_page_fault(struct trap_frame *tf)
{
	gprintf("apics: ring 3 read of %x: #PF error %x at cr2 %x\n", (uint32_t)LAPIC_VERSION, tf->error, read_cr2());
	klongjmp(&user_done, 1);
}

static void on_user_done(struct trap_frame *tf)
{
	gprintf("apics: ring 3 read the supervisor-only page: %x\n", tf->eax);
	klongjmp(&user_done, 1);
}

/* Read the APIC's version register at CPL 3, where the page is supervisor-only. */
static void read_from_ring3(void)
{
	struct trap_frame tf;

	trap_set_handler(T_PF, on_page_fault);
	trap_set_handler(T_SYSCALL, on_user_done);
	if (ksetjmp(&user_done) == 0) {
		trap_frame_user(&tf, (uint32_t)ring3_read, (uint32_t)(user_stack + sizeof(user_stack)));
		tf.ebx = LAPIC_VERSION;
		trap_return(&tf);
	}
}

/* The hostile forms: a string move into TPR, a 16-bit read of the version, a read of the
 * LVT timer's 16-byte slot past its register. */
static void hostile(const char *args)
{
	static const uint32_t word = 0x40;
	const uint32_t *from = &word;
	uint32_t to = LAPIC_TPR;
	uint16_t version;

	if (arg_flag(args, "movs")) {
		__asm__ volatile("movsl" : "+S"(from), "+D"(to) : : "memory");
		gprintf("apics: movs into tpr: tpr %x\n", apic_read(LAPIC_TPR));
	}
	if (arg_flag(args, "slot"))
		gprintf("apics: read of lvt timer + 4: %x\n", apic_read(LAPIC_LVT_TIMER + 4));
	if (arg_flag(args, "narrow")) {
		__asm__ volatile("movw (%1), %0" : "=r"(version) : "r"(LAPIC_VERSION));
		gprintf("apics: 16-bit read of the version: %x\n", version);
	}
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	console_init();
	cpu_init();
	apics_firmware();
	hostile(mb_args(mbi));
	if (arg_flag(mb_args(mbi), "sdm")) {
		apics_sdm();
		return GUEST_SUCCESS;
	}
	use_chips("paging off", 0x20, 0x3F);
	paging_on();
	use_chips("paging on", 0x30, 0xEF);
	read_from_ring3();
	beyond_the_table();
	apics_pending();
	return GUEST_SUCCESS;
}
