/*
 * Lab 7: virtual interrupts before every entry (kernel/irq.h).
 *
 * Read labs/lab7-virtual-interrupts.md. Until you write these, the chips'
 * timers and console input still run (pc_update), and a guest whose
 * interrupt controllers present a vector stops here, naming the function:
 * guests without interrupts run as before.
 */
#include "kernel/irq.h"
#include "kernel/lab.h"
#include "kernel/pc/platform.h"
#include "kernel/vm.h"

void irq_update(struct vm *vm)
{
	pc_update(vm);
	if (vm->halted && pc_intr_pending(vm) != PC_NO_VECTOR)
		LAB_NOT_IMPLEMENTED(7);
}

void irq_deliver(struct vm *vm)
{
	pc_update(vm);
	if (pc_intr_pending(vm) != PC_NO_VECTOR)
		LAB_NOT_IMPLEMENTED(7);
}
