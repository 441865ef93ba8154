/*
 * Trap entry and exit (cpu.h). Each vector's stub (the exceptions and the
 * hardware interrupt vectors from T_IRQ0) pushes an error code of 0
 * when the CPU does not push one, then the vector number, so that every trap
 * reaches trap_common with the same layout: struct trap_frame.
 * SDM Vol3A 6.12.1 (Exception- or Interrupt-Handler Procedures),
 * 6.13 (Error Code): vectors 8, 10-14, 17, 21, 29 and 30 push one.
 */
#include "cpu.h"

.macro TRAP_STUB vector
trap_stub_\vector:
	.if !(\vector == 8 || (\vector >= 10 && \vector <= 14) || \vector == 17 || \vector == 21 || \vector == 29 || \vector == 30)
	pushl $0                    /* no error code from the CPU */
	.endif
	pushl $\vector
	jmp trap_common
.endm

	.text
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	TRAP_STUB \v
	.endr

	.irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	TRAP_STUB \v
	.endr

	.global trap_stub_syscall
trap_stub_syscall:
	pushl $0
	pushl $T_SYSCALL
	jmp trap_common

	.section .rodata
	.balign 4
	.global trap_stubs
trap_stubs:                         /* entry address of exception v, v = 0..31 */
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long trap_stub_\v
	.endr
	.global irq_stubs
irq_stubs:                          /* entry address of vector T_IRQ0 + n, n = 0..15 */
	.irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.long trap_stub_\v
	.endr

	.text
/* Complete the frame, switch to ring 0's data segments, call trap_dispatch(frame). */
trap_common:
	pushl %ds
	pushl %es
	pushl %fs
	pushl %gs
	pushal
	movl $SEG_KDATA, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	pushl %esp                  /* the struct trap_frame * argument */
	call trap_dispatch
	addl $4, %esp
/* Restore the frame at %esp and resume it. */
trap_exit:
	popal
	popl %gs
	popl %fs
	popl %es
	popl %ds
	addl $8, %esp               /* vector and error code */
	iret

/* void trap_return(const struct trap_frame *tf): resume tf. */
	.global trap_return
trap_return:
	movl 4(%esp), %esp
	jmp trap_exit
