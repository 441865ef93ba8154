/*
 * Virtual interrupts, the decision (kernel/irq.h): inject the presented
 * vector now, or wait for the window. A pure function of struct irq_view,
 * in a file of its own: kernel/irq_deliver.c gathers the view and acts.
 */
#include "kernel/irq.h"

enum irq_action irq_decide(const struct irq_view *v)
{
	if (v->vector == IRQ_NO_VECTOR)
		return IRQ_NOTHING;
	/* IF=0 masks it (SDM Vol3A 6.8.1); STI and MOV SS hold it for one more
	 * instruction (SDM Vol3A 6.8.3), and VT-x refuses to inject an external
	 * interrupt in either shadow (SDM Vol3C 26.3.1.5). */
	if (!v->interrupt_flag || v->sti_blocking || v->mov_ss_blocking)
		return IRQ_OPEN_WINDOW;
	/* One event per entry (SDM Vol3C 24.8.3, APM Vol2 15.20): the other goes first. */
	if (v->injecting)
		return IRQ_OPEN_WINDOW;
	return IRQ_INJECT;
}
