/*
 * Each VM's clock (kernel/vclock.h): a counter the run loop advances by the
 * time the guest ran, and the two conversions every chip's timer uses.
 */
#include "kernel/vclock.h"
#include "kernel/vm.h"

uint64_t vclock_now(const struct vm *vm)
{
	return vm->clock;
}

void vclock_advance(struct vm *vm, uint64_t ticks)
{
	vm->clock += ticks;
}

/* Whole seconds and the rest apart, so no product overflows 64 bits (hz <= VCLOCK_HZ). */
uint64_t vclock_to_hz(uint64_t ticks, uint64_t hz)
{
	return ticks / VCLOCK_HZ * hz + ticks % VCLOCK_HZ * hz / VCLOCK_HZ;
}

uint64_t vclock_from_hz(uint64_t periods, uint64_t hz)
{
	return periods / hz * VCLOCK_HZ + (periods % hz * VCLOCK_HZ + hz - 1) / hz;
}
