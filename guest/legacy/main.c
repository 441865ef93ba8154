/*
 * The PC's legacy chips (kernel/pc/pic.c, pit.c, rtc.c) programmed the way
 * an operating system does, with interrupts disabled throughout (IF = 0):
 * the 8259A pair's requests are watched through OCW3's IRR and ISR reads
 * and taken with the poll command, the 8254's counters through latches, the
 * read-back command and port 0x61, the CMOS clock through its registers.
 *
 * Every line printed is fixed by the datasheets, not by the time of day or
 * the speed of the machine: formats, ranges, the direction of counting,
 * status bits, register C's clear-on-read. A native run (QEMU with its
 * firmware) is the reference for every line.
 *
 * With argument "datasheet", cases where QEMU itself deviates from the
 * datasheets, so the guest checks the datasheet's answer instead:
 * 1. 8254: Status Byte: NULL COUNT is 1 from a control word until a count
 *    is written, 0 once it is (QEMU's is always 0).
 * 2. 8254: Mode 0: GATE low holds the count (QEMU counts on).
 * 3. MC146818: Register C: PF is set at the periodic rate whether or not PIE
 *    is set (QEMU's periodic timer runs only with PIE).
 */
#include "guest.h"
#include "rtc.h"
#include "x86.h"

#define PIC_M_CMD      0x20
#define PIC_M_DATA     0x21
#define PIC_S_CMD      0xA0
#define PIC_S_DATA     0xA1
#define ELCR_M         0x4D0
#define ELCR_S         0x4D1
#define OCW3_IRR       0x0A /* 8259A: OCW3, read IRR */
#define OCW3_ISR       0x0B /* read ISR */
#define OCW3_POLL      0x0C /* poll */
#define OCW2_EOI       0x20 /* non-specific EOI */
#define POLL_INT       0x80 /* poll word: an interrupt was requested */
#define PIT_CH0        0x40
#define PIT_CH2        0x42
#define PIT_CTRL       0x43
#define PORT_B         0x61
#define PORTB_GATE2    0x01
#define PORTB_REFRESH  0x10
#define PORTB_OUT2     0x20
#define B_SET          0x80
#define B_DM           0x04 /* binary */
#define B_24H          0x02
#define C_IRQF         0x80
#define C_PF           0x40
#define POLLS          2000000 /* the most a wait polls before it gives up */
#define PERIOD         60000   /* counter 0's count in mode 2: 50 ms, far longer than a check's delays */
#define PAIRS          8       /* counts read, each after a short delay */
#define PAIRS_DOWN     6       /* of them gone down by less than half the period: the host may hold the
				* emulator for longer than that now and then, natively and virtualised */

/* A delay the guest spends running, not in exits: @p n turns of a loop. */
static void spin(uint32_t n)
{
	for (volatile uint32_t i = 0; i < n; i++)
		;
}

/* The register OCW3 @p ocw3 selects on the command port @p cmd. */
static uint8_t pic_reg(uint16_t cmd, uint8_t ocw3)
{
	outb(cmd, ocw3);
	return inb(cmd);
}

/* The poll word of the PIC at @p cmd: its highest request, taken in service. 8259A: The Poll Command. */
static uint8_t pic_poll(uint16_t cmd)
{
	outb(cmd, OCW3_POLL);
	return inb(cmd);
}

/* A poll word as text: the level, or "none" when no interrupt was requested. */
static void print_poll(const char *what, uint8_t word)
{
	if (word & POLL_INT)
		gprintf("pic: %s: interrupt on IR%u\n", what, word & 7);
	else
		gprintf("pic: %s: none\n", what);
}

/* ICW1-ICW4 to both PICs as PC operating systems do: edge, cascade on IR2, vectors 0x20 and 0x28. */
static void pic_init(void)
{
	outb(PIC_M_CMD, 0x11);
	outb(PIC_M_DATA, 0x20);
	outb(PIC_M_DATA, 0x04);
	outb(PIC_M_DATA, 0x01);
	outb(PIC_S_CMD, 0x11);
	outb(PIC_S_DATA, 0x28);
	outb(PIC_S_DATA, 0x02);
	outb(PIC_S_DATA, 0x01);
}

/*
 * Wait until the master's (or with @p slave, the slave's) IRR has @p bit,
 * reading port @p also (the chip that raises it) between polls, as an OS
 * polling a status does; whether it came.
 */
static int wait_irr(int slave, uint8_t bit, uint16_t also)
{
	uint16_t cmd = slave ? PIC_S_CMD : PIC_M_CMD;

	for (int i = 0; i < POLLS; i++) {
		if (pic_reg(cmd, OCW3_IRR) & bit)
			return 1;
		inb(also);
	}
	return 0;
}

/* Counter @p ch's count, latched by the counter latch command and read LSB then MSB. */
static uint16_t pit_latch(int ch)
{
	uint16_t lsb;

	outb(PIT_CTRL, (uint8_t)(ch << 6));
	lsb = inb((uint16_t)(PIT_CH0 + ch));
	return (uint16_t)(lsb | inb((uint16_t)(PIT_CH0 + ch)) << 8);
}

/* Program counter @p ch in @p mode, LSB then MSB, with @p count. */
static void pit_program(int ch, int mode, uint16_t count)
{
	outb(PIT_CTRL, (uint8_t)(ch << 6 | 0x30 | mode << 1));
	outb((uint16_t)(PIT_CH0 + ch), (uint8_t)count);
	outb((uint16_t)(PIT_CH0 + ch), (uint8_t)(count >> 8));
}

/* Counter @p ch's status byte through the read-back command. 8254: Read-Back Command. */
static uint8_t pit_status(int ch)
{
	outb(PIT_CTRL, (uint8_t)(0xE0 | 2 << ch));
	return inb((uint16_t)(PIT_CH0 + ch));
}

/* How far a counter of period @p n went down from @p before to @p after (reloads counted in). */
static uint32_t went_down(uint16_t before, uint16_t after, uint32_t n)
{
	return (before + n - after) % n;
}

/* Whether @p v is a BCD number below @p limit (in BCD). */
static int is_bcd_below(uint8_t v, uint8_t limit)
{
	return (v & 0xF) <= 9 && (v >> 4) <= 9 && v < limit;
}

/* The masks (OCW1) read back, the ELCR's fixed bits. */
static void check_pic_registers(void)
{
	pic_init();
	outb(PIC_M_DATA, 0xA5);
	outb(PIC_S_DATA, 0x5A);
	gprintf("pic: masks read back %x %x\n", inb(PIC_M_DATA), inb(PIC_S_DATA));
	outb(PIC_M_DATA, 0xFF);
	outb(PIC_S_DATA, 0xFF);
	/* IRR bit 0 left out: natively the firmware's 18.2 Hz IRQ 0 may have come since ICW1 */
	gprintf("pic: after ICW1 IRR %x ISR %x, slave IRR %x ISR %x\n", pic_reg(PIC_M_CMD, OCW3_IRR) & ~0x01,
		pic_reg(PIC_M_CMD, OCW3_ISR), pic_reg(PIC_S_CMD, OCW3_IRR), pic_reg(PIC_S_CMD, OCW3_ISR));
	outb(ELCR_M, 0xFF);
	outb(ELCR_S, 0xFF);
	gprintf("pic: ELCR all ones reads %x %x\n", inb(ELCR_M), inb(ELCR_S));
	outb(ELCR_M, 0x00);
	outb(ELCR_S, 0x00);
	gprintf("pic: ELCR zero reads %x %x\n", inb(ELCR_M), inb(ELCR_S));
}

/*
 * IRQ 0 from the 8254 and IRQ 8 from the CMOS clock, masked, reach the IRRs
 * (the slave's through the master's IR2); unmasked, the poll command takes
 * them in priority order, cascade included, and EOIs end them.
 */
static void check_pic_requests(void)
{
	pic_init();
	outb(PIC_M_DATA, 0xFF);
	outb(PIC_S_DATA, 0xFF);
	pit_program(0, 2, 100);
	gprintf("pic: IRQ 0 from the PIT %s the master's IRR, masked\n",
		wait_irr(0, 0x01, PIT_CH0) ? "reaches" : "never reaches");
	pit_program(0, 0, 0xFFFF); /* no edge for 55 ms */
	gprintf("pic: ISR %x: nothing taken\n", pic_reg(PIC_M_CMD, OCW3_ISR));
	outb(PIC_S_DATA, 0xFE);
	rtc_get(RTC_C);
	rtc_set(RTC_A, 0x23); /* 8192 Hz */
	rtc_set(RTC_B, B_24H | RTC_B_PIE);
	gprintf("pic: IRQ 8 from the RTC %s the slave's IRR\n",
		wait_irr(1, 0x01, RTC_DATA) ? "reaches" : "never reaches");
	gprintf("pic: the slave's INT sets the master's IRR bit 2: %s\n",
		pic_reg(PIC_M_CMD, OCW3_IRR) & 0x04 ? "yes" : "no");
	outb(PIC_M_DATA, 0xFA);
	print_poll("poll of the master", pic_poll(PIC_M_CMD));
	gprintf("pic: master ISR %x\n", pic_reg(PIC_M_CMD, OCW3_ISR));
	print_poll("poll again, IR0 in service", pic_poll(PIC_M_CMD));
	outb(PIC_M_DATA, 0xFB); /* IR0 masked: the PIT's next edge, however late, changes nothing */
	outb(PIC_M_CMD, OCW2_EOI);
	gprintf("pic: master ISR after EOI %x\n", pic_reg(PIC_M_CMD, OCW3_ISR));
	print_poll("poll of the master", pic_poll(PIC_M_CMD));
	print_poll("poll of the slave", pic_poll(PIC_S_CMD));
	gprintf("pic: master ISR %x, slave ISR %x\n", pic_reg(PIC_M_CMD, OCW3_ISR), pic_reg(PIC_S_CMD, OCW3_ISR));
	outb(PIC_S_CMD, OCW2_EOI);
	outb(PIC_M_CMD, OCW2_EOI);
	gprintf("pic: after both EOIs master ISR %x, slave ISR %x\n", pic_reg(PIC_M_CMD, OCW3_ISR),
		pic_reg(PIC_S_CMD, OCW3_ISR));
	rtc_set(RTC_B, B_24H);
	rtc_set(RTC_A, 0x26);
	rtc_get(RTC_C);
	outb(PIC_M_DATA, 0xFF);
	outb(PIC_S_DATA, 0xFF);
}

/* Mode 3 on counter 0: OUT's square wave in the status, the count going down by twos. */
static void check_pit_mode3(void)
{
	int seen_high = 0, seen_low = 0, even = 1;

	pit_program(0, 3, 100);
	for (int i = 0; i < POLLS && !(seen_high && seen_low); i++) {
		uint8_t st = pit_status(0);

		seen_high |= st & 0x80;
		seen_low |= !(st & 0x80);
		even &= (pit_latch(0) & 1) == 0;
	}
	gprintf("pit: mode 3 OUT goes high and low: %s; counts by twos (even counts): %s\n",
		seen_high && seen_low ? "yes" : "no", even ? "yes" : "no");
}

/* The 8254's counting, latches, read-back and access modes on counter 0. */
static void check_pit_counter0(void)
{
	uint16_t a, b, latched;
	int down = 0, in_range = 1;

	pit_program(0, 2, PERIOD);
	gprintf("pit: mode 2 status %x (access, mode, BCD)\n", pit_status(0) & 0x3F);
	a = pit_latch(0);
	for (int i = 0; i < PAIRS; i++) {
		spin(20000);
		b = pit_latch(0);
		down += went_down(a, b, PERIOD) > 0 && went_down(a, b, PERIOD) < PERIOD / 2;
		in_range &= b >= 1 && b <= PERIOD;
		a = b;
	}
	gprintf("pit: mode 2 counts down: %s; every count within 1-%u: %s\n", down >= PAIRS_DOWN ? "yes" : "no",
		PERIOD, in_range ? "yes" : "no");
	outb(PIT_CTRL, 0x00); /* latch */
	spin(20000);
	latched = (uint16_t)(inb(PIT_CH0) | inb(PIT_CH0) << 8);
	b = pit_latch(0);
	gprintf("pit: the latch held its count while the counter went on: %s\n",
		went_down(latched, b, PERIOD) > 0 ? "yes" : "no");
	outb(PIT_CTRL, 0xC2); /* read-back: count and status of counter 0 */
	spin(20000);
	a = inb(PIT_CH0);
	latched = (uint16_t)(inb(PIT_CH0) | inb(PIT_CH0) << 8);
	b = pit_latch(0);
	gprintf("pit: read-back gives the status (%x) first, then the count latched with it: %s\n", a & 0x3F,
		went_down(latched, b, PERIOD) > 0 ? "yes" : "no");
	check_pit_mode3();
	outb(PIT_CTRL, 0x14); /* counter 0, LSB only, mode 2 */
	outb(PIT_CH0, 200);
	a = inb(PIT_CH0);
	b = inb(PIT_CH0);
	gprintf("pit: LSB only: two reads both within 1-200: %s\n",
		a >= 1 && a <= 200 && b >= 1 && b <= 200 ? "yes" : "no");
	outb(PIT_CTRL, 0x24); /* counter 0, MSB only, mode 2 */
	outb(PIT_CH0, 0x12);
	a = inb(PIT_CH0);
	b = inb(PIT_CH0);
	gprintf("pit: MSB only: two reads both within 0-0x12: %s\n", a <= 0x12 && b <= 0x12 ? "yes" : "no");
	pit_program(0, 0, 0xFFFF);
}

/* Counter 2 behind port 0x61: its gate, its OUT in bit 5, the refresh toggle in bit 4. */
static void check_pit_port_b(void)
{
	uint8_t first, now;
	int i;

	outb(PORT_B, PORTB_GATE2);
	pit_program(2, 0, 0xFFFF); /* 55 ms: longer than the host holds the emulator between two accesses */
	gprintf("pit: port 0x61 after the count: gate %u, OUT2 %u\n", inb(PORT_B) & PORTB_GATE2,
		(inb(PORT_B) & PORTB_OUT2) >> 5);
	pit_program(2, 0, 1000);
	for (i = 0; i < POLLS && !(inb(PORT_B) & PORTB_OUT2); i++)
		spin(200);
	gprintf("pit: mode 0 OUT2 rises at the terminal count: %s, and stays: %s\n", i < POLLS ? "yes" : "no",
		inb(PORT_B) & PORTB_OUT2 ? "yes" : "no");
	first = inb(PORT_B) & PORTB_REFRESH;
	for (i = 0; i < POLLS && ((now = inb(PORT_B)) & PORTB_REFRESH) == first; i++)
		;
	gprintf("pit: port 0x61 bit 4 (refresh) toggles: %s\n", i < POLLS ? "yes" : "no");
	outb(PORT_B, 0x00);
	gprintf("pit: port 0x61 with the gate off reads gate %u\n", inb(PORT_B) & PORTB_GATE2);
}

/* The CMOS clock: its registers' formats, its status bits, register C. */
static void check_rtc(void)
{
	uint8_t sec, min, hour, c;
	int i;

	gprintf("rtc: register A %x (without UIP), B %x, D %x\n", rtc_get(RTC_A) & 0x7F, rtc_get(RTC_B),
		rtc_get(RTC_D));
	for (i = 0; i < POLLS && (rtc_get(RTC_A) & 0x80); i++)
		;
	sec = rtc_get(0x00);
	min = rtc_get(0x02);
	hour = rtc_get(0x04);
	gprintf("rtc: BCD time: seconds %s, minutes %s, hours %s, weekday %s, day %s, month %s, year %s\n",
		is_bcd_below(sec, 0x60) ? "ok" : "bad", is_bcd_below(min, 0x60) ? "ok" : "bad",
		is_bcd_below(hour, 0x24) ? "ok" : "bad",
		is_bcd_below(rtc_get(0x06), 0x08) && rtc_get(0x06) ? "ok" : "bad",
		is_bcd_below(rtc_get(0x07), 0x32) && rtc_get(0x07) ? "ok" : "bad",
		is_bcd_below(rtc_get(0x08), 0x13) && rtc_get(0x08) ? "ok" : "bad",
		is_bcd_below(rtc_get(0x09), 0xA0) ? "ok" : "bad");
	c = rtc_get(0x32);
	gprintf("rtc: century byte %s\n", c == 0x19 || c == 0x20 || c == 0x21 ? "19, 20 or 21" : "other");
	gprintf("rtc: memory: base %u KiB, extended %u KiB (copy %u), above 16 MiB %u x 64 KiB\n",
		rtc_get(0x15) | rtc_get(0x16) << 8, rtc_get(0x17) | rtc_get(0x18) << 8,
		rtc_get(0x30) | rtc_get(0x31) << 8, rtc_get(0x34) | rtc_get(0x35) << 8);
	rtc_set(0x40, 0x5A);
	gprintf("rtc: RAM byte 0x40 holds %x\n", rtc_get(0x40));

	rtc_set(RTC_B, B_SET | B_DM | B_24H);
	rtc_set(0x00, 57);
	rtc_set(0x02, 59);
	rtc_set(0x04, 23);
	rtc_set(0x07, 31);
	rtc_set(0x08, 12);
	rtc_set(0x09, 99);
	gprintf("rtc: binary, SET: %u:%u:%u %u/%u/%u; UIP %u\n", rtc_get(0x04), rtc_get(0x02), rtc_get(0x00),
		rtc_get(0x07), rtc_get(0x08), rtc_get(0x09), rtc_get(RTC_A) >> 7);
	rtc_set(RTC_B, B_SET | B_24H); /* BCD again, the time written in it (QEMU reads the century byte in DM's format) */
	rtc_set(0x00, 0x57);
	rtc_set(0x02, 0x59);
	rtc_set(0x04, 0x23);
	rtc_set(0x07, 0x31);
	rtc_set(0x08, 0x12);
	rtc_set(0x09, 0x98);
	rtc_set(RTC_B, B_24H);
	sec = rtc_get(0x00);
	gprintf("rtc: SET cleared: the seconds go on from 57: %s\n", sec == 0x57 || sec == 0x58 ? "yes" : "no");
	rtc_set(RTC_B, B_SET);
	rtc_set(0x04, 0x81); /* 1 PM */
	rtc_set(0x02, 0x30);
	gprintf("rtc: BCD 12-hour, SET: hour %x, minutes %x\n", rtc_get(0x04), rtc_get(0x02));
	rtc_set(0x04, 0x12); /* 12 AM */
	gprintf("rtc: 12 AM reads %x\n", rtc_get(0x04));
	rtc_set(RTC_B, B_SET | B_24H);
	rtc_set(0x04, 0x13);
	rtc_set(RTC_B, B_24H);

	rtc_get(RTC_C);
	rtc_set(RTC_A, 0x23); /* 8192 Hz */
	rtc_set(RTC_B, B_24H | RTC_B_PIE);
	for (i = 0, c = 0; i < POLLS && !(c & C_PF); i++)
		c = rtc_get(RTC_C);
	gprintf("rtc: register C with PIE at 8192 Hz: PF and IRQF %x\n", c & (C_PF | C_IRQF));
	rtc_set(RTC_A, 0x20); /* no periodic rate */
	rtc_get(RTC_C);
	gprintf("rtc: register C read again: PF and IRQF %x (cleared by the read)\n", rtc_get(RTC_C) & (C_PF | C_IRQF));
	rtc_set(RTC_B, B_24H);
	rtc_set(RTC_A, 0x26);
	rtc_get(RTC_C);
}

/* The datasheets' answers where QEMU deviates (see the top); how many hold. */
static int datasheet_checks(void)
{
	uint16_t a, b;
	uint8_t c = 0;
	int ok = 0, i;

	outb(PIT_CTRL, 0x30); /* counter 0, mode 0, no count yet */
	c = pit_status(0);
	pit_program(0, 0, 0xFFFF);
	ok += (c & 0x40) && !(pit_status(0) & 0x40);

	outb(PORT_B, 0x00);
	pit_program(2, 0, 1000);
	a = pit_latch(2);
	spin(50000);
	b = pit_latch(2);
	ok += a == b;

	rtc_get(RTC_C);
	rtc_set(RTC_A, 0x23);
	rtc_set(RTC_B, B_24H);
	for (i = 0, c = 0; i < 2000 && !(c & C_PF); i++) {
		spin(1000);
		c = rtc_get(RTC_C);
	}
	ok += (c & (C_PF | C_IRQF)) == C_PF;
	rtc_set(RTC_A, 0x26);
	return ok;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	console_init();
	if (arg_flag(mb_args(mbi), "datasheet")) {
		gprintf("legacy: %d of 3 as the datasheets require\n", datasheet_checks());
		return GUEST_SUCCESS;
	}
	check_pic_registers();
	check_pic_requests();
	check_pit_counter0();
	check_pit_port_b();
	check_rtc();
	return GUEST_SUCCESS;
}
