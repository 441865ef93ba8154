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
	pic_reset(vm);
	pit_reset(vm);
	rtc_reset(vm);
}

void pc_update(struct vm *vm)
{
	pit_update(vm, vclock_now(vm));
	rtc_update(vm, vclock_now(vm));
}

/* The earlier of two clock times. */
static uint64_t earlier(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t pc_deadline(const struct vm *vm)
{
	uint64_t deadline = VCLOCK_NEVER;

	deadline = earlier(deadline, pit_deadline(vm));
	deadline = earlier(deadline, rtc_deadline(vm));
	return deadline;
}

void pc_set_irq(struct vm *vm, unsigned irq, bool high)
{
	pic_set_irq(vm, irq, high);
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
