/**
 * @file rtc.h
 * @brief The PC's CMOS real-time clock at 0x70 (index) and 0x71 (data):
 * an MC146818A with 128 bytes, its interrupt on ISA IRQ 8.
 *
 * MC146818: Motorola MC146818A datasheet (Real-Time Clock Plus RAM):
 * Address Map, Time, Calendar and Alarm Locations, Registers A-D, Update
 * Cycle, Interrupts; the PC's use of its RAM: IBM PC AT Technical Reference,
 * CMOS RAM Address Map. Its time counts on the VM's clock
 * (kernel/vclock.h) from RTC_START_DATE, the same for every VM.
 */
#ifndef KERNEL_PC_RTC_H
#define KERNEL_PC_RTC_H

#include "kernel/lib.h"

struct vm;

#define RTC_INDEX_PORT 0x70 /**< the register index (bits 6-0) and the NMI mask (bit 7), OUT only */
#define RTC_DATA_PORT  0x71 /**< the register the index selects */
#define RTC_REGS       128  /**< registers and RAM bytes 0x00-0x7F */
#define RTC_START_DATE "Saturday 1 January 2000, 00:00:00" /**< every VM's clock starts here */

/** @brief The time and date, in binary (hour 0-23, year 0-99 of the century). */
struct rtc_time {
	uint8_t sec;   /**< seconds, 0-59 */
	uint8_t min;   /**< minutes, 0-59 */
	uint8_t hour;  /**< hours, 0-23 */
	uint8_t wday;  /**< day of the week, 1-7, Sunday 1 */
	uint8_t mday;  /**< day of the month, 1-31 */
	uint8_t month; /**< month, 1-12 */
	uint8_t year;  /**< year of the century, 0-99 */
};

/** @brief One VM's real-time clock. */
struct rtc {
	uint8_t index;          /**< the register the data port reaches */
	bool nmi_disabled;      /**< bit 7 of the last index written (stored only) */
	uint8_t regs[RTC_REGS]; /**< the alarm bytes, registers A and B, and the RAM; time and C, D apart */
	struct rtc_time time;   /**< the time registers' contents */
	uint8_t flags;          /**< register C's PF, AF and UF */
	uint64_t divider_start; /**< the clock when the divider chain left reset */
	uint64_t updates;       /**< update cycles since then */
	uint64_t periods;       /**< periodic-rate edges since then, at the current rate */
	bool irq_high;          /**< IRQ 8 as last driven: register C's IRQF */
};

/** @brief The state PC firmware leaves: time from RTC_START_DATE, BCD and 24-hour, the RAM size in the CMOS bytes. */
void rtc_reset(struct vm *vm);

/** @brief An IN of one byte from 0x70 or 0x71 (kernel/devices.c). */
uint32_t rtc_read(struct vm *vm, uint16_t port, unsigned size);

/** @brief An OUT of the byte @p value to 0x70 or 0x71 (kernel/devices.c). */
void rtc_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value);

/** @brief The clock time of the next event that raises IRQ 8, or VCLOCK_NEVER. */
uint64_t rtc_deadline(const struct vm *vm);

/** @brief Raise IRQ 8 if an enabled event is due at @p now (carrying out the update cycles and periodic edges up to it). */
void rtc_update(struct vm *vm, uint64_t now);

#endif
