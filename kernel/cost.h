/**
 * @file cost.h
 * @brief What each exit costs the hypervisor, for make bench.
 *
 * The cost of an exit is the host time from the world switch back to the
 * host until the next entry into the guest (tsc_at_exit to tsc_at_entry).
 * In Bochs the TSC counts instructions, so the figures are exact and
 * reproducible; in QEMU they are time and only indicative. Kept only with
 * the hypervisor option bench, so that other runs pay nothing for it. The
 * bookkeeping runs inside the exit it measures: it times itself and leaves
 * its own ticks out, all but the few instructions around its two clock reads.
 * The cost of a VM switch, from the end of one VM's slice to the entry into
 * the next VM, is counted here too.
 */
#ifndef KERNEL_COST_H
#define KERNEL_COST_H

#include "kernel/vmexit.h"

#define COST_SAMPLES 1024 /**< samples kept per exit kind (a uniform sample of all, Algorithm R) */

/** @brief A uniform sample of exit costs, for their median and 90th percentile. */
struct cost_sample {
	uint32_t value[COST_SAMPLES]; /**< the kept costs */
	uint32_t seen;                /**< costs offered so far */
};

/** @brief Per-VM cost counters. */
struct cost {
	uint64_t ticks[EXIT_KIND_COUNT];             /**< host TSC ticks by exit kind */
	struct cost_sample by_kind[EXIT_KIND_COUNT]; /**< each exit's cost, by kind */
	struct cost_sample hidden;                   /**< round trips of hidden faults */
	struct cost_sample device;                   /**< round trips of device-memory accesses (kernel/mmio.c) */
	uint32_t rng;                                /**< xorshift state for the sampling */
	uint64_t pending_exit_tsc;                   /**< the last exit's tsc_at_exit, 0: none to charge */
	enum exit_kind pending_kind;                 /**< the last exit's kind */
	uint64_t pending_faults;                     /**< hidden faults filled before the last exit was handled */
	uint64_t pending_devices;                    /**< device accesses before the last exit was handled */
	uint64_t own_ticks;                          /**< what cost_account took inside the last exit */
};

/**
 * @brief An exit of @p kind just happened, not yet handled: charge the last
 * one (its tsc_at_exit to the tsc_at_entry before this exit, less this
 * function's own ticks then) and remember this one. @p hidden_faults is the
 * virtual TLB's count so far: a change since the last call makes the last
 * exit a hidden fault; @p device_accesses the VM's count of device-memory
 * accesses, likewise.
 */
void cost_account(struct cost *c, enum exit_kind kind, uint64_t hidden_faults, uint64_t device_accesses);

/** @brief The VM's slice is over: until it runs again, the time is the other VMs', not its last exit's. */
void cost_slice_over(struct cost *c);

/**
 * @brief A VM switch has just happened: the previous VM's slice ended (its
 * last exit handled) at TSC @p slice_end, and the next VM was entered at
 * tsc_at_entry. Counted whether or not option bench is on.
 */
void cost_switch(uint64_t slice_end);

/** @brief Print the VM switches counted and their average cost ("hv: scheduler: ..."). */
void cost_switch_report(void);

/**
 * @brief Print the median hidden-fault round trip (and device-access round
 * trip, when there were any), then one line per exit kind
 * with its count, median, 90th percentile and total ticks ("hv: vmN cost: ...").
 */
void cost_report(const struct cost *c, int vm_id);

#endif
