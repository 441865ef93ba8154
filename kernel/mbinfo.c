/*
 * The guest's Multiboot info block: the same facts a native boot by QEMU
 * would give the guest, so that its output is the same in both places.
 * Layout inside the area at MBINFO_GPA: the block, then the memory map,
 * then the command line.
 *
 * The memory map is QEMU's (its firmware's E820 map, which its Multiboot
 * loader passes on), less the ranges above the RAM: conventional memory, the
 * EBDA reserved, the BIOS ROM area reserved, extended memory, and the RAM's
 * top 128 KiB reserved. The rest of the hole (0xA0000-0xEFFFF: video memory
 * and option ROMs) is in no entry, as natively. Multiboot 3.3 (mmap_*).
 */
#include "kernel/firmware/bios.h"
#include "kernel/mbinfo.h"
#include "kernel/multiboot.h"

#define FIRMWARE_TOP     (128 * KiB) /* QEMU's firmware keeps the top 128 KiB of RAM */

/* The area's layout: fixed offsets within MBINFO_AREA_SIZE. */
#define MMAP_OFFSET      0x100u
#define CMDLINE_OFFSET   0x200u

bool mbinfo_build(uint8_t *ram, uint64_t ram_size, const char *cmdline, char *err,
		  size_t err_size)
{
	size_t len = strlen(cmdline);

	if (len + 1 > MBINFO_AREA_SIZE - CMDLINE_OFFSET) {
		snprintf(err, err_size, "command line too long (%zu bytes, at most %u)", len,
			 MBINFO_AREA_SIZE - CMDLINE_OFFSET - 1);
		return false;
	}
	uint8_t *area = ram + MBINFO_GPA;
	struct mb_info *mbi = (void *)area;
	uint64_t high = ram_size - FIRMWARE_TOP - BIOS_HIGH_MEMORY_GPA;
	struct mb_mmap_entry map[] = {
		{ sizeof(map[0]) - 4, 0, BIOS_EBDA_GPA, MB_MMAP_AVAILABLE },
		{ sizeof(map[0]) - 4, BIOS_EBDA_GPA, BIOS_EBDA_KIB * KiB, MB_MMAP_RESERVED },
		{ sizeof(map[0]) - 4, BIOS_ROM_GPA, BIOS_ROM_SIZE, MB_MMAP_RESERVED },
		{ sizeof(map[0]) - 4, BIOS_HIGH_MEMORY_GPA, high, MB_MMAP_AVAILABLE },
		{ sizeof(map[0]) - 4, ram_size - FIRMWARE_TOP, FIRMWARE_TOP, MB_MMAP_RESERVED },
	};

	memset(area, 0, MBINFO_AREA_SIZE);
	memcpy(area + MMAP_OFFSET, map, sizeof(map));
	memcpy(area + CMDLINE_OFFSET, cmdline, len + 1);
	mbi->flags = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MMAP;
	mbi->mem_lower = BIOS_BASE_MEMORY_KIB;
	mbi->mem_upper = (uint32_t)(high / KiB);
	mbi->cmdline = MBINFO_GPA + CMDLINE_OFFSET;
	mbi->mmap_addr = MBINFO_GPA + MMAP_OFFSET;
	mbi->mmap_length = sizeof(map);
	return true;
}
