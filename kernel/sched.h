/**
 * @file sched.h
 * @brief Lab 5: several VMs on one CPU, preemptive round-robin (the patent's Fig. 1).
 *
 * The run loop (kernel/runloop.c, given) asks the lab 5 functions which VM
 * runs next, when its time slice is over, and to switch to it.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "kernel/vm.h"

#define SCHED_SLICE_DEFAULT 1000000u /**< time slice in TSC ticks (Bochs: guest+host instructions) */

/**
 * @brief Lab 5: the VM to run after @p prev: the next running VM in
 * round-robin order (after @p prev, wrapping around; @p prev itself last).
 * @param vms   the VMs, in creation order
 * @param count how many
 * @param prev  the VM that ran last, or NULL at the start
 * @return a VM in state VM_RUNNING, or NULL when none is left
 */
struct vm *sched_pick_next(struct vm *const *vms, int count, const struct vm *prev);

/**
 * @brief Lab 5: is @p vm's time slice over after exit @p e at time @p now?
 * Over when the backend's timer fired (EXIT_PREEMPT) or @p slice ticks have
 * passed since the slice began, so that a guest which exits often still yields.
 */
bool sched_slice_over(const struct vm *vm, const struct vm_exit *e, uint64_t now, uint64_t slice);

/** @brief Lab 5: make @p next the VM the CPU runs (its VMCS/VMCB, its virtual TLB) and start its slice at @p now. */
void sched_switch(struct vm *next, uint64_t now);

#endif
