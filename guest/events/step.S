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

/*
 * INT1 (ICEBP, opcode F1): a #DB that, like a trap, is delivered after the
 * instruction, with EIP at int1_after (SDM Vol3A 17.3.1, Table 17-2). A
 * hypervisor that intercepts #DB must tell it from a debug fault by its
 * interruption type (privileged software exception), or the guest returns
 * to the F1 and executes it forever. (QEMU's TCG raises #UD instead.)
 */
	.global int1_once, int1_after
int1_once:
	.byte 0xf1
int1_after:
	ret

/*
 * void single_step_msw(uint16_t *word): CLTS, LMSW and SMSW with register
 * and memory operands, single-stepped as above: eight #DB, TS set at the end
 * and the MSW with TS in *word. (With paging off no operand faults.)
 */
	.global single_step_msw, msw_step_end
single_step_msw:
	movl 4(%esp), %ecx
	movl %cr0, %eax
	orl $0x8, %eax              /* CR0.TS, for CLTS to clear */
	movl %eax, %cr0
	pushfl
	orl $0x100, (%esp)
	popfl
	clts
	smsw %ax
	orw $0x8, %ax
	lmsw %ax                    /* TS from a register */
	smsw (%ecx)
	clts
	lmsw (%ecx)                 /* TS from memory */
	nop
msw_step_end:
	ret
