/*
 * The ring-3 side of the hostile read: the local APIC's version register,
 * mapped supervisor-only, then `int $0x80` back to ring 0 (never reached:
 * the read is a #PF). EBX holds the address.
 */
	.text
	.global user_read
user_read:
	movl (%ebx), %eax
	int $0x80
