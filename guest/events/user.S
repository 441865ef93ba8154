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
