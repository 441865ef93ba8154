/*
 * The PC's CMOS real-time clock (kernel/pc/rtc.h): MC146818: Motorola
 * MC146818A datasheet. Nothing runs between the guest's accesses: the update
 * cycles and periodic edges due since the last access are carried out when
 * the guest next reads or writes it (rtc_catch_up), or at rtc_deadline() when
 * an enabled interrupt needs IRQ 8 at its time.
 *
 * What follows the datasheet: the divider chain (register A's DV: 010 runs,
 * the 32.768 kHz time base; the first update cycle half a second after it
 * leaves reset), one update cycle a second with UIP high for the 244 us
 * before it and its 1984 us (MC146818: Update Cycle), the calendar with leap
 * years, BCD or binary (register B's DM) and 12- or 24-hour (24/12) formats,
 * SET stopping the updates and clearing UIE, the alarm with its don't-care
 * bytes (0xC0-0xFF), register C's flags set whether or not their interrupt is
 * enabled, IRQF and IRQ 8 as the combination of flags and enables, held
 * until register C is read, which clears it; register D's VRT reads 1.
 * Deviations, as QEMU's and Bochs' clocks have them too: the time registers
 * hold the time, not the bytes written, so a change of DM or 24/12 shows
 * the same time in the new format at once (the chip keeps the bytes until
 * they are written again); a byte out of its range written to a time
 * register rolls over at the next update. DV values other than 010 hold the
 * divider (no other crystal is on a PC). DSE (daylight saving) and SQWE (no
 * SQW pin on a PC) are stored without effect. The index port reads 0xFF
 * (write-only on the PC). The century byte (0x32) and the other RAM bytes
 * are storage, not counted; PC firmware's checksum (0x2E-0x2F) is not kept.
 */
#include "kernel/pc/platform.h"
#include "kernel/pc/rtc.h"
#include "kernel/vclock.h"
#include "kernel/vm.h"

#define RTC_IRQ          8
#define RTC_INDEX_MASK   0x7F /* the register index */
#define RTC_NMI_DISABLE  0x80 /* the PC's NMI mask, in the index port */
#define RTC_SEC          0x00 /* MC146818: Address Map: seconds */
#define RTC_SEC_ALARM    0x01
#define RTC_MIN          0x02
#define RTC_MIN_ALARM    0x03
#define RTC_HOUR         0x04
#define RTC_HOUR_ALARM   0x05
#define RTC_WDAY         0x06 /* day of the week, Sunday = 1 */
#define RTC_MDAY         0x07
#define RTC_MONTH        0x08
#define RTC_YEAR         0x09
#define RTC_REG_A        0x0A
#define RTC_REG_B        0x0B
#define RTC_REG_C        0x0C
#define RTC_REG_D        0x0D
#define RTC_BASE_KIB     0x15 /* IBM PC AT: base memory in KiB, low byte then high */
#define RTC_EXT_KIB      0x17 /* memory above 1 MiB in KiB (at most 0xFFFF) */
#define RTC_EXT_KIB_COPY 0x30 /* the same, as the BIOS's POST found it */
#define RTC_CENTURY      0x32 /* the century, in BCD */
#define RTC_HIGH_64K     0x34 /* memory above 16 MiB in 64 KiB units (SeaBIOS, Bochs) */
#define A_UIP            0x80 /* MC146818: Register A, update in progress */
#define A_DV             0x70 /* the divider's DV2-DV0 */
#define A_DV_RUN         0x20 /* 010: the 32.768 kHz time base, running */
#define A_RS             0x0F /* the rate select RS3-RS0 */
#define B_SET            0x80 /* MC146818: Register B, SET: updates stop */
#define B_PIE            0x40 /* periodic interrupt enable */
#define B_AIE            0x20 /* alarm interrupt enable */
#define B_UIE            0x10 /* update-ended interrupt enable */
#define B_DM             0x04 /* data mode: 1 binary, 0 BCD */
#define B_24H            0x02 /* 24/12: 1 is the 24-hour format */
#define B_ENABLES        (B_PIE | B_AIE | B_UIE)
#define C_IRQF           0x80 /* MC146818: Register C, IRQF */
#define C_PF             0x40 /* periodic flag (the PIE bit's position) */
#define C_AF             0x20 /* alarm flag */
#define C_UF             0x10 /* update-ended flag */
#define D_VRT            0x80 /* MC146818: Register D, valid RAM and time */
#define HOUR_PM          0x80 /* 12-hour format: PM */
#define ALARM_DONT_CARE  0xC0 /* MC146818: an alarm byte from 0xC0 matches every value */
#define TIME_BASE_HZ     32768
#define UIP_CYCLES       (8 + 65) /* MC146818: Update Cycle, tBUC (244 us) and tUC (1984 us), in time-base cycles */
#define FIRMWARE_REG_A   (A_DV_RUN | 0x06) /* PC firmware: running, 1024 Hz rate */
#define FIRMWARE_REG_B   B_24H             /* BCD, 24-hour, nothing enabled */

/* The start date, RTC_START_DATE. */
static const struct rtc_time rtc_start = { .sec = 0, .min = 0, .hour = 0, .wday = 7, .mday = 1, .month = 1, .year = 0 };

/* Whether the divider chain runs (register A's DV). */
static bool rtc_running(const struct rtc *r)
{
	return (r->regs[RTC_REG_A] & A_DV) == A_DV_RUN;
}

/* The clock time update cycle @p k (0, 1, ...) since the divider left reset ends. */
static uint64_t rtc_update_time(const struct rtc *r, uint64_t k)
{
	return r->divider_start + VCLOCK_HZ / 2 + k * VCLOCK_HZ; /* the first half a second after */
}

/* Update cycles ended by @p now since the divider left reset. */
static uint64_t rtc_updates_due(const struct rtc *r, uint64_t now)
{
	uint64_t first = rtc_update_time(r, 0);

	return now < first ? 0 : (now - first) / VCLOCK_HZ + 1;
}

/* The periodic rate's period in time-base cycles, or 0 for none. MC146818: Register A, Table "Periodic Interrupt Rate". */
static uint64_t rtc_period_cycles(const struct rtc *r)
{
	unsigned rs = r->regs[RTC_REG_A] & A_RS;

	if (rs == 0)
		return 0;
	if (rs <= 2) /* 256 Hz and 128 Hz, as rates 8 and 9 */
		rs += 7;
	return 1ull << (rs - 1);
}

/* Periodic edges by @p now since the divider left reset, at the current rate. */
static uint64_t rtc_periods_due(const struct rtc *r, uint64_t now)
{
	uint64_t cycles = rtc_period_cycles(r);

	return cycles ? vclock_to_hz(now - r->divider_start, TIME_BASE_HZ) / cycles : 0;
}

/* Days in @p month of @p year (0-99: every fourth a leap year, as the MC146818 counts). */
static unsigned rtc_month_days(unsigned month, unsigned year)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && year % 4 == 0)
		return 29;
	return month >= 1 && month <= 12 ? days[month - 1] : 31;
}

/* Advance @p t by one second, through the calendar. */
static void rtc_tick(struct rtc_time *t)
{
	if (++t->sec < 60)
		return;
	t->sec = 0;
	if (++t->min < 60)
		return;
	t->min = 0;
	if (++t->hour < 24)
		return;
	t->hour = 0;
	t->wday = t->wday >= 7 ? 1 : t->wday + 1;
	if (++t->mday <= rtc_month_days(t->month, t->year))
		return;
	t->mday = 1;
	if (++t->month <= 12)
		return;
	t->month = 1;
	t->year = t->year >= 99 ? 0 : t->year + 1;
}

/* @p v (0-99) in register B's data mode. */
static uint8_t rtc_encode(const struct rtc *r, unsigned v)
{
	return (uint8_t)(r->regs[RTC_REG_B] & B_DM ? v : (v / 10) << 4 | v % 10);
}

/* A byte written in register B's data mode, as a number. */
static uint8_t rtc_decode(const struct rtc *r, uint8_t v)
{
	return r->regs[RTC_REG_B] & B_DM ? v : (uint8_t)((v >> 4) * 10 + (v & 0xF));
}

/* The hours register's byte for @p hour (0-23), in the 12- or 24-hour format. */
static uint8_t rtc_encode_hour(const struct rtc *r, unsigned hour)
{
	if (r->regs[RTC_REG_B] & B_24H)
		return rtc_encode(r, hour);
	return (uint8_t)(rtc_encode(r, hour % 12 ? hour % 12 : 12) | (hour >= 12 ? HOUR_PM : 0));
}

/* The hour (0-23) the hours register's byte @p v says. */
static uint8_t rtc_decode_hour(const struct rtc *r, uint8_t v)
{
	uint8_t h;

	if (r->regs[RTC_REG_B] & B_24H)
		return rtc_decode(r, v);
	h = rtc_decode(r, v & ~HOUR_PM) % 12;
	return (uint8_t)(v & HOUR_PM ? h + 12 : h);
}

/* Whether the alarm byte @p alarm matches @p current (the time register's byte). */
static bool rtc_alarm_byte(uint8_t alarm, uint8_t current)
{
	return alarm >= ALARM_DONT_CARE || alarm == current;
}

/* Whether the alarm matches the time now. MC146818: Time, Calendar and Alarm Locations. */
static bool rtc_alarm_matches(const struct rtc *r)
{
	return rtc_alarm_byte(r->regs[RTC_SEC_ALARM], rtc_encode(r, r->time.sec)) &&
	       rtc_alarm_byte(r->regs[RTC_MIN_ALARM], rtc_encode(r, r->time.min)) &&
	       rtc_alarm_byte(r->regs[RTC_HOUR_ALARM], rtc_encode_hour(r, r->time.hour));
}

/* Carry out the update cycles and periodic edges due at @p now: the time and register C's flags. */
static void rtc_catch_up(struct rtc *r, uint64_t now)
{
	uint64_t due, periods;

	if (!rtc_running(r))
		return;
	for (due = rtc_updates_due(r, now); r->updates < due; r->updates++) {
		if (r->regs[RTC_REG_B] & B_SET)
			continue;
		rtc_tick(&r->time);
		r->flags |= C_UF;
		if (rtc_alarm_matches(r))
			r->flags |= C_AF;
	}
	periods = rtc_periods_due(r, now);
	if (periods > r->periods) {
		r->periods = periods;
		r->flags |= C_PF;
	}
}

/* Register C's IRQF: a flag whose interrupt register B enables. */
static bool rtc_irqf(const struct rtc *r)
{
	return r->flags & r->regs[RTC_REG_B] & B_ENABLES;
}

/* Drive IRQ 8 with IRQF (a level, held until register C is read). MC146818: Interrupts. */
static void rtc_drive_irq(struct vm *vm)
{
	struct rtc *r = &vm->pc.rtc;
	bool high = rtc_irqf(r);

	if (r->irq_high == high)
		return;
	r->irq_high = high;
	pc_set_irq(vm, RTC_IRQ, high);
}

/* The chip as it is at @p now: the events due carried out, IRQ 8 driven. */
static void rtc_sync(struct vm *vm, uint64_t now)
{
	rtc_catch_up(&vm->pc.rtc, now);
	rtc_drive_irq(vm);
}

/* Whether the update cycle is in progress or begins within 244 us, at @p now (register A's UIP). */
static bool rtc_uip(const struct rtc *r, uint64_t now)
{
	uint64_t next = rtc_update_time(r, r->updates);

	return rtc_running(r) && !(r->regs[RTC_REG_B] & B_SET) &&
	       now + vclock_from_hz(UIP_CYCLES, TIME_BASE_HZ) >= next;
}

/* The time register @p reg's byte. */
static uint8_t rtc_time_byte(const struct rtc *r, unsigned reg)
{
	switch (reg) {
	case RTC_SEC:
		return rtc_encode(r, r->time.sec);
	case RTC_MIN:
		return rtc_encode(r, r->time.min);
	case RTC_HOUR:
		return rtc_encode_hour(r, r->time.hour);
	case RTC_WDAY:
		return rtc_encode(r, r->time.wday);
	case RTC_MDAY:
		return rtc_encode(r, r->time.mday);
	case RTC_MONTH:
		return rtc_encode(r, r->time.month);
	default:
		return rtc_encode(r, r->time.year);
	}
}

/* Write @p v to the time register @p reg. */
static void rtc_set_time_byte(struct rtc *r, unsigned reg, uint8_t v)
{
	struct rtc_time *t = &r->time;

	switch (reg) {
	case RTC_SEC:
		t->sec = rtc_decode(r, v);
		break;
	case RTC_MIN:
		t->min = rtc_decode(r, v);
		break;
	case RTC_HOUR:
		t->hour = rtc_decode_hour(r, v);
		break;
	case RTC_WDAY:
		t->wday = rtc_decode(r, v);
		break;
	case RTC_MDAY:
		t->mday = rtc_decode(r, v);
		break;
	case RTC_MONTH:
		t->month = rtc_decode(r, v);
		break;
	default:
		t->year = rtc_decode(r, v);
	}
}

/* Register A written at @p now: the divider leaving reset restarts its count; a new rate its edges. */
static void rtc_write_a(struct rtc *r, uint8_t value, uint64_t now)
{
	bool was_running = rtc_running(r);

	r->regs[RTC_REG_A] = value & ~A_UIP;
	if (rtc_running(r) && !was_running) {
		r->divider_start = now;
		r->updates = 0;
	}
	r->periods = rtc_periods_due(r, now);
}

/* The byte register @p reg reads at @p now; register C clears on the read. */
static uint8_t rtc_read_reg(struct vm *vm, unsigned reg, uint64_t now)
{
	struct rtc *r = &vm->pc.rtc;
	uint8_t value;

	switch (reg) {
	case RTC_SEC: case RTC_MIN: case RTC_HOUR: case RTC_WDAY:
	case RTC_MDAY: case RTC_MONTH: case RTC_YEAR:
		return rtc_time_byte(r, reg);
	case RTC_REG_A:
		return r->regs[RTC_REG_A] | (rtc_uip(r, now) ? A_UIP : 0);
	case RTC_REG_C:
		value = r->flags | (rtc_irqf(r) ? C_IRQF : 0);
		r->flags = 0;
		rtc_drive_irq(vm);
		return value;
	case RTC_REG_D:
		return D_VRT;
	default:
		return r->regs[reg];
	}
}

/* Write @p value to register @p reg at @p now; C and D are read-only. */
static void rtc_write_reg(struct vm *vm, unsigned reg, uint8_t value, uint64_t now)
{
	struct rtc *r = &vm->pc.rtc;

	switch (reg) {
	case RTC_SEC: case RTC_MIN: case RTC_HOUR: case RTC_WDAY:
	case RTC_MDAY: case RTC_MONTH: case RTC_YEAR:
		rtc_set_time_byte(r, reg, value);
		break;
	case RTC_REG_A:
		rtc_write_a(r, value, now);
		break;
	case RTC_REG_B: /* SET going high clears UIE */
		r->regs[RTC_REG_B] = value & B_SET ? value & ~B_UIE : value;
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;
	default:
		r->regs[reg] = value;
	}
	rtc_drive_irq(vm);
}

/* Store @p v (at most 0xFFFF) little-endian at CMOS bytes @p reg and @p reg + 1. */
static void rtc_set_word(struct rtc *r, unsigned reg, uint64_t v)
{
	if (v > 0xFFFF)
		v = 0xFFFF;
	r->regs[reg] = (uint8_t)v;
	r->regs[reg + 1] = (uint8_t)(v >> 8);
}

void rtc_reset(struct vm *vm)
{
	struct rtc *r = &vm->pc.rtc;
	uint64_t ram_kib = vm->ram_size / KiB;

	memset(r, 0, sizeof(*r));
	r->time = rtc_start;
	r->regs[RTC_REG_A] = FIRMWARE_REG_A;
	r->regs[RTC_REG_B] = FIRMWARE_REG_B;
	r->regs[RTC_CENTURY] = 0x20;
	rtc_set_word(r, RTC_BASE_KIB, 640);
	rtc_set_word(r, RTC_EXT_KIB, ram_kib > 1024 ? ram_kib - 1024 : 0);
	rtc_set_word(r, RTC_EXT_KIB_COPY, ram_kib > 1024 ? ram_kib - 1024 : 0);
	rtc_set_word(r, RTC_HIGH_64K, vm->ram_size > 16 * MiB ? (vm->ram_size - 16 * MiB) / (64 * KiB) : 0);
}

uint32_t rtc_read(struct vm *vm, uint16_t port, unsigned size)
{
	struct rtc *r = &vm->pc.rtc;
	uint64_t now = vclock_now(vm);

	(void)size;
	if (port == RTC_INDEX_PORT)
		return 0xFF;
	rtc_sync(vm, now);
	return rtc_read_reg(vm, r->index, now);
}

void rtc_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	struct rtc *r = &vm->pc.rtc;
	uint64_t now = vclock_now(vm);

	(void)size;
	if (port == RTC_INDEX_PORT) {
		r->index = value & RTC_INDEX_MASK;
		r->nmi_disabled = value & RTC_NMI_DISABLE;
		return;
	}
	rtc_sync(vm, now);
	rtc_write_reg(vm, r->index, (uint8_t)value, now);
}

uint64_t rtc_deadline(const struct vm *vm)
{
	const struct rtc *r = &vm->pc.rtc;
	uint8_t enables = r->regs[RTC_REG_B] & B_ENABLES;
	uint64_t deadline = VCLOCK_NEVER, cycles = rtc_period_cycles(r), edge;

	if (!rtc_running(r) || r->irq_high) /* IRQ 8 stays high until register C is read */
		return VCLOCK_NEVER;
	if ((enables & (B_UIE | B_AIE)) && !(r->regs[RTC_REG_B] & B_SET))
		deadline = rtc_update_time(r, r->updates);
	if (!(enables & B_PIE) || !cycles)
		return deadline;
	edge = r->divider_start + vclock_from_hz((r->periods + 1) * cycles, TIME_BASE_HZ);
	return edge < deadline ? edge : deadline;
}

void rtc_update(struct vm *vm, uint64_t now)
{
	if (now >= rtc_deadline(vm))
		rtc_sync(vm, now);
}
