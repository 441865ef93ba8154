/**
 * @file lapic.h
 * @brief The host's local APIC timer: the time slice of the AMD-V backend.
 */
#ifndef KERNEL_LAPIC_H
#define KERNEL_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_TIMER_VECTOR    32  /**< host IDT vector of the timer */
#define LAPIC_SPURIOUS_VECTOR 255 /**< host IDT vector of spurious interrupts */

/** @brief Enable the local APIC and start its timer, periodic, every @p ticks bus clocks. */
void lapic_timer_start(uint32_t ticks);

/** @brief Restart the timer at @p ticks bus clocks: every @p ticks when @p periodic, else once. */
void lapic_timer_set(uint32_t ticks, bool periodic);

/** @brief Acknowledge the interrupt being handled. */
void lapic_eoi(void);

#endif
