/*
 * Hostile and awkward guests for the isolation tests (lab 5). The argument
 * attack=N picks one; each must stop or be contained within this VM alone:
 *
 *   1 cr3        CR3 names a page directory beyond the VM's RAM        -> stopped
 *   2 pde        a PDE names a page table beyond the VM's RAM          -> stopped
 *   3 pte        a PTE names a page frame beyond the VM's RAM (where
 *                the host keeps other VMs' memory)                     -> stopped
 *   4 recursive  the directory maps itself; tables edited through it   -> runs as natively
 *   5 mappings   600 page tables: more than the shadow pool holds      -> runs as natively
 *   6 virt       a VMX or SVM instruction (VMCALL/VMMCALL)             -> #UD
 *   7 jmp-tss    a task switch by JMP to a TSS (its CR3 would load)     -> stopped
 *   8 call-tss   a task switch by CALL to a TSS                       -> stopped
 *   9 task-gate  a task switch through a task gate for #UD            -> stopped
 *  10 ac-loop    #AC while delivering #AC, forever (CVE-2015-5307)     -> preempted
 *  11 db-loop    #DB while delivering #DB, forever (CVE-2015-8104)     -> preempted
 *  12 port-walk  512 unknown ports read 50 times                      -> runs as natively,
 *                                                                        9 report lines
 *  13 flood      kib=N KiB of console output (20; run it with console=16) -> the rest dropped
 *  14 magic      XCHG BX,BX, Bochs' magic breakpoint                  -> runs as natively
 *  15 ram-end    a PTE names the frame just past the VM's RAM (where
 *                the next VM's RAM begins in host memory)              -> stopped
 *  16 msr        RDMSR of the TSC (MSR 0x10)                          -> stopped
 *  17 hlt        HLT with interrupts off (natively the CPU stops)       -> stopped
 *  18 outsb      REP OUTSB to COM1 (string I/O)                       -> stopped
 *
 * Paging identity-maps the first 16 MiB with 4 MiB pages; page tables for
 * the attacks come from a bump allocator above 8 MiB.
 */
#include "cpu.h"
#include "guest.h"
#include "hostile.h"
#include "paging.h"
#include "rand.h"
#include "x86.h"

#define RAM_TOP      (16u << 20)
#define FREE_START   (8u << 20)   /* page tables for the attacks */
#define OUTSIDE      0x20000000u  /* 512 MiB: no VM has RAM there */
#define RECURSIVE    1023u        /* PD slot that maps the directory itself */
#define MAPPINGS     600          /* page tables in the mappings attack */

static uint32_t *pd;
static uint32_t next_free = FREE_START;

/* A zeroed page from the area above 8 MiB (identity-mapped). */
static uint32_t *alloc_page(void)
{
	uint32_t *p = (uint32_t *)next_free;

	next_free += PAGE_SIZE;
	memset(p, 0, PAGE_SIZE);
	return p;
}

/* Identity-map RAM with 4 MiB pages and turn paging on. */
static void paging_on(void)
{
	pd = alloc_page();
	for (uint32_t a = 0; a < RAM_TOP; a += LARGE_PAGE_SIZE)
		pd[PDX(a)] = a | PTE_P | PTE_RW | PDE_PS;
	write_cr4(read_cr4() | CR4_PSE);
	write_cr3((uint32_t)pd);
	write_cr0(read_cr0() | CR0_PG);
}

/* Map one 4 KiB page gva -> frame through a new page table. */
static uint32_t *map_page(uint32_t gva, uint32_t frame)
{
	uint32_t *pt = alloc_page();

	pt[PTX(gva)] = frame | PTE_P | PTE_RW;
	pd[PDX(gva)] = (uint32_t)pt | PTE_P | PTE_RW;
	invlpg(gva);
	return pt;
}

static void attack_cr3(void)
{
	write_cr3(OUTSIDE);
	write_cr0(read_cr0() | CR0_PG); /* the next fetch walks a directory that is not there */
}

static void attack_pde(void)
{
	paging_on();
	pd[PDX(0x40000000)] = OUTSIDE | PTE_P | PTE_RW;
	invlpg(0x40000000);
	gprintf("hostile: read %x\n", *(volatile uint32_t *)0x40000000);
}

static void attack_pte(void)
{
	paging_on();
	map_page(0x40000000, OUTSIDE);
	gprintf("hostile: read %x\n", *(volatile uint32_t *)0x40000000);
}

/* The frame right after the last byte of RAM: guest-physical 16 MiB. */
static void attack_ram_end(void)
{
	paging_on();
	map_page(0x40000000, RAM_TOP);
	gprintf("hostile: read %x\n", *(volatile uint32_t *)0x40000000);
}

/* Through PD slot 1023 the directory is the page table of the top 4 MiB:
 * 0xFFFFF000 is the directory, 0xFFC00000 + 4 KiB * i is the table of slot i. */
static void attack_recursive(struct prng *g)
{
	uint32_t gva = 0x40000000 + (prng_next(g) % 1024) * PAGE_SIZE, value = prng_next(g);
	volatile uint32_t *self = (volatile uint32_t *)(0xFFC00000 + RECURSIVE * PAGE_SIZE);
	uint32_t *frame = alloc_page();

	paging_on();
	pd[RECURSIVE] = (uint32_t)pd | PTE_P | PTE_RW;
	gprintf("hostile: directory sees itself: %s\n", (self[RECURSIVE] & PTE_FRAME) == (uint32_t)pd ? "yes" : "no");
	map_page(gva, (uint32_t)alloc_page());
	/* Remap gva through the recursive window, then invalidate it. */
	volatile uint32_t *pt_of_gva = (volatile uint32_t *)(0xFFC00000 + PDX(gva) * PAGE_SIZE);
	frame[0] = value;
	pt_of_gva[PTX(gva)] = (uint32_t)frame | PTE_P | PTE_RW;
	invlpg(gva);
	gprintf("hostile: remapped through the window: %s\n",
		*(volatile uint32_t *)gva == value ? "new frame seen" : "STALE");
}

/* Touch one page in each of 600 4 MiB regions, twice: the shadow pool must evict. */
static void attack_mappings(struct prng *g)
{
	uint32_t sum = FNV1A_INIT, base = 0x40000000;

	paging_on();
	for (uint32_t i = 0; i < MAPPINGS; i++) {
		uint32_t gva = base + i * LARGE_PAGE_SIZE;
		uint32_t *frame = alloc_page();

		frame[1] = prng_next(g);
		map_page(gva, (uint32_t)frame);
	}
	for (int round = 0; round < 2; round++)
		for (uint32_t i = 0; i < MAPPINGS; i++) {
			volatile uint32_t *p = (volatile uint32_t *)(base + i * LARGE_PAGE_SIZE);

			p[1] += 1;
			sum = fnv1a_u32(sum, p[1]);
		}
	gprintf("hostile: %d mappings touched twice, digest %x\n", MAPPINGS, sum);
}

/* The virtualisation instruction of this CPU's vendor. */
static void attack_virt(void)
{
	uint32_t ebx, ecx, edx, eax = 0;

	cpu_init(); /* an IDT, so that the #UD is printed */
	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
	if (ebx == 0x756E6547) /* "Genu"ineIntel */
		__asm__ volatile("vmcall");
	else
		__asm__ volatile("vmmcall");
}

/* RDMSR: harmless natively, outside the guest contract under the hypervisor. */
static void attack_msr(void)
{
	gprintf("hostile: RDMSR of the TSC (MSR 0x10)\n");
	__asm__ volatile("rdmsr" : : "c"(0x10) : "eax", "edx");
	gprintf("hostile: RDMSR went through\n"); /* natively */
}

/* HLT with interrupts off: natively the CPU stops for good. */
static void attack_hlt(void)
{
	gprintf("hostile: HLT with interrupts off\n");
	__asm__ volatile("cli; hlt");
}

/* String I/O: natively the bytes reach COM1; the guest contract has no INS/OUTS. */
static void attack_string_io(void)
{
	static const char text[] = "hostile: written by REP OUTSB\n";

	gprintf("hostile: REP OUTSB to COM1\n");
	__asm__ volatile("cld; rep outsb" : : "S"(text), "c"(sizeof(text) - 1), "d"(0x3F8) : "memory");
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *args = mb_args(mbi);
	uint32_t attack = arg_uint(args, "attack", 0);
	struct prng g = prng_seed(arg_uint(args, "seed", 1));

	(void)magic;
	console_init();
	gprintf("hostile: attack %u\n", attack);
	switch (attack) {
	case 1: attack_cr3(); break;
	case 2: attack_pde(); break;
	case 3: attack_pte(); break;
	case 4: attack_recursive(&g); break;
	case 5: attack_mappings(&g); break;
	case 6: attack_virt(); break;
	case 7: case 8: case 9: attack_task_switch((int)attack - 7); break;
	case 10: attack_alignment_loop(); break;
	case 11: attack_debug_loop(); break;
	case 12: attack_port_walk(50); break;
	case 13: attack_console_flood(arg_uint(args, "kib", 20)); break;
	case 14: attack_magic_breakpoint(); break;
	case 15: attack_ram_end(); break;
	case 16: attack_msr(); break;
	case 17: attack_hlt(); break;
	case 18: attack_string_io(); break;
	default:
		gprintf("hostile: attack=N with N from 1 to 18\n");
		return 1;
	}
	gprintf("hostile: done\n");
	return GUEST_SUCCESS;
}
