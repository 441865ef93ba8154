/**
 * @file bios.h
 * @brief The guest's first MiB as a PC's firmware leaves it: the BIOS data
 * area, the extended BIOS data area (EBDA), CGA text memory and the BIOS ROM
 * area, at the addresses QEMU's firmware (SeaBIOS) uses.
 *
 * All of it is the VM's RAM: the hypervisor gives a VM RAM from guest-physical
 * 0 up, the hole between 640 KiB and 1 MiB included, so CGA text memory keeps
 * what the guest writes (natively it is the VGA's memory, which does too) and
 * the virtual TLB maps it like any RAM. The Multiboot memory map
 * (kernel/mbinfo.c) reports the EBDA and the BIOS ROM area reserved, and the
 * rest of the hole, as natively, not at all.
 */
#ifndef KERNEL_FIRMWARE_BIOS_H
#define KERNEL_FIRMWARE_BIOS_H

#include "kernel/lib.h"

#define BIOS_EBDA_GPA        0x9FC00u  /**< the EBDA: conventional memory's last KiB */
#define BIOS_EBDA_KIB        1u        /**< its size */
#define BIOS_BASE_MEMORY_KIB (BIOS_EBDA_GPA / KiB) /**< conventional memory below the EBDA: 639 */
#define BIOS_HOLE_GPA        0xA0000u  /**< the hole: video memory, option ROMs, the BIOS, to 1 MiB */
#define BIOS_CGA_TEXT_GPA    0xB8000u  /**< CGA text memory (the VGA's in text mode) */
#define BIOS_CGA_TEXT_SIZE   0x8000u   /**< its 32 KiB */
#define BIOS_ROM_GPA         0xF0000u  /**< the BIOS ROM area, to 1 MiB */
#define BIOS_ROM_SIZE        0x10000u  /**< its 64 KiB */
#define BIOS_HIGH_MEMORY_GPA 0x100000u /**< where extended memory begins */

/**
 * @brief Write the BIOS data area's EBDA segment and base memory size into
 * @p ram (a VM's RAM from guest-physical 0), and the EBDA's size into its
 * first byte.
 */
void bios_build(uint8_t *ram);

#endif
