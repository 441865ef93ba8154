/*
 * The guest's console on COM1 and its exit through port 0xF4. Polled, no
 * interrupts; 32-bit arithmetic only (no libgcc in a freestanding -m32 build).
 */
#include "guest.h"
#include "x86.h"

#define COM1      0x3F8
#define COM1_LCR  (COM1 + 3)
#define COM1_LSR  (COM1 + 5)
#define LCR_8N1   0x03
#define LSR_THRE  0x20 /* can take a byte */
#define LSR_TEMT  0x40 /* everything sent */
#define EXIT_PORT 0xF4

void console_init(void)
{
	outb(COM1_LCR, LCR_8N1);
}

static void putc(char c)
{
	while (!(inb(COM1_LSR) & LSR_THRE))
		;
	outb(COM1, (uint8_t)c);
}

static void puts_padded(const char *s, int width, int left, char pad)
{
	int n = (int)gstrlen(s);

	if (pad == '0' && *s == '-') {
		putc(*s++);
		width--;
		n--;
	}
	for (; !left && width > n; width--)
		putc(pad);
	while (*s)
		putc(*s++);
	for (; left && width > n; width--)
		putc(' ');
}

/* Digits of v in base 10 or 16, written backwards from end. */
static char *number(char *end, uint32_t v, unsigned base)
{
	*--end = '\0';
	do {
		*--end = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	return end;
}

void gprintf(const char *fmt, ...)
{
	va_list ap;
	char buf[16], *s;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putc(*fmt);
			continue;
		}
		int left = 0, width = 0;
		char pad = ' ';

		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++)
			*fmt == '-' ? (left = 1) : (pad = '0');
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		switch (*fmt) {
		case 'd': {
			int v = va_arg(ap, int);
			s = number(buf + sizeof(buf), v < 0 ? -(uint32_t)v : (uint32_t)v, 10);
			if (v < 0)
				*--s = '-';
			break;
		}
		case 'u':
			s = number(buf + sizeof(buf), va_arg(ap, uint32_t), 10);
			break;
		case 'x':
			s = number(buf + sizeof(buf), va_arg(ap, uint32_t), 16);
			break;
		case 'p':
			s = number(buf + sizeof(buf), (uint32_t)va_arg(ap, void *), 16);
			*--s = 'x';
			*--s = '0';
			break;
		case 's':
			s = va_arg(ap, char *);
			break;
		case 'c':
			buf[0] = (char)va_arg(ap, int);
			buf[1] = '\0';
			s = buf;
			break;
		case '%':
			s = "%";
			break;
		default: /* unknown conversion: print it as written */
			buf[0] = '%';
			buf[1] = *fmt;
			buf[2] = '\0';
			s = buf;
			if (!*fmt)
				fmt--; /* a lone '%' at the end */
		}
		puts_padded(s, width, left, pad);
	}
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
