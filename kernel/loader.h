/**
 * @file loader.h
 * @brief The guest loader: a Multiboot v1 ELF32 image into a VM's guest-physical RAM.
 *
 * Pure code over byte buffers, so host unit tests exercise it with malformed
 * images. Every refusal names the problem and where in the file it is.
 */
#ifndef KERNEL_LOADER_H
#define KERNEL_LOADER_H

#include "kernel/lib.h"

#define GUEST_LOAD_MIN (1 * MiB) /**< guests load at 1 MiB and up (docs/guest-contract.md, "Image") */

/** @brief What a successful load tells the caller. */
struct guest_image {
	uint32_t entry;      /**< guest-physical entry point */
	uint32_t load_start; /**< lowest loaded guest-physical byte */
	uint32_t load_end;   /**< first byte after the highest loaded (bss included) */
};

/**
 * @brief Check @p image and copy its PT_LOAD segments into @p ram.
 *
 * @param image    the ELF file
 * @param size     its length in bytes
 * @param ram      the VM's guest-physical RAM (guest-physical 0 is ram[0])
 * @param ram_size bytes of @p ram
 * @param out      filled on success
 * @param err      receives a one-line reason on failure
 * @param err_size bytes of @p err
 * @return true when the image was loaded; @p ram is untouched otherwise
 */
bool load_guest_elf(const uint8_t *image, size_t size, uint8_t *ram, uint64_t ram_size,
		    struct guest_image *out, char *err, size_t err_size);

#endif
