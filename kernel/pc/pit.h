/**
 * @file pit.h
 * @brief The PC's 8254 programmable interval timer at 0x40-0x43, and port
 * 0x61 (system control port B) with channel 2's gate and output.
 *
 * 8254: Intel 8254 datasheet (Programmable Interval Timer). Its clock is
 * the PC's 1.193182 MHz, counted on the VM's clock (kernel/vclock.h).
 * Channel 0's output is ISA IRQ 0; channel 1 (DRAM refresh on the PC) is
 * stored and counts, and drives nothing; channel 2's gate is port 0x61 bit 0
 * and its output reads at port 0x61 bit 5.
 */
#ifndef KERNEL_PC_PIT_H
#define KERNEL_PC_PIT_H

#include "kernel/lib.h"

struct vm;

#define PIT_COUNTER0_PORT 0x40    /**< counter 0 (IRQ 0) */
#define PIT_CONTROL_PORT  0x43    /**< control word (OUT only) */
#define PIT_PORT_B        0x61    /**< the PC's system control port B */
#define PIT_CHANNELS      3       /**< counters 0-2 */
#define PIT_HZ            1193182 /**< the PC's 8254 input clock, in Hz */

/** @brief One counter of the 8254. */
struct pit_channel {
	uint8_t mode;          /**< M2-M1-M0 as programmed (6 and 7 are modes 2 and 3) */
	uint8_t access;        /**< RW1-RW0: 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;              /**< BCD counting */
	uint32_t count;        /**< the count register: the initial count, 1-65536 (1-10000 in BCD) */
	bool loaded;           /**< a count was written since the control word */
	bool counting;         /**< the counting element counts (loaded, gated, triggered) */
	uint64_t start;        /**< the clock when counting (re)started from start_value */
	uint32_t start_value;  /**< the counting element then */
	uint32_t held_value;   /**< the counting element while it does not count */
	bool terminal;         /**< modes 0, 1, 4, 5: the terminal count is behind (OUT's one change done) */
	bool gate;             /**< the GATE input */
	bool write_msb;        /**< access 3: the next byte written is the MSB */
	uint8_t write_lsb;     /**< access 3: the LSB written first */
	bool read_msb;         /**< access 3: the next byte read is the MSB */
	bool latched;          /**< a counter latch holds latch_value */
	bool latch_msb;        /**< access 3: the latch's LSB has been read */
	uint32_t latch_value;  /**< the latched count */
	bool status_latched;   /**< a read-back command latched the status byte */
	uint8_t status;        /**< the latched status */
};

/** @brief The 8254 and port 0x61 of one VM. */
struct pit {
	struct pit_channel channel[PIT_CHANNELS]; /**< counters 0-2 */
	bool speaker_data;     /**< port 0x61 bit 1: speaker data enable (stored) */
	bool irq_high;         /**< the level channel 0 last drove on IRQ 0 */
	uint64_t irq_next;     /**< channel 0's next rising edge on the clock, or VCLOCK_NEVER */
};

/** @brief No counter programmed, as before any firmware: nothing counts, IRQ 0 low. */
void pit_reset(struct vm *vm);

/** @brief An IN of one byte from 0x40-0x43 or 0x61 (kernel/devices.c). */
uint32_t pit_read(struct vm *vm, uint16_t port, unsigned size);

/** @brief An OUT of the byte @p value to 0x40-0x43 or 0x61 (kernel/devices.c). */
void pit_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value);

/** @brief The clock time of channel 0's next rising edge on IRQ 0, or VCLOCK_NEVER. */
uint64_t pit_deadline(const struct vm *vm);

/** @brief Drive IRQ 0 with channel 0's output as it is at @p now. */
void pit_update(struct vm *vm, uint64_t now);

#endif
