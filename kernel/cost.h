/**
 * @file cost.h
 * @brief What each exit costs the hypervisor, for make bench.
 *
 * The cost of an exit is the host time from the world switch back to the
 * host until the next entry into the guest (tsc_at_exit to tsc_at_entry).
 * In Bochs the TSC counts instructions, so the figures are exact and
 * reproducible; in QEMU they are time and only indicative. Kept only with
 * the hypervisor option bench, so that other runs pay nothing for it.
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
	uint32_t rng;                                /**< xorshift state for the sampling */
	uint64_t pending_exit_tsc;                   /**< the last exit's tsc_at_exit, 0 before the first */
	enum exit_kind pending_kind;                 /**< the last exit's kind */
	bool pending_hidden;                         /**< the last exit was a hidden fault */
};

/** @brief The guest is about to be entered (tsc_at_entry is set): charge the last exit. */
void cost_entered(struct cost *c);

/** @brief An exit of @p kind was handled; @p hidden_fault when the virtual TLB filled it. */
void cost_exited(struct cost *c, enum exit_kind kind, bool hidden_fault);

/**
 * @brief Print the median hidden-fault round trip, then one line per exit kind
 * with its count, median, 90th percentile and total ticks ("hv: vmN cost: ...").
 */
void cost_report(const struct cost *c, int vm_id);

#endif
