/*
 * The 8259A pair's initialisation sequences out of order (argument pic),
 * each followed by an OCW1 whose mask reads back only if the chip counted
 * the sequence's words as the datasheet does: ICW1 starts a sequence at any
 * time and clears the mask; ICW3 comes only in cascade mode (SNGL = 0), ICW4
 * only when ICW1's IC4 asks for it; the next data-port write is OCW1.
 * An OCW2 or OCW3 on the command port in the middle of a sequence is taken
 * as a command and leaves the sequence where it was (as QEMU's 8259A; the
 * datasheet does not say). Interrupts stay off (IF=0); the IRR and ISR are
 * not printed (natively the firmware's IRQ 0 may come at any moment).
 * 8259A: Intel 8259A datasheet, Initialization Command Words, Operation
 * Command Words. Last, IOREGSEL's reserved bits 31:8 (82093AA: 3.1.1).
 */
#include "badpc.h"
#include "x86.h"

#define PIC_M_CMD   0x20
#define PIC_M_DATA  0x21
#define PIC_S_CMD   0xA0
#define PIC_S_DATA  0xA1
#define ICW1_IC4    0x01 /* an ICW4 follows */
#define ICW1_SNGL   0x02 /* single: no ICW3 */
#define ICW1        0x10
#define ICW4_8086   0x01
#define OCW3_IRR    0x0A /* read IRR next */
#define OCW2_EOI    0x20 /* non-specific EOI */

/* The mask a chip reads back after writing it with OCW1 at data port `data`. */
static uint8_t mask_after(uint16_t data, uint8_t mask)
{
	outb(data, mask);
	return inb(data);
}

/* The mask in the middle of a sequence, and sequences whose words differ in number. */
static void sequences(void)
{
	uint8_t mid;

	outb(PIC_M_CMD, ICW1 | ICW1_IC4);
	mid = inb(PIC_M_DATA);
	outb(PIC_M_DATA, 0x20);
	outb(PIC_M_DATA, 0x04);
	outb(PIC_M_DATA, ICW4_8086);
	gprintf("badpc: pic: mask after ICW1 %x; cascade with ICW4: %x\n", mid, mask_after(PIC_M_DATA, 0xC3));
	outb(PIC_S_CMD, ICW1 | ICW1_SNGL | ICW1_IC4);
	outb(PIC_S_DATA, 0x30);
	outb(PIC_S_DATA, ICW4_8086);
	gprintf("badpc: pic: single with ICW4 (no ICW3): %x\n", mask_after(PIC_S_DATA, 0xA5));
	outb(PIC_S_CMD, ICW1 | ICW1_IC4);
	outb(PIC_S_DATA, 0x28);
	outb(PIC_S_DATA, 0x02);
	outb(PIC_S_DATA, ICW4_8086);
	gprintf("badpc: pic: slave again in cascade: %x\n", mask_after(PIC_S_DATA, 0x5A));
}

/* ICW1 again in the middle of a sequence, and commands in the middle of one. */
static void interrupted(void)
{
	outb(PIC_M_CMD, ICW1 | ICW1_IC4);
	outb(PIC_M_DATA, 0x40);
	outb(PIC_M_CMD, ICW1 | ICW1_IC4);
	outb(PIC_M_DATA, 0x20);
	outb(PIC_M_DATA, 0x04);
	outb(PIC_M_DATA, ICW4_8086);
	gprintf("badpc: pic: ICW1 again after ICW2: %x\n", mask_after(PIC_M_DATA, 0x96));
	outb(PIC_M_CMD, ICW1 | ICW1_IC4);
	outb(PIC_M_DATA, 0x20);
	outb(PIC_M_CMD, OCW3_IRR);
	outb(PIC_M_CMD, OCW2_EOI);
	outb(PIC_M_DATA, 0x04);
	outb(PIC_M_DATA, ICW4_8086);
	gprintf("badpc: pic: OCW3 and OCW2 between ICW2 and ICW3: %x\n", mask_after(PIC_M_DATA, 0x69));
	outb(PIC_M_DATA, 0xFB); /* as the firmware left it: all but the cascade masked */
}

/* IOREGSEL keeps its 8 address bits; bits 31:8 are reserved and read 0. 82093AA: 3.1.1 */
static void ioregsel_bits(void)
{
	apic_write(IOAPIC_REGSEL, 0x12345601u);
	gprintf("badpc: ioapic: IOREGSEL written %x reads %x, IOWIN then %x\n", 0x12345601u, apic_read(IOAPIC_REGSEL),
		apic_read(IOAPIC_WINDOW));
}

void badpc_pic(void)
{
	sequences();
	interrupted();
	ioregsel_bits();
}
