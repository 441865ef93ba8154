/*
 * The PC around a VM's CPU (kernel/pc/platform.h): the one place that knows
 * which chips have timers, which chips each ISA line reaches (the IOAPIC pin:
 * kernel/pc/wiring.c), and which controller
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
	pic_reset(vm);
	pit_reset(vm);
	rtc_reset(vm);
	uart_reset(vm);
}

void pc_update(struct vm *vm)
{
	uint64_t now = vclock_now(vm);

	vlapic_update(vm, now);
	pit_update(vm, now);
	rtc_update(vm, now);
	uart_receive(vm);
}

/* The earlier of two clock times. */
static uint64_t earlier(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t pc_deadline(const struct vm *vm)
{
	uint64_t deadline = VCLOCK_NEVER;

	deadline = earlier(deadline, vlapic_deadline(vm));
	deadline = earlier(deadline, pit_deadline(vm));
	deadline = earlier(deadline, rtc_deadline(vm));
	return deadline;
}

void pc_set_irq(struct vm *vm, unsigned irq, bool high)
{
	int pin = pc_ioapic_pin(irq);

	pic_set_irq(vm, irq, high);
	if (pin != PC_NO_PIN)
		vioapic_set_pin(vm, (unsigned)pin, high);
}

/* The master PIC asks for the CPU and LINT0 takes it (ExtINT, the virtual wire). SDM Vol3A 10.5.1 */
static bool pic_through_lint0(const struct vm *vm)
{
	return vlapic_lint0_extint(vm) && pic_pending(vm) != PC_NO_VECTOR;
}

/* ExtINT first: it bypasses the local APIC's IRR and priorities (SDM Vol3A 10.5.1, Delivery Mode), as KVM's kvm_cpu_get_interrupt also orders them. */
int pc_intr_pending(const struct vm *vm)
{
	if (pic_through_lint0(vm))
		return pic_pending(vm);
	return vlapic_pending(vm);
}

void pc_intr_ack(struct vm *vm, uint8_t vector)
{
	if (pic_through_lint0(vm))
		pic_ack(vm);
	else
		vlapic_ack(vm, vector);
}
