/*
 * COM1, a 16550A UART at 0x3F8-0x3FF, as far as the guest contract goes:
 * the transmitter. A byte written to the transmit holding register is the
 * guest's console output; the line status always says the transmitter is
 * empty, so a guest waiting for it goes on; no interrupt is ever pending.
 * The other registers (divisor, line and modem control, scratch) accept
 * writes and read 0: nothing here has a baud rate. The receive path and the
 * interrupts come with the virtual interrupt controllers.
 * 16550A: National Semiconductor PC16550D datasheet, Table II (register summary)
 * and 8.4 (line status register), 8.5 (interrupt identification register).
 *
 * Unlike the datasheet's 8-bit chip on an ISA bus, an IN or OUT of 2 or 4
 * bytes reaches the register its port names alone, and the divisor latch
 * (LCR bit 7) is not modelled: a byte written to 0x3F8 is always output (the
 * contract's answers since the first guest).
 */
#include "kernel/pc/pc.h"
#include "kernel/vm.h"

#define UART_THR       0 /* transmit holding register (OUT, DLAB=0) */
#define UART_IIR       2 /* interrupt identification register (IN) */
#define UART_LSR       5 /* line status register */
#define LSR_THRE       0x20 /* transmit holding register empty */
#define LSR_TEMT       0x40 /* transmitter empty */
#define IIR_NO_PENDING 0x01 /* bit 0 set: no interrupt pending */

uint32_t uart_read(struct vm *vm, uint16_t port, unsigned size)
{
	(void)vm;
	(void)size;
	if (port == COM1_PORT + UART_LSR)
		return LSR_THRE | LSR_TEMT;
	if (port == COM1_PORT + UART_IIR)
		return IIR_NO_PENDING;
	return 0;
}

void uart_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	(void)size;
	if (port == COM1_PORT + UART_THR)
		vm_console_byte(vm, (uint8_t)value);
}
