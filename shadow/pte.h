/**
 * @file pte.h
 * @brief 32-bit (non-PAE) paging: entry bits, the address split, page-fault error codes.
 *
 * The control-register bits that choose the paging mode are kernel/x86.h's.
 *
 * SDM Vol3A 4.3 (32-Bit Paging), Tables 4-4 to 4-6; 4.7 (Page-Fault Exceptions).
 *
 *     31          22 21          12 11           0
 *    +--------------+--------------+--------------+
 *    |  PD index    |  PT index    | page offset  |   4 KiB page
 *    +--------------+--------------+--------------+
 *    |  PD index    |      offset in a 4 MiB page |   PDE.PS=1, CR4.PSE=1
 *    +--------------+-----------------------------+
 */
#ifndef SHADOW_PTE_H
#define SHADOW_PTE_H

#include <stdint.h>

#include "kernel/x86.h" /* CR0_PG, CR0_WP, CR4_PSE, CR4_PGE: the paging mode's bits */

#define PTE_P    (1u << 0)  /**< present */
#define PTE_RW   (1u << 1)  /**< writable (R/W) */
#define PTE_US   (1u << 2)  /**< user-accessible (U/S) */
#define PTE_PWT  (1u << 3)  /**< write-through */
#define PTE_PCD  (1u << 4)  /**< cache disable */
#define PTE_A    (1u << 5)  /**< accessed */
#define PTE_D    (1u << 6)  /**< dirty (in a PTE, or a PDE that maps a 4 MiB page) */
#define PTE_PS   (1u << 7)  /**< in a PDE: maps a 4 MiB page (with CR4.PSE) */
#define PTE_G    (1u << 8)  /**< global (with CR4.PGE); ignored in a PDE that points to a page table */
#define PDE_PAT_4M (1u << 12) /**< in a PDE that maps a 4 MiB page: PAT, not an address bit */
/** In a PDE that maps a 4 MiB page: bits 21:13, reserved (must be 0) without PSE-36,
 *  which the hypervisor's CPUID hides. SDM Vol3A 4.3, Table 4-4 */
#define PDE_RSVD_4M 0x003FE000u

/* Bits 9-11 are ignored by the CPU; the virtual TLB uses two in its own entries. */
#define SPTE_GLOBAL (1u << 9)  /**< shadow entry of a guest global page: kept across CR3 writes */
#define SPTE_LARGE  (1u << 10) /**< shadow entry split from a guest 4 MiB page */

#define PTE_FRAME     0xFFFFF000u /**< address of a 4 KiB frame or page table */
#define PDE_FRAME_4M  0xFFC00000u /**< address of a 4 MiB page */

#define PAGE_SIZE_4K  0x1000u      /**< bytes in a small page */
#define PAGE_SIZE_4M  0x400000u    /**< bytes in a large page */
#define ENTRIES       1024         /**< entries in a page directory or table */

#define PAGE_SHIFT_4K 12           /**< log2(PAGE_SIZE_4K): address >> PAGE_SHIFT_4K is a frame number */
#define PAGE_SHIFT_4M 22           /**< log2(PAGE_SIZE_4M): address >> PAGE_SHIFT_4M is a PD index */

#define PDX(va)  ((uint32_t)(va) >> PAGE_SHIFT_4M)                  /**< page-directory index of va */
#define PTX(va)  (((uint32_t)(va) >> PAGE_SHIFT_4K) & (ENTRIES - 1)) /**< page-table index of va */

/* The page-fault error code. SDM Vol3A 4.7, Figure 4-12 */
#define PFERR_P  (1u << 0) /**< 0: not present; 1: protection violation */
#define PFERR_W  (1u << 1) /**< the access was a write */
#define PFERR_U  (1u << 2) /**< the access was a user-mode access */
#define PFERR_RSVD (1u << 3) /**< an entry had a reserved bit set (always with PFERR_P) */

#endif
