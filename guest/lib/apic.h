/**
 * @file apic.h
 * @brief The local APIC and the IOAPIC as every guest reaches them: addresses, registers, bits.
 *
 * The constants are plain hexadecimal so that assembly files can include this header.
 * Both chips sit at their reset addresses; a guest with paging on maps their pages uncached
 * (PTE_PCD) before it calls these. Every access is an aligned 32-bit load or store.
 * SDM Vol3A Table 10-1 (Local APIC Register Address Map), 10.5.1 (Local Vector Table),
 * 10.5.4 (APIC Timer), 10.6.1 (Interrupt Command Register (ICR));
 * 82093AA: 3.0 (Register Description), 3.2.4 (IOREDTBL).
 */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H

#define LAPIC             0xFEE00000 /**< the local APIC's page */
#define LAPIC_ID          (LAPIC + 0x020) /**< local APIC ID */
#define LAPIC_VERSION     (LAPIC + 0x030) /**< version */
#define LAPIC_TPR         (LAPIC + 0x080) /**< task priority */
#define LAPIC_PPR         (LAPIC + 0x0A0) /**< processor priority */
#define LAPIC_EOI         (LAPIC + 0x0B0) /**< end of interrupt: write 0 */
#define LAPIC_LDR         (LAPIC + 0x0D0) /**< logical destination */
#define LAPIC_DFR         (LAPIC + 0x0E0) /**< destination format */
#define LAPIC_SVR         (LAPIC + 0x0F0) /**< spurious-interrupt vector, APIC enable */
#define LAPIC_ISR(word)   (LAPIC + 0x100 + 0x10 * (word)) /**< in service: vectors 32*word .. 32*word+31 */
#define LAPIC_TMR(word)   (LAPIC + 0x180 + 0x10 * (word)) /**< trigger mode: 1 for level */
#define LAPIC_IRR(word)   (LAPIC + 0x200 + 0x10 * (word)) /**< requested */
#define LAPIC_ESR         (LAPIC + 0x280) /**< error status */
#define LAPIC_ICR_LOW     (LAPIC + 0x300) /**< interrupt command, low word: writing it sends */
#define LAPIC_ICR_HIGH    (LAPIC + 0x310) /**< interrupt command, destination */
#define LAPIC_LVT_TIMER   (LAPIC + 0x320) /**< LVT: timer */
#define LAPIC_LVT_THERMAL (LAPIC + 0x330) /**< LVT: thermal sensor */
#define LAPIC_LVT_PERF    (LAPIC + 0x340) /**< LVT: performance counters */
#define LAPIC_LVT_LINT0   (LAPIC + 0x350) /**< LVT: LINT0 pin */
#define LAPIC_LVT_LINT1   (LAPIC + 0x360) /**< LVT: LINT1 pin */
#define LAPIC_LVT_ERROR   (LAPIC + 0x370) /**< LVT: error */
#define LAPIC_INITIAL     (LAPIC + 0x380) /**< timer initial count: writing it starts the timer */
#define LAPIC_CURRENT     (LAPIC + 0x390) /**< timer current count */
#define LAPIC_DIVIDE      (LAPIC + 0x3E0) /**< timer divide configuration */

#define SVR_ENABLE   0x100      /**< SVR: APIC software enable */
#define LVT_MASKED   0x00010000 /**< LVT: masked */
#define LVT_PERIODIC 0x00020000 /**< LVT timer: periodic (else one-shot) */
#define DIVIDE_BY_1  0xB        /**< divide configuration: the bus clock undivided */
#define DIVIDE_BY_16 0x3        /**< divide configuration: by 16 */
#define ICR_SELF     0x00040000 /**< ICR: destination shorthand 01, self */
#define ICR_ASSERT   0x00004000 /**< ICR: level assert (always, for a fixed IPI) */
#define ICR_PENDING  0x00001000 /**< ICR: delivery status, send pending */

#define IOAPIC         0xFEC00000       /**< the IOAPIC's page */
#define IOAPIC_REGSEL  (IOAPIC + 0x00)   /**< IOREGSEL: which register IOWIN shows */
#define IOAPIC_WINDOW  (IOAPIC + 0x10)   /**< IOWIN: the selected register */
#define IOAPIC_REG_ID  0x00              /**< IOAPICID */
#define IOAPIC_REG_VER 0x01              /**< IOAPICVER: version, highest entry in bits 16-23 */
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin)) /**< IOREDTBL[pin], low word; the high word follows */
#define REDIR_MASKED     0x00010000 /**< IOREDTBL: masked */
#define REDIR_LEVEL      0x00008000 /**< IOREDTBL: level-triggered (else edge) */
#define REDIR_REMOTE_IRR 0x00004000 /**< IOREDTBL: a level interrupt accepted, no EOI yet (read-only) */
#define REDIR_LOW_ACTIVE 0x00002000 /**< IOREDTBL: the pin is active low (else high) */

#define PIC_MASTER_DATA 0x21 /**< the master 8259A's mask (OCW1) */
#define PIC_SLAVE_DATA  0xA1 /**< the slave 8259A's mask (OCW1) */

#ifndef __ASSEMBLER__
#include <stdint.h>

/** @brief A 32-bit load from the chips' address @p a. */
uint32_t apic_read(uint32_t a);

/** @brief A 32-bit store of @p v to the chips' address @p a. */
void apic_write(uint32_t a, uint32_t v);

/** @brief IOAPIC register @p reg, through IOREGSEL and IOWIN. */
uint32_t ioapic_read(uint32_t reg);

/** @brief Write @p v to IOAPIC register @p reg, through IOREGSEL and IOWIN. */
void ioapic_write(uint32_t reg, uint32_t v);

/**
 * @brief Interrupts from the APICs only: the local APIC software-enabled with spurious vector
 * @p spurious, its LINT0, LINT1 and error entries masked, TPR 0, and both 8259As masked
 * (Bochs wires them to the CPU's INTR pin past LINT0). 8259A: Operation Command Words (OCW1)
 */
void lapic_alone(uint8_t spurious);

/** @brief Signal the end of the interrupt in service with the highest priority. SDM Vol3A 10.8.5 */
void lapic_eoi(void);

/** @brief Whether vector @p v is requested (its bit in IRR). */
int lapic_irr_has(uint8_t v);

/** @brief Send vector @p v to this CPU through the ICR and wait until it is sent. */
void lapic_self_ipi(uint8_t v);

/** @brief Arm the timer at the undivided clock: @p periodic or one-shot, from @p count, vector @p v. */
void lapic_timer_start(uint8_t v, int periodic, uint32_t count);

/** @brief Stop the timer and mask it (its vector @p v kept). */
void lapic_timer_stop(uint8_t v);

#endif /* !__ASSEMBLER__ */
#endif
