/*
 * The PC around a VM's CPU (kernel/pc/platform.h): the one place that knows
 * which chips have timers, which chips each ISA line reaches (the IOAPIC pin:
 * kernel/pc/wiring.c), and which controller
 * the CPU asks for an interrupt. Each chip lives in its own file beside this one.
 *
 * Before every entry the run loop wants the next deadline and the presented
 * vector. Asking every chip each time costs hundreds of instructions per
 * exit, and almost every exit changes no chip: so the answers are kept
 * (struct pc_answers) until pc_changed() says a chip changed or the clock
 * reaches the earliest deadline, when the due timers fire and the chips are
 * asked again.
 */
#include "kernel/console.h"
#include "kernel/pc/platform.h"
#include "kernel/pc/vioapic.h"
#include "kernel/pc/vlapic.h"
#include "kernel/vclock.h"
#include "kernel/vm.h"

void pc_reset(struct vm *vm)
{
	vlapic_reset(vm);
	vioapic_reset(vm);
	pic_reset(vm);
	pit_reset(vm);
	rtc_reset(vm);
	uart_reset(vm);
	pc_changed(vm);
}

void pc_changed(struct vm *vm)
{
	vm->pc.answers.stale = true;
}

/* The earlier of two clock times. */
static uint64_t earlier(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The master PIC asks for the CPU and LINT0 takes it (ExtINT, the virtual wire). SDM Vol3A 10.5.1 */
static bool pic_through_lint0(const struct vm *vm)
{
	return vlapic_lint0_extint(vm) && pic_pending(vm) != PC_NO_VECTOR;
}

/* Ask every chip for its next deadline and the controllers for their vector
 * (ExtINT first: it bypasses the local APIC's IRR and priorities, SDM Vol3A
 * 10.5.1, Delivery Mode, as KVM's kvm_cpu_get_interrupt also orders them). */
static void ask_chips(struct vm *vm)
{
	struct pc_answers *a = &vm->pc.answers;

	a->deadline = earlier(earlier(vlapic_deadline(vm), pit_deadline(vm)), rtc_deadline(vm));
	a->vector = pic_through_lint0(vm)   ? pic_pending(vm)
		    : vlapic_requesting(vm) ? vlapic_pending(vm) /* lab 7's choice by priority */
					    : PC_NO_VECTOR;
	a->stale = false;
}

void pc_update(struct vm *vm)
{
	struct pc_answers *a = &vm->pc.answers;
	uint64_t now = vclock_now(vm);

	if (a->stale || now >= a->deadline) {
		vlapic_update(vm, now);
		pit_update(vm, now);
		rtc_update(vm, now);
		a->stale = true; /* a timer may have fired and re-armed */
	}
	if (console_input_open_for(vm->id))
		uart_receive(vm); /* host input comes whenever it comes: looked for every time */
	if (a->stale)
		ask_chips(vm);
}

uint64_t pc_deadline(struct vm *vm)
{
	if (vm->pc.answers.stale)
		ask_chips(vm);
	return vm->pc.answers.deadline;
}

void pc_set_irq(struct vm *vm, unsigned irq, bool high)
{
	int pin = pc_ioapic_pin(irq);

	pic_set_irq(vm, irq, high);
	if (pin != PC_NO_PIN)
		vioapic_set_pin(vm, (unsigned)pin, high);
	pc_changed(vm);
}

int pc_intr_pending(struct vm *vm)
{
	if (vm->pc.answers.stale)
		ask_chips(vm);
	return vm->pc.answers.vector;
}

void pc_intr_ack(struct vm *vm, uint8_t vector)
{
	if (pic_through_lint0(vm))
		pic_ack(vm);
	else
		vlapic_ack(vm, vector);
	pc_changed(vm);
}
