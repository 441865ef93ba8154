/*
 * The user program's runtime: system calls of the guest OS (syscall.h) and
 * a printf that writes one line per call.
 */
#ifndef OS_USER_ULIB_H
#define OS_USER_ULIB_H

#include <stdint.h>

int write(const char *buf, uint32_t len);
void yield(void);
void exit(int code) __attribute__((noreturn));
int fork(void);
void *sbrk(uint32_t bytes);
int swap_pages(void *a, void *b);
int getpid(void);
void *share(void);
int alive(int pid);

/* printf through write(): %d %u %x %s %c %p, flags '-' and '0', width. */
void uprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
