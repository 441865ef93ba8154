/*
 * The ring-3 side of a probe: one access, then `int $0x80` back to ring 0
 * with the value in EAX. EBX holds the address, ECX the value to write.
 */
	.text
	.global user_read, user_write, user_fetch
user_read:
	movl (%ebx), %eax
	int $0x80
user_write:
	movl %ecx, (%ebx)
	int $0x80
user_fetch:
	call *%ebx                  /* the test page's code: mov $value, %eax; ret */
	int $0x80
