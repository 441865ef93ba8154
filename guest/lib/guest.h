/**
 * @file guest.h
 * @brief The runtime of the teaching guests: console, exit, Multiboot arguments.
 *
 * Everything here follows the guest contract (design.md), so a guest built on
 * it prints the same natively and under the hypervisor.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/multiboot.h"

#define GUEST_SUCCESS 0x10 /**< exit code for success (QEMU then exits with 33) */

/** @brief The guest's entry point, called by crt0.S; returns the exit code. */
int guest_main(uint32_t magic, const struct mb_info *mbi);

/** @brief Set COM1 to 8N1 (Bochs starts it in 5-bit mode). */
void console_init(void);

/** @brief printf to COM1: %d %u %x %s %c %p %%, flags '-' and '0', width. 32-bit values only. */
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** @brief Wait for COM1 to drain, then end with @p code on port 0xF4. */
void guest_exit(uint32_t code) __attribute__((noreturn));

/** @brief The command line without its first word (the program's path), "" if none. */
const char *mb_args(const struct mb_info *mbi);

/** @brief Length of a string. */
size_t gstrlen(const char *s);

#endif
