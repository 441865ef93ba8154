/*
 * The PC around a VM's CPU (kernel/pc/platform.h): the one place that knows
 * which chips have timers, how the ISA lines are wired, and which controller
 * the CPU asks for an interrupt. Each chip lives in its own file beside this one.
 */
#include "kernel/pc/platform.h"
#include "kernel/pc/vioapic.h"
#include "kernel/pc/vlapic.h"
#include "kernel/vclock.h"
#include "kernel/vm.h"

void pc_reset(struct vm *vm)
{
	vlapic_reset(vm);
	vioapic_reset(vm);
	uart_reset(vm);
}

void pc_update(struct vm *vm)
{
	vlapic_update(vm, vclock_now(vm));
	uart_receive(vm);
}

uint64_t pc_deadline(const struct vm *vm)
{
	uint64_t deadline = VCLOCK_NEVER;

	if (vlapic_deadline(vm) < deadline)
		deadline = vlapic_deadline(vm);
	return deadline;
}

void pc_set_irq(struct vm *vm, unsigned irq, bool high)
{
	int pin = pc_ioapic_pin(irq);

	if (pin != PC_NO_PIN)
		vioapic_set_pin(vm, (unsigned)pin, high);
}

int pc_intr_pending(const struct vm *vm)
{
	return vlapic_pending(vm);
}

void pc_intr_ack(struct vm *vm, uint8_t vector)
{
	vlapic_ack(vm, vector);
}
