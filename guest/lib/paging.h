/**
 * @file paging.h
 * @brief 32-bit non-PAE paging: entry bits, address split, page-fault error code, control bits.
 *
 * A linear address is split in three (SDM Vol3A 4.3 (32-Bit Paging)):
 *
 *      31          22 21          12 11            0
 *     +--------------+--------------+---------------+
 *     | PDX: PD index| PTX: PT index| page offset   |   4 KiB page
 *     +--------------+--------------+---------------+
 *     | PDX          | offset in a 4 MiB page       |   PDE with PS=1 (CR4.PSE=1)
 *     +--------------+------------------------------+
 *
 * A PDE and a PTE share most bits; PTE_D and PTE_G mean something in a PDE only when it maps
 * a 4 MiB page. Plain hexadecimal constants, so that assembly files can include this header.
 */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#define PAGE_SIZE       0x1000   /**< bytes in a 4 KiB page */
#define LARGE_PAGE_SIZE 0x400000 /**< bytes in a 4 MiB page (PDE with PS=1) */
#define ENTRIES         1024     /**< entries in a page directory or a page table */

/* Entry bits, SDM Vol3A 4.3 (32-Bit Paging), tables 4-4 to 4-6. */
#define PTE_P   0x001 /**< present */
#define PTE_RW  0x002 /**< writable (else read-only) */
#define PTE_US  0x004 /**< user (else supervisor only) */
#define PTE_PWT 0x008 /**< page-level write-through */
#define PTE_PCD 0x010 /**< page-level cache disable */
#define PTE_A   0x020 /**< accessed: set by the CPU on a successful translation */
#define PTE_D   0x040 /**< dirty: set by the CPU on a write (PTE, or PDE with PS=1) */
#define PDE_PS  0x080 /**< in a PDE: maps a 4 MiB page (needs CR4.PSE) */
#define PTE_G   0x100 /**< global: kept across CR3 loads when CR4.PGE=1 (PTE, or PDE with PS=1) */
#define PTE_AVL 0xE00 /**< bits 9-11: ignored by the CPU, free for the OS */

#define PTE_FRAME       0xFFFFF000 /**< physical address of the page (or page table) in an entry */
#define PDE_LARGE_FRAME 0xFFC00000 /**< physical address of the 4 MiB page in a PDE with PS=1 */

/** @brief Page-directory index of linear address @p va. */
#define PDX(va) (((uint32_t)(va) >> 22) & 0x3FF)
/** @brief Page-table index of linear address @p va. */
#define PTX(va) (((uint32_t)(va) >> 12) & 0x3FF)
/** @brief @p a rounded down to a page boundary. */
#define PAGE_DOWN(a) ((uint32_t)(a) & ~(uint32_t)(PAGE_SIZE - 1))
/** @brief @p a rounded up to a page boundary. */
#define PAGE_UP(a) PAGE_DOWN((uint32_t)(a) + PAGE_SIZE - 1)

/* Page-fault error code, SDM Vol3A 4.7 (Page-Fault Exceptions). */
#define PFERR_P    0x01 /**< 1: protection violation; 0: not-present entry */
#define PFERR_W    0x02 /**< the access was a write */
#define PFERR_U    0x04 /**< the access was made at CPL 3 */
#define PFERR_RSVD 0x08 /**< a reserved bit was set in an entry */
#define PFERR_ID   0x10 /**< instruction fetch (only with NX or SMEP; never in this mode) */

/* Control bits, SDM Vol3A 2.5 (Control Registers). */
#define CR0_WP  0x00010000 /**< write protect: ring 0 cannot write read-only pages */
#define CR4_PSE 0x00000010 /**< page size extensions: PDEs with PS=1 map 4 MiB */
#define CR4_PGE 0x00000080 /**< global pages: entries with G=1 survive CR3 loads */

#endif
