/**
 * @file lib.h
 * @brief The few C library functions the host kernel provides.
 *
 * Files that are also compiled into host unit tests (the guest loader, the
 * virtual TLB) include this header; there it maps to the C library, in the
 * kernel to kernel/string.c and kernel/printf.c. The semantics are the C
 * standard's in both places.
 */
#ifndef KERNEL_LIB_H
#define KERNEL_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef HOST_TEST
#include <stdio.h>
#include <string.h>
#else
/** @brief Copy @p n bytes; the areas must not overlap. */
void *memcpy(void *dst, const void *src, size_t n);
/** @brief Fill @p n bytes with @p c. */
void *memset(void *dst, int c, size_t n);
/** @brief Copy @p n bytes; the areas may overlap. */
void *memmove(void *dst, const void *src, size_t n);
/** @brief Compare @p n bytes: <0, 0 or >0. */
int memcmp(const void *a, const void *b, size_t n);
/** @brief Length of a string. */
size_t strlen(const char *s);
/** @brief Compare two strings: <0, 0 or >0. */
int strcmp(const char *a, const char *b);
/** @brief Compare at most @p n characters of two strings. */
int strncmp(const char *a, const char *b, size_t n);
/** @brief First @p c in @p s, or NULL. */
char *strchr(const char *s, int c);
/** @brief Format into @p buf (kernel/printf.c lists the conversions); returns the full length. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/** @brief vsnprintf with arguments. */
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#endif

/** @brief Number of elements of a true array. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/** @brief Round @p x up to a multiple of the power of two @p a. */
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))

/** @brief Round @p x down to a multiple of the power of two @p a. */
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))

#define KiB (1024ul)        /**< one kibibyte */
#define MiB (1024ul * KiB)  /**< one mebibyte */

#endif
