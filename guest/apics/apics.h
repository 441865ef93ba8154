/*
 * guest/apics: the two chips' addresses and the helpers its files share.
 * SDM Vol3A Table 10-1 (Local APIC Register Address Map); 82093AA: 3.1, 3.2.
 */
#ifndef GUEST_APICS_APICS_H
#define GUEST_APICS_APICS_H

#include "guest.h"

#define LAPIC             0xFEE00000u
#define LAPIC_ID          (LAPIC + 0x020)
#define LAPIC_VERSION     (LAPIC + 0x030)
#define LAPIC_TPR         (LAPIC + 0x080)
#define LAPIC_PPR         (LAPIC + 0x0A0)
#define LAPIC_EOI         (LAPIC + 0x0B0)
#define LAPIC_LDR         (LAPIC + 0x0D0)
#define LAPIC_DFR         (LAPIC + 0x0E0)
#define LAPIC_SVR         (LAPIC + 0x0F0)
#define LAPIC_ISR(word)   (LAPIC + 0x100 + 0x10 * (word)) /* vectors 32*word .. 32*word+31 */
#define LAPIC_TMR(word)   (LAPIC + 0x180 + 0x10 * (word))
#define LAPIC_IRR(word)   (LAPIC + 0x200 + 0x10 * (word))
#define LAPIC_ESR         (LAPIC + 0x280)
#define LAPIC_ICR_LOW     (LAPIC + 0x300)
#define LAPIC_ICR_HIGH    (LAPIC + 0x310)
#define LAPIC_LVT_TIMER   (LAPIC + 0x320)
#define LAPIC_LVT_THERMAL (LAPIC + 0x330)
#define LAPIC_LVT_PERF    (LAPIC + 0x340)
#define LAPIC_LVT_LINT0   (LAPIC + 0x350)
#define LAPIC_LVT_LINT1   (LAPIC + 0x360)
#define LAPIC_LVT_ERROR   (LAPIC + 0x370)
#define LAPIC_INITIAL     (LAPIC + 0x380)
#define LAPIC_CURRENT     (LAPIC + 0x390)
#define LAPIC_DIVIDE      (LAPIC + 0x3E0)
#define SVR_ENABLE        0x100u
#define LVT_MASKED        0x00010000u
#define LVT_PERIODIC      0x00020000u

/** @brief A 32-bit load from the chips' address @p a. */
uint32_t peek(uint32_t a);

/** @brief A 32-bit store of @p v to the chips' address @p a. */
void poke(uint32_t a, uint32_t v);

/** @brief Print the local APIC's state as the firmware left it at the guest's entry. */
void apics_firmware(void);

/** @brief With IF=0: self IPIs land in IRR, TPR sets PPR, the timer counts down and sets IRR. */
void apics_pending(void);

/** @brief Check what natively QEMU does otherwise against the SDM (argument sdm): ESR. */
void apics_sdm(void);

#endif
