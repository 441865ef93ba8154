/*
 * void svm_enter(uint64_t vmcb_pa, uint64_t *gpr, uint64_t host_save_pa)
 *
 * The world switch for AMD-V. VMRUN saves and restores only part of the
 * host state (APM Vol2 15.5.1); FS, GS, TR, LDTR and the syscall MSRs are
 * switched with VMSAVE/VMLOAD around it, using a host save page. The guest's
 * RAX, RSP, RIP and RFLAGS live in the VMCB; the other GPRs in gpr[], but
 * not R8-R15: a guest without long mode (EFER is not guest-writable) cannot
 * read or write them.
 *
 * Interrupts: the host runs with IF=0. For the VMRUN, GIF is cleared and IF
 * set, so that a host interrupt (the LAPIC timer) during the guest causes an
 * INTR exit (V_INTR_MASKING=1) and stays pending until the host takes it.
 * APM Vol2 15.17 (Global Interrupt Flag), 15.21.1 (Virtual Interrupt Masking)
 */
#define RCX 1*8
#define RDX 2*8
#define RBX 3*8
#define RBP 5*8
#define RSI 6*8
#define RDI 7*8

	.text
	.code64
	.global svm_enter
svm_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdx                      /* host save page */
	pushq %rsi                      /* gpr pointer */
	pushq %rdi                      /* VMCB */

	movq %rdx, %rax
	vmsave %rax                     /* host FS, GS, TR, LDTR, syscall MSRs */
	rdtsc                           /* the VM's clock and the exit costs: guest time starts here */
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, tsc_at_entry(%rip)
	movq RCX(%rsi), %rcx
	movq RDX(%rsi), %rdx
	movq RBX(%rsi), %rbx
	movq RBP(%rsi), %rbp
	movq RDI(%rsi), %rdi
	movq RSI(%rsi), %rsi
	movq (%rsp), %rax               /* VMCB physical address */
	clgi
	sti
	vmload %rax
	vmrun %rax
	vmsave %rax
	cli
	stgi                            /* a pending interrupt stays pending: IF=0 */

	pushq %rsi                      /* guest RSI; 16(%rsp) is the gpr pointer */
	movq 16(%rsp), %rsi
	movq %rcx, RCX(%rsi)
	movq %rdx, RDX(%rsi)
	movq %rbx, RBX(%rsi)
	movq %rbp, RBP(%rsi)
	movq %rdi, RDI(%rsi)
	popq %rax
	movq %rax, RSI(%rsi)
	rdtsc                           /* the VM's clock and the exit costs: guest time ends here */
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, tsc_at_exit(%rip)

	addq $16, %rsp                  /* VMCB, gpr pointer */
	popq %rax                       /* host save page */
	vmload %rax
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
