/*
 * A Multiboot v1 loader on a raw disk, for Bochs runs (instead of GRUB).
 *
 * The BIOS loads sector 0 of the disk to 0x7C00 and jumps to it in 16-bit
 * real mode (with DL = the boot drive). Only that first sector is loaded, so
 * it reads the rest of this file (stage 2) from the sectors after it to just
 * behind itself. Stage 2 then
 *   1. reads the payload tools/mkdisk laid out on the disk, chunk by chunk, to
 *      a low buffer and copies each chunk to its place, above 1 MiB too;
 *   2. asks the BIOS for its memory map and writes it into the Multiboot info;
 *   3. enables A20, enters 32-bit protected mode with flat segments, zeroes the
 *      kernel's bss and jumps to the kernel's entry point in the state
 *      Multiboot 0.6.96 3.2 (Machine state) requires.
 * Everything it needs to know comes from the parameter block at
 * PARAMS_OFFSET, which tools/mkdisk fills (the layout there must match).
 * BIOS calls are named as in Ralf Brown's Interrupt List.
 *
 * Assembled by tools/hvrun: as --32, then ld -Ttext 0x7c00 --oformat binary.
 */
#define BOOT_ADDR      0x7C00   /* where the BIOS loads sector 0 */
#define SECTOR_SIZE    512
#define SECTOR_SHIFT   9                        /* bytes = sectors << SECTOR_SHIFT */
#define WORDS_SHIFT    8                        /* 16-bit words = sectors << WORDS_SHIFT */
#define STACK_TOP      BOOT_ADDR                /* the real-mode stack grows down from here */
#define STAGE2_SEG     ((BOOT_ADDR + SECTOR_SIZE) >> 4) /* stage 2 goes right after sector 0 */
#define BUFFER_SEG     0x2000                   /* the low buffer: 0x20000, below 640 KiB */
#define BUFFER_ADDR    (BUFFER_SEG << 4)
#define CHUNK_SECTORS  64                       /* 32 KiB a read: well inside one block move's 64 KiB */

/* The parameter block (tools/mkdisk writes it; the offsets must match there). */
#define PARAMS_OFFSET  8
#define PARAMS_MAGIC   0x544F4F42               /* "BOOT" */
#define MAX_EXTENTS    6
#define EXTENT_SIZE    12                       /* three longs */

/* The Multiboot info fields this loader fills, Multiboot 0.6.96 3.3 (Boot information format). */
#define MB_BOOT_MAGIC  0x2BADB002               /* in EAX at the kernel's entry */
#define MBI_FLAGS      0
#define MBI_MEM_LOWER  4
#define MBI_MEM_UPPER  8
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR  48
#define MB_INFO_MEMORY (1 << 0)                 /* mem_lower, mem_upper valid */
#define MB_INFO_MMAP   (1 << 6)                 /* mmap_length, mmap_addr valid */

/* INT 15h AX=E820h (GET SYSTEM MEMORY MAP) entries: base, length (64-bit each), type. */
#define E820_FUNCTION  0xE820
#define E820_SMAP      0x534D4150               /* "SMAP" */
#define E820_ENTRY_SIZE 20
#define E820_BASE      0
#define E820_LENGTH    8
#define E820_TYPE      16
#define E820_AVAILABLE 1
#define MMAP_SIZE_FIELD 4                       /* Multiboot puts a size before each entry */
#define HIGH_MEMORY    0x100000                 /* mem_upper counts from 1 MiB */
#define FOUND_LOWER    1                        /* bits of found_memory */
#define FOUND_UPPER    2

#define PORT_A20       0x92                     /* System Control Port A: bit 1 = A20 on, bit 0 = reset */
#define A20_ENABLE     0x02
#define CR0_PE         0x1
#define SEL_CODE32     0x08                     /* our flat GDT below */
#define SEL_DATA32     0x10
#define BIOS_TTY_PAGE  0                        /* INT 10h AH=0Eh: display page */
#define COM1_INDEX     0                        /* INT 14h: port number of COM1 */
#define SERIAL_8N1_9600 0xE3                    /* INT 14h AH=00h: 9600 baud, no parity, 1 stop, 8 bits */

	.code16
	.text
	.global _start
_start:
	jmp boot_start
	.org PARAMS_OFFSET
/* The parameter block: filled by tools/mkdisk. */
params:
p_magic:	.long 0                          /* PARAMS_MAGIC once filled */
p_entry:	.long 0                          /* the kernel's entry point */
p_info:		.long 0                          /* Multiboot info block (16-byte aligned, below 640 KiB) */
p_bss_start:	.long 0                          /* the kernel's last segment's bss: zeroed at the end */
p_bss_length:	.long 0
p_mmap_capacity: .word 0                         /* memory map entries the info block has room for */
p_extent_count:	.word 0
/* Each extent: destination address, first disk sector (LBA), sectors; loaded in
 * this order, so each may end in its last sector's zero padding. */
p_extents:	.fill MAX_EXTENTS * 3, 4, 0

boot_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $STACK_TOP, %sp
	ljmp $0, $normalised                    /* CS:IP = 0:7Cxx, whatever the BIOS used */
normalised:
	sti
	cld
	movb %dl, boot_drive
	/* Stage 2: the sectors after this one, to just after it. */
	movl $1, %eax
	movw $STAGE2_SECTORS, %cx
	movw $STAGE2_SEG, %di
	call read_sectors
	jmp stage2

/* Read CX sectors from disk sector EAX to DI:0.
 * INT 13h AH=42h (EXTENDED READ) with a disk address packet; halts on failure. */
read_sectors:
	pushal
	movl %eax, dap_lba
	movw %cx, dap_count
	movw %di, dap_segment
	movb $0x42, %ah
	movb boot_drive, %dl
	movw $dap, %si
	int $0x13
	jc disk_error
	popal
	ret

disk_error:
	movw $msg_disk, %si
	jmp halt_with_message

/* Print the NUL-terminated string at SI on the screen (INT 10h AH=0Eh, TELETYPE OUTPUT)
 * and on COM1 (INT 14h AH=01h, WRITE CHARACTER TO PORT), then stop for good. */
halt_with_message:
	movb $0x00, %ah                         /* INT 14h AH=00h: INITIALIZE PORT */
	movb $SERIAL_8N1_9600, %al
	movw $COM1_INDEX, %dx
	int $0x14
1:	lodsb
	testb %al, %al
	jz 2f
	pushw %ax
	movb $0x0E, %ah
	movb $BIOS_TTY_PAGE, %bh
	int $0x10
	popw %ax
	movb $0x01, %ah
	movw $COM1_INDEX, %dx
	int $0x14
	jmp 1b
2:	cli
	hlt
	jmp 2b

msg_disk:	.asciz "boot: disk read failed\r\n"
boot_drive:	.byte 0

/* Disk address packet for INT 13h AH=42h. */
	.balign 4
dap:
	.byte 16                                /* size of the packet */
	.byte 0
dap_count:	.word 0                          /* sectors */
dap_offset:	.word 0                          /* buffer offset ... */
dap_segment:	.word 0                          /* ... and segment */
dap_lba:	.quad 0                          /* first sector */

	.org SECTOR_SIZE - 2
	.word 0xAA55                            /* the BIOS boots only a sector that ends so */

/* ---- Stage 2: read by the code above from sector 1 on. ---- */
stage2:
	call load_extents
	call collect_memory_map
	call enable_a20
	jmp enter_protected_mode

/* Load every extent of the parameter block, in order. */
load_extents:
	movw $p_extents, %bx
	movw p_extent_count, %bp
1:	testw %bp, %bp
	jz 2f
	call load_extent
	addw $EXTENT_SIZE, %bx
	decw %bp
	jmp 1b
2:	ret

/* Load the extent at BX: its sectors, CHUNK_SECTORS at a time, through the buffer. */
load_extent:
	movl 0(%bx), %edi                       /* destination */
	movl 4(%bx), %eax                       /* next sector */
	movl 8(%bx), %edx                       /* sectors left */
1:	testl %edx, %edx
	jz 3f
	movl $CHUNK_SECTORS, %ecx
	cmpl %ecx, %edx
	jae 2f
	movl %edx, %ecx
2:	pushw %di
	movw $BUFFER_SEG, %di
	call read_sectors
	popw %di
	call copy_from_buffer
	addl %ecx, %eax
	subl %ecx, %edx
	shll $SECTOR_SHIFT, %ecx                /* sectors to bytes */
	addl %ecx, %edi
	jmp 1b
3:	ret

/* Copy CX sectors from the buffer to physical address EDI.
 * INT 15h AH=87h (COPY EXTENDED MEMORY): the BIOS switches to protected mode
 * for the copy with the descriptors in move_gdt; halts on failure. */
copy_from_buffer:
	pushal
	movl %edi, %eax
	movw %ax, move_dest + 2                 /* base 15:0 */
	shrl $16, %eax
	movb %al, move_dest + 4                 /* base 23:16 */
	movb %ah, move_dest + 7                 /* base 31:24 */
	shlw $WORDS_SHIFT, %cx                  /* sectors to words */
	movw $move_gdt, %si                     /* ES:SI = the descriptor table */
	movb $0x87, %ah
	int $0x15
	jc move_error
	popal
	ret

move_error:
	movw $msg_move, %si
	jmp halt_with_message

/* Write the BIOS memory map into the Multiboot info as a Multiboot memory map
 * (each entry after its size field), with mem_lower and mem_upper taken from
 * it as GRUB does. INT 15h AX=E820h (GET SYSTEM MEMORY MAP).
 * Multiboot 0.6.96 3.3 (Boot information format). */
collect_memory_map:
	movl p_info, %eax
	shrl $4, %eax
	movw %ax, %es                           /* ES:0 = the info block */
	movw %es:MBI_MMAP_ADDR, %di
	subw p_info, %di                        /* ES:DI = the map, in the info block */
	movw %di, %si                           /* where it starts */
	xorl %ebx, %ebx                         /* continuation: 0 = the first entry */
	xorw %bp, %bp                           /* entries so far */
1:	cmpw p_mmap_capacity, %bp
	jae 3f
	movl $E820_ENTRY_SIZE, %es:(%di)        /* the size field */
	addw $MMAP_SIZE_FIELD, %di
	movl $E820_FUNCTION, %eax
	movl $E820_SMAP, %edx
	movl $E820_ENTRY_SIZE, %ecx
	int $0x15
	jc 2f                                   /* carry: past the last entry */
	cmpl $E820_SMAP, %eax
	jne 2f
	call note_memory_size
	addw $E820_ENTRY_SIZE, %di
	incw %bp
	testl %ebx, %ebx                        /* 0: that was the last entry */
	jz 3f
	jmp 1b
2:	subw $MMAP_SIZE_FIELD, %di              /* the last size field has no entry */
3:	subw %si, %di
	movw %di, %es:MBI_MMAP_LENGTH
	orl $MB_INFO_MMAP, %es:MBI_FLAGS
	cmpb $(FOUND_LOWER | FOUND_UPPER), found_memory
	jne 4f
	orl $MB_INFO_MEMORY, %es:MBI_FLAGS
4:	xorw %ax, %ax
	movw %ax, %es
	ret

/* If the E820 entry at ES:DI is the usable RAM from 0 or from 1 MiB, store its
 * size in KiB as mem_lower or mem_upper. */
note_memory_size:
	cmpl $E820_AVAILABLE, %es:E820_TYPE(%di)
	jne 2f
	cmpl $0, %es:E820_BASE + 4(%di)         /* above 4 GiB: neither */
	jne 2f
	movl %es:E820_LENGTH(%di), %eax
	movl %es:E820_LENGTH + 4(%di), %edx
	shrdl $10, %edx, %eax                   /* bytes to KiB */
	cmpl $0, %es:E820_BASE(%di)
	jne 1f
	movl %eax, %es:MBI_MEM_LOWER
	orb $FOUND_LOWER, found_memory
	ret
1:	cmpl $HIGH_MEMORY, %es:E820_BASE(%di)
	jne 2f
	movl %eax, %es:MBI_MEM_UPPER
	orb $FOUND_UPPER, found_memory
2:	ret

/* Let address line 20 through: System Control Port A ("fast A20"), which Bochs has.
 * Multiboot 0.6.96 3.2 (Machine state): A20 must be enabled. */
enable_a20:
	inb $PORT_A20, %al
	orb $A20_ENABLE, %al
	andb $~1, %al                           /* bit 0 would reset the machine */
	outb %al, $PORT_A20
	ret

/* Load the flat GDT and enter 32-bit protected mode, paging off, interrupts off. */
enter_protected_mode:
	cli
	lgdtl gdt_pointer
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $protected_mode

	.code32
/* Flat data segments, the kernel's bss zeroed, then the kernel with EAX = the
 * boot magic and EBX = the info block. Multiboot 0.6.96 3.2 (Machine state). */
protected_mode:
	movw $SEL_DATA32, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $STACK_TOP, %esp
	movl p_bss_start, %edi
	movl p_bss_length, %ecx
	xorl %eax, %eax
	shrl $2, %ecx                           /* four bytes a step ... */
	rep stosl
	movl p_bss_length, %ecx
	andl $3, %ecx                           /* ... then the rest */
	rep stosb
	movl $MB_BOOT_MAGIC, %eax
	movl p_info, %ebx
	jmp *p_entry

msg_move:	.asciz "boot: copy to high memory failed\r\n"
found_memory:	.byte 0                          /* FOUND_LOWER | FOUND_UPPER */

/* Descriptor table for INT 15h AH=87h: null, the BIOS's own, source, destination,
 * two more for the BIOS. Source: the buffer; destination: set per copy. */
	.balign 8
move_gdt:
	.quad 0, 0
move_source:
	.word 0xFFFF, BUFFER_ADDR & 0xFFFF      /* limit 15:0, base 15:0 */
	.byte BUFFER_ADDR >> 16, 0x93, 0, 0     /* base 23:16, data read/write, -, base 31:24 */
move_dest:
	.word 0xFFFF, 0
	.byte 0, 0x93, 0, 0
	.quad 0, 0

/* Our GDT: flat 4 GiB code and data, 32-bit. SDM Vol3A 3.4.5 (Segment Descriptors) */
	.balign 8
gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF                /* SEL_CODE32: base 0, limit 4 GiB, execute/read */
	.quad 0x00CF92000000FFFF                /* SEL_DATA32: base 0, limit 4 GiB, read/write */
gdt_end:
gdt_pointer:
	.word gdt_end - gdt - 1
	.long gdt

	.balign SECTOR_SIZE
stage2_end:
	.equ STAGE2_SECTORS, (stage2_end - stage2) / SECTOR_SIZE
