/*
 * String and memory helpers. GCC expects a freestanding program to provide
 * memset and memcpy (it may call them for struct copies); they use rep
 * stos/movs so that the compiler cannot turn their loops back into calls to
 * themselves. No I/O here: ring-3 programs link this file too.
 */
#include "guest.h"

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("cld; rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	__asm__ volatile("cld; rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

size_t gstrlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int gstrcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}
