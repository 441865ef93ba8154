/*
 * The interrupt side of guest/irqs: one entry per vector it uses, each
 * calling irq_entry(vector, interrupted EIP) with every register saved,
 * and the exact instruction sequences whose interrupt shadow it checks.
 * SDM Vol3A 6.8.3 (Masking Exceptions and Interrupts When Switching Stacks),
 * 6.12.1 (Exception- or Interrupt-Handler Procedures).
 */
#include "apic.h"

	.text

/* One stub: after PUSHAL, the CPU's EIP is 32 bytes up the stack. */
.macro irq_stub vector
	.global irq_stub_\vector
irq_stub_\vector:
	pushal
	pushl 32(%esp)
	pushl $\vector
	call irq_entry
	addl $8, %esp
	popal
	iret
.endm

	irq_stub 0x40
	irq_stub 0x51
	irq_stub 0x52
	irq_stub 0x61
	irq_stub 0x71
	irq_stub 0x72
	irq_stub 0xff

/* STI, then one instruction in its shadow: the interrupt comes at sti_after. */
	.global shadow_sti, sti_after
shadow_sti:
	sti
	movl $1, shadow_marker
sti_after:
	nop
	cli
	ret

/* STI, then an instruction that exits under a hypervisor (CPUID): the
 * interrupt comes after it, at sti_cpuid_after, not one instruction later. */
	.global shadow_sti_cpuid, sti_cpuid_after
shadow_sti_cpuid:
	pushl %ebx
	xorl %eax, %eax
	sti
	cpuid
sti_cpuid_after:
	nop
	cli
	popl %ebx
	ret

/* Interrupts on, then MOV SS, and in its shadow the ICR write that sends
 * this CPU vector 0x52 (under a hypervisor an exit): the interrupt comes
 * after the write, at mov_ss_after. Not after STI, whose shadow would
 * cover MOV SS: the SDM leaves such a pair to the implementation. */
	.global shadow_mov_ss, mov_ss_after
shadow_mov_ss:
	sti
	nop
	movw %ss, %ax
	movl $LAPIC_ICR_HIGH, %ecx
	movl $0, (%ecx)			/* ICR high: no destination, the shorthand is self */
	movl $LAPIC_ICR_LOW, %ecx
	movl $(ICR_SELF | ICR_ASSERT | 0x52), %edx /* fixed, vector 0x52 */
	movw %ax, %ss
	movl %edx, (%ecx)
mov_ss_after:
	nop
	cli
	ret

/* STI; HLT with an interrupt pending: HLT runs (in STI's shadow), then the
 * interrupt wakes it at hlt_after. */
	.global pending_at_hlt, hlt_after
pending_at_hlt:
	sti
	hlt
hlt_after:
	cli
	ret

/* STI, then a store to a page not touched since paging was turned on
 * (the argument: its address): under a hypervisor a hidden page fault in
 * STI's shadow, which ends the shadow as any exception does. */
	.global store_fresh
store_fresh:
	movl 4(%esp), %eax
	sti
	movl $3, (%eax)
	nop
	cli
	ret

/* Interrupts on, on a stack page not touched since paging was turned on
 * (the argument: its top), with an interrupt pending: it comes after the NOP in
 * STI's shadow, at fresh_stack_after, and its delivery pushes onto that
 * page: under a hypervisor a hidden page fault during delivery. */
	.global fresh_stack_window, fresh_stack_after
fresh_stack_window:
	movl 4(%esp), %eax
	movl %esp, %ecx		/* kept in ECX: nothing may touch the page before the delivery */
	movl %eax, %esp
	sti
	nop
fresh_stack_after:
	nop
	cli
	movl %ecx, %esp
	ret

/* Interrupts on for a few instructions: whatever the local APIC may deliver comes. */
	.global irq_window
irq_window:
	sti
	nop
	nop
	nop
	cli
	ret
