/*
 * The edge cases guest/irqs runs alone, each chosen by an argument:
 *
 *   level   the RTC's line (held high until register C is read) on its IOAPIC
 *           pin, level-triggered: remote IRR is set while the vector is in
 *           service, the vector comes again after each EOI while the line
 *           stays high, masking the pin stops it, unmasking it with the line
 *           still high sends it once more, and with the line low nothing comes.
 *   storm   first a level-triggered line that is never cleared, with an EOI
 *           after each delivery, until STORM_DELIVERIES, then masked; then
 *           every IOAPIC pin, the error LVT and the timer (periodic)
 *           unmasked and no EOI ever: the guest must run on, and its VM's
 *           storm must not reach another VM.
 *   timer1  the timer periodic at initial count 1, an EOI after each: due
 *           again before each IRET, so the guest runs only its handler, which
 *           stops the timer at TIMER1_INTERRUPTS; then it runs on (under the
 *           hypervisor: natively QEMU's timer then leaves the guest no time).
 *
 * Each prints only counts that do not depend on when an interrupt lands.
 * 82093AA: 3.2.4 (IOREDTBL: trigger mode, remote IRR, mask); SDM Vol3A
 * 10.8.5 (Signaling Interrupt Servicing Completion: the EOI of a level-
 * triggered vector goes on to the IOAPIC), 10.5.4 (APIC Timer); MC146818:
 * Register A (rate), Register B (PIE), Register C (IRQF, cleared by reading).
 */
#include <stdbool.h>

#include "apic.h"
#include "guest.h"
#include "irqs.h"
#include "rtc.h"
#include "x86.h"

#define RTC_A_1024HZ      0x26 /* divider 010 (32.768 kHz), rate 6: 1024 periodic interrupts a second */
#define IOAPIC_MAX_ENTRY(ver) (((ver) >> 16) & 0xFF)
#define LEVEL_REPEATS     3
#define STORM_DELIVERIES  20000
#define STORM_WINDOWS     200000 /* interrupt windows the guest opens with every source unmasked */
#define STORM_TIMER_COUNT 10000 /* periodic; without an EOI it comes once anyway */
#define TIMER1_INTERRUPTS 1000
#define WAIT_LIMIT        10000000u

static volatile uint32_t level_limit; /* the level handler masks the pin at this many deliveries */
static volatile uint32_t remote_irr_seen;

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

/* The RTC's periodic interrupt on (IRQ 8 goes high at the next period and stays high), or off
 * and its flag cleared (IRQ 8 low). */
static void rtc_periodic(bool on)
{
	rtc_set(RTC_A, RTC_A_1024HZ);
	rtc_set(RTC_B, (uint8_t)((rtc_get(RTC_B) & ~RTC_B_PIE) | (on ? RTC_B_PIE : 0)));
	if (!on)
		(void)rtc_get(RTC_C);
}

/* IOAPIC pin's entry: low as given, to this CPU's APIC ID. */
static void pin_route(unsigned pin, uint32_t low)
{
	ioapic_write(IOAPIC_REDIR(pin) + 1, apic_read(LAPIC_ID) & 0xFF000000);
	ioapic_write(IOAPIC_REDIR(pin), low);
}

/* The RTC's vector: remote IRR must be set while it is in service; masked at level_limit. */
static void level_handler(uint32_t vector)
{
	if (vector == VEC_LEVEL) {
		remote_irr_seen += (ioapic_read(IOAPIC_REDIR(RTC_IRQ)) & REDIR_REMOTE_IRR) != 0;
		if (counts[VEC_LEVEL] >= level_limit)
			ioapic_write(IOAPIC_REDIR(RTC_IRQ), VEC_LEVEL | REDIR_LEVEL | REDIR_MASKED);
	}
	lapic_eoi();
}

/* The RTC's line held high on its pin, level-triggered, the level handler masking it at limit. */
static void level_line_start(uint32_t limit)
{
	reset_counts();
	on_irq = level_handler;
	level_limit = limit;
	pin_route(RTC_IRQ, VEC_LEVEL | REDIR_LEVEL);
	rtc_periodic(true);
}

/* Wait with interrupts on until vector has come n times in all; whether it did. */
static bool wait_for(uint8_t vector, uint32_t n)
{
	for (uint32_t i = 0; counts[vector] < n && i < WAIT_LIMIT; i++)
		irq_window();
	return counts[vector] >= n;
}

/* How many more times VEC_LEVEL comes in a few interrupt windows. */
static uint32_t level_more(void)
{
	uint32_t before = counts[VEC_LEVEL];

	for (int i = 0; i < 100; i++)
		irq_window();
	return counts[VEC_LEVEL] - before;
}

int irqs_level(void)
{
	uint32_t more, again, low;
	bool remote;

	level_line_start(LEVEL_REPEATS);
	if (!wait_for(VEC_LEVEL, LEVEL_REPEATS)) {
		gprintf("irqs: level-triggered pin: %u deliveries, not %d: WRONG\n", counts[VEC_LEVEL], LEVEL_REPEATS);
		return GUEST_FAILURE;
	}
	more = level_more();
	remote = ioapic_read(IOAPIC_REDIR(RTC_IRQ)) & REDIR_REMOTE_IRR;
	gprintf("irqs: level-triggered pin held high: %u deliveries, one after each EOI, remote IRR set in each %s;"
		" masked: %u more, remote IRR %s\n", LEVEL_REPEATS, yes(remote_irr_seen == LEVEL_REPEATS), more,
		remote ? "set" : "clear");
	level_limit = LEVEL_REPEATS + 1;
	ioapic_write(IOAPIC_REDIR(RTC_IRQ), VEC_LEVEL | REDIR_LEVEL);
	again = level_more();
	rtc_periodic(false);
	ioapic_write(IOAPIC_REDIR(RTC_IRQ), VEC_LEVEL | REDIR_LEVEL);
	low = level_more();
	ioapic_write(IOAPIC_REDIR(RTC_IRQ), VEC_LEVEL | REDIR_LEVEL | REDIR_MASKED);
	gprintf("irqs: unmasked with the line still high: %u more; with the line low (register C read): %u more\n",
		again, low);
	on_irq = 0;
	return GUEST_SUCCESS;
}

/* The storm's second half: take every vector, acknowledge none. */
static void no_eoi(uint32_t vector)
{
	(void)vector;
}

int irqs_storm(void)
{
	unsigned pins = IOAPIC_MAX_ENTRY(ioapic_read(IOAPIC_REG_VER)) + 1;

	level_line_start(STORM_DELIVERIES);
	if (!wait_for(VEC_LEVEL, STORM_DELIVERIES)) {
		gprintf("irqs: storm: %u deliveries, not %d: WRONG\n", counts[VEC_LEVEL], STORM_DELIVERIES);
		return GUEST_FAILURE;
	}
	gprintf("irqs: storm: a level-triggered line never cleared, an EOI after each: %d deliveries, then masked\n",
		STORM_DELIVERIES);
	on_irq = no_eoi;
	for (unsigned pin = 0; pin < pins; pin++)
		pin_route(pin, pin == RTC_IRQ ? VEC_LEVEL | REDIR_LEVEL : VEC_PINS);
	apic_write(LAPIC_LVT_ERROR, VEC_PINS);
	lapic_timer_start(VEC_TIMER, 1, STORM_TIMER_COUNT);
	for (int i = 0; i < STORM_WINDOWS; i++)
		irq_window();
	lapic_timer_stop(VEC_TIMER);
	rtc_periodic(false);
	gprintf("irqs: storm: every source unmasked, no EOI: the guest ran on through %d interrupt windows\n",
		STORM_WINDOWS);
	return GUEST_SUCCESS;
}

/* The timer at count 1: due again before the handler returns, so every
 * instruction after the IRET is preempted by the next one; only the handler
 * can stop it. */
static void timer1_handler(uint32_t vector)
{
	if (vector == VEC_TIMER && counts[VEC_TIMER] >= TIMER1_INTERRUPTS)
		lapic_timer_stop(VEC_TIMER);
	lapic_eoi();
}

int irqs_timer_1(void)
{
	reset_counts();
	on_irq = timer1_handler;
	lapic_timer_start(VEC_TIMER, 1, 1);
	if (!wait_for(VEC_TIMER, TIMER1_INTERRUPTS)) {
		lapic_timer_stop(VEC_TIMER);
		on_irq = 0;
		gprintf("irqs: periodic timer at count 1: %u interrupts, not %d: WRONG\n", counts[VEC_TIMER],
			TIMER1_INTERRUPTS);
		return GUEST_FAILURE;
	}
	gprintf("irqs: periodic timer at count 1: %d interrupts taken, an EOI after each, and the guest ran on\n",
		TIMER1_INTERRUPTS);
	on_irq = 0;
	return GUEST_SUCCESS;
}
