/**
 * @file mbinfo.h
 * @brief The Multiboot info block a guest finds in EBX at entry.
 */
#ifndef KERNEL_MBINFO_H
#define KERNEL_MBINFO_H

#include "kernel/lib.h"

#define MBINFO_GPA       0x8000u /**< guest-physical address of the info block */
#define MBINFO_AREA_SIZE 0x1000u /**< bytes reserved there: block, memory map, command line */

/**
 * @brief Write the info block for a VM of @p ram_size bytes into @p ram at MBINFO_GPA.
 *
 * It holds mem_lower/mem_upper and a memory map as QEMU reports them for the
 * same RAM size (639 KiB low; high, the RAM less its first MiB and the
 * firmware's top 128 KiB: 15232 KiB for 16 MiB, 64384 KiB for 64 MiB; the
 * EBDA, the BIOS ROM area and that top reserved; kernel/firmware/bios.h),
 * and @p cmdline.
 * @return false, with a reason in @p err, when @p cmdline does not fit
 */
bool mbinfo_build(uint8_t *ram, uint64_t ram_size, const char *cmdline, char *err,
		  size_t err_size);

#endif
