/*
 * Given code: kernel/event.c against SDM Vol3A 6.15, Table 6-5 (Conditions
 * for Generating a Double Fault), and the redelivery rules of SDM Vol3C
 * 27.2.4 / APM Vol2 15.7.2. Every class pair of the table is checked.
 */
#include <criterion/criterion.h>

#include "kernel/event.h"
#include "kernel/vectors.h"

static const struct event none;

static struct event exc(uint8_t vector)
{
	return event_exception(vector, vector == VEC_PAGE_FAULT || vector == VEC_GENERAL_PROTECTION, 0x2);
}

static struct event of_type(enum event_type type, uint8_t vector)
{
	return (struct event){ .valid = true, .type = type, .vector = vector };
}

Test(event, nothing_interrupted_delivers_what_was_raised)
{
	struct event out, pf = exc(VEC_PAGE_FAULT);

	cr_assert_eq(event_next(&none, &none, &out), EVENT_NONE);
	cr_assert_eq(event_next(&none, &pf, &out), EVENT_INJECT);
	cr_assert_eq(out.vector, VEC_PAGE_FAULT);
	cr_assert(out.has_error);
	cr_assert_eq(out.error_code, 0x2);
}

Test(event, interrupted_hardware_event_is_delivered_again)
{
	struct event out, gp = exc(VEC_GENERAL_PROTECTION), nmi = of_type(EVENT_NMI, 2);

	cr_assert_eq(event_next(&gp, &none, &out), EVENT_INJECT);
	cr_assert_eq(out.vector, VEC_GENERAL_PROTECTION);
	cr_assert_eq(out.error_code, 0x2, "the error code goes with it");
	cr_assert_eq(event_next(&nmi, &none, &out), EVENT_INJECT);
	cr_assert_eq(out.type, EVENT_NMI);
}

Test(event, interrupted_instruction_events_come_again_by_reexecution)
{
	struct event out, intn = of_type(EVENT_SW_INTERRUPT, 0x80), int3 = of_type(EVENT_SW_EXCEPTION, 3),
			  int1 = of_type(EVENT_PRIV_SW_EXCEPTION, 1);

	cr_assert_eq(event_next(&intn, &none, &out), EVENT_NONE, "INT n would run twice");
	cr_assert_eq(event_next(&int3, &none, &out), EVENT_NONE);
	cr_assert_eq(event_next(&int1, &none, &out), EVENT_NONE);
}

Test(event, benign_first_or_second_is_handled_serially)
{
	struct event out, db = of_type(EVENT_HW_EXCEPTION, VEC_DEBUG), pf = exc(VEC_PAGE_FAULT),
			  gp = exc(VEC_GENERAL_PROTECTION), ac = exc(VEC_ALIGNMENT),
			  intn = of_type(EVENT_SW_INTERRUPT, 0x80);

	cr_assert_eq(event_next(&db, &pf, &out), EVENT_INJECT);
	cr_assert_eq(out.vector, VEC_PAGE_FAULT);
	cr_assert_eq(event_next(&intn, &pf, &out), EVENT_INJECT);
	cr_assert_eq(out.vector, VEC_PAGE_FAULT, "a #PF while delivering INT n is just a #PF");
	cr_assert_eq(event_next(&gp, &ac, &out), EVENT_INJECT);
	cr_assert_eq(out.vector, VEC_ALIGNMENT, "#AC is benign");
}

Test(event, contributory_then_page_fault_is_handled_serially)
{
	struct event out, gp = exc(VEC_GENERAL_PROTECTION), pf = exc(VEC_PAGE_FAULT);

	cr_assert_eq(event_next(&gp, &pf, &out), EVENT_INJECT);
	cr_assert_eq(out.vector, VEC_PAGE_FAULT);
}

Test(event, contributory_pairs_and_page_fault_pairs_make_a_double_fault)
{
	static const uint8_t contributory[] = { VEC_DIVIDE_ERROR, VEC_INVALID_TSS, VEC_SEGMENT_NOT_PRESENT,
						VEC_STACK_FAULT, VEC_GENERAL_PROTECTION };
	struct event out, pf = exc(VEC_PAGE_FAULT);

	for (size_t i = 0; i < sizeof(contributory); i++) {
		for (size_t j = 0; j < sizeof(contributory); j++) {
			struct event a = exc(contributory[i]), b = exc(contributory[j]);

			cr_assert_eq(event_next(&a, &b, &out), EVENT_INJECT);
			cr_assert_eq(out.vector, VEC_DOUBLE_FAULT, "%u then %u", a.vector, b.vector);
			cr_assert(out.has_error && out.error_code == 0, "#DF pushes error code 0");
		}
		struct event b = exc(contributory[i]);
		cr_assert_eq(event_next(&pf, &b, &out), EVENT_INJECT);
		cr_assert_eq(out.vector, VEC_DOUBLE_FAULT, "#PF then %u", b.vector);
	}
	cr_assert_eq(event_next(&pf, &pf, &out), EVENT_INJECT);
	cr_assert_eq(out.vector, VEC_DOUBLE_FAULT, "#PF then #PF");
}

Test(event, a_fault_while_delivering_a_double_fault_shuts_down)
{
	struct event out, df = event_exception(VEC_DOUBLE_FAULT, true, 0), pf = exc(VEC_PAGE_FAULT),
			  gp = exc(VEC_GENERAL_PROTECTION), db = of_type(EVENT_HW_EXCEPTION, VEC_DEBUG);

	cr_assert_eq(event_next(&df, &pf, &out), EVENT_SHUTDOWN);
	cr_assert_eq(event_next(&df, &gp, &out), EVENT_SHUTDOWN);
	cr_assert_eq(event_next(&df, &db, &out), EVENT_INJECT, "a benign exception is handled serially");
	cr_assert_eq(event_next(&df, &none, &out), EVENT_INJECT);
	cr_assert_eq(out.vector, VEC_DOUBLE_FAULT, "an interrupted #DF is delivered again");
}
