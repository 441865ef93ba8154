/**
 * @file event.h
 * @brief Events in delivery: what an exit interrupted, what the hypervisor
 * raises, and the one event the next entry delivers.
 *
 * A VM exit can come in the middle of delivering an event (a hidden page fault on
 * the guest's stack while the CPU delivers INT 0x80, say). The backends only
 * report that event in struct vm_exit; event_next() decides, for both, what
 * happens to it by the rules of SDM Vol3A 6.15 (Table 6-5) and
 * SDM Vol3C 27.2.4 / APM Vol2 15.7.2, and the backend injects the result.
 */
#ifndef KERNEL_EVENT_H
#define KERNEL_EVENT_H

#include "kernel/lib.h"

/** @brief Kinds of event, in VT-x's interruption-type encoding. SDM Vol3C 24.8.3 */
enum event_type {
	EVENT_EXTERNAL = 0,          /**< external interrupt */
	EVENT_NMI = 2,               /**< non-maskable interrupt */
	EVENT_HW_EXCEPTION = 3,      /**< a fault, trap or abort the CPU raised */
	EVENT_SW_INTERRUPT = 4,      /**< INT n */
	EVENT_PRIV_SW_EXCEPTION = 5, /**< INT1 (ICEBP) */
	EVENT_SW_EXCEPTION = 6,      /**< INT3, INTO */
};

/** @brief One event: interrupted by an exit, raised by the hypervisor, or to inject. */
struct event {
	bool valid;          /**< false: no event */
	enum event_type type; /**< what kind */
	uint8_t vector;      /**< IDT vector */
	bool has_error;      /**< an error code is pushed */
	uint32_t error_code; /**< the error code, if @c has_error */
};

/** @brief What the next VM entry must do about events. */
enum event_outcome {
	EVENT_NONE,     /**< deliver nothing */
	EVENT_INJECT,   /**< inject the event event_next() wrote */
	EVENT_SHUTDOWN, /**< a fault while delivering \#DF: the guest triple-faults */
};

/**
 * @brief Combine the event an exit interrupted with the exception the
 * hypervisor raised at that exit into the one event to deliver.
 *
 * An interrupted INT n, INT3, INTO or INT1 is not injected: the guest's RIP
 * still points at the instruction, which raises it again when it re-executes.
 * An interrupted hardware event is delivered again, unless an exception was
 * raised during its delivery: then Table 6-5 decides between the two in turn,
 * a \#DF, or a shutdown.
 * @param interrupted the event whose delivery the exit interrupted, or invalid
 * @param raised      the exception the hypervisor raises for this exit, or invalid
 * @param out         receives the event for EVENT_INJECT
 */
enum event_outcome event_next(const struct event *interrupted, const struct event *raised,
			      struct event *out);

/** @brief A hardware exception with an error code, or without one when @p has_error is false. */
struct event event_exception(uint8_t vector, bool has_error, uint32_t error_code);

#endif
