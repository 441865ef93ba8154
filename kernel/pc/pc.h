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

/** @brief The CRT controller's register file (kernel/pc/crtc.c). */
struct crtc {
	uint8_t index;           /**< the last byte written to the index port */
	uint8_t regs[CRTC_REGS]; /**< R0-R17, as last written */
};

/** @brief The 8042 keyboard controller (kernel/pc/ps2.c). */
struct ps2 {
	bool warned; /**< said that it ignores commands and data */
};

/** @brief One VM's PC chips (a field of struct vm). */
struct pc_chips {
	struct crtc crtc; /**< the CGA/VGA CRT controller */
	struct ps2 ps2;   /**< the 8042 keyboard controller */
	struct pic pic;   /**< the 8259A pair (kernel/pc/pic.c) */
	struct pit pit;   /**< the 8254 and port 0x61 (kernel/pc/pit.c) */
	struct rtc rtc;   /**< the MC146818A CMOS clock (kernel/pc/rtc.c) */
};

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
