/*
 * guest/apics: what its files share (the chips themselves: guest/lib/apic.h).
 */
#ifndef GUEST_APICS_APICS_H
#define GUEST_APICS_APICS_H

#include "apic.h"
#include "guest.h"

/** @brief Print the local APIC's state as the firmware left it at the guest's entry. */
void apics_firmware(void);

/** @brief With IF=0: self IPIs land in IRR, TPR sets PPR, the timer counts down and sets IRR. */
void apics_pending(void);

/** @brief Check what natively QEMU does otherwise against the SDM (argument sdm): ESR. */
void apics_sdm(void);

#endif
