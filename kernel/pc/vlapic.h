/**
 * @file vlapic.h
 * @brief The guest's local APIC (xAPIC mode) as a register file at 0xFEE00000.
 *
 * Not the host's local APIC, which the AMD-V backend uses for its time
 * slices (kernel/lapic.c). SDM Vol3A 10.4.1 (The Local APIC Block Diagram),
 * Table 10-1 (Local APIC Register Address Map). No interrupt is delivered
 * yet: the registers are stored and read back, ISR, IRR and TMR read 0, the
 * timer does not count.
 */
#ifndef KERNEL_PC_VLAPIC_H
#define KERNEL_PC_VLAPIC_H

#include "kernel/lib.h"

#define VLAPIC_BASE 0xFEE00000u /**< its page: the reset value of IA32_APIC_BASE. SDM Vol3A 10.4.4 */
#define VLAPIC_SIZE 0x1000u     /**< one page of registers */
#define VLAPIC_LVT_ENTRIES 6    /**< LVT entries: the version register's max LVT entry plus one */

/** @brief The guest's local APIC: the registers a guest can write, as stored. */
struct vlapic {
	uint32_t id;          /**< APIC ID register (ID in bits 31:24) */
	uint32_t tpr;         /**< task priority */
	uint32_t ldr;         /**< logical destination */
	uint32_t dfr;         /**< destination format */
	uint32_t svr;         /**< spurious-interrupt vector */
	uint32_t icr_low;     /**< interrupt command, bits 31:0 (delivery status reads idle) */
	uint32_t icr_high;    /**< interrupt command, bits 63:32 (destination) */
	uint32_t lvt[VLAPIC_LVT_ENTRIES]; /**< LVT timer, thermal, performance, LINT0, LINT1, error, in address order */
	uint32_t initial_count; /**< timer initial count */
	uint32_t divide;      /**< timer divide configuration */
};

/** @brief Put @p a in its power-up state with APIC ID @p apic_id. SDM Vol3A 10.4.7.1 */
void vlapic_reset(struct vlapic *a, uint8_t apic_id);

/**
 * @brief Read the register at @p offset (a multiple of 16) into @p value.
 * @return false when no register is there (reserved, or not emulated yet)
 */
bool vlapic_read(const struct vlapic *a, uint32_t offset, uint32_t *value);

/**
 * @brief Write @p value to the register at @p offset (a multiple of 16);
 * read-only bits keep their value.
 * @return false when no writable register is there
 */
bool vlapic_write(struct vlapic *a, uint32_t offset, uint32_t value);

#endif
