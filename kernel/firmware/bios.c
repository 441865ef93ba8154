/*
 * The BIOS data area (BDA) at 0x400: the two words a PC OS reads to find its
 * low memory and the MP floating pointer (MP: Intel MultiProcessor
 * Specification 1.4, 4 (MP Floating Pointer Structure)):
 * - 40:13, the memory size in KiB: conventional memory below the EBDA.
 *   IBM PC AT Technical Reference, BIOS listing, data area (MEMORY_SIZE);
 * - 40:0E, the EBDA's segment; the EBDA's first byte is its size in KiB.
 *   IBM PS/2 and PC BIOS Interface Technical Reference, BIOS Data Area and
 *   Extended BIOS Data Area.
 * The values are those of QEMU's firmware: 639 KiB and segment 0x9FC0.
 */
#include "kernel/firmware/bios.h"

#define BDA_EBDA_SEGMENT 0x40E /* word: the EBDA's real-mode segment */
#define BDA_MEMORY_SIZE  0x413 /* word: base memory in KiB */
#define PARAGRAPH        16    /* bytes per real-mode segment step */

/* Store the 16-bit value at guest-physical gpa, little-endian as the BDA's words are. */
static void put_word(uint8_t *ram, uint32_t gpa, uint16_t value)
{
	ram[gpa] = (uint8_t)value;
	ram[gpa + 1] = (uint8_t)(value >> 8);
}

void bios_build(uint8_t *ram)
{
	put_word(ram, BDA_EBDA_SEGMENT, BIOS_EBDA_GPA / PARAGRAPH);
	put_word(ram, BDA_MEMORY_SIZE, BIOS_BASE_MEMORY_KIB);
	ram[BIOS_EBDA_GPA] = BIOS_EBDA_KIB;
}
