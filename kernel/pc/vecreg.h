/**
 * @file vecreg.h
 * @brief The local APIC's 256-bit vector registers (IRR, ISR, TMR): bit v of
 * eight 32-bit words is vector v. SDM Vol3A 10.8.4 (Figure 10-20).
 */
#ifndef KERNEL_PC_VECREG_H
#define KERNEL_PC_VECREG_H

#include "kernel/lib.h"

#define VECREG_WORDS 8     /**< 32-bit words of a 256-bit vector register */
#define VECREG_NONE (-1)   /**< vecreg_highest: no bit set */

/** @brief Whether vector @p v's bit is set in @p reg. */
bool vecreg_has(const uint32_t *reg, unsigned v);

/** @brief Set vector @p v's bit in @p reg. */
void vecreg_set(uint32_t *reg, unsigned v);

/** @brief Clear vector @p v's bit in @p reg. */
void vecreg_clear(uint32_t *reg, unsigned v);

/** @brief The highest vector set in @p reg, or VECREG_NONE. */
int vecreg_highest(const uint32_t *reg);

#endif
