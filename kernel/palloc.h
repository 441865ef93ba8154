/**
 * @file palloc.h
 * @brief The physical page allocator: 4 KiB pages, single or contiguous, always zeroed.
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

/** @brief Give back @p count pages starting at @p p. */
void pfree_pages(void *p, size_t count);

/** @brief Pages currently free. */
size_t palloc_free_count(void);

#endif
