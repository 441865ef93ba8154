/*
 * The CMOS clock (kernel/pc/rtc.c) against the datasheet: MC146818:
 * Motorola MC146818A datasheet (Registers A-D, Update Cycle, Interrupts,
 * Time, Calendar and Alarm Locations), on a clock set by hand.
 */
#include <criterion/criterion.h>

#include "autograder/tests/pc_fixture.h"
#include "kernel/vclock.h"

#define MS       1000000ull /* clock ticks (ns) in a millisecond */
#define SEC      (1000 * MS)
#define FIRST    (500 * MS) /* the first update after the divider leaves reset */
#define REG_A    0x0A
#define REG_B    0x0B
#define REG_C    0x0C
#define REG_D    0x0D

/* Register @p reg at clock time @p t. */
static uint8_t get(uint8_t reg, uint64_t t)
{
	pc_fixture_at(t);
	rtc_write(&pc_vm, RTC_INDEX_PORT, 1, reg);
	return (uint8_t)rtc_read(&pc_vm, RTC_DATA_PORT, 1);
}

/* Write @p value to register @p reg at clock time @p t. */
static void set(uint8_t reg, uint8_t value, uint64_t t)
{
	pc_fixture_at(t);
	rtc_write(&pc_vm, RTC_INDEX_PORT, 1, reg);
	rtc_write(&pc_vm, RTC_DATA_PORT, 1, value);
}

static void setup(void)
{
	pc_fixture_reset(16);
}

TestSuite(rtc, .init = setup);

Test(rtc, starts_at_the_fixed_date_in_bcd_24_hour)
{
	cr_assert_eq(get(REG_A, 0), 0x26);
	cr_assert_eq(get(REG_B, 0), 0x02);
	cr_assert_eq(get(REG_D, 0), 0x80, "VRT");
	cr_assert_eq(get(0x00, 0), 0x00);
	cr_assert_eq(get(0x04, 0), 0x00);
	cr_assert_eq(get(0x06, 0), 0x07, "Saturday");
	cr_assert_eq(get(0x07, 0), 0x01);
	cr_assert_eq(get(0x08, 0), 0x01);
	cr_assert_eq(get(0x09, 0), 0x00);
	cr_assert_eq(get(0x32, 0), 0x20, "the century byte");
}

Test(rtc, time_advances_once_a_second_from_half_a_second)
{
	cr_assert_eq(get(0x00, FIRST - 1), 0x00);
	cr_assert_eq(get(0x00, FIRST), 0x01);
	cr_assert_eq(get(0x00, FIRST + 58 * SEC), 0x59, "BCD");
	cr_assert_eq(get(0x00, FIRST + 59 * SEC), 0x00);
	cr_assert_eq(get(0x02, FIRST + 59 * SEC), 0x01);
	cr_assert_eq(get(0x04, FIRST + 3600 * SEC), 0x01);
}

Test(rtc, uip_covers_the_244_us_before_and_the_update_cycle)
{
	cr_assert_eq(get(REG_A, FIRST - 3 * MS) & 0x80, 0x00);
	cr_assert_eq(get(REG_A, FIRST - 2 * MS) & 0x80, 0x80);
	cr_assert_eq(get(REG_A, FIRST) & 0x80, 0x00);
}

Test(rtc, binary_mode_with_the_time_set_under_set)
{
	set(REG_B, 0x86, 0); /* SET, binary, 24-hour */
	set(0x00, 58, 0);
	set(0x02, 59, 0);
	set(0x04, 23, 0);
	set(0x07, 28, 0);
	set(0x08, 2, 0);
	set(0x09, 4, 0);
	cr_assert_eq(get(0x00, 5 * SEC), 58, "SET stops the updates");
	set(REG_B, 0x06, 5 * SEC);
	cr_assert_eq(get(0x00, FIRST + 5 * SEC), 59);
	cr_assert_eq(get(0x00, FIRST + 6 * SEC), 0);
	cr_assert_eq(get(0x04, FIRST + 6 * SEC), 0);
	cr_assert_eq(get(0x07, FIRST + 6 * SEC), 29, "2004 is a leap year");
	cr_assert_eq(get(0x08, FIRST + 6 * SEC), 2);
}

Test(rtc, twelve_hour_format)
{
	set(REG_B, 0x80, 0); /* SET, BCD, 12-hour */
	set(0x04, 0x81, 0);  /* 1 PM */
	cr_assert_eq(get(0x04, 0), 0x81);
	set(REG_B, 0x82, 0);
	cr_assert_eq(get(0x04, 0), 0x13, "13 in the 24-hour format");
	set(0x04, 0x00, 0);
	set(REG_B, 0x80, 0);
	cr_assert_eq(get(0x04, 0), 0x12, "midnight is 12 AM");
	set(REG_B, 0x84, 0);
	set(0x04, 0x8C, 0);
	cr_assert_eq(get(0x04, 0), 0x8C, "noon is 12 PM, binary");
}

Test(rtc, register_c_clears_on_read_and_ends_irq_8)
{
	cr_assert_eq(get(REG_C, FIRST), 0x50, "UF, and PF at the firmware's 1024 Hz, without their enables: no IRQF");
	cr_assert_eq(get(REG_C, FIRST), 0x00, "cleared by the read");
	set(REG_B, 0x12, FIRST);
	cr_assert_eq(rtc_deadline(&pc_vm), FIRST + SEC);
	rtc_update(&pc_vm, FIRST + SEC);
	cr_assert(pc_irq_level[8], "IRQ 8 high");
	cr_assert_eq(rtc_deadline(&pc_vm), VCLOCK_NEVER, "held until register C is read");
	cr_assert_eq(get(REG_C, FIRST + 3 * SEC) & 0x90, 0x90);
	cr_assert(!pc_irq_level[8]);
	cr_assert_eq(pc_irq_rises[8], 1);
}

Test(rtc, enabling_a_set_flag_raises_irq_8)
{
	pc_fixture_at(FIRST);
	rtc_update(&pc_vm, FIRST);
	set(REG_B, 0x12, FIRST);
	cr_assert(pc_irq_level[8]);
}

Test(rtc, periodic_rates)
{
	static const struct { uint8_t rs; uint64_t hz; } rates[] = {
		{ 1, 256 }, { 2, 128 }, { 3, 8192 }, { 6, 1024 }, { 15, 2 },
	};

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		pc_fixture_reset(16);
		set(REG_A, 0x70, 0); /* divider in reset */
		set(REG_A, 0x20 | rates[i].rs, 0);
		set(REG_B, 0x42, 0);
		cr_assert_eq(rtc_deadline(&pc_vm), vclock_from_hz(1, rates[i].hz), "RS %u", rates[i].rs);
		rtc_update(&pc_vm, rtc_deadline(&pc_vm) - 1);
		cr_assert(!pc_irq_level[8]);
		rtc_update(&pc_vm, rtc_deadline(&pc_vm));
		cr_assert(pc_irq_level[8], "RS %u", rates[i].rs);
		cr_assert_eq(get(REG_C, vclock_from_hz(1, rates[i].hz)) & 0xC0, 0xC0);
		cr_assert_eq(rtc_deadline(&pc_vm), vclock_from_hz(2, rates[i].hz));
	}
}

Test(rtc, rate_0_has_no_periodic_flag)
{
	set(REG_A, 0x20, 0);
	cr_assert_eq(get(REG_C, 10 * SEC) & 0x40, 0);
}

Test(rtc, alarm_with_dont_care_hour)
{
	set(0x01, 0x05, 0);
	set(0x03, 0x00, 0);
	set(0x05, 0xC0, 0);
	cr_assert_eq(get(REG_C, FIRST + 3 * SEC) & 0x20, 0x00);
	cr_assert_eq(get(REG_C, FIRST + 4 * SEC) & 0x20, 0x20, "00:00:05");
}

Test(rtc, set_clears_uie)
{
	set(REG_B, 0x92, 0);
	cr_assert_eq(get(REG_B, 0), 0x82);
}

Test(rtc, divider_reset_holds_the_time_and_restarts_half_a_second_later)
{
	set(REG_A, 0x76, 0);
	cr_assert_eq(get(0x00, 10 * SEC), 0x00);
	set(REG_A, 0x26, 10 * SEC);
	cr_assert_eq(get(0x00, 10 * SEC + FIRST - 1), 0x00);
	cr_assert_eq(get(0x00, 10 * SEC + FIRST), 0x01);
}

Test(rtc, registers_c_and_d_ignore_writes)
{
	set(REG_D, 0x00, 0);
	cr_assert_eq(get(REG_D, 0), 0x80);
}

Test(rtc, ram_bytes_hold_what_is_written_and_the_memory_size)
{
	set(0x40, 0x5A, 0);
	cr_assert_eq(get(0x40, 0), 0x5A);
	cr_assert_eq(get(0x15, 0) | get(0x16, 0) << 8, 640);
	cr_assert_eq(get(0x17, 0) | get(0x18, 0) << 8, 15 * 1024);
	cr_assert_eq(get(0x34, 0) | get(0x35, 0) << 8, 0);
	pc_fixture_reset(256);
	cr_assert_eq(get(0x17, 0) | get(0x18, 0) << 8, 0xFFFF, "at most 0xFFFF KiB");
	cr_assert_eq(get(0x30, 0) | get(0x31, 0) << 8, 0xFFFF);
	cr_assert_eq(get(0x34, 0) | get(0x35, 0) << 8, 240 * 16, "64 KiB units above 16 MiB");
}

Test(rtc, nmi_bit_of_the_index_is_not_part_of_it)
{
	pc_fixture_at(0);
	rtc_write(&pc_vm, RTC_INDEX_PORT, 1, 0x80 | REG_D);
	cr_assert_eq(rtc_read(&pc_vm, RTC_DATA_PORT, 1), 0x80);
	cr_assert(pc_vm.pc.rtc.nmi_disabled);
}

Test(rtc, alarm_interrupt_at_its_time)
{
	set(0x01, 0x03, 0);
	set(0x03, 0xFF, 0);
	set(0x05, 0xFF, 0);
	set(REG_B, 0x22, 0); /* AIE */
	for (uint64_t k = 1; k <= 2; k++) {
		rtc_update(&pc_vm, rtc_deadline(&pc_vm));
		cr_assert(!pc_irq_level[8], "00:00:0%lu: no alarm yet", k);
	}
	rtc_update(&pc_vm, rtc_deadline(&pc_vm));
	cr_assert(pc_irq_level[8], "00:00:03");
	cr_assert_eq(get(REG_C, FIRST + 3 * SEC) & 0xA0, 0xA0);
}

Test(rtc, twelve_hour_binary_through_midnight)
{
	set(REG_B, 0x84, 0); /* SET, binary, 12-hour */
	set(0x04, 0x80 | 11, 0); /* 11 PM */
	set(REG_B, 0x04, 0);
	cr_assert_eq(get(0x04, FIRST + 3598 * SEC), 0x80 | 11, "11:59:59 PM");
	cr_assert_eq(get(0x04, FIRST + 3599 * SEC), 12, "12 AM");
	cr_assert_eq(get(0x07, FIRST + 3599 * SEC), 2, "the next day");
	cr_assert_eq(get(0x06, FIRST + 3599 * SEC), 1, "Saturday, then Sunday");
}
