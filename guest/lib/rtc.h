/**
 * @file rtc.h
 * @brief The CMOS clock (MC146818) through its index and data ports.
 *
 * MC146818 datasheet: Address Map, Register A, Register B, Register C, Register D.
 */
#ifndef GUEST_RTC_H
#define GUEST_RTC_H

#include <stdint.h>

#define RTC_INDEX 0x70 /**< selects a register (bit 7: NMI disable) */
#define RTC_DATA  0x71 /**< the selected register */
#define RTC_A     0x0A /**< Register A: update in progress, divider, rate */
#define RTC_B     0x0B /**< Register B: SET, interrupt enables, data mode */
#define RTC_C     0x0C /**< Register C: interrupt flags, cleared by reading it */
#define RTC_D     0x0D /**< Register D: valid RAM and time */
#define RTC_IRQ   8    /**< the clock's ISA line (IOAPIC pin 8) */
#define RTC_B_PIE 0x40 /**< Register B: periodic interrupt enable */

/** @brief Read CMOS register @p reg. */
uint8_t rtc_get(uint8_t reg);

/** @brief Write @p value to CMOS register @p reg. */
void rtc_set(uint8_t reg, uint8_t value);

#endif
