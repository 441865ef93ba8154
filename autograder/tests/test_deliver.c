/*
 * Lab 7: irq_deliver and irq_update (kernel/irq_deliver.c) before an entry,
 * against a backend that records what it is told: a presented vector is
 * injected once and acknowledged, or waits for an interrupt window while
 * the guest cannot take it (SDM Vol3A 6.8.1 and 6.8.3; SDM Vol3C 24.8.3,
 * 26.6.5; APM Vol2 15.20, 15.21); the window closes when nothing waits; a
 * VM parked in HLT wakes when a vector is presented (SDM Vol2A HLT). The
 * VM and its chips are pc_fixture.h's. Vectors come from the master 8259A
 * through LINT0, the firmware's virtual wire (given code), so that these
 * tests need nothing of lab 7 but irq_decide and kernel/irq_deliver.c.
 */
#include <criterion/criterion.h>

#include "autograder/tests/pc_fixture.h"
#include "kernel/backend.h"
#include "kernel/irq.h"
#include "kernel/pc/pic.h"
#include "kernel/pc/pit.h"
#include "kernel/x86.h"

#define MASTER_BASE 0x20 /* the PICs' vectors, as Linux and xv6 program them */
#define SLAVE_BASE  0x28
#define OCW2_EOI    0x20 /* non-specific EOI. 8259A: Operation Command Words */
#define IRQ         3    /* the line the tests raise */
#define LOWER_IRQ   4    /* a line of lower priority: IR0 is the highest (8259A: fully nested mode) */
#define PIT_IRQ_LINE 0   /* the 8254's channel 0 */
#define PIT_RATE_GEN 0x34 /* counter 0, LSB then MSB, mode 2. 8254: Control Word Format */
#define PIT_COUNT    100  /* clocks of its 1.193182 MHz input between two interrupts */
#define PIT_WAIT     200000 /* ns: more than one period of PIT_COUNT clocks (84 us) */
#define VECTOR      (MASTER_BASE + IRQ)
#define LOWER       (MASTER_BASE + LOWER_IRQ)

/* What the backend was told since the test's start. */
static struct {
	unsigned shadow;          /* what interrupt_shadow answers: enum irq_shadow bits */
	int injections;           /* inject calls */
	struct event injected;    /* the last one's event */
	int window_calls;         /* interrupt_window calls */
	bool window;              /* the last one's argument */
} cpu;

static unsigned fake_interrupt_shadow(struct vcpu *v)
{
	(void)v;
	return cpu.shadow;
}

static void fake_inject(struct vcpu *v, const struct event *e)
{
	(void)v;
	cpu.injections++;
	cpu.injected = *e;
}

static void fake_interrupt_window(struct vcpu *v, bool open)
{
	(void)v;
	cpu.window_calls++;
	cpu.window = open;
}

static const struct backend fake_backend = {
	.inject = fake_inject,
	.interrupt_shadow = fake_interrupt_shadow,
	.interrupt_window = fake_interrupt_window,
};

/* Write the PIC port @p port, then pc_changed as kernel/devices.c does. */
static void pic_out(uint16_t port, uint8_t value)
{
	pic_write(&pc_vm, port, 1, value);
	pc_changed(&pc_vm);
}

/* A running VM with interrupts enabled, no shadow, nothing requested, both
 * PICs programmed as Linux and xv6 do (edge, cascade, vectors 0x20 and 0x28). */
static void setup(void)
{
	pc_fixture_reset(16);
	memset(&cpu, 0, sizeof(cpu));
	active_backend = &fake_backend;
	pc_vm.vcpu.rflags = RFLAGS_IF;
	pic_out(PIC_MASTER_CMD, 0x11);
	pic_out(PIC_MASTER_DATA, MASTER_BASE);
	pic_out(PIC_MASTER_DATA, 1u << PIC_CASCADE_IR);
	pic_out(PIC_MASTER_DATA, 0x01);
	pic_out(PIC_SLAVE_CMD, 0x11);
	pic_out(PIC_SLAVE_DATA, SLAVE_BASE);
	pic_out(PIC_SLAVE_DATA, PIC_CASCADE_IR);
	pic_out(PIC_SLAVE_DATA, 0x01);
	pic_out(PIC_MASTER_DATA, 0x00);
	pic_out(PIC_SLAVE_DATA, 0x00);
}

TestSuite(deliver, .init = setup);

/* ISA line irq rises: the master PIC requests its vector (edge-triggered). */
static void request(unsigned irq)
{
	pc_set_irq(&pc_vm, irq, true);
}

/* The entry irq_deliver prepared happened: the injected event was delivered. */
static void entered(void)
{
	pc_vm.vcpu.injecting = false;
}

/* Whether the master PIC's vector v is in its ISR (taken) or IRR (requested). */
static bool in_service(uint8_t v) { return (pc_vm.pc.pic.chip[0].isr >> (v - MASTER_BASE)) & 1; }
static bool requested(uint8_t v) { return (pc_vm.pc.pic.chip[0].irr >> (v - MASTER_BASE)) & 1; }

/* Nothing injected, the vector still requested, and the window open: what a held interrupt needs. */
static void assert_held_for_the_window(const char *why)
{
	cr_assert_eq(cpu.injections, 0, "%s: nothing may be injected", why);
	cr_assert(requested(VECTOR) && !in_service(VECTOR),
		  "%s: the vector stays requested, not acknowledged (pc_intr_ack only with an injection), or it is lost", why);
	cr_assert(cpu.window_calls == 1 && cpu.window && pc_vm.vcpu.window_open,
		  "%s: the interrupt window must open (one interrupt_window(true)), so the guest exits as soon as it can take it (SDM Vol3C 26.6.5, APM Vol2 15.21)",
		  why);
}

Test(deliver, a_presented_vector_is_injected_once_and_acknowledged)
{
	request(IRQ);
	irq_deliver(&pc_vm);
	cr_assert_eq(cpu.injections, 1, "IF set, no shadow, no other event: the vector is injected at this entry (SDM Vol3C 24.8.3, APM Vol2 15.20)");
	cr_assert(cpu.injected.valid && cpu.injected.type == EVENT_EXTERNAL && cpu.injected.vector == VECTOR,
		  "injected: valid %d type %d vector %#x, expected an external interrupt with vector %#x",
		  cpu.injected.valid, cpu.injected.type, cpu.injected.vector, VECTOR);
	cr_assert(pc_vm.vcpu.injecting, "vcpu.injecting says this entry delivers an event");
	cr_assert(in_service(VECTOR) && !requested(VECTOR),
		  "an injected vector is acknowledged (pc_intr_ack, the INTA cycle: IRR to ISR, 8259A: Interrupt Sequence), or it is injected again");
	cr_assert_eq(pc_vm.stats.interrupts, 1, "stats.interrupts counts each injected interrupt");
	cr_assert_eq(cpu.window_calls, 0, "the window was closed and stays closed: the backend hears of changes only");
	entered();
	irq_deliver(&pc_vm);
	cr_assert_eq(cpu.injections, 1, "the vector is in service: the next entry injects nothing");
	cr_assert_eq(pc_vm.stats.interrupts, 1);
}

Test(deliver, interrupts_disabled_open_the_window)
{
	pc_vm.vcpu.rflags = 0;
	request(IRQ);
	irq_deliver(&pc_vm);
	assert_held_for_the_window("IF clear (SDM Vol3A 6.8.1)");
	cr_assert_eq(pc_vm.stats.interrupts, 0);
}

Test(deliver, the_sti_shadow_opens_the_window)
{
	cpu.shadow = IRQ_SHADOW_STI;
	request(IRQ);
	irq_deliver(&pc_vm);
	assert_held_for_the_window("blocking by STI: the instruction after STI runs first (SDM Vol3A 6.8.3, SDM Vol3C 26.3.1.5)");
}

Test(deliver, the_mov_ss_shadow_opens_the_window)
{
	cpu.shadow = IRQ_SHADOW_MOV_SS;
	request(IRQ);
	irq_deliver(&pc_vm);
	assert_held_for_the_window("blocking by MOV SS (SDM Vol3A 6.8.3, SDM Vol3C 26.3.1.5)");
}

Test(deliver, another_event_at_this_entry_opens_the_window)
{
	pc_vm.vcpu.injecting = true;
	request(IRQ);
	irq_deliver(&pc_vm);
	assert_held_for_the_window("this entry already delivers an event: one event per entry (SDM Vol3C 24.8.3, APM Vol2 15.20)");
}

Test(deliver, the_window_closes_after_the_injection)
{
	pc_vm.vcpu.rflags = 0;
	request(IRQ);
	irq_deliver(&pc_vm);
	pc_vm.vcpu.rflags = RFLAGS_IF; /* the guest ran STI and left its shadow: the window exit */
	irq_deliver(&pc_vm);
	cr_assert(cpu.injections == 1 && cpu.injected.vector == VECTOR, "IF set at the window exit: the vector is injected");
	cr_assert(cpu.window_calls == 2 && !cpu.window && !pc_vm.vcpu.window_open,
		  "injected, nothing else waits: the window must close (interrupt_window(false)), or the guest exits at every instruction it could take one (SDM Vol3C 26.6.5)");
}

Test(deliver, the_window_closes_when_nothing_is_presented)
{
	pc_vm.vcpu.rflags = 0;
	request(IRQ);
	irq_deliver(&pc_vm);
	pic_out(PIC_MASTER_DATA, 1u << IRQ); /* the guest masked the line (OCW1): nothing presented */
	irq_deliver(&pc_vm);
	cr_assert(cpu.window_calls == 2 && !cpu.window && !pc_vm.vcpu.window_open,
		  "nothing presented any more: the window must close (SDM Vol3C 26.6.5, APM Vol2 15.21)");
	cr_assert_eq(cpu.injections, 0);
}

Test(deliver, the_backend_hears_only_of_changes)
{
	pc_vm.vcpu.rflags = 0;
	for (int i = 0; i < 3; i++)
		irq_deliver(&pc_vm);
	cr_assert_eq(cpu.window_calls, 0, "nothing presented and the window closed: the backend hears nothing");
	request(IRQ);
	for (int i = 0; i < 3; i++)
		irq_deliver(&pc_vm);
	cr_assert_eq(cpu.window_calls, 1, "three entries with IF clear: the window opens once, then stays open (vcpu.window_open)");
	pc_vm.vcpu.rflags = RFLAGS_IF;
	for (int i = 0; i < 3; i++) {
		irq_deliver(&pc_vm);
		entered();
	}
	cr_assert_eq(cpu.window_calls, 2, "injected, then nothing presented: the window closes once");
	cr_assert_eq(cpu.injections, 1);
}

Test(deliver, a_second_vector_waits_for_the_eoi)
{
	request(IRQ);
	irq_deliver(&pc_vm);
	entered();
	request(LOWER_IRQ);
	irq_deliver(&pc_vm);
	cr_assert_eq(cpu.injections, 1, "IRQ %d is below IRQ %d in service: not presented, not injected (8259A: fully nested mode)", LOWER_IRQ, IRQ);
	cr_assert_eq(cpu.window_calls, 0, "nothing presented: no window");
	pic_out(PIC_MASTER_CMD, OCW2_EOI);
	irq_deliver(&pc_vm);
	cr_assert(cpu.injections == 2 && cpu.injected.vector == LOWER, "after the EOI, %#x is injected", LOWER);
	cr_assert_eq(pc_vm.stats.interrupts, 2);
}

Test(deliver, a_halted_vm_wakes_when_a_vector_is_presented)
{
	pc_vm.halted = true;
	irq_update(&pc_vm);
	cr_assert(pc_vm.halted, "nothing presented: the VM stays parked in HLT");
	request(IRQ);
	irq_update(&pc_vm);
	cr_assert_not(pc_vm.halted, "a vector presented resumes a VM parked in HLT (SDM Vol2A HLT), or it never runs again");
	cr_assert_eq(cpu.injections, 0, "irq_update only wakes: the injection is irq_deliver's");
}

Test(deliver, a_parked_vm_is_neither_entered_nor_injected)
{
	pc_vm.halted = true;
	irq_deliver(&pc_vm);
	cr_assert(pc_vm.halted && cpu.injections == 0 && cpu.window_calls == 0, "nothing presented: the VM stays parked, nothing injected");
	request(IRQ);
	irq_deliver(&pc_vm);
	cr_assert_not(pc_vm.halted, "irq_deliver wakes a parked VM whose controllers present a vector (SDM Vol2A HLT)");
	cr_assert(cpu.injections == 1 && cpu.injected.vector == VECTOR, "woken with IF set: the vector is injected at this entry");
}

Test(deliver, a_due_timer_wakes_and_is_injected)
{
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, PIT_RATE_GEN);
	pit_write(&pc_vm, PIT_COUNTER0_PORT, 1, PIT_COUNT);
	pit_write(&pc_vm, PIT_COUNTER0_PORT, 1, 0);
	pc_changed(&pc_vm);
	irq_deliver(&pc_vm); /* the edge of the write itself: taken and ended */
	entered();
	pic_out(PIC_MASTER_CMD, OCW2_EOI);
	cr_assert_eq(cpu.injections, 1, "programming the 8254 raised IRQ 0: injected");
	pc_vm.halted = true;
	irq_update(&pc_vm);
	cr_assert(pc_vm.halted, "the next period has not ended: still parked");
	pc_fixture_at(PIT_WAIT);
	irq_update(&pc_vm);
	cr_assert_not(pc_vm.halted, "the 8254's period ended (pc_update fires due timers): IRQ 0 wakes the VM (SDM Vol2A HLT)");
	irq_deliver(&pc_vm);
	cr_assert(cpu.injections == 2 && cpu.injected.vector == MASTER_BASE + PIT_IRQ_LINE, "the timer's vector is injected");
}
