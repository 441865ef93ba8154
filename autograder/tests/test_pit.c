/*
 * The 8254 and port 0x61 (kernel/pc/pit.c) against the datasheet: 8254:
 * Intel 8254 datasheet (Control Word Format, Read Operations, Read-Back
 * Command, Status Byte, Mode Definitions), on a clock set by hand.
 */
#include <criterion/criterion.h>

#include "autograder/tests/pc_fixture.h"
#include "kernel/vclock.h"

#define CTRL(counter, access, mode) ((counter) << 6 | (access) << 4 | (mode) << 1)
#define LSB_MSB 3

/* The clock time @p clocks PIT clocks from 0. */
static uint64_t at(uint64_t clocks)
{
	return vclock_from_hz(clocks, PIT_HZ);
}

/* Program counter @p c in @p mode with the 16-bit count @p n (LSB then MSB), at clock time @p t. */
static void program(int c, int mode, uint32_t n, uint64_t t)
{
	pc_fixture_at(t);
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, CTRL(c, LSB_MSB, mode));
	pit_write(&pc_vm, (uint16_t)(PIT_COUNTER0_PORT + c), 1, n & 0xFF);
	pit_write(&pc_vm, (uint16_t)(PIT_COUNTER0_PORT + c), 1, n >> 8);
}

/* Counter @p c's count read LSB then MSB at clock time @p t. */
static uint32_t read_count(int c, uint64_t t)
{
	uint32_t lsb;

	pc_fixture_at(t);
	lsb = pit_read(&pc_vm, (uint16_t)(PIT_COUNTER0_PORT + c), 1);
	return lsb | pit_read(&pc_vm, (uint16_t)(PIT_COUNTER0_PORT + c), 1) << 8;
}

/* Counter @p c's status byte by the read-back command at clock time @p t. */
static uint8_t status(int c, uint64_t t)
{
	pc_fixture_at(t);
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, 0xE0 | 2 << c);
	return (uint8_t)pit_read(&pc_vm, (uint16_t)(PIT_COUNTER0_PORT + c), 1);
}

static void setup(void)
{
	pc_fixture_reset(16);
}

TestSuite(pit, .init = setup);

Test(pit, nothing_counts_before_the_guest_programs_it)
{
	cr_assert_eq(pit_deadline(&pc_vm), VCLOCK_NEVER);
	pit_update(&pc_vm, at(1000000));
	cr_assert_eq(pc_irq_rises[0], 0);
}

Test(pit, mode_2_counts_down_and_reloads)
{
	program(0, 2, 1000, 0);
	cr_assert_eq(read_count(0, at(0)), 1000);
	cr_assert_eq(read_count(0, at(100)), 900);
	cr_assert_eq(read_count(0, at(999)), 1, "N down to 1");
	cr_assert_eq(read_count(0, at(1000)), 1000, "then reload");
	cr_assert_eq(read_count(0, at(2250)), 750);
}

Test(pit, mode_2_out_is_low_for_one_clock)
{
	program(0, 2, 1000, 0);
	cr_assert_eq(status(0, at(998)) & 0x80, 0x80);
	cr_assert_eq(status(0, at(999)) & 0x80, 0x00, "low while the count is 1");
	cr_assert_eq(status(0, at(1000)) & 0x80, 0x80);
}

Test(pit, mode_2_raises_irq_0_at_each_reload)
{
	program(0, 2, 1193, 0);
	cr_assert_eq(pc_irq_rises[0], 1, "the control word drives OUT high: a first edge");
	for (uint64_t k = 1; k <= 5; k++) {
		cr_assert_eq(pit_deadline(&pc_vm), at(k * 1193), "the k-th reload");
		pit_update(&pc_vm, pit_deadline(&pc_vm) - 1);
		cr_assert_eq(pc_irq_rises[0], k, "not before its time");
		pit_update(&pc_vm, pit_deadline(&pc_vm));
		cr_assert_eq(pc_irq_rises[0], k + 1);
	}
}

Test(pit, a_late_update_gives_one_edge_and_the_next_deadline_ahead)
{
	program(0, 2, 100, 0);
	pit_update(&pc_vm, at(1050));
	cr_assert_eq(pc_irq_rises[0], 2, "the control word's edge, and one for ten reloads");
	cr_assert_eq(pit_deadline(&pc_vm), at(1100));
}

Test(pit, mode_3_square_wave_counts_by_two)
{
	program(0, 3, 1000, 0);
	cr_assert_eq(status(0, at(499)) & 0x80, 0x80, "high for the first half");
	cr_assert_eq(status(0, at(500)) & 0x80, 0x00, "low for the second");
	cr_assert_eq(read_count(0, at(100)), 800);
	cr_assert_eq(read_count(0, at(600)), 800, "twice a period");
	cr_assert_eq(pit_deadline(&pc_vm), at(1000));
}

Test(pit, mode_0_out_rises_at_the_terminal_count_once)
{
	program(0, 0, 500, 0);
	cr_assert_eq(status(0, at(499)) & 0x80, 0x00);
	cr_assert_eq(pc_irq_rises[0], 0, "mode 0 starts low");
	cr_assert_eq(pit_deadline(&pc_vm), at(500));
	pit_update(&pc_vm, at(500));
	cr_assert_eq(pc_irq_rises[0], 1);
	cr_assert(pc_irq_level[0], "OUT stays high");
	cr_assert_eq(pit_deadline(&pc_vm), VCLOCK_NEVER);
	cr_assert_eq(read_count(0, at(501)), 0xFFFF, "the count wraps and goes on");
}

Test(pit, mode_0_control_word_drives_out_low)
{
	program(0, 0, 10, 0);
	pit_update(&pc_vm, at(10));
	cr_assert(pc_irq_level[0]);
	pc_fixture_at(at(20));
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, CTRL(0, LSB_MSB, 0));
	cr_assert(!pc_irq_level[0]);
}

Test(pit, mode_4_strobes_low_for_one_clock)
{
	program(0, 4, 300, 0);
	cr_assert_eq(status(0, at(299)) & 0x80, 0x80);
	cr_assert_eq(status(0, at(300)) & 0x80, 0x00);
	cr_assert_eq(status(0, at(301)) & 0x80, 0x80);
}

Test(pit, counter_latch_holds_the_count_until_read)
{
	program(0, 2, 1000, 0);
	pc_fixture_at(at(100));
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, 0x00);
	pc_fixture_at(at(300));
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, 0x00); /* a second latch is ignored */
	cr_assert_eq(read_count(0, at(500)), 900);
	cr_assert_eq(read_count(0, at(500)), 500, "the latch is gone once read");
}

Test(pit, read_back_status_then_count)
{
	program(0, 2, 1000, 0);
	pc_fixture_at(at(250));
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, 0xC2); /* count and status of counter 0 */
	pc_fixture_at(at(600));
	cr_assert_eq(pit_read(&pc_vm, PIT_COUNTER0_PORT, 1), 0xB4, "OUT high, access 3, mode 2: the status first");
	cr_assert_eq(read_count(0, at(700)), 750, "then the count latched with it");
}

Test(pit, null_count_until_a_count_is_written)
{
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, CTRL(1, LSB_MSB, 2));
	cr_assert_eq(status(1, 0) & 0x40, 0x40);
	pit_write(&pc_vm, PIT_COUNTER0_PORT + 1, 1, 18);
	cr_assert_eq(status(1, 0) & 0x40, 0x40, "half a count");
	pit_write(&pc_vm, PIT_COUNTER0_PORT + 1, 1, 0);
	cr_assert_eq(status(1, 0) & 0x40, 0x00);
}

Test(pit, lsb_only_and_msb_only_access)
{
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, CTRL(0, 1, 2));
	pit_write(&pc_vm, PIT_COUNTER0_PORT, 1, 200);
	cr_assert_eq(pit_read(&pc_vm, PIT_COUNTER0_PORT, 1), 200);
	cr_assert_eq(pit_read(&pc_vm, PIT_COUNTER0_PORT, 1), 200, "every read is the LSB");
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, CTRL(0, 2, 2));
	pit_write(&pc_vm, PIT_COUNTER0_PORT, 1, 0x12);
	cr_assert_eq(read_count(0, 0), 0x1212, "MSB only: the count is 0x1200");
}

Test(pit, bcd_counting)
{
	pit_write(&pc_vm, PIT_CONTROL_PORT, 1, CTRL(0, LSB_MSB, 2) | 1);
	pit_write(&pc_vm, PIT_COUNTER0_PORT, 1, 0x00);
	pit_write(&pc_vm, PIT_COUNTER0_PORT, 1, 0x10); /* 1000 */
	cr_assert_eq(read_count(0, at(1)), 0x0999);
	cr_assert_eq(pit_deadline(&pc_vm), at(1000));
}

Test(pit, count_1_in_mode_2_stops_the_vm)
{
	program(0, 2, 1, 0);
	cr_assert_eq(pc_vm.state, VM_STOPPED);
	cr_assert(strstr(pc_vm.stop_reason, "count of 1 in mode 2 is illegal"), "%s", pc_vm.stop_reason);
}

Test(pit, channel_2_counts_while_port_61_gates_it)
{
	program(2, 0, 100, 0);
	cr_assert_eq(pit_read(&pc_vm, PIT_PORT_B, 1) & 0x21, 0x00, "gate low, OUT low");
	cr_assert_eq(read_count(2, at(50)), 100, "not counting");
	pc_fixture_at(at(50));
	pit_write(&pc_vm, PIT_PORT_B, 1, 0x01);
	cr_assert_eq(read_count(2, at(149)), 1);
	pc_fixture_at(at(150));
	cr_assert_eq(pit_read(&pc_vm, PIT_PORT_B, 1) & 0x21, 0x21, "OUT high at the terminal count");
	cr_assert_eq(pc_irq_rises[0], 0, "channel 2 drives no IRQ");
}

Test(pit, mode_1_one_shot_triggered_by_the_gate)
{
	program(2, 1, 40, 0);
	cr_assert_eq(status(2, at(10)) & 0x80, 0x80, "high until triggered");
	pc_fixture_at(at(20));
	pit_write(&pc_vm, PIT_PORT_B, 1, 0x01);
	cr_assert_eq(status(2, at(21)) & 0x80, 0x00);
	cr_assert_eq(status(2, at(60)) & 0x80, 0x80);
}

Test(pit, port_61_stores_the_speaker_bit_and_toggles_refresh)
{
	pit_write(&pc_vm, PIT_PORT_B, 1, 0x02);
	pc_fixture_at(at(0));
	cr_assert_eq(pit_read(&pc_vm, PIT_PORT_B, 1), 0x02);
	pc_fixture_at(at(18));
	cr_assert_eq(pit_read(&pc_vm, PIT_PORT_B, 1), 0x12, "refresh toggles every 18 clocks");
	pc_fixture_at(at(36));
	cr_assert_eq(pit_read(&pc_vm, PIT_PORT_B, 1), 0x02);
}

Test(pit, irq_0_reaches_the_pic)
{
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0xFA);
	program(0, 2, 1193, 0);
	pit_update(&pc_vm, pit_deadline(&pc_vm));
	cr_assert_eq(pic_pending(&pc_vm), 0x08);
}

Test(pit, mode_3_raises_irq_0_once_a_period)
{
	program(0, 3, 1000, 0);
	for (uint64_t k = 1; k <= 3; k++) {
		cr_assert_eq(pit_deadline(&pc_vm), at(k * 1000));
		pit_update(&pc_vm, at(k * 1000 - 500)); /* OUT falls here: no edge */
		pit_update(&pc_vm, pit_deadline(&pc_vm));
		cr_assert_eq(pc_irq_rises[0], k + 1, "the control word's edge and one a period");
	}
}
