/*
 * Given code: the guest's IOAPIC (kernel/pc/vioapic.c) against the 82093AA
 * datasheet (3.2.4, IOREDTBL): edge and level triggers, masks, remote IRR
 * and its end at the local APIC's EOI, destinations, and the register
 * numbers beyond the table. Delivery lands in the local APIC's IRR
 * (kernel/pc/vlapic.c).
 */
#include <criterion/criterion.h>

#include "kernel/pc/platform.h"
#include "kernel/pc/vioapic.h"
#include "kernel/pc/vlapic.h"
#include "kernel/vm.h"

#define REGSEL    0x00
#define WINDOW    0x10
#define MMIO_EOI  0x40
#define REG_ID    0x00
#define REG_VER   0x01
#define REDIR(pin) (0x10 + 2 * (pin))
#define LEVEL     0x8000u
#define MASKED    0x10000u
#define REMOTE_IRR 0x4000u
#define LOGICAL   0x800u
#define LOW_ACTIVE 0x2000u
#define NMI_MODE  0x400u
#define RESERVED_LOW  0xFFFE0000u /* bits 31:17 of an entry's low half. 82093AA: 3.2.4 (IOREDTBL) */
#define RESERVED_HIGH 0x00FFFFFFu /* bits 55:32: its high half but the destination, 63:56 */
#define LAPIC_EOI 0x0B0
#define LAPIC_ESR 0x280
#define LAPIC_LDR 0x0D0

static struct vm vm;

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	vm.state = VM_RUNNING;
	vlapic_reset(&vm);
	vioapic_reset(&vm);
}

TestSuite(vioapic, .init = setup);

static uint32_t rd(uint32_t reg)
{
	uint32_t value = 0xDEADBEEF;

	cr_assert(vioapic_write(&vm, REGSEL, reg));
	cr_assert(vioapic_read(&vm, WINDOW, &value));
	return value;
}

static void wr(uint32_t reg, uint32_t value)
{
	cr_assert(vioapic_write(&vm, REGSEL, reg));
	cr_assert(vioapic_write(&vm, WINDOW, value));
}

/* Program pin's entry: low half, destination APIC ID 0 (physical). */
static void route(unsigned pin, uint32_t low)
{
	wr(REDIR(pin) + 1, 0);
	wr(REDIR(pin), low);
}

/* The CPU takes what the local APIC presents, then ends it. */
static int take_and_eoi(void)
{
	int v = vlapic_pending(&vm);

	if (v != PC_NO_VECTOR) {
		vlapic_ack(&vm, (uint8_t)v);
		cr_assert(vlapic_write(&vm, LAPIC_EOI, 0));
	}
	return v;
}

Test(vioapic, reset_masks_every_pin_and_reports_24)
{
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		cr_assert_eq(rd(REDIR(pin)), MASKED, "pin %u", pin);
	cr_assert_eq((rd(REG_VER) >> 16) & 0xFF, 23, "82093AA: 3.2.2, maximum redirection entry 23");
}

Test(vioapic, an_edge_pin_sends_on_the_rising_edge_only)
{
	route(4, 0x34);
	vioapic_set_pin(&vm, 4, true);
	cr_assert_eq(take_and_eoi(), 0x34);
	vioapic_set_pin(&vm, 4, true);
	cr_assert_eq(vlapic_pending(&vm), PC_NO_VECTOR, "still high: no new edge");
	vioapic_set_pin(&vm, 4, false);
	vioapic_set_pin(&vm, 4, true);
	cr_assert_eq(take_and_eoi(), 0x34);
	cr_assert_eq(rd(REDIR(4)) & REMOTE_IRR, 0, "an edge pin has no remote IRR");
}

Test(vioapic, a_masked_edge_is_lost)
{
	route(3, MASKED | 0x33);
	vioapic_set_pin(&vm, 3, true);
	route(3, 0x33);
	cr_assert_eq(vlapic_pending(&vm), PC_NO_VECTOR);
}

Test(vioapic, a_level_pin_waits_for_eoi_and_sends_again_while_high)
{
	route(9, LEVEL | 0x39);
	vioapic_set_pin(&vm, 9, true);
	cr_assert(rd(REDIR(9)) & REMOTE_IRR, "accepted: remote IRR set");
	cr_assert_eq(vlapic_pending(&vm), 0x39);
	vlapic_ack(&vm, 0x39);
	vioapic_set_pin(&vm, 9, true);
	cr_assert_eq(vlapic_pending(&vm), PC_NO_VECTOR, "remote IRR holds it");
	cr_assert(vlapic_write(&vm, LAPIC_EOI, 0));
	cr_assert(rd(REDIR(9)) & REMOTE_IRR, "still high at EOI: sent again");
	cr_assert_eq(vlapic_pending(&vm), 0x39);
	vioapic_set_pin(&vm, 9, false);
	cr_assert_eq(take_and_eoi(), 0x39);
	cr_assert_eq(rd(REDIR(9)) & REMOTE_IRR, 0, "low at EOI: done");
	cr_assert_eq(vlapic_pending(&vm), PC_NO_VECTOR);
}

Test(vioapic, a_masked_level_pin_sends_when_unmasked)
{
	route(10, MASKED | LEVEL | 0x3A);
	vioapic_set_pin(&vm, 10, true);
	cr_assert_eq(vlapic_pending(&vm), PC_NO_VECTOR);
	route(10, LEVEL | 0x3A);
	cr_assert_eq(vlapic_pending(&vm), 0x3A);
}

Test(vioapic, the_eoi_register_ends_a_level_interrupt)
{
	route(11, LEVEL | 0x3B);
	vioapic_set_pin(&vm, 11, true);
	vioapic_set_pin(&vm, 11, false);
	cr_assert(vioapic_write(&vm, MMIO_EOI, 0x3B));
	cr_assert_eq(rd(REDIR(11)) & REMOTE_IRR, 0);
}

Test(vioapic, an_active_low_pin_is_asserted_when_low)
{
	vioapic_set_pin(&vm, 12, true);
	route(12, LOW_ACTIVE | 0x3C);
	vioapic_set_pin(&vm, 12, false);
	cr_assert_eq(vlapic_pending(&vm), 0x3C);
}

Test(vioapic, destinations_reach_the_one_local_apic_or_nobody)
{
	wr(REDIR(5) + 1, 0x07000000);
	wr(REDIR(5), 0x35);
	vioapic_set_pin(&vm, 5, true);
	cr_assert_eq(vlapic_pending(&vm), PC_NO_VECTOR, "physical APIC ID 7: no such CPU");
	cr_assert(vlapic_write(&vm, LAPIC_LDR, 0x01000000));
	wr(REDIR(6) + 1, 0x01000000);
	wr(REDIR(6), LOGICAL | 0x36);
	vioapic_set_pin(&vm, 6, true);
	cr_assert_eq(vlapic_pending(&vm), 0x36, "logical, flat: the LDR's bit");
}

Test(vioapic, a_vector_below_16_is_the_lapics_receive_error)
{
	uint32_t esr;

	route(7, LEVEL | 0x07);
	vioapic_set_pin(&vm, 7, true);
	cr_assert_eq(rd(REDIR(7)) & REMOTE_IRR, 0, "not accepted: no remote IRR");
	cr_assert(vlapic_write(&vm, LAPIC_ESR, 0));
	cr_assert(vlapic_read(&vm, LAPIC_ESR, &esr));
	cr_assert_eq(esr, 0x40, "SDM Vol3A 10.5.3: receive illegal vector");
}

Test(vioapic, an_nmi_entry_stops_the_vm_when_its_pin_fires)
{
	route(8, NMI_MODE);
	cr_assert_eq(vm.state, VM_RUNNING);
	vioapic_set_pin(&vm, 8, true);
	cr_assert_eq(vm.state, VM_STOPPED);
	cr_assert(strstr(vm.stop_reason, "IOAPIC pin 8: delivery mode NMI"), "%s", vm.stop_reason);
}

/* Reserved bits are no storage: a write sets none, a read returns 0, as IOREGSEL's and the ID's. */
Test(vioapic, reserved_bits_55_to_17_read_0)
{
	wr(REDIR(3), RESERVED_LOW | LEVEL | MASKED | 0x33);
	wr(REDIR(3) + 1, RESERVED_HIGH | 0x05000000);
	cr_assert_eq(rd(REDIR(3)), LEVEL | MASKED | 0x33,
		     "pin 3's low half: expected %#x (bits 31:17 reserved, 82093AA: 3.2.4), got %#x; look at REDIR_LOW_BITS in vioapic.c",
		     LEVEL | MASKED | 0x33, rd(REDIR(3)));
	cr_assert_eq(rd(REDIR(3) + 1), 0x05000000,
		     "pin 3's high half: expected the destination 0x05000000 alone (bits 55:32 reserved), got %#x; look at REDIR_HIGH_BITS",
		     rd(REDIR(3) + 1));
}

/* Pin @p pin, routed with every reserved bit set to physical destination @p dest as @p low says, rises. */
static void fire_with_reserved_bits(unsigned pin, uint8_t dest, uint32_t low)
{
	wr(REDIR(pin) + 1, RESERVED_HIGH | (uint32_t)dest << 24);
	wr(REDIR(pin), RESERVED_LOW | low);
	vioapic_set_pin(&vm, pin, true);
}

Test(vioapic, reserved_bits_change_no_delivery)
{
	fire_with_reserved_bits(1, 0, 0x31);
	cr_assert_eq(take_and_eoi(), 0x31,
		     "edge pin 1 to APIC ID 0 with bits 55:17 set: expected vector 0x31 delivered; the destination is bits 63:56 only (send in vioapic.c)");
	fire_with_reserved_bits(2, 1, 0x32);
	cr_assert_eq(vlapic_pending(&vm), PC_NO_VECTOR,
		     "edge pin 2 to APIC ID 1 with bits 55:17 set: expected nothing (no such CPU), got %d; reserved bits 55:32 are no part of the destination",
		     vlapic_pending(&vm));
	fire_with_reserved_bits(4, 0, MASKED | 0x34);
	cr_assert_eq(vlapic_pending(&vm), PC_NO_VECTOR, "masked pin 4 with bits 31:17 set: expected nothing, got %d",
		     vlapic_pending(&vm));
	fire_with_reserved_bits(9, 0, LEVEL | 0x39);
	cr_assert_eq(vlapic_pending(&vm), 0x39, "level pin 9 with bits 31:17 set: expected vector 0x39, got %d", vlapic_pending(&vm));
	cr_assert(rd(REDIR(9)) & REMOTE_IRR, "level pin 9 accepted: expected remote IRR set");
}

Test(vioapic, register_numbers_past_the_table_read_0_and_take_nothing)
{
	wr(REDIR(23), 0x3F);
	wr(REDIR(24), 0x12345678);
	wr(REDIR(24) + 1, 0x12345678);
	wr(0xFF, 0x12345678);
	cr_assert_eq(rd(REDIR(24)), 0);
	cr_assert_eq(rd(0xFF), 0);
	cr_assert_eq(rd(REDIR(23)), 0x3F, "the last entry is untouched");
	cr_assert_eq(rd(REG_ID), 0);
}

Test(vioapic, the_id_keeps_bits_27_24)
{
	wr(REG_ID, 0xFFFFFFFF);
	cr_assert_eq(rd(REG_ID), 0x0F000000);
}

Test(vioapic, ioregsel_keeps_its_8_address_bits)
{
	uint32_t value;

	cr_assert(vioapic_write(&vm, REGSEL, 0x12345601));
	cr_assert(vioapic_read(&vm, REGSEL, &value));
	cr_assert_eq(value, 0x01, "82093AA: 3.1.1: bits 31:8 reserved");
}

Test(vioapic, offsets_without_a_register_and_the_eoi_read_have_no_answer)
{
	uint32_t value;

	cr_assert_not(vioapic_read(&vm, MMIO_EOI, &value), "the EOI register is write-only");
	cr_assert_not(vioapic_read(&vm, 0x20, &value));
	cr_assert_not(vioapic_write(&vm, 0x30, 0));
	cr_assert_eq(vm.state, VM_RUNNING, "kernel/mmio.c names the offset and stops the VM");
}
