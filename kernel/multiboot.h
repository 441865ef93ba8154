/**
 * @file multiboot.h
 * @brief The Multiboot v1 format: the header a kernel carries and the info block a loader gives.
 *
 * Used three ways: the host kernel reads the info block its loader gave it
 * (QEMU -kernel, or tools/diskboot in Bochs),
 * the guest loader checks a guest's header, and builds the guest's info block.
 * Multiboot Specification 0.6.96, section 3.
 */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <stdint.h>

#define MB_HEADER_MAGIC   0x1BADB002u /**< in the kernel image's header */
#define MB_BOOT_MAGIC     0x2BADB002u /**< in EAX at entry */
#define MB_HEADER_SEARCH  8192        /**< the header lies within this many bytes of the file */

/* Header flags, Multiboot 3.1.2: bits 0-15 are required, a loader must refuse unknown ones. */
#define MB_HFLAG_PAGE_ALIGN  (1u << 0)  /**< modules on page boundaries */
#define MB_HFLAG_MEMORY_INFO (1u << 1)  /**< mem_* fields wanted */
#define MB_HFLAG_VIDEO_MODE  (1u << 2)  /**< video mode wanted (optional to honour) */
#define MB_HFLAG_AOUT_KLUDGE (1u << 16) /**< load addresses in the header instead of ELF */
#define MB_HFLAG_REQUIRED_MASK 0xFFFFu  /**< bits a loader must understand */

/* Info flags, Multiboot 3.3. */
#define MB_INFO_MEMORY  (1u << 0) /**< mem_lower, mem_upper valid */
#define MB_INFO_CMDLINE (1u << 2) /**< cmdline valid */
#define MB_INFO_MODS    (1u << 3) /**< mods_count, mods_addr valid */
#define MB_INFO_MMAP    (1u << 6) /**< mmap_length, mmap_addr valid */

#define MB_MMAP_AVAILABLE 1 /**< memory map type: usable RAM */
#define MB_MMAP_RESERVED  2 /**< memory map type: reserved (any value but 1 is) */

/** @brief The header inside a Multiboot kernel image (Multiboot 3.1.1). */
struct mb_header {
	uint32_t magic;    /**< MB_HEADER_MAGIC */
	uint32_t flags;    /**< MB_HFLAG_* */
	uint32_t checksum; /**< magic + flags + checksum == 0 */
};

/** @brief The info block a loader passes in EBX (Multiboot 3.3); fields up to the memory map. */
struct mb_info {
	uint32_t flags;       /**< MB_INFO_* */
	uint32_t mem_lower;   /**< KiB of memory from 0 */
	uint32_t mem_upper;   /**< KiB of memory from 1 MiB */
	uint32_t boot_device; /**< BIOS boot device */
	uint32_t cmdline;     /**< physical address of the command line */
	uint32_t mods_count;  /**< number of modules */
	uint32_t mods_addr;   /**< physical address of the first struct mb_module */
	uint32_t syms[4];     /**< a.out or ELF symbol information */
	uint32_t mmap_length; /**< bytes of memory map */
	uint32_t mmap_addr;   /**< physical address of the first struct mb_mmap_entry */
} __attribute__((packed));

/** @brief One boot module (Multiboot 3.3). */
struct mb_module {
	uint32_t start;  /**< physical address of the first byte */
	uint32_t end;    /**< physical address after the last byte */
	uint32_t string; /**< physical address of the module's command line */
	uint32_t reserved;
} __attribute__((packed));

/** @brief One memory map entry; @c size does not count itself (Multiboot 3.3). */
struct mb_mmap_entry {
	uint32_t size; /**< size of the rest of this entry */
	uint64_t addr; /**< first byte */
	uint64_t len;  /**< length in bytes */
	uint32_t type; /**< MB_MMAP_AVAILABLE or reserved */
} __attribute__((packed));

#endif
