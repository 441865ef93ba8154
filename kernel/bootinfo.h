/**
 * @file bootinfo.h
 * @brief What the host kernel learns from its own Multiboot info: memory, command line, guest modules.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include "kernel/lib.h"

#define BOOT_MAX_MODULES 8  /**< guest images the host accepts */
#define BOOT_MAX_RANGES  16 /**< usable memory ranges kept from the memory map */

/** @brief One module: a guest image and its command line. */
struct boot_module {
	const uint8_t *image; /**< first byte, host address */
	size_t size;          /**< bytes */
	const char *cmdline;  /**< "name.elf args...": the file name without directories, then its arguments */
};

/** @brief A range of usable physical memory. */
struct mem_range {
	uint64_t start; /**< first byte */
	uint64_t end;   /**< first byte after */
};

/** @brief Everything kmain needs from the boot loader. */
struct bootinfo {
	const char *cmdline;                            /**< the hypervisor's own arguments */
	struct boot_module modules[BOOT_MAX_MODULES];   /**< guest images */
	int module_count;                               /**< number of modules */
	struct mem_range ram[BOOT_MAX_RANGES];          /**< usable RAM */
	int ram_count;                                  /**< number of ranges */
	struct mem_range reserved[BOOT_MAX_MODULES + 3];/**< loader data the allocator must not hand out */
	int reserved_count;                             /**< number of reserved ranges */
};

/** @brief Read the loader's info block at @p mbi_addr; panics on a loader that broke the protocol. */
void bootinfo_parse(uint32_t magic, uint64_t mbi_addr, struct bootinfo *bi);

/** @brief Find "key=value" in the hypervisor command line; returns value or NULL. Stops at space. */
const char *bootinfo_option(const struct bootinfo *bi, const char *key);

/** @brief Whether the command line has the word @p key, alone or as "key=...". */
bool bootinfo_flag(const struct bootinfo *bi, const char *key);

#endif
