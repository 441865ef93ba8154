/*
 * guest/irqs: what main.c (the local APIC's cases) and edges.c (the edge
 * cases run alone: a level-triggered line, a storm, a timer at count 1) share.
 */
#ifndef GUEST_IRQS_IRQS_H
#define GUEST_IRQS_IRQS_H

#include <stdint.h>

#define VEC_TIMER    0x40 /* priority class 4 */
#define VEC_LOW      0x51 /* class 5 */
#define VEC_LOW2     0x52 /* class 5 */
#define VEC_HIGH     0x61 /* class 6 */
#define VEC_LEVEL    0x71 /* class 7: the RTC's IOAPIC pin, level-triggered (edges.c) */
#define VEC_PINS     0x72 /* class 7: every other IOAPIC pin in the storm (edges.c) */
#define VEC_SPURIOUS 0xFF

extern volatile uint32_t counts[256];             /* interrupts taken, by vector */
extern void (*volatile on_irq)(uint32_t vector);  /* a test's own handling, EOI included; NULL: EOI */

/* main.c */
void reset_counts(void);

/* stubs.S */
void irq_window(void);     /* interrupts on for a few instructions */
void pending_at_hlt(void); /* STI; HLT; CLI */

/* edges.c: each returns the guest's exit code */
int irqs_level(void);
int irqs_storm(void);
int irqs_timer_1(void);

#endif
