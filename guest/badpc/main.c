/*
 * A guest that programs the PC's interrupt controllers badly, one bad act
 * per argument. Argument `pic` initialises the 8259A pair out of order and
 * prints what it reads back, the same natively (pic.c); `pic8` takes the
 * timer's interrupt at the firmware's vector 8 in protected mode (lowvector.c). Where the
 * architecture answers the act (ESR bits, a message nobody takes), argument
 * `sdm` does those acts and checks the answers against the SDM itself
 * (sdm.c); every other argument does an act after
 * which the hypervisor stops the VM by name, and prints what it read should
 * it go on:
 * `init`      an INIT IPI to its own APIC ID (it would reset the CPU);
 * `unaligned` a 32-bit read of the local APIC at offset 0x32;
 * `straddle`  a 32-bit read of the last 2 bytes of the local APIC's page
 *             and the first 2 of the RAM page mapped after it;
 * `into`      a 32-bit read of the last 2 bytes of a RAM page and the first
 *             2 of the local APIC's page mapped after it;
 * `wide`      a 64-bit MMX read of the version register;
 * `byte`      an 8-bit write of IOREGSEL;
 * `eoi`       a read of the IOAPIC's write-only EOI register;
 * `nmi`       an unwired IOAPIC pin programmed to send an NMI, at once
 *             asserted (level, active low, its line low).
 * SDM Vol3A 10.4.1 (The Local APIC Block Diagram), 10.6.1 (Interrupt
 * Command Register); 82093AA: 3.1, 3.2.4.
 */
#include "badpc.h"
#include "cpu.h"
#include "paging.h"
#include "x86.h"

#define STRADDLE_AT 0x00800000u /* linear: a RAM page, the local APIC's page, a RAM page */

static uint32_t pgdir[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t pt_low[ENTRIES] __attribute__((aligned(PAGE_SIZE)));      /* 0-4 MiB, identity */
static uint32_t pt_straddle[ENTRIES] __attribute__((aligned(PAGE_SIZE))); /* STRADDLE_AT */
static uint8_t ram_pages[2][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));


/* Identity-map 0-4 MiB, and at STRADDLE_AT the local APIC's page between two RAM pages. */
static void paging_on(void)
{
	for (uint32_t i = 0; i < ENTRIES; i++)
		pt_low[i] = (i * PAGE_SIZE) | PTE_P | PTE_RW;
	pt_straddle[0] = (uint32_t)ram_pages[0] | PTE_P | PTE_RW;
	pt_straddle[1] = LAPIC | PTE_P | PTE_RW | PTE_PCD;
	pt_straddle[2] = (uint32_t)ram_pages[1] | PTE_P | PTE_RW;
	pgdir[0] = (uint32_t)pt_low | PTE_P | PTE_RW;
	pgdir[PDX(STRADDLE_AT)] = (uint32_t)pt_straddle | PTE_P | PTE_RW;
	write_cr3((uint32_t)pgdir);
	write_cr0(read_cr0() | CR0_PG);
}

/* The 32-bit read across the end of the page at STRADDLE_AT + page: the local APIC's (1) or RAM (0). */
static void straddle(uint32_t page)
{
	paging_on();
	gprintf("badpc: read across the end of page %u: %x\n", page, apic_read(STRADDLE_AT + (page + 1) * PAGE_SIZE - 2));
}

/* A 64-bit MMX load of the version register: CR0.EM and TS are clear at entry. */
static void wide(void)
{
	uint32_t low;

	__asm__ volatile("movq (%1), %%mm0\n\tmovd %%mm0, %0\n\temms" : "=r"(low) : "a"(LAPIC_VERSION));
	gprintf("badpc: 64-bit read of the version: %x\n", low);
}

/* The bad acts after which the VM stops; whether args named one. */
static int stopping_act(const char *args)
{
	uint8_t regsel = 0x01;

	if (arg_flag(args, "init")) {
		apic_write(LAPIC_ICR_HIGH, apic_read(LAPIC_ID));
		apic_write(LAPIC_ICR_LOW, ICR_ASSERT | ICR_INIT);
		gprintf("badpc: went on after an INIT to itself\n");
	} else if (arg_flag(args, "unaligned")) {
		gprintf("badpc: unaligned read: %x\n", apic_read(LAPIC_VERSION + 2));
	} else if (arg_flag(args, "straddle")) {
		straddle(1);
	} else if (arg_flag(args, "into")) {
		straddle(0);
	} else if (arg_flag(args, "wide")) {
		wide();
	} else if (arg_flag(args, "byte")) {
		__asm__ volatile("movb %0, (%1)" : : "q"(regsel), "r"(IOAPIC_REGSEL) : "memory");
		gprintf("badpc: byte write of IOREGSEL: %x\n", apic_read(IOAPIC_REGSEL));
	} else if (arg_flag(args, "eoi")) {
		gprintf("badpc: read of the IOAPIC's EOI register: %x\n", apic_read(IOAPIC_EOI));
	} else if (arg_flag(args, "nmi")) {
		ioapic_write(IOAPIC_REDIR(UNWIRED_PIN) + 1, 0);
		ioapic_write(IOAPIC_REDIR(UNWIRED_PIN), REDIR_NMI | REDIR_LOW_ACTIVE | REDIR_LEVEL);
		gprintf("badpc: went on after an NMI entry asserted\n");
	} else {
		return 0;
	}
	return 1;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *args = mb_args(mbi);

	(void)magic;
	console_init();
	cpu_init();
	if (arg_flag(args, "sdm")) {
		badpc_sdm();
		return GUEST_SUCCESS;
	}
	if (arg_flag(args, "pic")) {
		badpc_pic();
		return GUEST_SUCCESS;
	}
	if (arg_flag(args, "pic8")) {
		badpc_low_vector();
		return GUEST_SUCCESS;
	}
	if (!stopping_act(args))
		gprintf("badpc: no bad act named: give pic, pic8, sdm, init, unaligned, straddle, into, wide, byte, eoi or nmi\n");
	return GUEST_FAILURE;
}
