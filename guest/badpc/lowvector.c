/*
 * An 8259A left at the firmware's vector base 0x08 in protected mode
 * (argument pic8): the timer's IRQ 0 comes as vector 8, the double fault's.
 * An external interrupt pushes no error code whatever its vector, so the
 * stub of vector 8, which takes the CPU to have pushed one, finds EIP in the
 * error code's place and CS in EIP's. SDM Vol3A 6.3.1 (External Interrupts),
 * 6.13 (Error Code); 8259A: Intel 8259A datasheet, ICW2.
 */
#include "badpc.h"
#include "cpu.h"
#include "x86.h"

#define PIC_M_CMD      0x20
#define PIC_M_DATA     0x21
#define FIRMWARE_BASE  0x08  /* the vector base PC firmware gives IRQ 0-7 */
#define ONLY_IRQ0      0xFE  /* OCW1: every input masked but IR0 */
#define ALL_MASKED     0xFF
#define OCW2_EOI       0x20
#define PIT_CHANNEL0   0x40
#define PIT_COMMAND    0x43
#define PIT_CH0_MODE0  0x30  /* channel 0, low then high byte, mode 0: the output rises at the count's end */

static struct kjmp taken;
static uint32_t frame_eip, frame_cs;

/* Vector 8's handler: keep the two slots past the error code's and leave (the frame is not the stub's). */
static void on_vector8(struct trap_frame *tf)
{
	frame_eip = tf->eip;
	frame_cs = tf->cs;
	klongjmp(&taken, 1);
}

void badpc_low_vector(void)
{
	outb(PIC_M_CMD, 0x11);
	outb(PIC_M_DATA, FIRMWARE_BASE);
	outb(PIC_M_DATA, 0x04);
	outb(PIC_M_DATA, 0x01);
	outb(PIC_M_DATA, ONLY_IRQ0);
	trap_set_handler(T_DF, on_vector8);
	if (ksetjmp(&taken) == 0) {
		outb(PIT_COMMAND, PIT_CH0_MODE0);
		outb(PIT_CHANNEL0, 1);
		outb(PIT_CHANNEL0, 0);
		__asm__ volatile("sti; hlt; cli");
	}
	outb(PIC_M_DATA, ALL_MASKED);
	outb(PIC_M_CMD, OCW2_EOI);
	gprintf("badpc: pic8: IRQ 0 came as vector 8 with no error code: cs in eip's place %d, eflags.if in cs's %d\n",
		(frame_eip & 0xFFFF) == SEG_KCODE, (frame_cs & EFLAGS_IF) != 0);
}
