/**
 * @file vioapic.h
 * @brief The guest's I/O APIC as a register file at 0xFEC00000.
 *
 * 82093AA: Intel 82093AA I/O Advanced Programmable Interrupt Controller
 * (IOAPIC) datasheet, 3.0 (Register Description). No interrupt is delivered
 * yet: the redirection table is storage, and no pin is ever raised.
 */
#ifndef KERNEL_PC_VIOAPIC_H
#define KERNEL_PC_VIOAPIC_H

#include "kernel/lib.h"

#define VIOAPIC_BASE 0xFEC00000u /**< its page, where PC firmware puts it (and QEMU, and Bochs) */
#define VIOAPIC_SIZE 0x1000u     /**< one page (only IOREGSEL, IOWIN and EOI are decoded) */
#define VIOAPIC_PINS 24          /**< interrupt input pins, so redirection entries. 82093AA: 3.2.4 (IOREDTBL[23:0]) */

/** @brief The guest's I/O APIC. */
struct vioapic {
	uint32_t regsel;                   /**< IOREGSEL: the register IOWIN reaches */
	uint32_t id;                       /**< IOAPICID (ID in bits 27:24) */
	uint64_t redirection[VIOAPIC_PINS]; /**< IOREDTBL: one 64-bit entry per pin */
};

/** @brief Put @p io in its reset state: every pin masked. 82093AA: 3.2.4 (IOREDTBL[23:0]) */
void vioapic_reset(struct vioapic *io);

/**
 * @brief Read the memory-mapped register at @p offset (a multiple of 16).
 * @return false when none is there, or IOWIN selects no register
 */
bool vioapic_read(const struct vioapic *io, uint32_t offset, uint32_t *value);

/**
 * @brief Write @p value to the memory-mapped register at @p offset (a multiple of 16).
 * @return false when none is there, or IOWIN selects no writable register
 */
bool vioapic_write(struct vioapic *io, uint32_t offset, uint32_t value);

#endif
