/**
 * @file idmap.h
 * @brief Page tables that let a guest with paging off run under VT-x without unrestricted guest.
 */
#ifndef KERNEL_IDMAP_H
#define KERNEL_IDMAP_H

#include "kernel/lib.h"

struct vm;

/**
 * @brief Build 32-bit page tables mapping guest address x to the host page
 * holding guest-physical x, for every x in the VM's RAM.
 * @return host-physical address of the page directory (the real CR3), 0 when out of memory
 */
uint64_t idmap_build(struct vm *vm);

#endif
