/*
 * Given code: the answers kernel/pc/platform.c keeps for the run loop (the
 * next deadline and the vector presented) stand only until a chip changes or
 * the clock reaches the deadline. Each test takes the answers, changes a chip
 * as the kernel does (a guest access followed by pc_changed, as
 * kernel/devices.c and kernel/mmio.c do; an ISA line through pc_set_irq; the
 * CPU taking a vector through pc_intr_ack; the clock reaching the deadline
 * and pc_update) and compares the answers with the chips asked afresh.
 */
#include <criterion/criterion.h>

#include "autograder/tests/pc_fixture.h"
#include "kernel/pc/vioapic.h"
#include "kernel/pc/vlapic.h"
#include "kernel/vclock.h"

#define MASTER_BASE     0x20 /* the PICs' vectors, as Linux and xv6 program them */
#define SLAVE_BASE      0x28
#define OCW2_EOI        0x20 /* non-specific EOI. 8259A: Operation Command Words */
#define LAPIC_EOI       0x0B0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_INITIAL   0x380
#define LAPIC_DIVIDE    0x3E0
#define DIVIDE_BY_1     0xB  /* SDM Vol3A 10.5.4 */
#define LVT_MASKED      0x10000u
#define LVT_PERIODIC    0x20000u
#define LINT0_EXTINT    0x8700u /* ExtINT, level: the firmware's virtual wire */
#define TIMER_VECTOR    0x40
#define IOAPIC_REGSEL   0x00
#define IOAPIC_WINDOW   0x10
#define REDIR(pin)      (0x10 + 2 * (pin))
#define REDIR_LEVEL     0x8000u
#define REDIR_MASKED    0x10000u
#define PIT_RATE_GEN    0x34 /* counter 0, LSB then MSB, mode 2. 8254: Control Word Format */
#define RTC_REG_A       0x0A
#define RTC_REG_B       0x0B
#define RTC_REG_C       0x0C
#define RTC_RUN_1024HZ  0x26 /* the 32.768 kHz time base, rate 6. MC146818: Register A */
#define RTC_PIE         0x40 /* periodic interrupt enable. MC146818: Register B */

/* Write the PIC port @p port, then pc_changed as kernel/devices.c does. */
static void pic_out(uint16_t port, uint8_t value)
{
	pic_write(&pc_vm, port, 1, value);
	pc_changed(&pc_vm);
}

/* Write the local APIC register at @p offset, then pc_changed as kernel/mmio.c does. */
static void lapic_out(uint32_t offset, uint32_t value)
{
	cr_assert(vlapic_write(&pc_vm, offset, value));
	pc_changed(&pc_vm);
}

/* Write IOAPIC register @p reg through IOREGSEL and IOWIN, then pc_changed as kernel/mmio.c does. */
static void ioapic_out(uint32_t reg, uint32_t value)
{
	cr_assert(vioapic_write(&pc_vm, IOAPIC_REGSEL, reg));
	cr_assert(vioapic_write(&pc_vm, IOAPIC_WINDOW, value));
	pc_changed(&pc_vm);
}

/* Program PIT counter 0 as a rate generator of @p count (2 or more) clocks, then pc_changed. */
static void pit_rate(uint16_t count)
{
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, PIT_RATE_GEN);
	pit_write(&pc_vm, PIT_COUNTER0_PORT, 1, count & 0xFF);
	pit_write(&pc_vm, PIT_COUNTER0_PORT, 1, count >> 8);
	pc_changed(&pc_vm);
}

/* Write CMOS register @p reg, then pc_changed as kernel/devices.c does. */
static void rtc_out(uint8_t reg, uint8_t value)
{
	rtc_write(&pc_vm, RTC_INDEX_PORT, 1, reg);
	rtc_write(&pc_vm, RTC_DATA_PORT, 1, value);
	pc_changed(&pc_vm);
}

/* Close the PIC's path (LINT0 masked) and program IOAPIC pin @p pin's entry: low half @p low, APIC ID 0. */
static void route_through_ioapic(unsigned pin, uint32_t low)
{
	lapic_out(LAPIC_LVT_LINT0, LVT_MASKED | LINT0_EXTINT);
	ioapic_out(REDIR(pin) + 1, 0);
	ioapic_out(REDIR(pin), low);
}

/* Start the local APIC's timer: one shot to TIMER_VECTOR @p ns from now (divide by 1: 1 ns a count). */
static void lapic_one_shot(uint32_t ns)
{
	lapic_out(LAPIC_DIVIDE, DIVIDE_BY_1);
	lapic_out(LAPIC_LVT_TIMER, TIMER_VECTOR);
	lapic_out(LAPIC_INITIAL, ns);
}

/* The earliest deadline of the chips, asked now. */
static uint64_t fresh_deadline(void)
{
	uint64_t d = vlapic_deadline(&pc_vm);

	if (pit_deadline(&pc_vm) < d)
		d = pit_deadline(&pc_vm);
	if (rtc_deadline(&pc_vm) < d)
		d = rtc_deadline(&pc_vm);
	return d;
}

/* The vector the controllers present, asked now: the master PIC's when LINT0 takes it
 * (ExtINT), else the local APIC's. SDM Vol3A 10.5.1 */
static int fresh_vector(void)
{
	if (vlapic_lint0_extint(&pc_vm) && pic_pending(&pc_vm) != PC_NO_VECTOR)
		return pic_pending(&pc_vm);
	return vlapic_pending(&pc_vm);
}

/* The kept answers are the chips' answers now; @p after names the step before. The first
 * asked may ask the chips for both: @p deadline_first says which, so each is checked first. */
static void assert_answers_fresh(const char *after, bool deadline_first)
{
	uint64_t deadline = deadline_first ? pc_deadline(&pc_vm) : 0;
	int vector = pc_intr_pending(&pc_vm);

	if (!deadline_first)
		deadline = pc_deadline(&pc_vm);

	cr_assert_eq(vector, fresh_vector(),
		     "after %s: pc_intr_pending answered %d, the controllers present %d; an answer was kept past a change (look at what sets answers.stale in platform.c)",
		     after, vector, fresh_vector());
	cr_assert_eq(deadline, fresh_deadline(),
		     "after %s: pc_deadline answered %llu, the chips' earliest deadline is %llu; an answer was kept past a change (look at what sets answers.stale in platform.c)",
		     after, (unsigned long long)deadline, (unsigned long long)fresh_deadline());
}

/* Both PICs programmed as Linux and xv6 do (edge, cascade, vectors 0x20 and 0x28), all unmasked. */
static void setup(void)
{
	pc_fixture_reset(16);
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0x11);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, MASTER_BASE);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 1u << PIC_CASCADE_IR);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x01);
	pic_write(&pc_vm, PIC_SLAVE_CMD, 1, 0x11);
	pic_write(&pc_vm, PIC_SLAVE_DATA, 1, SLAVE_BASE);
	pic_write(&pc_vm, PIC_SLAVE_DATA, 1, PIC_CASCADE_IR);
	pic_write(&pc_vm, PIC_SLAVE_DATA, 1, 0x01);
	pic_out(PIC_MASTER_DATA, 0x00);
	pic_out(PIC_SLAVE_DATA, 0x00);
}

TestSuite(platform, .init = setup);

Test(platform, pc_changed_makes_every_chip_be_asked_again)
{
	pic_out(PIC_MASTER_DATA, 0xFF);
	pc_set_irq(&pc_vm, 1, true);
	cr_assert_eq(pc_intr_pending(&pc_vm), PC_NO_VECTOR, "IRQ 1 masked at the PIC: expected no vector");
	pic_out(PIC_MASTER_DATA, 0x00);
	cr_assert_eq(pc_intr_pending(&pc_vm), MASTER_BASE + 1,
		     "IRQ 1 unmasked by an access and pc_changed: expected the PIC's vector 0x21, got %d; pc_changed must mark the answers stale",
		     pc_intr_pending(&pc_vm));
	cr_assert_eq(pc_deadline(&pc_vm), VCLOCK_NEVER, "no timer programmed: expected no deadline");
	lapic_one_shot(1000);
	cr_assert_eq(pc_deadline(&pc_vm), 1000,
		     "local APIC timer started by an access and pc_changed: expected the deadline 1000, got %llu",
		     (unsigned long long)pc_deadline(&pc_vm));
	route_through_ioapic(1, REDIR_LEVEL | 0x51);
	cr_assert_eq(pc_intr_pending(&pc_vm), 0x51,
		     "IRQ 1 high and its IOAPIC entry unmasked by an access and pc_changed: expected vector 0x51, got %d",
		     pc_intr_pending(&pc_vm));
}

Test(platform, an_isa_line_driven_is_answered_afresh)
{
	cr_assert_eq(pc_intr_pending(&pc_vm), PC_NO_VECTOR, "no line raised: expected no vector");
	pc_set_irq(&pc_vm, 1, true);
	cr_assert_eq(pc_intr_pending(&pc_vm), MASTER_BASE + 1,
		     "IRQ 1 raised through pc_set_irq: expected the PIC's vector 0x21, got %d; pc_set_irq must call pc_changed",
		     pc_intr_pending(&pc_vm));
	route_through_ioapic(3, 0x53);
	cr_assert_eq(pc_intr_pending(&pc_vm), PC_NO_VECTOR, "LINT0 masked and IRQ 3 low: expected no vector");
	pc_set_irq(&pc_vm, 3, true);
	cr_assert_eq(pc_intr_pending(&pc_vm), 0x53,
		     "IRQ 3 raised through pc_set_irq to an unmasked IOAPIC pin: expected vector 0x53, got %d",
		     pc_intr_pending(&pc_vm));
}

Test(platform, taking_an_interrupt_is_answered_afresh)
{
	pc_set_irq(&pc_vm, 1, true);
	pc_set_irq(&pc_vm, 3, true);
	cr_assert_eq(pc_intr_pending(&pc_vm), MASTER_BASE + 1, "IRQs 1 and 3 requested: expected IRQ 1's vector first");
	pc_intr_ack(&pc_vm, MASTER_BASE + 1);
	cr_assert_eq(pc_intr_pending(&pc_vm), PC_NO_VECTOR,
		     "IRQ 1 taken (pc_intr_ack) and in service: expected no vector (IRQ 3 waits for the EOI), got %d; pc_intr_ack must call pc_changed",
		     pc_intr_pending(&pc_vm));
	pic_out(PIC_MASTER_CMD, OCW2_EOI);
	cr_assert_eq(pc_intr_pending(&pc_vm), MASTER_BASE + 3, "IRQ 1 ended: expected IRQ 3's vector 0x23");
	route_through_ioapic(4, 0x54);
	pc_set_irq(&pc_vm, 4, true);
	cr_assert_eq(pc_intr_pending(&pc_vm), 0x54, "IRQ 4 through the IOAPIC: expected vector 0x54");
	pc_intr_ack(&pc_vm, 0x54);
	cr_assert_eq(pc_intr_pending(&pc_vm), PC_NO_VECTOR,
		     "vector 0x54 taken (pc_intr_ack): expected no vector while it is in service, got %d; pc_intr_ack must call pc_changed",
		     pc_intr_pending(&pc_vm));
}

Test(platform, a_deadline_ends_when_the_clock_reaches_it)
{
	uint64_t deadline;

	pit_rate(1000);
	pc_update(&pc_vm);
	cr_assert_eq(pc_intr_pending(&pc_vm), MASTER_BASE, "PIT mode 2 programmed: expected OUT's first rise, IRQ 0's vector 0x20");
	pc_intr_ack(&pc_vm, MASTER_BASE);
	pic_out(PIC_MASTER_CMD, OCW2_EOI);
	deadline = pc_deadline(&pc_vm);
	cr_assert_neq(deadline, VCLOCK_NEVER, "PIT counter 0 programmed: expected a deadline");
	pc_fixture_at(deadline - 1);
	pc_update(&pc_vm);
	cr_assert_eq(pc_intr_pending(&pc_vm), PC_NO_VECTOR, "1 ns before the PIT's deadline: expected no vector yet");
	pc_fixture_at(deadline);
	pc_update(&pc_vm);
	cr_assert_eq(pc_intr_pending(&pc_vm), MASTER_BASE,
		     "clock at the PIT's deadline %llu, pc_update, no pc_changed: expected IRQ 0's vector 0x20, got %d; pc_update must fire the timers when now >= the kept deadline",
		     (unsigned long long)deadline, pc_intr_pending(&pc_vm));
	cr_assert_gt(pc_deadline(&pc_vm), deadline,
		     "the PIT fired at %llu: expected its next period as the deadline, got %llu",
		     (unsigned long long)deadline, (unsigned long long)pc_deadline(&pc_vm));
	assert_answers_fresh("the PIT's deadline", true);
}

Test(platform, a_timer_that_fires_without_an_isa_line_is_answered_afresh)
{
	lapic_out(LAPIC_LVT_LINT0, LVT_MASKED | LINT0_EXTINT);
	lapic_one_shot(500);
	pc_update(&pc_vm);
	cr_assert_eq(pc_deadline(&pc_vm), 500, "local APIC one-shot of 500 ns: expected the deadline 500");
	pc_fixture_at(700);
	pc_update(&pc_vm);
	cr_assert_eq(pc_intr_pending(&pc_vm), TIMER_VECTOR,
		     "clock past the local APIC timer's deadline, pc_update: expected vector 0x40, got %d; pc_update must ask the chips again after the timers ran",
		     pc_intr_pending(&pc_vm));
	cr_assert_eq(pc_deadline(&pc_vm), VCLOCK_NEVER,
		     "the one-shot fired: expected no deadline, got %llu; a deadline answer was kept after the clock passed it",
		     (unsigned long long)pc_deadline(&pc_vm));
}

/* xorshift64 (Marsaglia 2003): the same sequence on every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/* One random chip operation or clock step, as the run loop and a guest make them; its name. */
static const char *random_step(void)
{
	int vector;

	switch (rnd(11)) {
	case 0:
		pc_set_irq(&pc_vm, rnd(PC_ISA_IRQS), rnd(2));
		return "pc_set_irq";
	case 1:
		pic_out(rnd(2) ? PIC_MASTER_DATA : PIC_SLAVE_DATA, (uint8_t)rnd(256));
		return "a PIC mask write";
	case 2:
		pic_out(rnd(2) ? PIC_MASTER_CMD : PIC_SLAVE_CMD, OCW2_EOI);
		return "a PIC EOI";
	case 3:
		lapic_out(LAPIC_LVT_TIMER, (rnd(2) ? LVT_PERIODIC : 0) | (rnd(4) ? 0 : LVT_MASKED) | (TIMER_VECTOR + rnd(16)));
		lapic_out(LAPIC_INITIAL, rnd(5000));
		return "a local APIC timer write";
	case 4:
		lapic_out(rnd(2) ? LAPIC_LVT_LINT0 : LAPIC_EOI, rnd(2) ? LINT0_EXTINT : LVT_MASKED | LINT0_EXTINT);
		return "a LINT0 or EOI write";
	case 5:
		ioapic_out(REDIR(rnd(16)), (rnd(2) ? REDIR_LEVEL : 0) | (rnd(3) ? 0 : REDIR_MASKED) | (0x50 + rnd(16)));
		return "an IOAPIC entry write";
	case 6:
		vector = pc_intr_pending(&pc_vm);
		if (vector != PC_NO_VECTOR)
			pc_intr_ack(&pc_vm, (uint8_t)vector);
		return "pc_intr_ack";
	case 7:
		if (rnd(2))
			pit_rate((uint16_t)(2 + rnd(3000)));
		else
			rtc_out(RTC_REG_B, rnd(2) ? RTC_PIE : 0);
		return "a PIT or CMOS write";
	case 8:
		rtc_write(&pc_vm, RTC_INDEX_PORT, 1, RTC_REG_C);
		rtc_read(&pc_vm, RTC_DATA_PORT, 1); /* ends IRQ 8 */
		pc_changed(&pc_vm);
		return "a CMOS register C read";
	case 9:
		if (pc_deadline(&pc_vm) != VCLOCK_NEVER)
			pc_fixture_at(pc_deadline(&pc_vm)); /* as the run loop's timer stops the guest there */
		pc_update(&pc_vm);
		return "the clock set to the deadline and pc_update";
	default:
		pc_fixture_at(vclock_now(&pc_vm) + rnd(3000));
		pc_update(&pc_vm);
		return "a clock step and pc_update";
	}
}

Test(platform, the_kept_answers_are_the_chips_answers_after_any_step)
{
	char after[96];

	rtc_out(RTC_REG_A, RTC_RUN_1024HZ);
	for (int step = 0; step < 3000; step++) {
		const char *what = random_step();

		snprintf(after, sizeof(after), "step %d (%s) at clock %llu", step, what,
			 (unsigned long long)vclock_now(&pc_vm));
		assert_answers_fresh(after, step % 2);
		cr_assert_gt(fresh_deadline(), vclock_now(&pc_vm),
			     "after %s: a chip's deadline %llu is not after the clock: pc_update left a due timer unfired",
			     after, (unsigned long long)fresh_deadline());
		cr_assert_eq(pc_vm.state, VM_RUNNING, "after %s: the VM stopped: %s", after, pc_vm.stop_reason);
	}
}
