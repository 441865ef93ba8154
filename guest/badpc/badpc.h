/*
 * guest/badpc: the registers it misprograms beyond guest/lib/apic.h's
 * (included through guest/apics/apics.h). 82093AA: 3.1, 3.2.
 */
#ifndef GUEST_BADPC_BADPC_H
#define GUEST_BADPC_BADPC_H

#include "guest/apics/apics.h"

#define IOAPIC_EOI        (IOAPIC + 0x40) /* write-only */
#define UNWIRED_PIN       20          /* a pin no device drives: its line stays low */
#define REDIR_NMI         0x00000400u /* delivery mode 100b. 82093AA: 3.2.4 */
#define ICR_INIT          0x00000500u /* delivery mode 101b */

/** @brief Initialise the 8259A pair out of order and print the masks it reads back (argument pic). */
void badpc_pic(void);

/** @brief Take the timer's IRQ 0 at the firmware's vector 8, the double fault's (argument pic8). */
void badpc_low_vector(void);

/** @brief Do the checks whose answer the SDM gives and QEMU's TCG not always (argument sdm). */
void badpc_sdm(void);

#endif
