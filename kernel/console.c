/*
 * COM1 console. The UART is polled: the host never takes interrupts from it.
 * Output goes into a ring buffer that console_pump() moves into the UART's
 * 16-byte transmit FIFO whenever the FIFO is empty, so that no exit waits
 * for the serial line (at 115200 baud a byte takes about 870 instructions
 * in Bochs); the buffer waits only when it is full, and at the end.
 */
#include "kernel/console.h"
#include "kernel/x86.h"

#define COM1      0x3F8
#define COM1_IER  (COM1 + 1) /* interrupt enable */
#define COM1_FCR  (COM1 + 2) /* FIFO control */
#define COM1_LCR  (COM1 + 3) /* line control */
#define COM1_MCR  (COM1 + 4) /* modem control */
#define COM1_LSR  (COM1 + 5) /* line status */
#define COM1_DLL  (COM1 + 0) /* divisor latch low, with LCR.DLAB */
#define COM1_DLM  (COM1 + 1) /* divisor latch high, with LCR.DLAB */

#define IER_NONE  0x00       /* no UART interrupts: the console is polled */
#define DIVISOR_115200 1     /* baud rate divisor: 115200 / 1 */
#define FCR_ENABLE_CLEAR 0x07 /* enable the FIFOs and clear both */
#define MCR_DTR_RTS 0x03     /* data terminal ready, request to send */
#define LCR_8N1   0x03       /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB  0x80       /* divisor latch access */
#define LSR_THRE  0x20       /* transmitter holding register empty */
#define LSR_TEMT  0x40       /* transmitter completely empty */
#define FIFO_SIZE 16         /* 16550A transmit FIFO; LSR.THRE means it is empty */
#define RING_SIZE (64 * 1024) /* bytes of output waiting for the UART (a power of two) */

/* The queue; tools/hvrun reads all three by name from a stopped Bochs run. */
static char console_ring[RING_SIZE];
static uint32_t console_ring_head, console_ring_tail; /* next byte to send, next free slot (free-running) */

void console_init(void)
{
	outb(COM1_IER, IER_NONE);
	outb(COM1_LCR, LCR_DLAB);
	outb(COM1_DLL, DIVISOR_115200 & 0xFF);
	outb(COM1_DLM, DIVISOR_115200 >> 8);
	outb(COM1_LCR, LCR_8N1);
	outb(COM1_FCR, FCR_ENABLE_CLEAR);
	outb(COM1_MCR, MCR_DTR_RTS);
}

void console_pump(void)
{
	if (console_ring_head == console_ring_tail || !(inb(COM1_LSR) & LSR_THRE))
		return;
	for (int i = 0; i < FIFO_SIZE && console_ring_head != console_ring_tail; i++)
		outb(COM1, (uint8_t)console_ring[console_ring_head++ % RING_SIZE]);
}

/* Queue one byte; a full buffer first waits for the UART to take some. */
static void console_putc(char c)
{
	while (console_ring_tail - console_ring_head == RING_SIZE)
		console_pump();
	console_ring[console_ring_tail++ % RING_SIZE] = c;
}

void console_write(const char *s, size_t n)
{
	while (n--)
		console_putc(*s++);
	console_pump();
}

/* Format into a line buffer and send it; long output is cut, not lost silently. */
static void console_vprintf(const char *prefix, const char *fmt, va_list ap, bool newline)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	console_write(prefix, strlen(prefix));
	console_write(buf, strlen(buf));
	if (n >= (int)sizeof(buf))
		console_write("[...]", 5);
	if (newline)
		console_putc('\n');
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf("", fmt, ap, false);
	va_end(ap);
}

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf("hv: ", fmt, ap, true);
	va_end(ap);
}

void console_drain(void)
{
	while (console_ring_head != console_ring_tail)
		console_pump();
	while (!(inb(COM1_LSR) & LSR_TEMT))
		;
}

/* Until the host reads console input, no byte ever comes. */
bool console_input_may_come(void)
{
	return false;
}
