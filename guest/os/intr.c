/*
 * Interrupts of the guest OS: the local APIC timer, periodic, preempts ring 3
 * (a process whose frame has EFLAGS_IF set: proc.c), and COM1's receiver
 * interrupt, through the IOAPIC, wakes the kernel waiting in HLT for a
 * command (shell.c). Both chips are mapped in the kernel's half of every
 * address space, supervisor only and uncached (PCD, PWT: device registers).
 * Ring 0 always runs with interrupts off (interrupt gates); only the shell's
 * wait enables them, for one HLT.
 * SDM Vol3A 10.5.4 (APIC Timer), 10.8.5 (Signaling Interrupt Servicing
 * Completion), 10.9 (Spurious Interrupt); 82093AA: 3.2.4 (IOREDTBL);
 * MP 1.4 Table 5-2 (ISA line n on IOAPIC pin n, COM1 on 4).
 */
#include "apic.h"
#include "guest.h"
#include "os.h"
#include "paging.h"
#include "uart.h"
#include "x86.h"

#define VEC_TIMER     T_IRQ0                     /* the local APIC timer */
#define VEC_COM1      (T_IRQ0 + COM1_IRQ)        /* COM1's receiver, through the IOAPIC */
#define VEC_SPURIOUS  (T_IRQ0 + IRQ_VECTORS - 1) /* low 4 bits all ones, as old APICs need */
#define TIMER_PERIOD  1000000 /* bus clocks, undivided: a millisecond at QEMU's 1 GHz */
#define PTE_DEVICE    (PTE_P | PTE_RW | PTE_PCD | PTE_PWT)

static uint32_t chips_pt[ENTRIES] __attribute__((aligned(PAGE_SIZE))); /* 0xFEC00000-0xFEFFFFFF */

/* The timer: acknowledge it, and take the CPU from a preemptible process in ring 3. */
static void on_timer(struct trap_frame *tf)
{
	lapic_eoi();
	if (trap_from_user(tf))
		proc_yield(tf);
}

/* COM1 has a byte: only acknowledge it; the shell reads it (LSR, RBR) once HLT returns. */
static void on_com1(struct trap_frame *tf)
{
	(void)tf;
	lapic_eoi();
}

/* A spurious interrupt: no EOI. SDM Vol3A 10.9 */
static void on_spurious(struct trap_frame *tf)
{
	(void)tf;
}

/* Map both chips' pages in the kernel's half (vm_create copies it into every page directory). */
static void map_chips(void)
{
	chips_pt[PTX(LAPIC)] = LAPIC | PTE_DEVICE;
	chips_pt[PTX(IOAPIC)] = IOAPIC | PTE_DEVICE;
	boot_pgdir[PDX(LAPIC)] = V2P(chips_pt) | PTE_P | PTE_RW;
}

/* COM1's receiver interrupt on its IOAPIC pin: edge, active high, to this CPU's APIC ID. */
static void com1_interrupt_on(void)
{
	uint32_t id = apic_read(LAPIC_ID) >> 24;

	ioapic_write(IOAPIC_REDIR(COM1_IRQ) + 1, id << 24);
	ioapic_write(IOAPIC_REDIR(COM1_IRQ), VEC_COM1);
	outb(COM1_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	outb(COM1_IER, IER_RDA);
}

void intr_init(int timer)
{
	map_chips();
	trap_set_handler(VEC_TIMER, on_timer);
	trap_set_handler(VEC_COM1, on_com1);
	trap_set_handler(VEC_SPURIOUS, on_spurious);
	lapic_alone(VEC_SPURIOUS);
	com1_interrupt_on();
	if (timer)
		lapic_timer_start(VEC_TIMER, 1, TIMER_PERIOD);
}

void intr_wait(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory"); /* HLT in STI's shadow: nothing comes before it */
}
