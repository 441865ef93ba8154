/*
 * guest/badpc: the chips' registers it misprograms (guest/apics/apics.h has
 * the local APIC's) and the IOAPIC's. 82093AA: 3.1, 3.2.
 */
#ifndef GUEST_BADPC_BADPC_H
#define GUEST_BADPC_BADPC_H

#include "guest/apics/apics.h"

#define IOAPIC            0xFEC00000u
#define IOAPIC_REGSEL     (IOAPIC + 0x00)
#define IOAPIC_WINDOW     (IOAPIC + 0x10)
#define IOAPIC_EOI        (IOAPIC + 0x40) /* write-only */
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define UNWIRED_PIN       20          /* a pin no device drives: its line stays low */
#define REDIR_NMI         0x00000400u /* delivery mode 100b. 82093AA: 3.2.4 */
#define REDIR_LOW_ACTIVE  0x00002000u /* polarity: asserted when low */
#define REDIR_LEVEL       0x00008000u /* trigger mode: level */
#define REDIR_MASKED      0x00010000u
#define ICR_ASSERT        0x00004000u /* level assert. SDM Vol3A 10.6.1 */
#define ICR_INIT          0x00000500u /* delivery mode 101b */

/** @brief Write IOAPIC register @p reg through IOREGSEL and IOWIN. */
void ioapic_write(uint32_t reg, uint32_t v);

/** @brief Initialise the 8259A pair out of order and print the masks it reads back (argument pic). */
void badpc_pic(void);

/** @brief Take the timer's IRQ 0 at the firmware's vector 8, the double fault's (argument pic8). */
void badpc_low_vector(void);

/** @brief Do the checks whose answer the SDM gives and QEMU's TCG not always (argument sdm). */
void badpc_sdm(void);

#endif
