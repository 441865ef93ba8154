/*
 * Given code: irq_decide (kernel/irq.c) against SDM Vol3A 6.8.1 and 6.8.3
 * (IF, the STI and MOV SS shadows), SDM Vol3C 24.8.3 and APM Vol2 15.20 (one
 * event per entry), and SDM Vol3C 26.3.1.5 (no external interrupt injected
 * in a shadow): every combination of the view is checked against the rule.
 */
#include <criterion/criterion.h>

#include "kernel/irq.h"

#define VECTOR 0x40

/* The rule, written the other way round: inject only when nothing holds it back. */
static enum irq_action expected(const struct irq_view *v)
{
	bool held = !v->interrupt_flag || v->sti_blocking || v->mov_ss_blocking || v->injecting;

	if (v->vector == IRQ_NO_VECTOR)
		return IRQ_NOTHING;
	return held ? IRQ_OPEN_WINDOW : IRQ_INJECT;
}

Test(irq, every_combination_follows_the_rule)
{
	for (unsigned bits = 0; bits < 32; bits++) {
		struct irq_view v = {
			.vector = bits & 1 ? VECTOR : IRQ_NO_VECTOR,
			.interrupt_flag = bits & 2,
			.sti_blocking = bits & 4,
			.mov_ss_blocking = bits & 8,
			.injecting = bits & 16,
		};

		cr_assert_eq(irq_decide(&v), expected(&v),
			     "vector %d IF %d STI %d MOV-SS %d injecting %d", v.vector, v.interrupt_flag,
			     v.sti_blocking, v.mov_ss_blocking, v.injecting);
	}
}

Test(irq, nothing_presented_is_nothing_whatever_the_cpu)
{
	struct irq_view v = { .vector = IRQ_NO_VECTOR, .interrupt_flag = false, .sti_blocking = true };

	cr_assert_eq(irq_decide(&v), IRQ_NOTHING, "no window is opened for nothing");
}

Test(irq, open_cpu_takes_it_now)
{
	struct irq_view v = { .vector = VECTOR, .interrupt_flag = true };

	cr_assert_eq(irq_decide(&v), IRQ_INJECT);
}

Test(irq, interrupts_disabled_wait_for_the_window)
{
	struct irq_view v = { .vector = VECTOR, .interrupt_flag = false };

	cr_assert_eq(irq_decide(&v), IRQ_OPEN_WINDOW, "IF=0 masks it: SDM Vol3A 6.8.1");
}

Test(irq, sti_shadow_holds_it_one_instruction)
{
	struct irq_view v = { .vector = VECTOR, .interrupt_flag = true, .sti_blocking = true };

	cr_assert_eq(irq_decide(&v), IRQ_OPEN_WINDOW, "the instruction after STI runs first: SDM Vol3A 6.8.3");
}

Test(irq, mov_ss_shadow_holds_it_one_instruction)
{
	struct irq_view v = { .vector = VECTOR, .interrupt_flag = true, .mov_ss_blocking = true };

	cr_assert_eq(irq_decide(&v), IRQ_OPEN_WINDOW, "the instruction after MOV SS runs first: SDM Vol3A 6.8.3");
}

Test(irq, another_event_at_this_entry_goes_first)
{
	struct irq_view v = { .vector = VECTOR, .interrupt_flag = true, .injecting = true };

	cr_assert_eq(irq_decide(&v), IRQ_OPEN_WINDOW, "one event per entry: SDM Vol3C 24.8.3");
}

Test(irq, vector_zero_is_a_vector)
{
	struct irq_view v = { .vector = 0, .interrupt_flag = true };

	cr_assert_eq(irq_decide(&v), IRQ_INJECT, "only IRQ_NO_VECTOR means none");
}
