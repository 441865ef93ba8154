/*
 * Guest entry. A Multiboot v1 loader (QEMU -kernel, tools/diskboot, or the
 * hypervisor) enters here in 32-bit protected mode, paging off, with
 * EAX = 0x2BADB002 and EBX = the Multiboot info. We keep every register as
 * the loader left it (guest_entry_regs), set a stack and call
 * guest_main(magic, info); its return value is the exit code.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x3   /* page-aligned modules, memory information */

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.global _start
_start:
	movl %eax, guest_entry_regs + 0
	movl %ecx, guest_entry_regs + 4
	movl %edx, guest_entry_regs + 8
	movl %ebx, guest_entry_regs + 12
	movl %esp, guest_entry_regs + 16
	movl %ebp, guest_entry_regs + 20
	movl %esi, guest_entry_regs + 24
	movl %edi, guest_entry_regs + 28
	movl $stack_top, %esp
	pushl $0
	popfl                       /* a known EFLAGS: IF=0, DF=0 */
	pushl %ebx
	pushl %eax
	call guest_main
	pushl %eax
	call guest_exit             /* does not return */

	.bss
	.balign 4
	.global guest_entry_regs
guest_entry_regs:
	.skip 32
	.balign 16
stack:	.skip 16384
stack_top:
