/**
 * @file vclock.h
 * @brief Each VM's own clock: the time its guest has run, plus the time it
 * waited parked in HLT. Every timer of its chips (kernel/pc/) counts on it.
 *
 * The clock advances by the host TSC ticks between a VM entry and the next
 * exit (tsc_at_entry, tsc_at_exit), never by the hypervisor's own time, so a
 * guest sees the same timer interrupts at the same instructions whoever else
 * runs and however long its exits take. In Bochs the TSC counts
 * instructions, and QEMU with DETERMINISTIC=1 counts them too: a run replays
 * exactly.
 */
#ifndef KERNEL_VCLOCK_H
#define KERNEL_VCLOCK_H

#include "kernel/lib.h"

struct vm;

#define VCLOCK_HZ    1000000000ull /**< nominal ticks per second: the rate every guest-visible frequency is derived from */
#define VCLOCK_NEVER UINT64_MAX    /**< a deadline that never comes */

/** @brief The current time of @p vm's clock, in ticks. */
uint64_t vclock_now(const struct vm *vm);

/** @brief Advance @p vm's clock by @p ticks (its guest ran, or it waited parked). */
void vclock_advance(struct vm *vm, uint64_t ticks);

/** @brief @p ticks of the clock as periods of a @p hz clock (a chip's input clock, @p hz <= VCLOCK_HZ), rounded down. */
uint64_t vclock_to_hz(uint64_t ticks, uint64_t hz);

/** @brief @p periods of a @p hz clock (@p hz <= VCLOCK_HZ) as ticks of the VM's clock, rounded up. */
uint64_t vclock_from_hz(uint64_t periods, uint64_t hz);

#endif
