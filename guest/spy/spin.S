/*
 * void spin_with_registers(const uint32_t regs[7], uint32_t iterations)
 *
 * Every general register but ESP holds a value from regs (EAX, EBX, ECX,
 * EDX, ESI, EDI, EBP) while the loop runs, so that a VM preempted here
 * leaves them all in its vCPU. The counter lives in memory.
 */
	.text
	.global spin_with_registers
spin_with_registers:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 24(%esp), %eax
	movl %eax, spin_count
	movl 20(%esp), %eax
	movl 4(%eax), %ebx
	movl 8(%eax), %ecx
	movl 12(%eax), %edx
	movl 16(%eax), %esi
	movl 20(%eax), %edi
	movl 24(%eax), %ebp
	movl 0(%eax), %eax
1:	decl spin_count
	jnz 1b
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

	.bss
	.balign 4
spin_count:
	.skip 4
