/*
 * COM1 console. The UART is polled: the host never takes interrupts from it.
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

#define LCR_8N1   0x03       /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB  0x80       /* divisor latch access */
#define LSR_THRE  0x20       /* transmitter holding register empty */
#define LSR_TEMT  0x40       /* transmitter completely empty */

void console_init(void)
{
	outb(COM1_IER, 0x00);
	outb(COM1_LCR, LCR_DLAB);
	outb(COM1_DLL, 0x01); /* 115200 baud */
	outb(COM1_DLM, 0x00);
	outb(COM1_LCR, LCR_8N1);
	outb(COM1_FCR, 0x07); /* enable and clear FIFOs */
	outb(COM1_MCR, 0x03); /* DTR, RTS */
}

/* Send one byte once the transmitter can take it. */
static void console_putc(char c)
{
	while (!(inb(COM1_LSR) & LSR_THRE))
		;
	outb(COM1, (uint8_t)c);
}

void console_write(const char *s, size_t n)
{
	while (n--)
		console_putc(*s++);
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
	while (!(inb(COM1_LSR) & LSR_TEMT))
		;
}
