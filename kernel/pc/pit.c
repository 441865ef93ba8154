/*
 * The PC's 8254 timer (kernel/pc/pit.h): 8254: Intel 8254 datasheet. A
 * counter's state is kept as the clock time its counting element last
 * started and the value it started from; its count and OUT at any time are
 * computed from them, so nothing runs between the guest's accesses but
 * channel 0's rising edges on IRQ 0, at the deadlines pit_deadline() names.
 *
 * What follows the datasheet: the control word, counter latch and read-back
 * commands (8254: Control Word Format, Read Operations, Read-Back Command);
 * the access modes LSB, MSB and LSB then MSB; binary and BCD counting; modes
 * 0-5 (8254: Mode Definitions) with the GATE's effects (8254: Gate
 * Sensitivity); OUT in the status byte and on channel 0's IRQ 0.
 * Deviations: a count written is loaded at once, not on the next CLK pulse,
 * and null count clears then (modes 1 and 5: at the trigger); a new count in
 * modes 2 and 3 restarts the period at once, not at the next reload; IRQ 0
 * sees channel 0's rising edges only (its low phase is collapsed into the
 * edge: pc_set_irq low, then high); a count of 1 in modes 2 and 3, which the
 * datasheet makes illegal, stops the VM. At the guest's entry no counter is
 * programmed (the datasheet's power-up state: undefined, not counting), so
 * IRQ 0 stays low until the guest programs channel 0, where PC firmware
 * leaves it in mode 3 at 18.2 Hz.
 * Port 0x61 (IBM PC AT Technical Reference, System Control Port B): bit 0
 * channel 2's gate and bit 1 speaker data, both stored as written; reads add
 * bit 4, the refresh request toggle (every 18 clocks, channel 1's count on
 * the PC), and bit 5, channel 2's OUT; bits 2-3 and 6-7 read 0.
 */
#include "kernel/pc/pit.h"
#include "kernel/pc/platform.h"
#include "kernel/vclock.h"
#include "kernel/vm.h"

#define PIT_IRQ          0    /* channel 0's output: ISA IRQ 0 */
#define PIT_SPEAKER      2    /* the channel port 0x61 gates */
#define CTRL_SELECT      0xC0 /* 8254: Control Word Format, SC1-SC0 */
#define CTRL_SELECT_SHIFT 6
#define CTRL_READ_BACK   3    /* SC = 11: the read-back command */
#define CTRL_ACCESS      0x30 /* RW1-RW0; 00: counter latch command */
#define CTRL_ACCESS_SHIFT 4
#define CTRL_MODE        0x0E /* M2-M0 */
#define CTRL_MODE_SHIFT  1
#define CTRL_BCD         0x01 /* BCD counting */
#define ACCESS_LSB       1
#define ACCESS_MSB       2
#define ACCESS_WORD      3    /* LSB then MSB */
#define READBACK_NO_COUNT  0x20 /* 8254: Read-Back Command, COUNT = 0 latches the count */
#define READBACK_NO_STATUS 0x10 /* STATUS = 0 latches the status */
#define READBACK_COUNTER0  0x02 /* CNT0; CNT1 and CNT2 follow */
#define STATUS_OUTPUT    0x80 /* 8254: Status Byte, OUTPUT */
#define STATUS_NULL      0x40 /* NULL COUNT */
#define PORTB_GATE2      0x01 /* port 0x61: channel 2's gate */
#define PORTB_SPEAKER    0x02 /* speaker data enable */
#define PORTB_REFRESH    0x10 /* refresh request toggle */
#define PORTB_OUT2       0x20 /* channel 2's OUT */
#define REFRESH_CLOCKS   18   /* channel 1's count on the PC: a refresh every 15.1 us */
#define BINARY_MODULUS   0x10000
#define BCD_MODULUS      10000

/* The mode the counter runs: 6 and 7 are 2 and 3 (8254: Control Word Format, M2-M0). */
static int pit_mode(const struct pit_channel *ch)
{
	return ch->mode >= 6 ? ch->mode - 4 : ch->mode;
}

/* The counting element's modulus: a count of 0 is this many. */
static uint32_t pit_modulus(const struct pit_channel *ch)
{
	return ch->bcd ? BCD_MODULUS : BINARY_MODULUS;
}

/* CLK pulses since the counting element started. */
static uint64_t pit_elapsed(const struct pit_channel *ch, uint64_t now)
{
	return vclock_to_hz(now - ch->start, PIT_HZ);
}

/* The counting element at @p now, 0 to the modulus - 1. 8254: Mode Definitions. */
static uint32_t pit_value(const struct pit_channel *ch, uint64_t now)
{
	uint64_t d, mod = pit_modulus(ch), n = ch->start_value;

	if (!ch->counting)
		return ch->held_value % mod;
	d = pit_elapsed(ch, now);
	switch (pit_mode(ch)) {
	case 2: /* N down to 1, then reload */
		return (uint32_t)((n - d % n) % mod);
	case 3: /* by twos, twice a period */
		return (uint32_t)((n - 2 * d % n) % mod);
	default: /* 0, 1, 4, 5: down through the terminal count, wrapping */
		return (uint32_t)((n + mod - d % mod) % mod);
	}
}

/* OUT at @p now. 8254: Mode Definitions (the waveforms). */
static bool pit_out(const struct pit_channel *ch, uint64_t now)
{
	uint64_t d, n = ch->start_value;

	if (!ch->loaded)
		return pit_mode(ch) != 0; /* the control word sets OUT: low in mode 0, high in the others */
	if (!ch->counting)
		return pit_mode(ch) != 0 || ch->terminal;
	d = pit_elapsed(ch, now);
	switch (pit_mode(ch)) {
	case 0: /* low until the terminal count */
	case 1:
		return ch->terminal || d >= n;
	case 2: /* low for the clock the count is 1 */
		return d % n != n - 1;
	case 3: /* high for the first half (the longer, N odd) */
		return d % n < (n + 1) / 2;
	default: /* 4, 5: low for the clock after the terminal count */
		return ch->terminal || d != n;
	}
}

/* The time of channel @p ch's next rising edge of OUT after @p now, or VCLOCK_NEVER. */
static uint64_t pit_next_rise(const struct pit_channel *ch, uint64_t now)
{
	uint64_t d, n = ch->start_value;

	if (!ch->counting || ch->terminal)
		return VCLOCK_NEVER;
	d = pit_elapsed(ch, now);
	switch (pit_mode(ch)) {
	case 0:
	case 1:
		return d < n ? ch->start + vclock_from_hz(n, PIT_HZ) : VCLOCK_NEVER;
	case 2: /* each reload */
	case 3:
		return ch->start + vclock_from_hz((d / n + 1) * n, PIT_HZ);
	default:
		return d <= n ? ch->start + vclock_from_hz(n + 1, PIT_HZ) : VCLOCK_NEVER;
	}
}

/* Drive IRQ 0 @p high, if it is not already. */
static void pit_drive_irq(struct vm *vm, bool high)
{
	struct pit *p = &vm->pc.pit;

	if (p->irq_high == high)
		return;
	p->irq_high = high;
	pc_set_irq(vm, PIT_IRQ, high);
}

/* IRQ 0 as channel 0's OUT is at @p now, and the time of its next rising edge. */
static void pit_irq_refresh(struct vm *vm, uint64_t now)
{
	struct pit *p = &vm->pc.pit;

	pit_drive_irq(vm, pit_out(&p->channel[0], now));
	p->irq_next = pit_next_rise(&p->channel[0], now);
}

/* (Re)start @p ch's counting element at @p now from @p value. */
static void pit_start(struct pit_channel *ch, uint64_t now, uint32_t value)
{
	ch->counting = true;
	ch->start = now;
	ch->start_value = value;
}

/* Stop @p ch's counting element at @p now, holding its value (and whether the terminal count passed). */
static void pit_hold(struct pit_channel *ch, uint64_t now)
{
	if (!ch->counting)
		return;
	ch->held_value = pit_value(ch, now);
	ch->terminal = ch->terminal || pit_elapsed(ch, now) >= ch->start_value;
	ch->counting = false;
}

/* The GATE of @p ch goes to @p high at @p now. 8254: Gate Sensitivity (Figure "Gate Pin Operations Summary"). */
static void pit_set_gate(struct pit_channel *ch, uint64_t now, bool high)
{
	bool rising = high && !ch->gate;

	ch->gate = high;
	if (!ch->loaded)
		return;
	switch (pit_mode(ch)) {
	case 0: /* the gate enables counting */
	case 4:
		if (!high)
			pit_hold(ch, now);
		else if (rising)
			pit_start(ch, now, ch->held_value ? ch->held_value : pit_modulus(ch));
		break;
	case 2: /* low: stop, OUT high; rising: reload */
	case 3:
		if (!high)
			pit_hold(ch, now);
		else if (rising)
			pit_start(ch, now, ch->count);
		break;
	default: /* 1, 5: a rising edge triggers */
		if (rising) {
			ch->terminal = false;
			pit_start(ch, now, ch->count);
		}
	}
}

/* BCD digits of @p v (0-9999). */
static uint32_t to_bcd(uint32_t v)
{
	return v % 10 | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12;
}

/* The value of the BCD digits @p v. */
static uint32_t from_bcd(uint32_t v)
{
	return (v & 0xF) + (v >> 4 & 0xF) * 10 + (v >> 8 & 0xF) * 100 + (v >> 12 & 0xF) * 1000;
}

/* A complete count @p raw written to channel @p i at @p now: the count register, and the counting element loaded. */
static void pit_load(struct vm *vm, int i, uint32_t raw, uint64_t now)
{
	struct pit_channel *ch = &vm->pc.pit.channel[i];
	uint32_t count = ch->bcd ? from_bcd(raw) : raw;
	int mode = pit_mode(ch);

	if (count == 0)
		count = pit_modulus(ch);
	if (count == 1 && (mode == 2 || mode == 3)) {
		vm_stop(vm, "8254 counter %d: a count of 1 in mode %d is illegal (8254: Intel 8254 datasheet, Mode %d)",
			i, mode, mode);
		return;
	}
	ch->count = count;
	ch->loaded = true;
	ch->terminal = false;
	ch->held_value = count;
	if (mode == 1 || mode == 5) /* loaded at the next trigger */
		return;
	ch->counting = false;
	if (ch->gate)
		pit_start(ch, now, count);
}

/* A control word @p value for counter @p i: its mode and access, the counter waiting for a count. */
static void pit_program(struct pit_channel *ch, uint8_t value, uint64_t now)
{
	ch->held_value = pit_value(ch, now);
	ch->mode = (value & CTRL_MODE) >> CTRL_MODE_SHIFT;
	ch->access = (value & CTRL_ACCESS) >> CTRL_ACCESS_SHIFT;
	ch->bcd = value & CTRL_BCD;
	ch->loaded = false;
	ch->counting = false;
	ch->terminal = false;
	ch->write_msb = false;
	ch->read_msb = false;
	ch->latched = false;
	ch->latch_msb = false;
	ch->status_latched = false;
}

/* The counter latch command for @p ch: the count is held until read (a second latch is ignored). */
static void pit_latch_count(struct pit_channel *ch, uint64_t now)
{
	if (ch->latched)
		return;
	ch->latched = true;
	ch->latch_msb = false;
	ch->latch_value = ch->bcd ? to_bcd(pit_value(ch, now)) : pit_value(ch, now);
}

/* Latch @p ch's status byte (a second latch is ignored). 8254: Status Byte. */
static void pit_latch_status(struct pit_channel *ch, uint64_t now)
{
	bool triggered_mode = pit_mode(ch) == 1 || pit_mode(ch) == 5;
	bool null_count = !ch->loaded || (triggered_mode && !ch->counting);

	if (ch->status_latched)
		return;
	ch->status_latched = true;
	ch->status = (uint8_t)((pit_out(ch, now) ? STATUS_OUTPUT : 0) | (null_count ? STATUS_NULL : 0) |
			       ch->access << CTRL_ACCESS_SHIFT | ch->mode << CTRL_MODE_SHIFT | ch->bcd);
}

/* A control word at @p now: program a counter, latch one, or read back. */
static void pit_control(struct vm *vm, uint8_t value, uint64_t now)
{
	int select = value >> CTRL_SELECT_SHIFT;

	if (select == CTRL_READ_BACK) {
		for (int i = 0; i < PIT_CHANNELS; i++) {
			struct pit_channel *ch = &vm->pc.pit.channel[i];

			if (!(value & (READBACK_COUNTER0 << i)))
				continue;
			if (!(value & READBACK_NO_STATUS))
				pit_latch_status(ch, now);
			if (!(value & READBACK_NO_COUNT))
				pit_latch_count(ch, now);
		}
		return;
	}
	if (!(value & CTRL_ACCESS))
		pit_latch_count(&vm->pc.pit.channel[select], now);
	else
		pit_program(&vm->pc.pit.channel[select], value, now);
}

/* The byte an IN of counter @p ch gives: the status, a latched count, or the count now. 8254: Read Operations. */
static uint8_t pit_read_counter(struct pit_channel *ch, uint64_t now)
{
	uint32_t value;
	bool msb;

	if (ch->status_latched) {
		ch->status_latched = false;
		return ch->status;
	}
	if (ch->latched) {
		value = ch->latch_value;
		msb = ch->access == ACCESS_MSB || (ch->access == ACCESS_WORD && ch->latch_msb);
		ch->latch_msb = ch->access == ACCESS_WORD && !msb;
		ch->latched = ch->latch_msb;
	} else {
		value = ch->bcd ? to_bcd(pit_value(ch, now)) : pit_value(ch, now);
		msb = ch->access == ACCESS_MSB || (ch->access == ACCESS_WORD && ch->read_msb);
		if (ch->access == ACCESS_WORD)
			ch->read_msb = !ch->read_msb;
	}
	return (uint8_t)(msb ? value >> 8 : value);
}

/* An OUT of @p byte to counter @p i: a count, one or two bytes as the access mode says. 8254: Write Operations. */
static void pit_write_counter(struct vm *vm, int i, uint8_t byte, uint64_t now)
{
	struct pit_channel *ch = &vm->pc.pit.channel[i];

	switch (ch->access) {
	case ACCESS_LSB:
		pit_load(vm, i, byte, now);
		break;
	case ACCESS_MSB:
		pit_load(vm, i, (uint32_t)byte << 8, now);
		break;
	default:
		if (ch->write_msb) {
			ch->write_msb = false;
			pit_load(vm, i, ch->write_lsb | (uint32_t)byte << 8, now);
			break;
		}
		ch->write_msb = true;
		ch->write_lsb = byte;
		if (pit_mode(ch) == 0) /* 8254: Mode 0, writing the first byte disables counting */
			pit_hold(ch, now);
	}
}

void pit_reset(struct vm *vm)
{
	struct pit *p = &vm->pc.pit;

	memset(p, 0, sizeof(*p));
	for (int i = 0; i < PIT_CHANNELS; i++) {
		p->channel[i].access = ACCESS_WORD;
		p->channel[i].gate = i != PIT_SPEAKER; /* channels 0 and 1: GATE tied high on the PC */
	}
	p->irq_next = VCLOCK_NEVER;
}

uint32_t pit_read(struct vm *vm, uint16_t port, unsigned size)
{
	struct pit *p = &vm->pc.pit;
	uint64_t now = vclock_now(vm);
	const struct pit_channel *speaker = &p->channel[PIT_SPEAKER];

	(void)size;
	pit_update(vm, now); /* the edges due before this access */
	if (port == PIT_PORT_B)
		return (speaker->gate ? PORTB_GATE2 : 0) | (p->speaker_data ? PORTB_SPEAKER : 0) |
		       ((vclock_to_hz(now, PIT_HZ) / REFRESH_CLOCKS) & 1 ? PORTB_REFRESH : 0) |
		       (pit_out(speaker, now) ? PORTB_OUT2 : 0);
	if (port == PIT_CONTROL_PORT) /* the control word register is write-only */
		return 0xFF;
	return pit_read_counter(&p->channel[port - PIT_COUNTER0_PORT], now);
}

void pit_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	struct pit *p = &vm->pc.pit;
	uint64_t now = vclock_now(vm);

	(void)size;
	pit_update(vm, now); /* the edges due before this access */
	if (port == PIT_PORT_B) {
		pit_set_gate(&p->channel[PIT_SPEAKER], now, value & PORTB_GATE2);
		p->speaker_data = value & PORTB_SPEAKER;
		return;
	}
	if (port == PIT_CONTROL_PORT)
		pit_control(vm, (uint8_t)value, now);
	else
		pit_write_counter(vm, port - PIT_COUNTER0_PORT, (uint8_t)value, now);
	pit_irq_refresh(vm, now);
}

uint64_t pit_deadline(const struct vm *vm)
{
	return vm->pc.pit.irq_next;
}

void pit_update(struct vm *vm, uint64_t now)
{
	if (now < vm->pc.pit.irq_next)
		return;
	pit_drive_irq(vm, false); /* the low phase before the edge, collapsed into it */
	pit_drive_irq(vm, true);
	pit_irq_refresh(vm, now);
}
