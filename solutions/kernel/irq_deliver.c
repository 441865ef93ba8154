/*
 * Virtual interrupts before every entry (kernel/irq.h): the controllers
 * (kernel/pc/) say which vector they present, the backend what shadow the
 * guest is in; irq_decide (kernel/irq.c) answers, and this file carries the
 * answer out through the backend.
 */
#include "kernel/backend.h"
#include "kernel/irq.h"
#include "kernel/pc/platform.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

/* What irq_decide needs about the vector vm's chips present, from its backend. */
static struct irq_view view_of(struct vm *vm, int vector)
{
	unsigned shadow = active_backend->interrupt_shadow(&vm->vcpu);

	return (struct irq_view){
		.vector = vector,
		.interrupt_flag = vm->vcpu.rflags & RFLAGS_IF,
		.sti_blocking = shadow & IRQ_SHADOW_STI,
		.mov_ss_blocking = shadow & IRQ_SHADOW_MOV_SS,
		.injecting = vm->vcpu.injecting,
	};
}

/* Open or close vm's interrupt window; the backend hears only of a change. */
static void set_window(struct vm *vm, bool open)
{
	if (vm->vcpu.window_open == open)
		return; /* most entries: closed, and staying closed */
	active_backend->interrupt_window(&vm->vcpu, open);
	vm->vcpu.window_open = open;
}

void irq_update(struct vm *vm)
{
	pc_update(vm);
	if (vm->halted && pc_intr_pending(vm) != PC_NO_VECTOR)
		vm->halted = false; /* an interrupt resumes it after the HLT. SDM Vol2A HLT */
}

void irq_deliver(struct vm *vm)
{
	struct irq_view view;
	int vector;

	irq_update(vm);
	if (vm->halted)
		return; /* not entered: nothing to decide */
	vector = pc_intr_pending(vm);
	if (vector == PC_NO_VECTOR) { /* most entries: irq_decide would answer IRQ_NOTHING */
		set_window(vm, false);
		return;
	}
	view = view_of(vm, vector);
	switch (irq_decide(&view)) {
	case IRQ_INJECT:
		active_backend->inject(&vm->vcpu, &(struct event){ .valid = true, .type = EVENT_EXTERNAL,
								   .vector = (uint8_t)view.vector });
		vm->vcpu.injecting = true;
		pc_intr_ack(vm, (uint8_t)view.vector);
		vm->stats.interrupts++;
		set_window(vm, false);
		break;
	case IRQ_OPEN_WINDOW:
		set_window(vm, true);
		break;
	case IRQ_NOTHING:
		break; /* not reached: irq_decide answers it only when no vector is presented */
	}
}
