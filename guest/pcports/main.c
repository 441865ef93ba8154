/*
 * The PC's I/O-port chips that need no interrupts (kernel/pc/): the CGA/VGA
 * CRT controller's cursor registers, read the way xv6's cgaputc reads them,
 * and the 8042 keyboard controller with no key pressed, polled the way xv6's
 * kbdgetc polls it. Natively QEMU gets a VGA for this guest (the scenario asks
 * tools/hvrun for one: its default machine has none, and an absent CRTC
 * reads all ones), so the native run is the reference for every line: the
 * VGA's answers for the CRTC, and for the 8042 the status and the stale byte
 * (0xFA) its BIOS leaves; each agrees with the datasheets kernel/pc/ cites.
 */
#include "guest.h"
#include "x86.h"

#define CRTC_INDEX          0x3D4
#define CRTC_DATA           0x3D5
#define CRTC_CURSOR_START   0x0A
#define CRTC_CURSOR_END     0x0B
#define CRTC_CURSOR_HIGH    0x0E
#define CRTC_CURSOR_LOW     0x0F
#define PS2_DATA            0x60
#define PS2_STATUS          0x64
#define PS2_OUTPUT_FULL     0x01 /* 8042 status bit 0: a byte waits in the output buffer */

/* A 16-bit OUT: the bus splits it into the low byte at port, the high at port + 1. */
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

/* CRTC register index, as an OUT to the index port and an IN of the data port. */
static uint8_t crtc_get(uint8_t index)
{
	outb(CRTC_INDEX, index);
	return inb(CRTC_DATA);
}

static void crtc_set(uint8_t index, uint8_t value)
{
	outb(CRTC_INDEX, index);
	outb(CRTC_DATA, value);
}

/* The cursor's position as xv6's cgaputc reads it. */
static uint32_t cursor_position(void)
{
	uint32_t pos = (uint32_t)crtc_get(CRTC_CURSOR_HIGH) << 8;

	return pos | crtc_get(CRTC_CURSOR_LOW);
}

static void check_crtc(void)
{
	outb(CRTC_INDEX, CRTC_CURSOR_LOW);
	gprintf("crtc: index port reads %x after index %x\n", inb(CRTC_INDEX), CRTC_CURSOR_LOW);
	for (uint32_t pos = 0; pos <= 2000; pos += 1000) {
		crtc_set(CRTC_CURSOR_HIGH, (uint8_t)(pos >> 8));
		crtc_set(CRTC_CURSOR_LOW, (uint8_t)pos);
		gprintf("crtc: cursor set to %u reads %u\n", pos, cursor_position());
	}
	crtc_set(CRTC_CURSOR_START, 0x0D);
	crtc_set(CRTC_CURSOR_END, 0x0E);
	gprintf("crtc: cursor start %x end %x\n", crtc_get(CRTC_CURSOR_START), crtc_get(CRTC_CURSOR_END));
	outw(CRTC_INDEX, (uint16_t)(0x4F << 8 | CRTC_CURSOR_LOW));
	gprintf("crtc: a 16-bit OUT of index %x and data 4f: index %x, data %x\n", CRTC_CURSOR_LOW,
		inb(CRTC_INDEX), inb(CRTC_DATA));
}

static void check_ps2(void)
{
	uint8_t status = inb(PS2_STATUS);

	gprintf("ps2: status %x: output buffer %s\n", status,
		status & PS2_OUTPUT_FULL ? "full" : "empty, no key");
	gprintf("ps2: data port reads %x, status then %x\n", inb(PS2_DATA), inb(PS2_STATUS));
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	(void)mbi;
	console_init();
	check_crtc();
	check_ps2();
	return GUEST_SUCCESS;
}
