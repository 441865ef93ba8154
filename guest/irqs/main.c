/*
 * A guest that takes interrupts from its local APIC, the same natively and
 * under the hypervisor: the timer one-shot and periodic (waiting in HLT),
 * a timer programmed to 1, self-IPIs through the ICR, the STI and MOV SS
 * shadows (also with an exiting instruction in the shadow), an interrupt
 * pending at STI;HLT, EOI order with nested vectors of two priority classes,
 * TPR masking, and interrupts around pages not touched since paging was
 * turned on (a store in STI's shadow, a delivery onto a fresh stack page).
 * It prints counts and orders of events, never times.
 *
 * Argument `park`: the 8259As masked and the 8254's channel 0 left one-shot,
 * then STI;HLT with nothing armed (under the hypervisor it parks until it is
 * stopped by name: no timer, no input). Arguments `level`, `storm` and
 * `timer1` run one of the edge cases of edges.c instead.
 * SDM Vol3A 10.5.4 (APIC Timer), 10.6.1 (Interrupt Command Register),
 * 10.8.3.1 (Task and Processor Priorities), 10.8.4 (Interrupt Acceptance),
 * 10.8.5 (Signaling Interrupt Servicing Completion), 6.8.3 (the shadows).
 */
#include <stdbool.h>

#include "apic.h"
#include "cpu.h"
#include "guest.h"
#include "paging.h"
#include "irqs.h"
#include "x86.h"

#define PIT_CHANNEL0     0x40
#define PIT_COMMAND      0x43
#define PIT_CH0_MODE0    0x30 /* channel 0, low then high byte, mode 0: one count, then nothing */

#define WAITED       0x100 /* in the log: this vector was not delivered when it could not be */
#define LOG_MAX      16
#define POLL_LIMIT   10000000u

/* stubs.S */
extern const char irq_stub_0x40[], irq_stub_0x51[], irq_stub_0x52[], irq_stub_0x61[], irq_stub_0x71[],
	irq_stub_0x72[], irq_stub_0xff[];
extern const char sti_after[], sti_cpuid_after[], mov_ss_after[], hlt_after[], fresh_stack_after[];
void shadow_sti(void);
void shadow_sti_cpuid(void);
void shadow_mov_ss(void);
void store_fresh(volatile uint32_t *where);
void fresh_stack_window(uint8_t *top);
void irq_entry(uint32_t vector, uint32_t eip);

volatile uint32_t shadow_marker; /* stubs.S stores to it in a shadow */

static uint32_t pgdir[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t pt0[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t pt_lapic[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static volatile uint32_t fresh_page[PAGE_SIZE / 4] __attribute__((aligned(PAGE_SIZE)));
static uint8_t fresh_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

volatile uint32_t counts[256];
static volatile uint32_t last_eip, marker_at_irq;
static volatile uint32_t event_log[LOG_MAX];
static volatile int log_len;
void (*volatile on_irq)(uint32_t vector);

static void log_event(uint32_t what)
{
	if (log_len < LOG_MAX)
		event_log[log_len++] = what;
}

void irq_entry(uint32_t vector, uint32_t eip)
{
	/* No EOI for a spurious interrupt (SDM Vol3A 10.9), and no record: Bochs
	 * raises one where a same-class vector waits for an EOI, QEMU does not. */
	if (vector == VEC_SPURIOUS)
		return;
	counts[vector]++;
	last_eip = eip;
	marker_at_irq = shadow_marker;
	log_event(vector);
	if (on_irq)
		on_irq(vector);
	else
		lapic_eoi();
}

/* Wait, interrupts off, until vector is requested; false if it never is. */
static bool wait_for_irr(uint8_t vector)
{
	for (uint32_t i = 0; i < POLL_LIMIT; i++)
		if (lapic_irr_has(vector))
			return true;
	return false;
}

void reset_counts(void)
{
	for (int v = 0; v < 256; v++)
		counts[v] = 0;
	log_len = 0;
	last_eip = 0;
}

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

/* The log as " 51 61 (52 waits) 52". */
static void print_log(void)
{
	for (int i = 0; i < log_len; i++) {
		if (event_log[i] & WAITED)
			gprintf(" (%x waits)", event_log[i] & 0xFF);
		else
			gprintf(" %x", event_log[i]);
	}
	gprintf("\n");
}

/* A 32-bit interrupt gate at vector in the IDT cpu_init loaded. SDM Vol3A 6.11 */
static void set_gate(uint8_t vector, const char *stub)
{
	struct table_reg idtr;
	uint32_t *gate;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	gate = (uint32_t *)(idtr.base + 8u * vector);
	gate[0] = (uint32_t)SEG_KCODE << 16 | ((uint32_t)stub & 0xFFFF);
	gate[1] = ((uint32_t)stub & 0xFFFF0000u) | 0x8E00; /* present, DPL 0, 32-bit interrupt gate */
}

/* Identity-map 0-4 MiB and the two chips' pages. */
static void paging_on(void)
{
	for (uint32_t i = 0; i < ENTRIES; i++)
		pt0[i] = (i * PAGE_SIZE) | PTE_P | PTE_RW;
	pt_lapic[PTX(LAPIC)] = LAPIC | PTE_P | PTE_RW | PTE_PCD;
	pt_lapic[PTX(IOAPIC)] = IOAPIC | PTE_P | PTE_RW | PTE_PCD; /* in the same 4 MiB */
	pgdir[0] = (uint32_t)pt0 | PTE_P | PTE_RW;
	pgdir[PDX(LAPIC)] = (uint32_t)pt_lapic | PTE_P | PTE_RW;
	write_cr3((uint32_t)pgdir);
	write_cr0(read_cr0() | CR0_PG);
}

/* The APIC on, every local source masked but the ones a test arms; nothing from the 8259A pair. */
static void lapic_init(void)
{
	lapic_alone(VEC_SPURIOUS);
	apic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	apic_write(LAPIC_DIVIDE, DIVIDE_BY_1);
}

static void test_one_shot(void)
{
	int halts = 0;

	reset_counts();
	lapic_timer_start(VEC_TIMER, false, 100000);
	while (!counts[VEC_TIMER]) {
		pending_at_hlt();
		halts++;
	}
	irq_window();
	gprintf("irqs: one-shot timer: %u interrupt after %d HLT, current count %u\n", counts[VEC_TIMER],
		halts, apic_read(LAPIC_CURRENT));
	lapic_timer_stop(VEC_TIMER);
}

static void test_periodic(void)
{
	int halts = 0;

	reset_counts();
	lapic_timer_start(VEC_TIMER, true, 20000000);
	while (counts[VEC_TIMER] < 5) {
		pending_at_hlt();
		halts++;
	}
	lapic_timer_stop(VEC_TIMER);
	irq_window();
	gprintf("irqs: periodic timer: %u interrupts after %d HLTs\n", counts[VEC_TIMER], halts);
}

static void test_timer_count_1(void)
{
	bool requested;

	reset_counts();
	lapic_timer_start(VEC_TIMER, false, 1);
	requested = wait_for_irr(VEC_TIMER);
	irq_window();
	irq_window();
	gprintf("irqs: timer initial count 1: requested %s, %u interrupt\n", yes(requested), counts[VEC_TIMER]);
	lapic_timer_stop(VEC_TIMER);
}

static void test_self_ipi(void)
{
	bool requested;
	uint32_t before;

	reset_counts();
	lapic_self_ipi(VEC_LOW2);
	requested = lapic_irr_has(VEC_LOW2);
	before = counts[VEC_LOW2];
	irq_window();
	gprintf("irqs: self-IPI: requested %s, %u taken with interrupts off, %u after STI\n", yes(requested),
		before, counts[VEC_LOW2]);
}

/* A pending interrupt (unless run() sends it), then run(): it must come at
 * expected, with the marker at marker. */
static void check_shadow(const char *name, void (*run)(void), const char *expected, uint32_t marker)
{
	reset_counts();
	shadow_marker = 0;
	if (run != shadow_mov_ss)
		lapic_self_ipi(VEC_LOW2);
	run();
	gprintf("irqs: %s: %u interrupt, after the instruction in the shadow %s\n", name, counts[VEC_LOW2],
		yes(last_eip == (uint32_t)expected && marker_at_irq == marker));
}

static void test_pending_at_hlt(void)
{
	reset_counts();
	lapic_self_ipi(VEC_LOW2);
	pending_at_hlt();
	gprintf("irqs: STI;HLT with an interrupt pending: %u interrupt, woke after the HLT %s\n",
		counts[VEC_LOW2], yes(last_eip == (uint32_t)hlt_after));
}

/* EOI order: the low handler lets a higher class nest, a same-class vector
 * waits for its EOI. Handlers run with interrupts off except in irq_window. */
static void eoi_order_handler(uint32_t vector)
{
	if (vector == VEC_LOW) {
		lapic_self_ipi(VEC_HIGH);
		irq_window(); /* class 6 > class 5 in service: nests */
		lapic_self_ipi(VEC_LOW2);
		irq_window(); /* class 5 = class 5 in service: waits */
		if (!counts[VEC_LOW2])
			log_event(WAITED | VEC_LOW2);
		lapic_eoi(); /* clears 0x51 in ISR */
		irq_window();
		return;
	}
	lapic_eoi();
}

static void test_eoi_order(void)
{
	reset_counts();
	on_irq = eoi_order_handler;
	lapic_self_ipi(VEC_LOW);
	irq_window();
	on_irq = 0;
	gprintf("irqs: EOI order:");
	print_log();
}

/* TPR masking: a vector waits while its class is not above TPR's. */
static void test_tpr(void)
{
	reset_counts();
	apic_write(LAPIC_TPR, 0x60);
	lapic_self_ipi(VEC_LOW2);
	lapic_self_ipi(VEC_HIGH);
	irq_window();
	gprintf("irqs: TPR 0x60:");
	print_log();
	log_len = 0;
	apic_write(LAPIC_TPR, 0x50);
	irq_window();
	gprintf("irqs: TPR 0x50:");
	print_log();
	log_len = 0;
	apic_write(LAPIC_TPR, 0);
	irq_window();
	gprintf("irqs: TPR 0:");
	print_log();
}

/*
 * The timer due while a store in STI's shadow touches a fresh page. Under the
 * hypervisor the store is a hidden page fault first, and an exception ends
 * the shadow (SDM Vol3C 27.1: no blocking by STI when an exception's VM exit
 * commences; 26.6.1), as a guest's own #PF would: the interrupt may come
 * before the store instead of after it, so only what happened is printed.
 */
static void test_fresh_store(void)
{
	bool requested;

	reset_counts();
	lapic_timer_start(VEC_TIMER, false, 1);
	requested = wait_for_irr(VEC_TIMER);
	store_fresh(&fresh_page[0]);
	gprintf("irqs: timer due at a store to a fresh page: requested %s, %u interrupt, stored %u\n",
		yes(requested), counts[VEC_TIMER], fresh_page[0]);
	lapic_timer_stop(VEC_TIMER);
}

static void test_fresh_stack(void)
{
	reset_counts();
	lapic_self_ipi(VEC_LOW2);
	fresh_stack_window(fresh_stack + sizeof(fresh_stack));
	gprintf("irqs: delivery onto a fresh stack page: %u interrupt, at the right place %s\n",
		counts[VEC_LOW2], yes(last_eip == (uint32_t)fresh_stack_after));
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	console_init();
	cpu_init();
	if (arg_flag(mb_args(mbi), "park")) {
		outb(PIC_MASTER_DATA, 0xFF);
		outb(PIC_SLAVE_DATA, 0xFF);
		/* 8254: Intel 8254 datasheet, Mode 0 (interrupt on terminal count) */
		outb(PIT_COMMAND, PIT_CH0_MODE0);
		outb(PIT_CHANNEL0, 1);
		outb(PIT_CHANNEL0, 0);
		gprintf("irqs: waiting in HLT with nothing armed\n");
		for (;;)
			pending_at_hlt();
	}
	set_gate(VEC_TIMER, irq_stub_0x40);
	set_gate(VEC_LOW, irq_stub_0x51);
	set_gate(VEC_LOW2, irq_stub_0x52);
	set_gate(VEC_HIGH, irq_stub_0x61);
	set_gate(VEC_SPURIOUS, irq_stub_0xff);
	set_gate(VEC_LEVEL, irq_stub_0x71);
	set_gate(VEC_PINS, irq_stub_0x72);
	paging_on();
	lapic_init();
	if (arg_flag(mb_args(mbi), "level"))
		return irqs_level();
	if (arg_flag(mb_args(mbi), "storm"))
		return irqs_storm();
	if (arg_flag(mb_args(mbi), "timer1"))
		return irqs_timer_1();
	test_one_shot();
	test_periodic();
	test_timer_count_1();
	test_self_ipi();
	check_shadow("STI shadow", shadow_sti, sti_after, 1);
	check_shadow("STI shadow over an exiting CPUID", shadow_sti_cpuid, sti_cpuid_after, 0);
	check_shadow("MOV SS shadow over the ICR write that sends it", shadow_mov_ss, mov_ss_after, 0);
	test_pending_at_hlt();
	test_eoi_order();
	test_tpr();
	test_fresh_store();
	test_fresh_stack();
	return GUEST_SUCCESS;
}
