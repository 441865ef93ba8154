/*
 * The CGA/VGA CRT controller at 0x3D4 (index) and 0x3D5 (data), as a
 * register file: MC6845/CGA: IBM CGA Technical Reference, CRT controller
 * registers (R0-R17); VGA: IBM PS/2 Hardware Interface Technical Reference,
 * Video Subsystem, CRT controller registers (address register, CR00-CR18).
 *
 * Nothing is displayed, so the registers only hold what the guest writes:
 * - the index port reads back the last index written, as the VGA's CRTC
 *   address register does (the CGA's is write-only);
 * - R0-R17 (0x00-0x11) read back what was last written, all eight bits, as
 *   the VGA's do: among them the cursor start and end (0x0A, 0x0B), the
 *   start address (0x0C, 0x0D) and the cursor location (0x0E high, 0x0F
 *   low) that a text console keeps; they all start at 0 (cursor at the top
 *   left), the BIOS's mode set being no part of the guest contract;
 * - deviations: the MC6845 keeps 5 to 7 bits of some registers and lets only
 *   R14-R17 be read, and its R16-R17 are the light pen's; the VGA protects
 *   CR00-CR07 from writes while bit 7 of CR11 is set, and has more registers
 *   (0x12-0x18). Here any index from 0x12 up reads 0xFF and ignores writes.
 */
#include "kernel/pc/pc.h"
#include "kernel/vm.h"

#define CRTC_ABSENT 0xFF /* a register the file does not hold */

/* The register the index selects, or NULL beyond R17. */
static uint8_t *crtc_selected(struct crtc *c)
{
	return c->index < CRTC_REGS ? &c->regs[c->index] : NULL;
}

uint32_t crtc_read(struct vm *vm, uint16_t port, unsigned size)
{
	struct crtc *c = &vm->pc.crtc;
	const uint8_t *reg = crtc_selected(c);

	(void)size;
	if (port == CRTC_INDEX_PORT)
		return c->index;
	return reg ? *reg : CRTC_ABSENT;
}

void crtc_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	struct crtc *c = &vm->pc.crtc;
	uint8_t *reg;

	(void)size;
	if (port == CRTC_INDEX_PORT) {
		c->index = (uint8_t)value;
		return;
	}
	reg = crtc_selected(c);
	if (reg)
		*reg = (uint8_t)value;
}
