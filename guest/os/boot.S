/*
 * Boot: the Multiboot loader enters _start with paging off; this file's
 * section, .boot, is linked at its physical address (kernel.ld). Build the boot page directory with 4 MiB pages: an identity
 * map of the first 4 MiB (only for the instructions until the jump) and the
 * first 16 MiB of physical memory at KERNEL_BASE, global. Turn on CR4.PSE,
 * paging and CR0.WP, then CR4.PGE, and jump to kmain in the higher half,
 * which drops the identity map.
 */
#include "os.h"
#include "paging.h"
#include "x86.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x3   /* page-aligned modules, memory information */
#define V2P_ASM(x) ((x) - KERNEL_BASE)

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.section .boot, "ax"
	.code32
	.global _start
_start:
	movl %eax, %esi                     /* Multiboot magic */
	movl %ebx, %edi                     /* Multiboot info, physical */

	movl $V2P_ASM(boot_pgdir), %edx
	movl $(PDE_PS | PTE_RW | PTE_P), %eax
	movl %eax, (%edx)                   /* PDE 0: identity map of 0-4 MiB, not global */
	orl $PTE_G, %eax
	leal ((KERNEL_BASE >> 22) * 4)(%edx), %ebx
	movl $KERNEL_PDES, %ecx
1:	movl %eax, (%ebx)                   /* KERNEL_BASE + n*4 MiB -> n*4 MiB, global */
	addl $LARGE_PAGE_SIZE, %eax
	addl $4, %ebx
	loop 1b

	movl %cr4, %eax
	orl $CR4_PSE, %eax
	movl %eax, %cr4
	movl %edx, %cr3
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	/* SDM Vol3A 2.5 (Control Registers), CR4.PGE: set it only once paging is on. */
	movl %cr4, %eax
	orl $CR4_PGE, %eax
	movl %eax, %cr4

	movl $boot_stack_top, %esp          /* a higher-half address from here on */
	pushl $0
	popfl                               /* IF=0, DF=0 */
	pushl %edi
	pushl %esi
	movl $kmain, %eax
	call *%eax                          /* kmain(magic, info_pa) does not return */
2:	hlt
	jmp 2b

	.bss
	.balign PAGE_SIZE
	.global boot_pgdir
boot_pgdir:
	.skip PAGE_SIZE
	.balign 16
boot_stack:
	.skip 16384
boot_stack_top:
