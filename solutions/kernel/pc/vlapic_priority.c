/*
 * Lab 7: the local APIC's priorities (kernel/pc/vlapic.h). Which requested
 * vector the APIC presents to the CPU, what taking it does, and what EOI
 * ends. SDM Vol3A 10.8.3.1 (Task and Processor Priorities), 10.8.4
 * (Interrupt Acceptance for Fixed Interrupts), 10.8.5 (Signaling Interrupt
 * Servicing Completion).
 */
#include "kernel/pc/platform.h"
#include "kernel/pc/vioapic.h"
#include "kernel/pc/vlapic.h"
#include "kernel/vm.h"

uint32_t vlapic_ppr(const struct vlapic *a)
{
	int isr = vecreg_highest(a->isr);
	uint32_t isrv = isr == VECREG_NONE ? 0 : (uint32_t)isr; /* ISRV: 0 when nothing is in service */

	if ((a->tpr >> VLAPIC_CLASS_SHIFT) >= (isrv >> VLAPIC_CLASS_SHIFT))
		return a->tpr;
	return isrv & VLAPIC_CLASS_BITS;
}

int vlapic_pending(const struct vm *vm)
{
	const struct vlapic *a = &vm->pc.lapic;
	int v = vecreg_highest(a->irr);

	if (!(a->svr & VLAPIC_SVR_ENABLE) || v == VECREG_NONE)
		return PC_NO_VECTOR; /* software disabled: requests are held. SDM Vol3A 10.4.7.2 */
	if (((uint32_t)v >> VLAPIC_CLASS_SHIFT) <= (vlapic_ppr(a) >> VLAPIC_CLASS_SHIFT))
		return PC_NO_VECTOR; /* a class at or below the processor's waits */
	return v;
}

void vlapic_ack(struct vm *vm, uint8_t vector)
{
	struct vlapic *a = &vm->pc.lapic;

	vecreg_clear(a->irr, vector);
	vecreg_set(a->isr, vector);
}

void vlapic_eoi(struct vm *vm)
{
	struct vlapic *a = &vm->pc.lapic;
	int v = vecreg_highest(a->isr);

	if (v == VECREG_NONE)
		return; /* an EOI with nothing in service ends nothing */
	vecreg_clear(a->isr, (unsigned)v);
	if (vecreg_has(a->tmr, (unsigned)v))
		vioapic_eoi(vm, (uint8_t)v);
}
