/**
 * @file show_cache.h
 * @brief make show's records of lab 6's cache (the hypervisor option cache),
 * for kernel/show.c only: every root of a snapshot, the guest page tables the
 * shadows were filled from (write-protected, or unsync), and the cache's
 * counters in a VM's end record. kernel/show_cache.c writes them;
 * docs/show.md documents them.
 */
#ifndef KERNEL_SHOW_CACHE_H
#define KERNEL_SHOW_CACHE_H

#include "kernel/show_record.h"
#include "kernel/vm.h"

/** @brief What a snapshot printed of the cache: roots and guest tables. */
struct cache_counts {
	uint32_t roots;   /**< "root" records: roots in use */
	uint32_t gtables; /**< guest tables listed in "gtab" records */
};

/**
 * @brief With the cache on, print snapshot @p snap's "root" records (every
 * root in use) and "gtab" records (each guest table shadows were filled
 * from, and whether it is unsync), counting them in @p c; else nothing.
 */
void show_cache_snapshot(struct record *line, const struct vm *vm, int snap, struct cache_counts *c);

/** @brief Append the end record's "cache" field: the cache's counters, or null with the cache off. */
void show_cache_end(struct record *line, const struct vm *vm);

#endif
