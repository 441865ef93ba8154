/*
 * Lab 7: the local APIC's priorities (kernel/pc/vlapic_priority.c) against
 * the SDM: the processor priority (SDM Vol3A 10.8.3.1, Task and Processor
 * Priorities), which request is presented and what taking it does (10.8.4,
 * Interrupt Acceptance for Fixed Interrupts), and what EOI ends, at the
 * IOAPIC too for a level-triggered vector (10.8.5, Signaling Interrupt
 * Servicing Completion; 82093AA: 3.2.4 (IOREDTBL)). The VM is
 * pc_fixture.h's, its chips wired as kernel/pc/platform.c wires them.
 */
#include <criterion/criterion.h>

#include "autograder/tests/pc_fixture.h"
#include "kernel/pc/vioapic.h"
#include "kernel/pc/vlapic.h"

/* Local APIC register offsets, SDM Vol3A Table 10-1. */
#define TPR      0x080
#define PPR      0x0A0
#define EOI      0x0B0
#define SVR      0x0F0
#define ISR(v)   (0x100 + 0x10 * ((v) / 32))
#define TMR(v)   (0x180 + 0x10 * ((v) / 32))
#define IRR(v)   (0x200 + 0x10 * ((v) / 32))
#define LVT_TIMER 0x320
#define INITIAL  0x380
#define DIVIDE   0x3E0
#define PERIODIC 0x20000u
#define BY_1     0xBu       /* divide configuration: divide by 1 */

/* IOAPIC registers. 82093AA: 3.1 (Memory Mapped Registers), 3.2.4 (IOREDTBL) */
#define IOREGSEL   0x00
#define IOWIN      0x10
#define REDIR(pin) (0x10 + 2 * (pin))
#define LEVEL      0x8000u
#define REMOTE_IRR 0x4000u
#define LEVEL_PIN  9         /* ISA IRQ 9 reaches IOAPIC pin 9 (kernel/pc/wiring.c) */
#define LEVEL_VECTOR 0x39

static void setup(void)
{
	pc_fixture_reset(16);
}

TestSuite(priority, .init = setup);

/* The CPU takes what the APIC presents, as the core does: pending, then ack. */
static int take(void)
{
	int v = vlapic_pending(&pc_vm);

	if (v != PC_NO_VECTOR)
		vlapic_ack(&pc_vm, (uint8_t)v);
	return v;
}

/* Vector v in service with TPR tpr: the state PPR is computed from. */
static void in_service_with_tpr(uint8_t v, uint32_t tpr)
{
	vlapic_accept(&pc_vm, v, false);
	cr_assert_eq(take(), v, "vector %#x alone in IRR with TPR 0 is presented (SDM Vol3A 10.8.4)", v);
	lapic_wr(TPR, tpr);
}

/* Program IOAPIC pin's entry as a level-triggered LEVEL_VECTOR to APIC ID 0, and raise its line. */
static void level_line_high(void)
{
	cr_assert(vioapic_write(&pc_vm, IOREGSEL, REDIR(LEVEL_PIN) + 1));
	cr_assert(vioapic_write(&pc_vm, IOWIN, 0));
	cr_assert(vioapic_write(&pc_vm, IOREGSEL, REDIR(LEVEL_PIN)));
	cr_assert(vioapic_write(&pc_vm, IOWIN, LEVEL | LEVEL_VECTOR));
	pc_set_irq(&pc_vm, LEVEL_PIN, true);
}

/* Whether the level pin's remote IRR is set: its interrupt is in service at the local APIC. */
static bool remote_irr(void)
{
	uint32_t low = 0;

	cr_assert(vioapic_write(&pc_vm, IOREGSEL, REDIR(LEVEL_PIN)));
	cr_assert(vioapic_read(&pc_vm, IOWIN, &low));
	return low & REMOTE_IRR;
}

Test(priority, ppr_is_tpr_when_its_class_is_at_least_the_one_in_service)
{
	lapic_wr(TPR, 0x5A);
	cr_assert_eq(lapic_rd(PPR), 0x5A, "nothing in service (ISRV 0): PPR is TPR, subclass included (SDM Vol3A 10.8.3.1)");
	lapic_wr(TPR, 0);
	in_service_with_tpr(0x43, 0x5A);
	cr_assert_eq(lapic_rd(PPR), 0x5A, "TPR 0x5A, 0x43 in service: TPR[7:4] >= ISRV[7:4], so PPR is TPR (SDM Vol3A 10.8.3.1)");
	lapic_wr(TPR, 0x45);
	cr_assert_eq(lapic_rd(PPR), 0x45, "TPR 0x45, 0x43 in service: the same class, so PPR is TPR, subclass included (SDM Vol3A 10.8.3.1)");
}

Test(priority, ppr_is_the_class_in_service_when_it_is_above_tpr)
{
	in_service_with_tpr(0x4B, 0x35);
	cr_assert_eq(lapic_rd(PPR), 0x40,
		     "TPR 0x35, 0x4B in service: PPR[7:4] is ISRV[7:4] and PPR[3:0] is 0, so PPR is 0x40 (SDM Vol3A 10.8.3.1)");
	cr_assert_eq(vlapic_ppr(&pc_vm.pc.lapic), 0x40, "vlapic_ppr is what the PPR register reads");
}

Test(priority, ppr_follows_the_highest_vector_in_service)
{
	in_service_with_tpr(0x31, 0);
	vlapic_accept(&pc_vm, 0x92, false);
	cr_assert_eq(take(), 0x92, "class 9 is above the class 3 in service (SDM Vol3A 10.8.3.1)");
	cr_assert_eq(lapic_rd(PPR), 0x90, "ISRV is the highest vector in service, 0x92, not the first one taken (SDM Vol3A 10.8.3.1)");
	lapic_wr(EOI, 0);
	cr_assert_eq(lapic_rd(PPR), 0x30, "after the EOI of 0x92, 0x31 is the highest in service: PPR 0x30 (SDM Vol3A 10.8.3.1)");
	lapic_wr(EOI, 0);
	cr_assert_eq(lapic_rd(PPR), 0, "nothing in service and TPR 0: PPR 0 (SDM Vol3A 10.8.3.1)");
}

Test(priority, the_highest_class_is_taken_first_and_a_lower_one_waits_for_eoi)
{
	vlapic_accept(&pc_vm, 0x45, false);
	vlapic_accept(&pc_vm, 0x62, false);
	cr_assert_eq(take(), 0x62, "the highest vector in IRR is presented first (SDM Vol3A 10.8.4)");
	cr_assert(lapic_bit(ISR(0x62), 0x62) && !lapic_bit(IRR(0x62), 0x62), "taking a vector moves it from IRR to ISR (SDM Vol3A 10.8.4)");
	cr_assert_eq(lapic_rd(PPR), 0x60, "PPR: the class in service (SDM Vol3A 10.8.3.1)");
	cr_assert_eq(vlapic_pending(&pc_vm), PC_NO_VECTOR,
		     "0x45's class is below the class 6 in service: it waits for the EOI (SDM Vol3A 10.8.3.1)");
	lapic_wr(EOI, 0);
	cr_assert(!lapic_bit(ISR(0x62), 0x62), "EOI ends 0x62 (SDM Vol3A 10.8.5)");
	cr_assert_eq(take(), 0x45, "after the EOI, the waiting 0x45 is presented");
}

Test(priority, a_vector_of_the_class_in_service_waits)
{
	vlapic_accept(&pc_vm, 0x41, false);
	cr_assert_eq(take(), 0x41);
	vlapic_accept(&pc_vm, 0x4F, false);
	cr_assert_eq(vlapic_pending(&pc_vm), PC_NO_VECTOR,
		     "0x4F is above 0x41 but in its class: only a class above PPR's is presented (SDM Vol3A 10.8.3.1)");
	lapic_wr(EOI, 0);
	cr_assert_eq(take(), 0x4F, "after the EOI of 0x41, 0x4F is presented");
}

Test(priority, tpr_masks_classes_at_or_below_it)
{
	lapic_wr(TPR, 0x50);
	vlapic_accept(&pc_vm, 0x55, false);
	cr_assert_eq(vlapic_pending(&pc_vm), PC_NO_VECTOR, "class 5 is not above TPR's class 5 (SDM Vol3A 10.8.3.1)");
	cr_assert_eq(lapic_rd(PPR), 0x50);
	vlapic_accept(&pc_vm, 0x61, false);
	cr_assert_eq(vlapic_pending(&pc_vm), 0x61, "class 6 is above TPR's class 5 (SDM Vol3A 10.8.3.1)");
	lapic_wr(TPR, 0x60);
	cr_assert_eq(vlapic_pending(&pc_vm), PC_NO_VECTOR, "TPR 0x60 masks class 6 (SDM Vol3A 10.8.3.1)");
	lapic_wr(TPR, 0);
	cr_assert_eq(take(), 0x61, "TPR 0 masks nothing: the highest, 0x61, is presented");
}

Test(priority, a_tpr_subclass_compares_classes_not_vectors)
{
	lapic_wr(TPR, 0x51);
	vlapic_accept(&pc_vm, 0x5F, false);
	cr_assert_eq(vlapic_pending(&pc_vm), PC_NO_VECTOR,
		     "TPR 0x51 masks all of class 5, 0x5F included: vector[7:4] is compared with PPR[7:4] (SDM Vol3A 10.8.3.1)");
	lapic_wr(TPR, 0x5F);
	vlapic_accept(&pc_vm, 0x60, false);
	cr_assert_eq(vlapic_pending(&pc_vm), 0x60, "TPR 0x5F does not mask class 6 (SDM Vol3A 10.8.3.1)");
	lapic_wr(TPR, 0x4F);
	cr_assert_eq(take(), 0x60, "TPR 0x4F: the highest above class 4, 0x60, goes first");
	cr_assert_eq(vlapic_pending(&pc_vm), PC_NO_VECTOR, "0x5F's class is below the class 6 in service");
	lapic_wr(EOI, 0);
	cr_assert_eq(vlapic_pending(&pc_vm), 0x5F, "TPR 0x4F does not mask class 5 (SDM Vol3A 10.8.3.1)");
}

Test(priority, a_software_disabled_apic_holds_its_requests)
{
	lapic_wr(SVR, 0xFF);
	vlapic_accept(&pc_vm, 0x90, false);
	cr_assert_eq(vlapic_pending(&pc_vm), PC_NO_VECTOR,
		     "SVR's software enable clear: requests are held, none presented (SDM Vol3A 10.4.7.2)");
	lapic_wr(SVR, 0x1FF);
	cr_assert_eq(vlapic_pending(&pc_vm), 0x90, "enabled again: the held request is presented (SDM Vol3A 10.4.7.2)");
}

Test(priority, ack_moves_the_vector_from_irr_to_isr)
{
	vlapic_accept(&pc_vm, 0x70, false);
	vlapic_accept(&pc_vm, 0x71, false);
	vlapic_ack(&pc_vm, 0x71);
	cr_assert(!lapic_bit(IRR(0x71), 0x71), "the vector taken leaves IRR, or it would be taken again (SDM Vol3A 10.8.4)");
	cr_assert(lapic_bit(ISR(0x71), 0x71), "the vector taken is in service until its EOI (SDM Vol3A 10.8.4)");
	cr_assert(lapic_bit(IRR(0x70), 0x70) && !lapic_bit(ISR(0x70), 0x70), "0x70, not taken, stays requested and not in service");
}

Test(priority, eoi_ends_the_highest_in_service_first)
{
	vlapic_accept(&pc_vm, 0x30, false);
	cr_assert_eq(take(), 0x30);
	vlapic_accept(&pc_vm, 0x80, false);
	cr_assert_eq(take(), 0x80, "a higher class interrupts the one in service (SDM Vol3A 10.8.3.1)");
	lapic_wr(EOI, 0);
	cr_assert(!lapic_bit(ISR(0x80), 0x80) && lapic_bit(ISR(0x30), 0x30),
		  "EOI ends the highest-priority interrupt in service, the nested 0x80, not 0x30 (SDM Vol3A 10.8.5)");
	lapic_wr(EOI, 0);
	cr_assert(!lapic_bit(ISR(0x30), 0x30), "the second EOI ends 0x30 (SDM Vol3A 10.8.5)");
}

Test(priority, eoi_with_nothing_in_service_ends_nothing)
{
	vlapic_accept(&pc_vm, 0x50, true);
	lapic_wr(EOI, 0);
	cr_assert(lapic_bit(IRR(0x50), 0x50) && lapic_bit(TMR(0x50), 0x50), "an EOI with nothing in service changes no request");
	cr_assert_eq(take(), 0x50, "the request is still presented after an EOI that ended nothing");
	cr_assert(lapic_bit(ISR(0x50), 0x50), "and taken, it is in service");
}

Test(priority, a_level_eoi_reaches_the_ioapic)
{
	level_line_high();
	cr_assert(lapic_bit(TMR(LEVEL_VECTOR), LEVEL_VECTOR), "a level-triggered message sets TMR (SDM Vol3A 10.8.4)");
	cr_assert_eq(take(), LEVEL_VECTOR);
	cr_assert(remote_irr(), "in service at the local APIC: remote IRR set (82093AA: 3.2.4 (IOREDTBL))");
	lapic_wr(EOI, 0);
	cr_assert(lapic_bit(IRR(LEVEL_VECTOR), LEVEL_VECTOR),
		  "EOI of a vector whose TMR bit is set goes to the IOAPIC too (SDM Vol3A 10.8.5), which clears remote IRR and, the line still high, sends the vector again (82093AA: 3.2.4 (IOREDTBL)): vlapic_eoi must call vioapic_eoi");
	cr_assert_eq(vlapic_pending(&pc_vm), LEVEL_VECTOR, "the vector sent again is presented");
	pc_set_irq(&pc_vm, LEVEL_PIN, false);
	cr_assert_eq(take(), LEVEL_VECTOR);
	lapic_wr(EOI, 0);
	cr_assert_not(remote_irr(), "EOI of a level vector clears remote IRR (SDM Vol3A 10.8.5)");
	cr_assert_eq(vlapic_pending(&pc_vm), PC_NO_VECTOR, "the line is low at the EOI: nothing is sent again");
}

Test(priority, an_edge_eoi_does_not_reach_the_ioapic)
{
	level_line_high();
	cr_assert_eq(take(), LEVEL_VECTOR);
	vlapic_accept(&pc_vm, LEVEL_VECTOR, false); /* an edge message of the same vector: TMR cleared */
	cr_assert_not(lapic_bit(TMR(LEVEL_VECTOR), LEVEL_VECTOR), "an edge-triggered message clears TMR (SDM Vol3A 10.8.4)");
	lapic_wr(EOI, 0);
	cr_assert(!lapic_bit(ISR(LEVEL_VECTOR), LEVEL_VECTOR), "EOI ends the vector in service (SDM Vol3A 10.8.5)");
	cr_assert(remote_irr(),
		  "TMR clear at the EOI: the EOI is not sent to the IOAPIC, whose remote IRR stays set (SDM Vol3A 10.8.5): vlapic_eoi calls vioapic_eoi only for a level-triggered vector");
}

Test(priority, a_periodic_timer_is_taken_again_after_eoi)
{
	lapic_wr(DIVIDE, BY_1);
	lapic_wr(LVT_TIMER, PERIODIC | 0x20);
	lapic_wr(INITIAL, 10000000);
	vlapic_update(&pc_vm, 10000000);
	cr_assert_eq(take(), 0x20, "the timer's vector at the end of the first period");
	lapic_wr(EOI, 0);
	vlapic_update(&pc_vm, 20000000);
	cr_assert_eq(take(), 0x20, "and again one period later, after the EOI (SDM Vol3A 10.8.5)");
}
