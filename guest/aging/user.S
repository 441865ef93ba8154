/*
 * The ring-3 side of an access: one read or write, then `int $0x80` back to
 * ring 0. EBX holds the address, ECX the value to write.
 */
	.text
	.global user_read, user_write
user_read:
	movl (%ebx), %eax
	int $0x80
user_write:
	movl %ecx, (%ebx)
	int $0x80
