/*
 * Lab 7: virtual interrupts, the decision (kernel/irq.h).
 *
 * Read labs/lab7-virtual-interrupts.md. Until you write it, a guest whose
 * interrupt controllers present a vector stops here, naming the function.
 */
#include "kernel/irq.h"
#include "kernel/lab.h"

enum irq_action irq_decide(const struct irq_view *v)
{
	(void)v;
	LAB_NOT_IMPLEMENTED(7);
}
