/**
 * @file vlapic.h
 * @brief The guest's local APIC (xAPIC mode) at 0xFEE00000: its registers,
 * its interrupt request, in-service and trigger-mode registers, and its timer.
 *
 * Not the host's local APIC, which the AMD-V backend uses for its time
 * slices (kernel/lapic.c). SDM Vol3A 10.4.1 (The Local APIC Block Diagram),
 * Table 10-1 (Local APIC Register Address Map).
 *
 * The timer's input, the bus clock, runs at VCLOCK_HZ: one timer tick per
 * tick of the VM's clock (kernel/vclock.h) before the divide configuration
 * divides it, the 1 GHz QEMU's local APIC counts at too. SDM Vol3A 10.5.4.
 *
 * At the guest's entry it is as QEMU's firmware, SeaBIOS, leaves it (read
 * natively by guest/apics): software enabled with spurious vector 0xFF,
 * LINT0 ExtINT (the virtual wire from the 8259A, MP specification 1.4,
 * 3.6.2.2), LINT1 NMI, the other LVT entries masked, TPR 0. Bochs's BIOS
 * leaves LINT0 and LINT1 masked; the virtual wire the MP specification
 * describes, which SeaBIOS sets up, is what is followed here.
 */
#ifndef KERNEL_PC_VLAPIC_H
#define KERNEL_PC_VLAPIC_H

#include "kernel/lib.h"
#include "kernel/pc/vecreg.h"

struct vm;

#define VLAPIC_BASE 0xFEE00000u /**< its page: the reset value of IA32_APIC_BASE. SDM Vol3A 10.4.4 */
#define VLAPIC_SIZE 0x1000u     /**< one page of registers */
/** @brief The version register: version 0x14 (an xAPIC), six LVT entries (max LVT
 * entry 5). Ours to choose; QEMU's APIC reports this value. SDM Vol3A 10.4.8 */
#define VLAPIC_VERSION 0x00050014u
#define VLAPIC_LVT_ENTRIES 6    /**< LVT entries: the version register's max LVT entry plus one */
#define VLAPIC_SVR_ENABLE 0x00000100u /**< SVR: APIC software enable. SDM Vol3A 10.4.7.2 */
#define VLAPIC_CLASS_SHIFT 4          /**< a vector's priority class is its bits 7:4. SDM Vol3A 10.8.3 */
#define VLAPIC_CLASS_BITS 0xF0u       /**< those bits in place: a priority's class, its subclass cleared */

/** @brief The guest's local APIC. */
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
	uint32_t isr[VECREG_WORDS]; /**< in service: bit v of the 256 is vector v */
	uint32_t tmr[VECREG_WORDS]; /**< trigger mode: set for a level-triggered vector */
	uint32_t irr[VECREG_WORDS]; /**< interrupt requests accepted, not yet taken */
	uint32_t esr;         /**< error status as the guest reads it: what the last write to ESR latched */
	uint32_t errors;      /**< errors detected since the last write to ESR */
	uint64_t timer_start; /**< clock time at which the initial count was written */
	uint64_t timer_next;  /**< clock time of the timer's next expiry, or VCLOCK_NEVER */
};

/**
 * @brief Put @p vm's local APIC in the state the firmware leaves at the
 * guest's entry (APIC ID 0). SDM Vol3A 10.4.7.1 (Local APIC State After
 * Power-Up or Reset), then what SeaBIOS programs (see the file comment).
 */
void vlapic_reset(struct vm *vm);

/**
 * @brief Read the register at @p offset (a multiple of 4) into @p value.
 * A reserved offset reads 0 and sets ESR's illegal register address bit.
 * @return false when @p offset is not a multiple of 16, the start of a
 * register's 16-byte slot (SDM Vol3A 10.4.1: 128-bit aligned accesses)
 */
bool vlapic_read(struct vm *vm, uint32_t offset, uint32_t *value);

/**
 * @brief Write @p value to the register at @p offset (a multiple of 4):
 * read-only bits keep their value, a read-only register ignores it, a
 * reserved offset sets ESR's illegal register address bit.
 * @return false when @p offset is not a multiple of 16, as vlapic_read()
 */
bool vlapic_write(struct vm *vm, uint32_t offset, uint32_t value);

/**
 * @brief An interrupt message with @p vector arrives (from the IOAPIC, an IPI,
 * or an LVT entry): its IRR bit is set, its TMR bit set if @p level
 * (level-triggered), cleared if not. SDM Vol3A 10.8.4.
 * @return false when a vector 0-15 was refused (ESR: receive illegal vector)
 */
bool vlapic_accept(struct vm *vm, uint8_t vector, bool level);

/** @brief Whether @p vm's local APIC holds a request in IRR (whatever its priority). */
bool vlapic_requesting(const struct vm *vm);

/**
 * @brief Lab 7 (kernel/pc/vlapic_priority.c): the processor priority of @p a,
 * TPR or the class of the highest interrupt in service, whichever is higher.
 * SDM Vol3A 10.8.3.1 (Task and Processor Priorities).
 */
uint32_t vlapic_ppr(const struct vlapic *a);

/**
 * @brief Lab 7: the vector the local APIC presents to the CPU, the highest
 * one in IRR whose priority class is above the processor priority's, or
 * PC_NO_VECTOR (kernel/pc/platform.h); none while the APIC is software
 * disabled. SDM Vol3A 10.8.3.1, 10.8.4 (Interrupt Acceptance for Fixed Interrupts).
 */
int vlapic_pending(const struct vm *vm);

/** @brief Lab 7: the CPU took @p vector (the one vlapic_pending() named): it moves from IRR to ISR. SDM Vol3A 10.8.4 */
void vlapic_ack(struct vm *vm, uint8_t vector);

/**
 * @brief Lab 7: the guest wrote EOI: the highest-priority interrupt in
 * service ends, and a level-triggered one (TMR) ends at the IOAPIC too
 * (vioapic_eoi). SDM Vol3A 10.8.5 (Signaling Interrupt Servicing Completion).
 */
void vlapic_eoi(struct vm *vm);

/** @brief The clock time of the timer's next expiry, or VCLOCK_NEVER (kernel/vclock.h). */
uint64_t vlapic_deadline(const struct vm *vm);

/**
 * @brief Bring the timer to clock time @p now: an expiry at or before it sets
 * the LVT timer's vector in IRR unless that entry is masked; a periodic count
 * reloads, a one-shot one stays at 0. SDM Vol3A 10.5.4.
 */
void vlapic_update(struct vm *vm, uint64_t now);

/**
 * @brief Whether @p vm's master 8259A reaches its CPU: LINT0 unmasked with
 * delivery mode ExtINT (the firmware's virtual wire). SDM Vol3A 10.5.1.
 */
bool vlapic_lint0_extint(const struct vm *vm);

/**
 * @brief Whether an interrupt message for destination @p dest (an APIC ID, or
 * a logical destination when @p logical) reaches this local APIC: physical
 * matches its APIC ID or the broadcast 0xFF, logical its LDR under the DFR's
 * flat or cluster model. SDM Vol3A 10.6.2.1, 10.6.2.2.
 */
bool vlapic_is_destination(const struct vm *vm, uint8_t dest, bool logical);

#endif
