/*
 * The user program, guest/os/user, built as its own ELF file (user.elf)
 * and embedded here; elf.c loads it. guest.mk passes its path as USER_ELF.
 */
	.section .rodata
	.balign 16
	.global user_elf, user_elf_end
user_elf:
	.incbin USER_ELF
user_elf_end:
