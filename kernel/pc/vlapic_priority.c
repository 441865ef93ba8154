/*
 * Lab 7: the local APIC's priorities (kernel/pc/vlapic.h).
 *
 * Read labs/lab7-virtual-interrupts.md. Until you write these, a guest whose
 * local APIC receives an interrupt stops here, naming the function; guests
 * without interrupts never call them.
 */
#include "kernel/lab.h"
#include "kernel/pc/vlapic.h"

uint32_t vlapic_ppr(const struct vlapic *a)
{
	(void)a;
	LAB_NOT_IMPLEMENTED(7);
}

int vlapic_pending(const struct vm *vm)
{
	(void)vm;
	LAB_NOT_IMPLEMENTED(7);
}

void vlapic_ack(struct vm *vm, uint8_t vector)
{
	(void)vm;
	(void)vector;
	LAB_NOT_IMPLEMENTED(7);
}

void vlapic_eoi(struct vm *vm)
{
	(void)vm;
	LAB_NOT_IMPLEMENTED(7);
}
