/*
 * The ring-3 side of the events guest: two system calls and a breakpoint,
 * then system call 1 back to ring 0. The kernel counts what arrives.
 */
	.text
	.global user_calls
user_calls:
	xorl %eax, %eax
	int $0x80
	int3
	xorl %eax, %eax
	int $0x80
	movl $1, %eax
	int $0x80

/* SMSW from ring 3 to the word at EBX, then system call 1 back to ring 0. */
	.global user_smsw
user_smsw:
	smsw (%ebx)
	movl $1, %eax
	int $0x80

/*
 * Virtual-8086 mode: CPUID, its EAX and EDX into ESI and EDI, then system
 * call 1 back to ring 0 (with IOPL 3, INT n goes through the IDT). The
 * guest copies these bytes to linear 0x6000 and runs them at 0600:0000.
 */
	.global v86_code, v86_code_end
v86_code:
	.code16
	movl $1, %eax
	xorl %ecx, %ecx
	cpuid
	movl %eax, %esi
	movl %edx, %edi
	movl $1, %eax
	int $0x80
	.code32
v86_code_end:

/* void enter_v86(uint32_t segment): IRET into virtual-8086 mode at segment:0,
 * stack segment:0FF0, with every segment register = segment. SDM Vol3B 20.2.5 */
	.global enter_v86
enter_v86:
	movl 4(%esp), %eax
	pushl %eax                  /* GS */
	pushl %eax                  /* FS */
	pushl %eax                  /* DS */
	pushl %eax                  /* ES */
	pushl %eax                  /* SS */
	pushl $0x0FF0               /* ESP */
	pushl $0x23002              /* EFLAGS: VM, IOPL 3, the always-one bit 1 */
	pushl %eax                  /* CS */
	pushl $0                    /* EIP */
	iret
