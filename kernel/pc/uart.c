/*
 * COM1, a 16550A UART at 0x3F8-0x3FF (16550A: National Semiconductor
 * PC16550D datasheet, Table II (register summary) and the description of each
 * register; cited below by the register's name).
 *
 * The transmitter is instant: a byte written to THR is the guest's console
 * output at once, so THR and the transmitter always read empty. The receiver
 * has the chip's 16-byte FIFO (one byte with the FIFOs off, as a 16450); its
 * bytes come from the host (console_input_byte, kernel/console.c), one at a
 * time and only while the FIFO has room, so no overrun, parity, framing or
 * break condition ever happens and the line status interrupt never fires.
 * The interrupt output drives ISA IRQ 4 whatever OUT2 says: a PC's serial
 * board gates it through OUT2, QEMU's does not, and xv6 (which leaves OUT2
 * off) takes its console input interrupts only so.
 *
 * Deviations from the datasheet: an IN or OUT of 2 or 4 bytes reaches the
 * register its port names alone; the character timeout indication (Interrupt Identification Register) is
 * given as soon as the host has no further byte at hand, not after four
 * character times (there is no baud rate); the modem inputs outside loopback
 * read CTS, DSR and DCD active and never change (a connected null modem, as
 * QEMU's 16550A reports).
 */
#include "kernel/console.h"
#include "kernel/pc/pc.h"
#include "kernel/pc/platform.h"
#include "kernel/vm.h"

/* Register offsets from COM1_PORT: 16550A: PC16550D, Table II (register summary). */
#define UART_RBR 0 /* receiver buffer (IN, DLAB=0) */
#define UART_THR 0 /* transmitter holding (OUT, DLAB=0) */
#define UART_DLL 0 /* divisor latch, low byte (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor latch, high byte (DLAB=1) */
#define UART_IIR 2 /* interrupt identification (IN) */
#define UART_FCR 2 /* FIFO control (OUT) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_MSR 6 /* modem status */
#define UART_SCR 7 /* scratch */

/* IER: 16550A: PC16550D datasheet, Interrupt Enable Register. */
#define IER_ERBFI 0x01 /* received data available (and character timeout) */
#define IER_ETBEI 0x02 /* transmitter holding register empty */
#define IER_ELSI  0x04 /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */
#define IER_MASK  0x0F /* bits 4-7 are always 0 */

/* IIR: 16550A: PC16550D datasheet, Interrupt Identification Register, Table IV
 * (interrupt control functions). */
#define IIR_NO_PENDING 0x01 /* bit 0 set: no interrupt pending */
#define IIR_RLS        0x06 /* priority 1: receiver line status */
#define IIR_RDA        0x04 /* priority 2: received data available */
#define IIR_TIMEOUT    0x0C /* priority 2: character timeout indication (FIFO mode) */
#define IIR_THRE       0x02 /* priority 3: transmitter holding register empty */
#define IIR_MODEM      0x00 /* priority 4: modem status */
#define IIR_FIFOS_ON   0xC0 /* bits 7:6 set when FCR bit 0 enables the FIFOs */

/* FCR: 16550A: PC16550D datasheet, FIFO Control Register. */
#define FCR_ENABLE     0x01 /* FIFOs on; a change of it clears both FIFOs */
#define FCR_CLEAR_RX   0x02 /* clear the receiver FIFO (self-clearing) */
#define FCR_TRIGGER    0xC0 /* bits 7:6: receiver FIFO trigger level 1, 4, 8, 14 */
#define FCR_KEPT       (FCR_ENABLE | FCR_TRIGGER) /* what the chip keeps (DMA mode is not modelled) */

/* LCR, MCR, LSR, MSR: 16550A: PC16550D datasheet, Line Control, Modem Control,
 * Line Status and Modem Status Registers. */
#define LCR_DLAB       0x80 /* divisor latch access */
#define MCR_DTR        0x01
#define MCR_RTS        0x02
#define MCR_OUT1       0x04
#define MCR_OUT2       0x08 /* on a PC's board: gates the interrupt output (not modelled, see above) */
#define MCR_LOOP       0x10 /* local loopback */
#define MCR_MASK       0x1F /* bits 5-7 are always 0 */
#define LSR_DR         0x01 /* data ready: the receiver holds a byte */
#define LSR_THRE       0x20 /* transmitter holding register (or FIFO) empty */
#define LSR_TEMT       0x40 /* transmitter empty */
#define MSR_DCTS       0x01 /* delta clear to send */
#define MSR_DDSR       0x02 /* delta data set ready */
#define MSR_TERI       0x04 /* trailing edge ring indicator */
#define MSR_DDCD       0x08 /* delta data carrier detect */
#define MSR_DELTAS     0x0F
#define MSR_CTS        0x10
#define MSR_DSR        0x20
#define MSR_RI         0x40
#define MSR_DCD        0x80
#define MSR_NULL_MODEM (MSR_CTS | MSR_DSR | MSR_DCD) /* the inputs outside loopback */

#define UART_IRQ 4 /* COM1's ISA interrupt line on a PC */

static const uint8_t rx_trigger_levels[4] = { 1, 4, 8, 14 }; /* FCR bits 7:6 */

/* Bytes the receiver holds at most: the FIFO, or the one RBR of a 16450. */
static unsigned rx_capacity(const struct uart *u)
{
	return (u->fcr & FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

/* Empty the receiver FIFO. */
static void rx_clear(struct uart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* Append @p byte to the receiver FIFO; the caller checked that it has room. */
static void rx_push(struct uart *u, uint8_t byte)
{
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
	u->rx_count++;
}

/* The modem status inputs (MSR bits 7:4): in loopback, MCR's outputs fed back
 * (DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD; 16550A: PC16550D datasheet, Modem
 * Control Register, bit 4). */
static uint8_t msr_inputs(const struct uart *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_NULL_MODEM;
	return (uint8_t)(((m & MCR_DTR) ? MSR_DSR : 0) | ((m & MCR_RTS) ? MSR_CTS : 0) |
			 ((m & MCR_OUT1) ? MSR_RI : 0) | ((m & MCR_OUT2) ? MSR_DCD : 0));
}

/* The IIR value naming the highest-priority enabled pending interrupt
 * (16550A: PC16550D, Table IV), without the FIFO bits 7:6. */
static uint8_t iir_source(const struct uart *u)
{
	bool rda = u->rx_count && (!(u->fcr & FCR_ENABLE) ||
				   u->rx_count >= rx_trigger_levels[u->fcr >> 6]);

	/* The line status interrupt (priority 1) never fires: no errors happen. */
	if ((u->ier & IER_ERBFI) && rda)
		return IIR_RDA;
	if ((u->ier & IER_ERBFI) && u->rx_count && u->rx_idle)
		return IIR_TIMEOUT;
	if ((u->ier & IER_ETBEI) && u->thre_pending)
		return IIR_THRE;
	if ((u->ier & IER_EDSSI) && (u->msr & MSR_DELTAS))
		return IIR_MODEM;
	return IIR_NO_PENDING;
}

/* Drive IRQ 4 to the chip's interrupt output: high while an enabled source is
 * pending, outside loopback (which holds the interrupt output inactive:
 * 16550A: PC16550D datasheet, Modem Control Register, bit 4). */
static void update_line(struct vm *vm)
{
	struct uart *u = &vm->pc.uart;
	bool high = !(u->mcr & MCR_LOOP) && iir_source(u) != IIR_NO_PENDING;

	if (high != u->line) {
		u->line = high;
		pc_set_irq(vm, UART_IRQ, high);
	}
}

void uart_reset(struct vm *vm)
{
	struct uart *u = &vm->pc.uart;

	if (u->line)
		pc_set_irq(vm, UART_IRQ, false);
	memset(u, 0, sizeof(*u)); /* master reset: IER, FCR, LCR, MCR 0 (Table III, reset configuration) */
	u->msr = MSR_NULL_MODEM;
	u->rx_idle = true; /* the host has no byte at hand until its input opens (uart_receive) */
}

void uart_receive(struct vm *vm)
{
	struct uart *u = &vm->pc.uart;
	unsigned capacity = rx_capacity(u);
	int byte = 0;

	while (!(u->mcr & MCR_LOOP) && u->rx_count < capacity && (byte = console_input_byte(vm->id)) >= 0)
		rx_push(u, (uint8_t)byte);
	u->rx_idle = byte < 0 || u->rx_count == capacity || (u->mcr & MCR_LOOP);
	update_line(vm);
}

/* RBR: the oldest received byte; with none, the last one again. */
static uint8_t read_rbr(struct uart *u)
{
	if (u->rx_count) {
		u->rbr = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
		u->rx_count--;
	}
	return u->rbr;
}

/* IIR: the pending source; reading it clears a THRE interrupt it names (Table IV). */
static uint8_t read_iir(struct uart *u)
{
	uint8_t source = iir_source(u);

	if (source == IIR_THRE)
		u->thre_pending = false;
	return (uint8_t)(source | ((u->fcr & FCR_ENABLE) ? IIR_FIFOS_ON : 0));
}

/* MSR: the inputs and their changes since the last read, which it clears (Modem Status Register). */
static uint8_t read_msr(struct uart *u)
{
	uint8_t value = u->msr;

	u->msr &= (uint8_t)~MSR_DELTAS;
	return value;
}

/* The register an IN of one byte from COM1's port @p reg reads. */
static uint8_t read_reg(struct uart *u, unsigned reg)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case UART_RBR:
		return dlab ? u->dll : read_rbr(u);
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		return read_iir(u);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return (uint8_t)((u->rx_count ? LSR_DR : 0) | LSR_THRE | LSR_TEMT);
	case UART_MSR:
		return read_msr(u);
	default:
		return u->scr;
	}
}

uint32_t uart_read(struct vm *vm, uint16_t port, unsigned size)
{
	uint8_t value;

	(void)size;
	if (console_input_open_for(vm->id))
		uart_receive(vm); /* what the host has for the receiver by now; with input closed, nothing */
	value = read_reg(&vm->pc.uart, (unsigned)(port - COM1_PORT));
	update_line(vm);
	return value;
}

/* THR: the byte is sent at once (or looped back to the receiver); THR is
 * empty again, so a THRE interrupt follows if enabled (Table IV). */
static void write_thr(struct vm *vm, uint8_t byte)
{
	struct uart *u = &vm->pc.uart;

	if (!(u->mcr & MCR_LOOP))
		vm_console_byte(vm, byte);
	else if (u->rx_count < rx_capacity(u))
		rx_push(u, byte);
	u->thre_pending = true;
}

/* IER: enabling the THRE interrupt while THR is empty raises it (Interrupt Enable Register). */
static void write_ier(struct uart *u, uint8_t value)
{
	if ((value & IER_ETBEI) && !(u->ier & IER_ETBEI))
		u->thre_pending = true;
	u->ier = value & IER_MASK;
}

/* FCR: turning the FIFOs on or off clears them; bit 1 clears the receiver's (FIFO Control Register). */
static void write_fcr(struct uart *u, uint8_t value)
{
	if ((value ^ u->fcr) & FCR_ENABLE)
		rx_clear(u);
	else if (value & FCR_CLEAR_RX)
		rx_clear(u);
	u->fcr = value & FCR_KEPT;
	if (!(u->fcr & FCR_ENABLE))
		u->fcr = 0; /* the trigger bits mean nothing with the FIFOs off */
}

/* MCR: a change of the modem inputs (through loopback) sets MSR's deltas (Modem Status Register). */
static void write_mcr(struct uart *u, uint8_t value)
{
	uint8_t before = msr_inputs(u), after, changed;

	u->mcr = value & MCR_MASK;
	after = msr_inputs(u);
	changed = before ^ after;
	u->msr = (uint8_t)(after | (u->msr & MSR_DELTAS) | ((changed & MSR_CTS) ? MSR_DCTS : 0) |
			   ((changed & MSR_DSR) ? MSR_DDSR : 0) | ((changed & MSR_DCD) ? MSR_DDCD : 0) |
			   ((before & MSR_RI) && !(after & MSR_RI) ? MSR_TERI : 0));
}

void uart_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	struct uart *u = &vm->pc.uart;
	uint8_t byte = (uint8_t)value;
	bool dlab = u->lcr & LCR_DLAB;

	(void)size;
	switch (port - COM1_PORT) {
	case UART_THR:
		if (dlab)
			u->dll = byte;
		else
			write_thr(vm, byte);
		break;
	case UART_IER:
		if (dlab)
			u->dlm = byte;
		else
			write_ier(u, byte);
		break;
	case UART_FCR: /* the receiver's room changes: the host may have more for it */
		write_fcr(u, byte);
		uart_receive(vm);
		break;
	case UART_LCR:
		u->lcr = byte;
		break;
	case UART_MCR: /* loopback cuts the serial input off or gives it back */
		write_mcr(u, byte);
		uart_receive(vm);
		break;
	case UART_SCR:
		u->scr = byte;
		break;
	default: /* LSR (factory test) and MSR: writes are ignored */
		break;
	}
	update_line(vm);
}
