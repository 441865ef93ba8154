/*
 * Given code: the guest's local APIC (kernel/pc/vlapic.c) against the SDM:
 * acceptance into IRR and TMR (SDM Vol3A 10.8.4), the
 * timer and its divides (10.5.4), ESR (10.5.3), the ICR's self IPIs
 * (10.6.1), the software disable (10.4.7.2), and the state at the guest's
 * entry (SeaBIOS's). Time is the VM's clock (kernel/vclock.h), set by hand.
 */
#include <criterion/criterion.h>

#include "autograder/tests/pc_fixture.h"
#include "kernel/pc/vlapic.h"
#include "kernel/vclock.h"
#include "kernel/vm.h"

/* Register offsets, SDM Vol3A Table 10-1. */
#define ID       0x020
#define TPR      0x080
#define LDR      0x0D0
#define SVR      0x0F0
#define ISR(v)   (0x100 + 0x10 * ((v) / 32))
#define TMR(v)   (0x180 + 0x10 * ((v) / 32))
#define IRR(v)   (0x200 + 0x10 * ((v) / 32))
#define ESR      0x280
#define ICR_LOW  0x300
#define ICR_HIGH 0x310
#define LVT_TIMER 0x320
#define LVT_LINT0 0x350
#define LVT_LINT1 0x360
#define LVT_ERROR 0x370
#define INITIAL  0x380
#define CURRENT  0x390
#define DIVIDE   0x3E0
#define RESERVED 0x040

#define MASKED   0x10000u
#define PERIODIC 0x20000u
#define SELF     0x40000u   /* ICR destination shorthand: self */
#define NMI_MODE 0x400u     /* ICR delivery mode 100b */
#define BY_1     0xBu       /* divide configuration: divide by 1 */

static void setup(void)
{
	pc_fixture_reset(16);
}

TestSuite(vlapic, .init = setup);

Test(vlapic, the_guest_starts_as_seabios_leaves_the_apic)
{
	cr_assert_eq(lapic_rd(SVR), 0x1FF, "software enabled, spurious vector 0xFF");
	cr_assert_eq(lapic_rd(LVT_LINT0), 0x8700, "LINT0: ExtINT, the virtual wire");
	cr_assert_eq(lapic_rd(LVT_LINT1), 0x8400, "LINT1: NMI");
	cr_assert_eq(lapic_rd(LVT_TIMER), MASKED);
	cr_assert_eq(lapic_rd(LVT_ERROR), MASKED);
	cr_assert_eq(lapic_rd(TPR), 0);
	cr_assert(vlapic_lint0_extint(&pc_vm));
	cr_assert_not(vlapic_requesting(&pc_vm), "IRR empty");
	cr_assert_eq(vlapic_deadline(&pc_vm), VCLOCK_NEVER);
}

Test(vlapic, tmr_records_the_trigger_mode)
{
	vlapic_accept(&pc_vm, 0x71, true);
	vlapic_accept(&pc_vm, 0x72, false);
	cr_assert(lapic_bit(TMR(0x71), 0x71) && !lapic_bit(TMR(0x72), 0x72));
}

Test(vlapic, software_disabled_holds_requests_and_masks_the_lvt)
{
	lapic_wr(SVR, 0xFF);
	cr_assert_eq(lapic_rd(LVT_LINT0), 0x8700 | MASKED);
	cr_assert(!vlapic_lint0_extint(&pc_vm));
	lapic_wr(LVT_TIMER, 0x40);
	cr_assert_eq(lapic_rd(LVT_TIMER), 0x40 | MASKED, "SDM Vol3A 10.4.7.2: the mask cannot be cleared");
	vlapic_accept(&pc_vm, 0x90, false);
	cr_assert(lapic_bit(IRR(0x90), 0x90), "a request is accepted, and held (lab 7's vlapic_pending presents none)");
	lapic_wr(SVR, 0x1FF);
	cr_assert_eq(lapic_rd(LVT_TIMER), 0x40 | MASKED, "enabling again leaves the LVT masked: SDM Vol3A 10.4.7.2");
}

Test(vlapic, one_shot_timer_counts_down_once)
{
	lapic_wr(DIVIDE, BY_1);
	lapic_wr(LVT_TIMER, 0x40);
	pc_vm.clock = 1000;
	lapic_wr(INITIAL, 100);
	cr_assert_eq(vlapic_deadline(&pc_vm), 1100);
	pc_vm.clock = 1050;
	cr_assert_eq(lapic_rd(CURRENT), 50);
	pc_vm.clock = 1099;
	cr_assert_eq(lapic_rd(CURRENT), 1);
	cr_assert(!lapic_bit(IRR(0x40), 0x40));
	pc_vm.clock = 1100;
	vlapic_update(&pc_vm, pc_vm.clock);
	cr_assert(lapic_bit(IRR(0x40), 0x40));
	cr_assert_eq(lapic_rd(CURRENT), 0);
	cr_assert_eq(vlapic_deadline(&pc_vm), VCLOCK_NEVER);
	pc_vm.clock = 5000;
	cr_assert_eq(lapic_rd(CURRENT), 0, "a one-shot count stays at 0");
}

Test(vlapic, the_divide_configuration_divides_the_clock)
{
	static const struct { uint32_t code, divisor; } divides[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 }, { 0x8, 32 }, { 0x9, 64 }, { 0xA, 128 }, { 0xB, 1 },
	};

	for (size_t i = 0; i < sizeof(divides) / sizeof(divides[0]); i++) {
		pc_vm.clock = 0;
		lapic_wr(DIVIDE, divides[i].code);
		lapic_wr(INITIAL, 10);
		cr_assert_eq(vlapic_deadline(&pc_vm), 10 * divides[i].divisor, "divide code %#x", divides[i].code);
		pc_vm.clock = divides[i].divisor * 3;
		cr_assert_eq(lapic_rd(CURRENT), 7, "divide code %#x", divides[i].code);
	}
}

Test(vlapic, periodic_timer_reloads)
{
	lapic_wr(DIVIDE, BY_1);
	lapic_wr(LVT_TIMER, PERIODIC | 0x41);
	lapic_wr(INITIAL, 10);
	vlapic_update(&pc_vm, 10);
	cr_assert(lapic_bit(IRR(0x41), 0x41));
	cr_assert_eq(vlapic_deadline(&pc_vm), 20);
	pc_vm.clock = 25;
	cr_assert_eq(lapic_rd(CURRENT), 5);
	vlapic_update(&pc_vm, 1000005); /* time skipped many periods: one IRR bit, the next period's end */
	cr_assert_eq(vlapic_deadline(&pc_vm), 1000010);
	lapic_wr(INITIAL, 0);
	cr_assert_eq(vlapic_deadline(&pc_vm), VCLOCK_NEVER, "an initial count of 0 stops it");
}

Test(vlapic, a_masked_timer_counts_without_a_request)
{
	lapic_wr(DIVIDE, BY_1);
	lapic_wr(LVT_TIMER, MASKED | 0x42);
	lapic_wr(INITIAL, 5);
	pc_vm.clock = 5;
	cr_assert_eq(lapic_rd(CURRENT), 0);
	cr_assert(!lapic_bit(IRR(0x42), 0x42));
}

Test(vlapic, esr_shows_what_the_last_write_latched)
{
	lapic_wr(ESR, 0);
	cr_assert_eq(lapic_rd(ESR), 0);
	lapic_wr(ICR_LOW, SELF | 3);
	cr_assert(!lapic_bit(IRR(3), 3), "an illegal vector is not sent");
	cr_assert_eq(lapic_rd(ESR), 0, "SDM Vol3A 10.5.3: not visible before the next write");
	lapic_wr(ESR, 0);
	cr_assert_eq(lapic_rd(ESR), 0x60, "send illegal vector, and receive illegal vector: it reached itself");
	lapic_wr(ESR, 0);
	cr_assert_eq(lapic_rd(ESR), 0, "the write cleared it");
	lapic_wr(ICR_HIGH, 0x05000000);
	lapic_wr(ICR_LOW, 3);
	lapic_wr(ESR, 0);
	cr_assert_eq(lapic_rd(ESR), 0x20, "to another APIC ID: send illegal vector only");
	cr_assert_eq(lapic_rd(RESERVED), 0);
	lapic_wr(RESERVED, 1);
	lapic_wr(ESR, 0);
	cr_assert_eq(lapic_rd(ESR), 0x80, "illegal register address");
	cr_assert(!vlapic_accept(&pc_vm, 15, false));
	lapic_wr(ESR, 0);
	cr_assert_eq(lapic_rd(ESR), 0x40, "receive illegal vector");
}

Test(vlapic, only_the_first_word_of_a_16_byte_slot_is_a_register)
{
	uint32_t value;

	cr_assert_not(vlapic_read(&pc_vm, LVT_TIMER + 4, &value), "SDM Vol3A 10.4.1: 128-bit aligned");
	cr_assert_not(vlapic_write(&pc_vm, IRR(0) + 8, 0));
}

Test(vlapic, an_error_sends_the_lvt_error_vector)
{
	lapic_wr(LVT_ERROR, 0xE0);
	lapic_wr(RESERVED, 0);
	cr_assert(lapic_bit(IRR(0xE0), 0xE0));
}

Test(vlapic, a_timer_vector_below_16_is_a_receive_error)
{
	lapic_wr(DIVIDE, BY_1);
	lapic_wr(LVT_TIMER, 0x05);
	lapic_wr(INITIAL, 1);
	vlapic_update(&pc_vm, 1);
	lapic_wr(ESR, 0);
	cr_assert_eq(lapic_rd(ESR), 0x40);
	cr_assert_not(vlapic_requesting(&pc_vm), "the illegal vector is not accepted");
}

Test(vlapic, self_ipis_land_in_irr_and_others_go_nowhere)
{
	lapic_wr(ID, 0x03000000);
	lapic_wr(ICR_LOW, SELF | 0x50);
	cr_assert(lapic_bit(IRR(0x50), 0x50), "shorthand self");
	lapic_wr(ICR_HIGH, 0x03000000);
	lapic_wr(ICR_LOW, 0x51);
	cr_assert(lapic_bit(IRR(0x51), 0x51), "physical, its own APIC ID");
	lapic_wr(ICR_HIGH, 0x04000000);
	lapic_wr(ICR_LOW, 0x52);
	cr_assert(!lapic_bit(IRR(0x52), 0x52), "an APIC ID nobody has");
	lapic_wr(ICR_LOW, 0xC0000 | 0x53);
	cr_assert(!lapic_bit(IRR(0x53), 0x53), "all excluding self");
	lapic_wr(LDR, 0x02000000);
	lapic_wr(ICR_HIGH, 0x06000000);
	lapic_wr(ICR_LOW, 0x800 | 0x54);
	cr_assert(lapic_bit(IRR(0x54), 0x54), "logical, flat model: LDR bit 1 is in 0x06");
	cr_assert_eq(lapic_rd(ICR_LOW) & 0x1000, 0, "delivery status: idle");
	lapic_wr(ICR_LOW, 0x500); /* INIT */
	lapic_wr(ICR_LOW, 0x600 | 0x9F); /* start-up */
	cr_assert_eq(pc_vm.state, VM_RUNNING, "INIT and SIPI to an APIC ID nobody has go nowhere");
}

Test(vlapic, an_ipi_to_nobody_sets_no_error_but_its_illegal_vector)
{
	lapic_wr(ICR_HIGH, 0x05000000);
	lapic_wr(ICR_LOW, 0x62);
	lapic_wr(ESR, 0);
	cr_assert_eq(lapic_rd(ESR), 0, "no send accept error on an xAPIC: SDM Vol3A 10.5.3");
	lapic_wr(ICR_LOW, 0x03);
	lapic_wr(ESR, 0);
	cr_assert_eq(lapic_rd(ESR), 0x20, "send illegal vector only: nobody received it");
}

Test(vlapic, an_init_ipi_to_itself_stops_the_vm)
{
	lapic_wr(ICR_HIGH, 0);
	lapic_wr(ICR_LOW, 0x4500); /* INIT, assert, to APIC ID 0: its own */
	cr_assert_eq(pc_vm.state, VM_STOPPED);
	cr_assert(strstr(pc_vm.stop_reason, "INIT IPI to itself"), "%s", pc_vm.stop_reason);
}

Test(vlapic, a_start_up_ipi_to_itself_and_an_init_de_assert_do_nothing)
{
	lapic_wr(ICR_LOW, SELF | 0x600 | 0x9F);
	lapic_wr(ICR_LOW, 0x80000 | 0x8000 | 0x500);
	cr_assert_eq(pc_vm.state, VM_RUNNING);
	lapic_wr(ESR, 0);
	cr_assert_eq(lapic_rd(ESR), 0);
}

Test(vlapic, an_nmi_ipi_to_itself_stops_the_vm)
{
	lapic_wr(ICR_LOW, SELF | NMI_MODE);
	cr_assert_eq(pc_vm.state, VM_STOPPED);
	cr_assert(strstr(pc_vm.stop_reason, "NMI IPI"), "%s", pc_vm.stop_reason);
}

Test(vlapic, an_os_start_up_sequence_leaves_a_periodic_timer_and_nothing_stopped)
{
	lapic_wr(SVR, 0x100 | 0x3F);
	lapic_wr(DIVIDE, BY_1);
	lapic_wr(LVT_TIMER, PERIODIC | 0x20);
	lapic_wr(INITIAL, 10000000);
	lapic_wr(LVT_LINT0, MASKED);
	lapic_wr(LVT_LINT1, MASKED);
	lapic_wr(LVT_ERROR, 0x33);
	lapic_wr(ESR, 0);
	lapic_wr(ESR, 0);
	lapic_wr(ICR_HIGH, 0);
	lapic_wr(ICR_LOW, 0x80000 | 0x8000 | 0x500); /* INIT, level, all including self: the usual "sync arbitration IDs" */
	cr_assert_eq(lapic_rd(ICR_LOW) & 0x1000, 0, "the wait for delivery status ends at once");
	lapic_wr(TPR, 0);
	cr_assert_eq(pc_vm.state, VM_RUNNING);
	cr_assert_eq(lapic_rd(ESR), 0);
	cr_assert_eq(vlapic_deadline(&pc_vm), 10000000, "10 ms of the 1 GHz clock");
	cr_assert_not(vlapic_lint0_extint(&pc_vm));
	vlapic_update(&pc_vm, 10000000);
	cr_assert(lapic_bit(IRR(0x20), 0x20), "the timer's vector requested at the end of the period");
}
