/**
 * @file runloop.h
 * @brief The run loop (kernel/runloop.c): every VM, slice after slice, until each has ended.
 */
#ifndef KERNEL_RUNLOOP_H
#define KERNEL_RUNLOOP_H

#include "kernel/vm.h"

/**
 * @brief Run every VM until each has ended, in slices of @p slice ticks, in
 * the order lab 5's sched_pick_next chooses; after @p budget ticks in all
 * (0: no limit) stop the VMs still running.
 */
void runloop_run(struct vm **vms, int count, uint64_t slice, uint64_t budget);

#endif
