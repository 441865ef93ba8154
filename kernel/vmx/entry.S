/*
 * int vmx_enter(uint64_t *gpr, int launched)
 *
 * The world switch. The VMCS holds the guest's RSP, RIP and RFLAGS; the
 * other GPRs are loaded from gpr[] here and saved back at the exit. The
 * host's callee-saved registers and the gpr pointer are pushed, and the VMCS
 * host RSP is pointed at them, so that a VM exit (which lands at
 * vmx_exit_entry with that RSP) can find its way back.
 * SDM Vol3C 26 (VM Entries), 27.5 (Loading Host State)
 */
#define HOST_RSP 0x6C14
#define RAX 0*8
#define RCX 1*8
#define RDX 2*8
#define RBX 3*8
#define RBP 5*8
#define RSI 6*8
#define RDI 7*8
#define R8  8*8
#define R9  9*8
#define R10 10*8
#define R11 11*8
#define R12 12*8
#define R13 13*8
#define R14 14*8
#define R15 15*8

	.text
	.code64
	.global vmx_enter
vmx_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                      /* gpr pointer, found again at the exit */
	movq $HOST_RSP, %rax
	vmwrite %rsp, %rax
	jbe .Lfail_before_entry

	rdtsc                           /* cost accounting: host time ends here */
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, tsc_at_entry(%rip)
	cmpl $0, %esi                   /* flags survive the MOVs below */
	movq RAX(%rdi), %rax
	movq RCX(%rdi), %rcx
	movq RDX(%rdi), %rdx
	movq RBX(%rdi), %rbx
	movq RBP(%rdi), %rbp
	movq RSI(%rdi), %rsi
	movq R8(%rdi), %r8
	movq R9(%rdi), %r9
	movq R10(%rdi), %r10
	movq R11(%rdi), %r11
	movq R12(%rdi), %r12
	movq R13(%rdi), %r13
	movq R14(%rdi), %r14
	movq R15(%rdi), %r15
	movq RDI(%rdi), %rdi
	je .Llaunch
	vmresume
	jmp .Lfail                      /* only reached when VMRESUME failed */
.Llaunch:
	vmlaunch
.Lfail:
.Lfail_before_entry:
	movl $1, %eax
	jmp .Lreturn

	.global vmx_exit_entry
vmx_exit_entry:
	pushq %rdi                      /* guest RDI; 8(%rsp) is the gpr pointer */
	movq 8(%rsp), %rdi
	movq %rax, RAX(%rdi)
	movq %rcx, RCX(%rdi)
	movq %rdx, RDX(%rdi)
	movq %rbx, RBX(%rdi)
	movq %rbp, RBP(%rdi)
	movq %rsi, RSI(%rdi)
	movq %r8, R8(%rdi)
	movq %r9, R9(%rdi)
	movq %r10, R10(%rdi)
	movq %r11, R11(%rdi)
	movq %r12, R12(%rdi)
	movq %r13, R13(%rdi)
	movq %r14, R14(%rdi)
	movq %r15, R15(%rdi)
	popq %rax
	movq %rax, RDI(%rdi)
	rdtsc                           /* cost accounting: host time starts here */
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, tsc_at_exit(%rip)
	xorl %eax, %eax
.Lreturn:                               /* eax: 0 after an exit, 1 on VMfail */
	addq $8, %rsp                   /* the gpr pointer */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
