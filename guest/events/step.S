/*
 * Single-stepping over instructions the hypervisor emulates (CPUID, MOV
 * from and to CR3, IN from COM1): natively each raises its single-step #DB
 * after it completes (SDM Vol3A 17.3.1.4), and so must the emulation.
 * The #DB handler counts and clears TF when it reaches step_end.
 */
	.text
	.global single_step_emulated, step_end
single_step_emulated:
	pushl %ebx
	pushfl
	orl $0x100, (%esp)          /* TF: the first trap comes after the next instruction */
	popfl
	xorl %eax, %eax
	cpuid
	movl %cr3, %eax
	movl %eax, %cr3
	movw $0x3FD, %dx
	inb %dx, %al
	nop
step_end:
	popl %ebx
	ret
