/*
 * The PC around a VM's CPU (kernel/pc/platform.h): the one place that knows
 * which chips have timers, how the ISA lines are wired, and which controller
 * the CPU asks for an interrupt. Each chip lives in its own file beside this one.
 */
#include "kernel/pc/platform.h"
#include "kernel/vclock.h"
#include "kernel/vm.h"

void pc_reset(struct vm *vm)
{
	uart_reset(vm);
}

void pc_update(struct vm *vm)
{
	uart_receive(vm);
}

uint64_t pc_deadline(const struct vm *vm)
{
	(void)vm;
	return VCLOCK_NEVER;
}

void pc_set_irq(struct vm *vm, unsigned irq, bool high)
{
	(void)vm;
	(void)irq;
	(void)high;
}

int pc_intr_pending(const struct vm *vm)
{
	(void)vm;
	return PC_NO_VECTOR;
}

void pc_intr_ack(struct vm *vm, uint8_t vector)
{
	(void)vm;
	(void)vector;
}
