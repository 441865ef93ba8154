/*
 * The PC's interrupt wiring (kernel/pc/platform.h): which IOAPIC pin each ISA
 * line drives. Its own file, as the firmware's MP table states the same
 * wiring (kernel/firmware/mptable.c) and the host's unit tests build both.
 */
#include "kernel/pc/platform.h"

#define PIT_IRQ        0 /* the 8254's channel 0 */
#define CASCADE_IRQ    2 /* the slave 8259A's output into the master: no device's line */
#define PIT_IOAPIC_PIN 2 /* pin 0 takes the 8259A's INTR. MP 1.4, Table 5-2 */

int pc_ioapic_pin(unsigned irq)
{
	if (irq == PIT_IRQ)
		return PIT_IOAPIC_PIN;
	return irq == CASCADE_IRQ ? PC_NO_PIN : (int)irq;
}
