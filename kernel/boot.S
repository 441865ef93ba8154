/*
 * Entry from a Multiboot v1 loader (QEMU -kernel, tools/diskboot in Bochs) into 64-bit C.
 *
 * The loader leaves us in 32-bit protected mode with paging off, EAX =
 * 0x2BADB002 and EBX = the Multiboot info. We identity-map the first 4 GiB
 * with 2 MiB pages, enable long mode and call kmain(magic, info).
 * SDM Vol3A 9.8.5 (Initializing IA-32e Mode)
 */
#define MB_MAGIC       0x1BADB002
#define MB_PAGE_ALIGN  (1 << 0)   /* modules page aligned */
#define MB_MEMORY_INFO (1 << 1)   /* we want mem_* and the memory map */
#define MB_FLAGS       (MB_PAGE_ALIGN | MB_MEMORY_INFO)

#define PTE_P   0x001   /* present */
#define PTE_W   0x002   /* writable */
#define PTE_PWT 0x008   /* write-through */
#define PTE_PCD 0x010   /* cache disable (for the MMIO gigabyte) */
#define PTE_PS  0x080   /* 2 MiB page in a PD entry */
#define CR0_PG  (1 << 31)
#define CR0_NE  (1 << 5)
#define CR0_WP  (1 << 16)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define SEL_CODE64 0x08
#define SEL_DATA   0x10
#define COM1 0x3F8

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .text.boot, "ax"
	.code32
	.global _start
_start:
	cli
	movl %eax, %edi                 /* keep magic and info for kmain */
	movl %ebx, %esi
	movl $boot_stack_top, %esp

	/* Long mode is CPUID 80000001h EDX bit 29; without it, say so on COM1. */
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jc 1f
	movw $COM1 + 3, %dx
	movb $3, %al                    /* 8N1: Bochs starts COM1 in 5-bit mode */
	outb %al, %dx
	movl $no_long_mode_msg, %ebx
2:	movb (%ebx), %al
	testb %al, %al
	jz 3f
	movw $COM1, %dx
	outb %al, %dx
	incl %ebx
	jmp 2b
3:	hlt
	jmp 3b
1:
	/* PML4[0] -> PDPT; PDPT[0..3] -> the four PDs; PD entries: 2 MiB pages. */
	movl $boot_pdpt, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, boot_pml4
	xorl %ecx, %ecx
4:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, boot_pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 4b
	xorl %ecx, %ecx                 /* ecx = 2 MiB page number, 0..2047 */
5:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	cmpl $1536, %ecx                /* 3 GiB and up: devices, uncached */
	jb 6f
	orl $(PTE_PCD | PTE_PWT), %eax
6:	movl %eax, boot_pd(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 5b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_NE | CR0_WP), %eax
	movl %eax, %cr0
	lgdt gdt64_ptr
	ljmp $SEL_CODE64, $long_mode_entry

	.code64
long_mode_entry:
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp                 /* ends the backtrace */
	movl %edi, %edi                 /* zero-extend magic and info pointer */
	movl %esi, %esi
	call kmain
7:	hlt
	jmp 7b

	.section .rodata
no_long_mode_msg:
	.asciz "hv: this CPU has no long mode; the hypervisor needs x86-64\n"

	.section .data
	.balign 16
	/* The one host GDT; gdt.c fills the TSS descriptor (selector 0x18). */
	.global gdt64
gdt64:
	.quad 0                         /* null */
	.quad 0x00AF9A000000FFFF        /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00CF92000000FFFF        /* 0x10: data, DPL 0 */
	.quad 0, 0                      /* 0x18: 64-bit TSS (16 bytes) */
gdt64_end:
	.global gdt64_ptr
gdt64_ptr:
	.word gdt64_end - gdt64 - 1
	.quad gdt64

	.section .bss
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
boot_stack:	.skip 16384
	.global boot_stack_top
boot_stack_top:
