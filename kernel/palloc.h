/**
 * @file palloc.h
 * @brief The physical page allocator: 4 KiB pages, single or contiguous, zeroed (unless poisoned).
 *
 * Host memory is identity mapped, so a page's physical address is also the
 * pointer the host uses.
 */
#ifndef KERNEL_PALLOC_H
#define KERNEL_PALLOC_H

#include "kernel/bootinfo.h"

#define PAGE_SIZE 4096ul /**< bytes in a page */

/** @brief Take every usable page of @p bi except the reserved ranges. */
void palloc_init(const struct bootinfo *bi);

/**
 * @brief Allocate @p count contiguous zeroed pages aligned to @p align bytes.
 * @return host address of the first page, or NULL when no such run is free.
 */
void *palloc_pages(size_t count, size_t align);

/** @brief Allocate one zeroed page; NULL when memory is exhausted. */
void *palloc(void);

/**
 * @brief While @p on, pages come filled with PALLOC_POISON bytes instead of zeros.
 *
 * The VT-x backend turns it on around lab 1's vmcs_setup: a fresh VMCS's fields
 * are undefined until written (SDM Vol3C 25.11.3), and Bochs keeps them in the
 * region's memory, so a field vmcs_setup forgets reads as garbage, not as 0.
 */
void palloc_poison(bool on);

#define PALLOC_POISON 0xA5 /**< the byte poisoned pages are filled with */

/** @brief Give back @p count pages starting at @p p. */
void pfree_pages(void *p, size_t count);

/** @brief Pages currently free. */
size_t palloc_free_count(void);

#endif
