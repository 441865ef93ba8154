/*
 * int vmx_enter(uint64_t *gpr, int launched)
 *
 * The world switch. The VMCS holds the guest's RSP, RIP and RFLAGS; the
 * other GPRs are loaded from gpr[] here and saved back at the exit. The
 * host's callee-saved registers and the gpr pointer are pushed, and the VMCS
 * host RSP is pointed at them, so that a VM exit (which lands at
 * vmx_exit_entry with that RSP) can find its way back. R8-R15 are neither
 * switched nor cleared: a guest that never runs in IA-32e mode (the entry
 * control is off and EFER is not guest-writable) cannot read or write them.
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

	rdtsc                           /* the VM's clock and the exit costs: guest time starts here */
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
	popq %rax
	movq %rax, RDI(%rdi)
	rdtsc                           /* the VM's clock and the exit costs: guest time ends here */
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
