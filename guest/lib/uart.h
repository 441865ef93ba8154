/**
 * @file uart.h
 * @brief COM1, the guests' console: a 16550A's registers and the bits the guests use.
 *
 * National Semiconductor PC16550D datasheet, Table II (Summary of Registers).
 */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#define COM1      0x3F8      /**< the first serial port's base */
#define COM1_RBR  COM1       /**< receiver buffer (read) */
#define COM1_IER  (COM1 + 1) /**< interrupt enable */
#define COM1_LCR  (COM1 + 3) /**< line control */
#define COM1_MCR  (COM1 + 4) /**< modem control */
#define COM1_LSR  (COM1 + 5) /**< line status */
#define COM1_IRQ  4          /**< COM1's ISA line, wired to the IOAPIC pin of the same number */
#define IER_RDA   0x01       /**< interrupt when received data is available */
#define LCR_8N1   0x03       /**< 8 data bits, no parity, 1 stop bit */
#define MCR_DTR   0x01       /**< data terminal ready */
#define MCR_RTS   0x02       /**< request to send */
#define MCR_OUT2  0x08       /**< OUT2: on a PC, gates the UART's interrupt onto its ISA line */
#define LSR_DR    0x01       /**< a received byte is ready */
#define LSR_THRE  0x20       /**< the transmitter can take a byte */
#define LSR_TEMT  0x40       /**< everything sent */

#endif
