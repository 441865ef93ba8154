/*
 * The printf core shared by the console (gprintf) and ring-3 programs that
 * print through a system call. No I/O here: characters go to a callback.
 * 32-bit arithmetic only (no libgcc in a freestanding -m32 build).
 */
#include "guest.h"

/* Send s to out, padded to width on the left (or right if left) with pad. */
static void puts_padded(format_putc out, void *ctx, const char *s, int width, int left, char pad)
{
	int n = (int)gstrlen(s);

	if (pad == '0' && *s == '-') {
		out(*s++, ctx);
		width--;
		n--;
	}
	for (; !left && width > n; width--)
		out(pad, ctx);
	while (*s)
		out(*s++, ctx);
	for (; left && width > n; width--)
		out(' ', ctx);
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

void gvformat(format_putc out, void *ctx, const char *fmt, va_list ap)
{
	char buf[16], *s;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out(*fmt, ctx);
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
		puts_padded(out, ctx, s, width, left, pad);
	}
}
