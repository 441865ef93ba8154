/*
 * One access at CPL 3, for guests that test what ring 3 may touch: start one
 * with trap_frame_user() and trap_return() at ring3_read, ring3_write or
 * ring3_fetch; it makes the access, then `int $0x80` (T_SYSCALL) goes back to
 * ring 0 with the value in EAX. EBX holds the address (for a fetch, the code
 * to call), ECX the value to write.
 */
	.text
	.global ring3_read, ring3_write, ring3_fetch
ring3_read:
	movl (%ebx), %eax
	int $0x80
ring3_write:
	movl %ecx, (%ebx)
	int $0x80
ring3_fetch:
	call *%ebx
	int $0x80
