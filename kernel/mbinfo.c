/*
 * The guest's Multiboot info block: the same facts a native boot by QEMU
 * would give the guest, so that its output is the same in both places.
 * Layout inside the area at MBINFO_GPA: the block, then the memory map,
 * then the command line.
 */
#include "kernel/mbinfo.h"
#include "kernel/multiboot.h"

#define LOW_MEMORY_KIB   639u     /* conventional memory below the EBDA, as QEMU reports */
#define EBDA_START       0x9FC00u /* end of conventional memory */
#define HIGH_MEMORY      0x100000u
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
	struct mb_mmap_entry map[2] = {
		{ sizeof(map[0]) - 4, 0, EBDA_START, MB_MMAP_AVAILABLE },
		{ sizeof(map[0]) - 4, HIGH_MEMORY, ram_size - FIRMWARE_TOP - HIGH_MEMORY,
		  MB_MMAP_AVAILABLE },
	};

	memset(area, 0, MBINFO_AREA_SIZE);
	memcpy(area + MMAP_OFFSET, map, sizeof(map));
	memcpy(area + CMDLINE_OFFSET, cmdline, len + 1);
	mbi->flags = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MMAP;
	mbi->mem_lower = LOW_MEMORY_KIB;
	mbi->mem_upper = (uint32_t)((ram_size - FIRMWARE_TOP - HIGH_MEMORY) / KiB);
	mbi->cmdline = MBINFO_GPA + CMDLINE_OFFSET;
	mbi->mmap_addr = MBINFO_GPA + MMAP_OFFSET;
	mbi->mmap_length = sizeof(map);
	return true;
}
