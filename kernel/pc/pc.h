/**
 * @file pc.h
 * @brief The PC's I/O-port chips (kernel/pc/): each VM's own state of them,
 * and the accesses the port dispatcher (devices_io, kernel/devices.c) hands
 * each chip.
 *
 * A chip's read returns what an IN of its port gives, a write carries out an
 * OUT. The 8-bit chips (the CRTC, the 8042) see one byte at a time: the
 * dispatcher splits a wider access as the ISA bus does.
 */
#ifndef KERNEL_PC_PC_H
#define KERNEL_PC_PC_H

#include "kernel/lib.h"
#include "kernel/pc/vioapic.h"
#include "kernel/pc/vlapic.h"
#include "kernel/pc/pic.h"
#include "kernel/pc/pit.h"
#include "kernel/pc/rtc.h"

struct vm;

#define PS2_DATA_PORT   0x60  /**< 8042: output buffer (IN), input buffer (OUT) */
#define PS2_STATUS_PORT 0x64  /**< 8042: status register (IN), command (OUT) */
#define CRTC_INDEX_PORT 0x3D4 /**< CRT controller: index (address) register */
#define CRTC_DATA_PORT  0x3D5 /**< CRT controller: the register the index selects */
#define COM1_PORT       0x3F8 /**< COM1's first register (transmit/receive buffer) */
#define COM1_LAST_PORT  0x3FF /**< COM1's last register (scratch) */

#define CRTC_REGS       0x12  /**< the MC6845's registers R0-R17 */
#define UART_FIFO_SIZE  16    /**< the 16550A's receiver FIFO, in bytes */

/** @brief COM1's 16550A (kernel/pc/uart.c): its registers and receiver FIFO. */
struct uart {
	uint8_t rx[UART_FIFO_SIZE]; /**< the receiver FIFO, a ring */
	uint8_t rx_head;  /**< index of its oldest byte */
	uint8_t rx_count; /**< bytes in it */
	bool rx_idle;     /**< the host had no further byte at the last look (character timeout) */
	uint8_t rbr;      /**< the byte RBR gave last, read again when the FIFO is empty */
	uint8_t ier;      /**< interrupt enable */
	uint8_t fcr;      /**< FIFO enable and receiver trigger level, as last written */
	uint8_t lcr;      /**< line control (bit 7: DLAB) */
	uint8_t mcr;      /**< modem control (bit 3: OUT2, bit 4: loopback) */
	uint8_t msr;      /**< modem status: inputs (bits 7:4) and their changes (bits 3:0) */
	uint8_t scr;      /**< scratch */
	uint8_t dll;      /**< divisor latch, low byte, stored only: nothing here has a baud rate */
	uint8_t dlm;      /**< divisor latch, high byte, stored only */
	bool thre_pending; /**< the transmitter-empty interrupt is raised and not yet cleared */
	bool line;        /**< the level this chip drives on ISA IRQ 4 */
};

/** @brief The CRT controller's register file (kernel/pc/crtc.c). */
struct crtc {
	uint8_t index;           /**< the last byte written to the index port */
	uint8_t regs[CRTC_REGS]; /**< R0-R17, as last written */
};

/** @brief The 8042 keyboard controller (kernel/pc/ps2.c). */
struct ps2 {
	bool warned; /**< said that it ignores commands and data */
};

/**
 * @brief What the chips answered at the last look (kernel/pc/platform.c):
 * valid until pc_changed() or the clock reaching @c deadline.
 */
struct pc_answers {
	bool stale;        /**< a chip changed since: ask them all again */
	uint64_t deadline; /**< pc_deadline's answer: the earliest timer of any chip */
	int vector;        /**< pc_intr_pending's answer */
};

/** @brief One VM's PC chips (a field of struct vm). */
struct pc_chips {
	struct pc_answers answers; /**< the chips' answers, kept until one changes (kernel/pc/platform.c) */
	struct crtc crtc; /**< the CGA/VGA CRT controller */
	struct ps2 ps2;   /**< the 8042 keyboard controller */
	struct vlapic lapic;   /**< the local APIC (kernel/pc/vlapic.c) */
	struct vioapic ioapic; /**< the I/O APIC (kernel/pc/vioapic.c) */
	struct uart uart; /**< COM1 */
	struct pic pic;   /**< the 8259A pair (kernel/pc/pic.c) */
	struct pit pit;   /**< the 8254 and port 0x61 (kernel/pc/pit.c) */
	struct rtc rtc;   /**< the MC146818A CMOS clock (kernel/pc/rtc.c) */
};

/** @brief COM1 as after a master reset, with IRQ 4 low (kernel/pc/uart.c). */
void uart_reset(struct vm *vm);

/**
 * @brief Move bytes the host has for @p vm's COM1 (console_input_byte) into
 * its receiver while it has room, and drive IRQ 4 accordingly (kernel/pc/uart.c).
 */
void uart_receive(struct vm *vm);

/** @brief COM1, an IN of @p size bytes from @p port (kernel/pc/uart.c). */
uint32_t uart_read(struct vm *vm, uint16_t port, unsigned size);

/** @brief COM1, an OUT of @p value (@p size bytes) to @p port (kernel/pc/uart.c). */
void uart_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value);

/** @brief The CRT controller, an IN of one byte from @p port (kernel/pc/crtc.c). */
uint32_t crtc_read(struct vm *vm, uint16_t port, unsigned size);

/** @brief The CRT controller, an OUT of the byte @p value to @p port (kernel/pc/crtc.c). */
void crtc_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value);

/** @brief The 8042, an IN of one byte from @p port (kernel/pc/ps2.c). */
uint32_t ps2_read(struct vm *vm, uint16_t port, unsigned size);

/** @brief The 8042, an OUT of the byte @p value to @p port (kernel/pc/ps2.c). */
void ps2_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value);

#endif
