/**
 * @file machine.h
 * @brief Ending the emulator run, and panic().
 */
#ifndef KERNEL_MACHINE_H
#define KERNEL_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

/**
 * @brief End the run: print the result line, drain COM1 and stop the emulator.
 *
 * The last console line is "hv: end: success" or "hv: end: failure"; the
 * runner checks it together with the emulator's exit status (QEMU: 33 for
 * success, 35 for failure through isa-debug-exit; Bochs: 0 through the
 * runner's breakpoint on machine_success_stop() for success, 1 through the
 * 0x8900 shutdown port for failure).
 */
void machine_exit(bool success) __attribute__((noreturn));

/** @brief Where a successful run ends in Bochs: tools/hvrun breaks on its physical address and quits. */
void machine_success_stop(void);

/** @brief Print a message naming file, line and function, a backtrace, and end as a failure. */
void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));

/** @brief Stop the hypervisor: a bug in the host, never a guest's doing. */
#define panic(...) panic_at(__FILE__, __LINE__, __func__, __VA_ARGS__)

/** @brief Print a backtrace of the host stack starting at frame pointer @p rbp. */
void print_backtrace(uint64_t rbp);

#endif
