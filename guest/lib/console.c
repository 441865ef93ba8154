/*
 * The guest's console on COM1 and its exit through port 0xF4. Polled, no
 * interrupts; the formatting is in format.c.
 */
#include "guest.h"
#include "uart.h"
#include "x86.h"

#define EXIT_PORT 0xF4

void console_init(void)
{
	outb(COM1_LCR, LCR_8N1);
}

/* Send one byte when COM1 can take it (a format_putc; ctx unused). */
static void console_putc(char c, void *ctx)
{
	(void)ctx;
	while (!(inb(COM1_LSR) & LSR_THRE))
		;
	outb(COM1, (uint8_t)c);
}

void gvprintf(const char *fmt, va_list ap)
{
	gvformat(console_putc, NULL, fmt, ap);
}

void gprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gvprintf(fmt, ap);
	va_end(ap);
}

void guest_exit(uint32_t code)
{
	while (!(inb(COM1_LSR) & LSR_TEMT))
		;
	outl(EXIT_PORT, code);
	for (;;) /* no exit device: stop here */
		__asm__ volatile("cli; hlt");
}
