/*
 * The guest contract's I/O ports: COM1's line status and interrupt
 * identification, and ports nobody owns, which read as all ones (an empty
 * ISA bus) and swallow writes. Natively QEMU behaves the same, so the output
 * must match; under the hypervisor each unknown port is reported once.
 */
#include "guest.h"
#include "x86.h"

#define UNUSED_PORT 0x2F0 /* no ISA device in QEMU's pc machine */
#define COM1_IIR    0x3FA
#define COM1_LSR    0x3FD

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	(void)mbi;
	console_init();
	gprintf("ports: lsr %x iir %x\n", inb(COM1_LSR), inb(COM1_IIR) & 0x0F);
	for (int i = 0; i < 3; i++) {
		outb(UNUSED_PORT, 0x55);
		gprintf("ports: unused port reads %x %x %x\n", inb(UNUSED_PORT), inw(UNUSED_PORT),
			inl(UNUSED_PORT));
	}
	return GUEST_SUCCESS;
}
