/*
 * vsnprintf for the host kernel: the subset of C's format language the
 * kernel uses (%d %i %u %x %X %p %s %c %%, flags '-', '0' and '#', a width, and
 * the length modifiers l, ll, z). Output is always NUL-terminated when
 * size > 0; the return value is the length the full output would have.
 */
#include "kernel/lib.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

/* Append one character, counting it even when the buffer is full. */
static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* Append s padded to width; zero padding goes after a sign. */
static void put_padded(struct out *o, const char *s, size_t n, int width,
		       bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (pad == '0' && n && *s == '-') {
		put(o, *s++);
		n--;
	}
	while (!left && fill-- > 0)
		put(o, pad);
	while (n--)
		put(o, *s++);
	while (left && fill-- > 0)
		put(o, ' ');
}

/* Format v in base (10 or 16) into the end of tmp; return the start. */
static char *format_number(char *end, uint64_t v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	*--end = '\0';
	do {
		*--end = digits[v % base];
		v /= base;
	} while (v);
	return end;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	char tmp[24];

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		bool left = false, alt = false;
		char pad = ' ';
		int width = 0, longs = 0;

		for (fmt++; *fmt == '-' || *fmt == '0' || *fmt == '#'; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '#')
				alt = true;
			else
				pad = '0';
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			longs++;

		uint64_t u;
		char *s;
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = longs ? va_arg(ap, long) : va_arg(ap, int);
			s = format_number(tmp + sizeof(tmp), v < 0 ? -(uint64_t)v : (uint64_t)v, 10, false);
			if (v < 0)
				*--s = '-';
			put_padded(&o, s, strlen(s), width, left, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			u = longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			s = format_number(tmp + sizeof(tmp), u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			if (alt && u && *fmt != 'u') {
				*--s = *fmt; /* C's '#': 0x prefix for non-zero hex */
				*--s = '0';
			}
			put_padded(&o, s, strlen(s), width, left, pad);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			s = format_number(tmp + sizeof(tmp), u, 16, false);
			*--s = 'x';
			*--s = '0';
			put_padded(&o, s, strlen(s), width, left, pad);
			break;
		case 's':
			s = va_arg(ap, char *);
			if (!s)
				s = "(null)";
			put_padded(&o, s, strlen(s), width, left, ' ');
			break;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			put_padded(&o, tmp, 1, width, left, ' ');
			break;
		case '%':
			put(&o, '%');
			break;
		default: /* unknown conversion: show it rather than guess */
			put(&o, '%');
			if (!*fmt)
				goto done;
			put(&o, *fmt);
		}
	}
done:
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
