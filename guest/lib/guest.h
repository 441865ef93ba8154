/**
 * @file guest.h
 * @brief The runtime of the teaching guests: console, exit, Multiboot arguments, memory helpers.
 *
 * Everything here follows the guest contract (docs/guest-contract.md), so a guest built on
 * it prints the same natively and under the hypervisor.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/multiboot.h"

#define GUEST_SUCCESS 0x10 /**< exit code for success (QEMU then exits with 33) */
#define GUEST_FAILURE 0x11 /**< exit code for a failed check or an unexpected trap (QEMU: 35) */

/** @brief The general registers as the loader left them: EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI (crt0.S). */
extern const uint32_t guest_entry_regs[8];

/** @brief The guest's entry point, called by crt0.S; returns the exit code. */
int guest_main(uint32_t magic, const struct mb_info *mbi);

/** @brief Set COM1 to 8N1 (Bochs starts it in 5-bit mode). */
void console_init(void);

/** @brief printf to COM1: %d %u %x %s %c %p %%, flags '-' and '0', width. 32-bit values only. */
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** @brief gprintf() with a va_list. */
void gvprintf(const char *fmt, va_list ap);

/** @brief Where gvformat() sends each character; @p ctx is the caller's. */
typedef void (*format_putc)(char c, void *ctx);

/** @brief The printf core behind gprintf(): formats @p fmt (same conversions) into @p out. */
void gvformat(format_putc out, void *ctx, const char *fmt, va_list ap);

/** @brief Wait for COM1 to drain, then end with @p code on port 0xF4. */
void guest_exit(uint32_t code) __attribute__((noreturn));

/** @brief The command line without its first word (the program's path), "" if none. */
const char *mb_args(const struct mb_info *mbi);

/**
 * @brief The value of `key=N` in @p args (decimal, or hexadecimal after 0x), else @p fallback.
 *
 * @p args is a space-separated list of words such as "seed=7 verbose".
 */
uint32_t arg_uint(const char *args, const char *key, uint32_t fallback);

/** @brief Whether @p args has the word @p key, alone or as `key=...`. */
int arg_flag(const char *args, const char *key);

/** @brief Length of a string. */
size_t gstrlen(const char *s);

/** @brief Compare two strings: 0 if equal, else the sign of the first differing byte's difference. */
int gstrcmp(const char *a, const char *b);

/** @brief Fill @p n bytes at @p dst with @p c; returns @p dst. GCC may call it for struct copies too. */
void *memset(void *dst, int c, size_t n);

/** @brief Copy @p n bytes from @p src to @p dst (no overlap); returns @p dst. */
void *memcpy(void *dst, const void *src, size_t n);

#endif
