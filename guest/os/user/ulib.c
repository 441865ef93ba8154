/* System call stubs and uprintf for the user program. */
#include "guest.h"
#include "guest/os/syscall.h"
#include "ulib.h"

/* int $0x80 with the number in EAX and arguments in EBX, ECX; the result comes back in EAX. */
static uint32_t syscall2(uint32_t nr, uint32_t a, uint32_t b)
{
	uint32_t ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory");
	return ret;
}

int write(const char *buf, uint32_t len)
{
	return (int)syscall2(SYS_WRITE, (uint32_t)buf, len);
}

void yield(void)
{
	syscall2(SYS_YIELD, 0, 0);
}

void exit(int code)
{
	syscall2(SYS_EXIT, (uint32_t)code, 0);
	for (;;) /* the kernel never returns here */
		;
}

int fork(void)
{
	return (int)syscall2(SYS_FORK, 0, 0);
}

void *sbrk(uint32_t bytes)
{
	return (void *)syscall2(SYS_SBRK, bytes, 0);
}

int swap_pages(void *a, void *b)
{
	return (int)syscall2(SYS_SWAP, (uint32_t)a, (uint32_t)b);
}

void *share(void)
{
	return (void *)syscall2(SYS_SHARE, 0, 0);
}

int alive(int pid)
{
	return (int)syscall2(SYS_ALIVE, (uint32_t)pid, 0);
}

int getpid(void)
{
	return (int)syscall2(SYS_GETPID, 0, 0);
}

struct line {
	char buf[120];
	uint32_t len;
};

/* Collect characters; write them out when the buffer is full (a format_putc). */
static void line_putc(char c, void *ctx)
{
	struct line *l = ctx;

	l->buf[l->len++] = c;
	if (l->len == sizeof(l->buf)) {
		write(l->buf, l->len);
		l->len = 0;
	}
}

void uprintf(const char *fmt, ...)
{
	struct line l;
	va_list ap;

	l.len = 0;
	va_start(ap, fmt);
	gvformat(line_putc, &l, fmt, ap);
	va_end(ap);
	if (l.len)
		write(l.buf, l.len);
}
