/*
 * The rules for an event whose delivery a VM exit interrupted, in one place
 * for both backends. SDM Vol3A 6.15 (Exception and Interrupt Reference,
 * Interrupt 8 - Double Fault Exception), Tables 6-4 and 6-5.
 */
#include "kernel/event.h"
#include "kernel/vectors.h"

/* Exception classes for double faults. SDM Vol3A 6.15, Table 6-4 */
enum exception_class { BENIGN, CONTRIBUTORY, PAGE_FAULT, DOUBLE_FAULT };

static enum exception_class class_of(const struct event *e)
{
	if (e->type != EVENT_HW_EXCEPTION)
		return BENIGN; /* interrupts, NMIs and the instructions' own events */
	switch (e->vector) {
	case VEC_DIVIDE_ERROR:
	case VEC_INVALID_TSS:
	case VEC_SEGMENT_NOT_PRESENT:
	case VEC_STACK_FAULT:
	case VEC_GENERAL_PROTECTION:
		return CONTRIBUTORY;
	case VEC_PAGE_FAULT:
		return PAGE_FAULT;
	case VEC_DOUBLE_FAULT:
		return DOUBLE_FAULT;
	default:
		return BENIGN;
	}
}

struct event event_exception(uint8_t vector, bool has_error, uint32_t error_code)
{
	return (struct event){ .valid = true, .type = EVENT_HW_EXCEPTION, .vector = vector,
			       .has_error = has_error, .error_code = error_code };
}

enum event_outcome event_next(const struct event *interrupted, const struct event *raised,
			      struct event *out)
{
	enum exception_class first, second;

	if (!interrupted->valid) {
		*out = *raised;
		return raised->valid ? EVENT_INJECT : EVENT_NONE;
	}
	if (!raised->valid) {
		/* SDM Vol3C 27.2.4, APM Vol2 15.7.2: deliver it again. An instruction's
		 * own event comes again when the instruction re-executes. */
		if (interrupted->type >= EVENT_SW_INTERRUPT)
			return EVENT_NONE;
		*out = *interrupted;
		return EVENT_INJECT;
	}
	first = class_of(interrupted);
	second = class_of(raised);
	if (first == DOUBLE_FAULT && (second == CONTRIBUTORY || second == PAGE_FAULT))
		return EVENT_SHUTDOWN;
	if ((first == CONTRIBUTORY && second == CONTRIBUTORY) ||
	    (first == PAGE_FAULT && (second == CONTRIBUTORY || second == PAGE_FAULT))) {
		*out = event_exception(VEC_DOUBLE_FAULT, true, 0);
		return EVENT_INJECT;
	}
	*out = *raised; /* handled serially: the first comes again after the handler returns */
	return EVENT_INJECT;
}
