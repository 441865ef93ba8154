/**
 * @file vioapic.h
 * @brief The guest's I/O APIC at 0xFEC00000: its redirection table, its 24
 * input pins, and delivery to the one local APIC (kernel/pc/vlapic.h).
 *
 * 82093AA: Intel 82093AA I/O Advanced Programmable Interrupt Controller
 * (IOAPIC) datasheet, 3.0 (Register Description), 2.4 (Interrupt Signals).
 */
#ifndef KERNEL_PC_VIOAPIC_H
#define KERNEL_PC_VIOAPIC_H

#include "kernel/lib.h"

struct vm;

#define VIOAPIC_BASE 0xFEC00000u /**< its page, where PC firmware puts it (and QEMU, and Bochs) */
#define VIOAPIC_SIZE 0x1000u     /**< one page (only IOREGSEL, IOWIN and EOI are decoded) */
#define VIOAPIC_PINS 24          /**< interrupt input pins, so redirection entries. 82093AA: 3.2.4 (IOREDTBL[23:0]) */
/** @brief The version register: version 0x20 with 24 pins (maximum redirection entry
 * 23 in bits 23:16). Ours to choose: QEMU's IOAPIC reports version 0x20, a later chip
 * than the 82093AA's 0x11 (82093AA: 3.2.2) that adds the EOI register. */
#define VIOAPIC_VERSION (0x20u | (VIOAPIC_PINS - 1) << 16)

/** @brief The guest's I/O APIC. */
struct vioapic {
	uint32_t regsel;                   /**< IOREGSEL: the register IOWIN reaches */
	uint32_t id;                       /**< IOAPICID (ID in bits 27:24) */
	uint64_t redirection[VIOAPIC_PINS]; /**< IOREDTBL as written (remote IRR and delivery status not kept here) */
	uint32_t high;                     /**< bit n: pin n's line is high */
	uint32_t remote_irr;               /**< bit n: pin n's level-triggered interrupt is in service at the local APIC */
};

/** @brief Put @p vm's IOAPIC in its reset state: every pin masked and low. 82093AA: 3.2.4 (IOREDTBL[23:0]) */
void vioapic_reset(struct vm *vm);

/**
 * @brief Read the memory-mapped register at @p offset (a multiple of 16).
 * @return false when none is there (IOREGSEL and IOWIN are; the EOI register is write-only)
 */
bool vioapic_read(struct vm *vm, uint32_t offset, uint32_t *value);

/**
 * @brief Write @p value to the memory-mapped register at @p offset (a multiple of 16).
 * @return false when none is there
 */
bool vioapic_write(struct vm *vm, uint32_t offset, uint32_t value);

/**
 * @brief Drive input pin @p pin (0-23) @p high or low: an edge-triggered pin
 * sends its interrupt on the rising edge, a level-triggered one while high
 * and its remote IRR is clear. A masked pin sends nothing. 82093AA: 3.2.4.
 */
void vioapic_set_pin(struct vm *vm, unsigned pin, bool high);

/**
 * @brief The local APIC ended level-triggered @p vector (its EOI): each pin
 * with that vector clears its remote IRR and, still high, sends again.
 * 82093AA: 3.2.4 (Remote IRR).
 */
void vioapic_eoi(struct vm *vm, uint8_t vector);

#endif
