/*
 * The guest's I/O APIC: two memory-mapped registers, IOREGSEL and IOWIN,
 * reach the chip's own registers indirectly.
 * 82093AA: Intel 82093AA I/O Advanced Programmable Interrupt Controller
 * (IOAPIC) datasheet, 3.1 (Memory Mapped Registers for Accessing IOAPIC
 * Registers), 3.2.1 (IOAPICID), 3.2.2 (IOAPICVER), 3.2.3 (IOAPICARB),
 * 3.2.4 (IOREDTBL[23:0]).
 *
 * No interrupt is delivered yet: the redirection table is storage, no pin is
 * ever raised, delivery status and remote IRR read 0, and an EOI ends nothing.
 */
#include "kernel/pc/vioapic.h"

/* The memory-mapped registers. 82093AA: 3.1 */
#define MMIO_REGSEL     0x00
#define MMIO_WINDOW     0x10
#define MMIO_EOI        0x40 /* version 0x20 chips only (see VERSION) */

/* The registers IOREGSEL selects. 82093AA: 3.2 */
#define REG_ID          0x00
#define REG_VERSION     0x01
#define REG_ARBITRATION 0x02
#define REG_REDIR_FIRST 0x10 /* IOREDTBL[n]: low half at 0x10 + 2n, high half at 0x11 + 2n */
#define REG_REDIR_LAST  (REG_REDIR_FIRST + 2 * VIOAPIC_PINS - 1)

#define REGSEL_BITS     0x000000FFu /* the register address. 82093AA: 3.1 */
#define ID_BITS         0x0F000000u /* 82093AA: 3.2.1 */
/* Version 0x20 with 24 pins (maximum redirection entry 23 in bits 23:16). Ours to choose:
 * QEMU's IOAPIC reports version 0x20 (hw/intc/ioapic.c, IOAPIC_VER_DEF), a later
 * chip than the 82093AA's 0x11 (82093AA: 3.2.2) that adds the EOI register. */
#define VERSION         (0x20u | (VIOAPIC_PINS - 1) << 16)
/* Writable bits of a redirection entry: vector, delivery mode, destination mode,
 * polarity, trigger mode, mask (low half), destination (high half); delivery
 * status (bit 12) and remote IRR (bit 14) are the chip's. 82093AA: 3.2.4 */
#define REDIR_LOW_BITS  0x0001AFFFu
#define REDIR_HIGH_BITS 0xFF000000u
#define REDIR_MASKED    0x00010000u

void vioapic_reset(struct vioapic *io)
{
	*io = (struct vioapic){ 0 };
	for (int pin = 0; pin < VIOAPIC_PINS; pin++)
		io->redirection[pin] = REDIR_MASKED;
}

/* Register reg of the redirection table is an entry's high half (else its low half). */
static bool is_high_half(uint32_t reg)
{
	return (reg - REG_REDIR_FIRST) % 2;
}

/* Read the register IOREGSEL selects. */
static bool read_selected(const struct vioapic *io, uint32_t *value)
{
	uint32_t reg = io->regsel;

	if (reg >= REG_REDIR_FIRST && reg <= REG_REDIR_LAST) {
		uint64_t entry = io->redirection[(reg - REG_REDIR_FIRST) / 2];

		*value = (uint32_t)(is_high_half(reg) ? entry >> 32 : entry);
		return true;
	}
	switch (reg) {
	case REG_ID:
	case REG_ARBITRATION: /* the arbitration ID is loaded from the ID. 82093AA: 3.2.3 */
		*value = io->id;
		return true;
	case REG_VERSION:
		*value = VERSION;
		return true;
	default:
		return false;
	}
}

/* Write the register IOREGSEL selects. */
static bool write_selected(struct vioapic *io, uint32_t value)
{
	uint32_t reg = io->regsel;

	if (reg >= REG_REDIR_FIRST && reg <= REG_REDIR_LAST) {
		uint64_t *entry = &io->redirection[(reg - REG_REDIR_FIRST) / 2];

		if (is_high_half(reg))
			*entry = (uint32_t)*entry | (uint64_t)(value & REDIR_HIGH_BITS) << 32;
		else
			*entry = (*entry & ~0xFFFFFFFFull) | (value & REDIR_LOW_BITS);
		return true;
	}
	if (reg == REG_ID) {
		io->id = value & ID_BITS;
		return true;
	}
	return false; /* version and arbitration are read-only */
}

bool vioapic_read(const struct vioapic *io, uint32_t offset, uint32_t *value)
{
	switch (offset) {
	case MMIO_REGSEL:
		*value = io->regsel;
		return true;
	case MMIO_WINDOW:
		return read_selected(io, value);
	default:
		return false;
	}
}

bool vioapic_write(struct vioapic *io, uint32_t offset, uint32_t value)
{
	switch (offset) {
	case MMIO_REGSEL:
		io->regsel = value & REGSEL_BITS;
		return true;
	case MMIO_WINDOW:
		return write_selected(io, value);
	case MMIO_EOI:
		return true; /* no level-triggered interrupt is ever in service yet */
	default:
		return false;
	}
}
