/*
 * The PC's two 8259A PICs (kernel/pc/pic.h): 8259A: Intel 8259A datasheet.
 * The master's input 2 is the slave's INT output (8259A: Cascade Mode).
 *
 * What follows the datasheet: the initialisation sequence ICW1-ICW4
 * (8259A: Initialization Command Words), the mask (OCW1), the EOI and
 * rotation commands (OCW2), IRR/ISR reads, poll and special mask mode
 * (OCW3), automatic EOI and special fully nested mode (ICW4), priority
 * resolution with rotation (8259A: Interrupt Sequence, Priority Modes), the
 * INTA cycle with the slave's vector through the cascade, and the spurious
 * IR7 when no request is left at INTA.
 * Deviations: an edge-triggered request stays in IRR once its rising edge
 * latched it, until INTA, even if the input falls first (the 8259A drops it
 * and answers a spurious IR7), as every line here is driven by a chip that
 * pulses (kernel/pc/platform.h); the master's cascade input follows the
 * slave's INT as a level, so a slave request withdrawn before INTA gives the
 * master's spurious IR7; ICW1's A7-A5 and ADI (8080 mode) and ICW4's
 * BUF and M/S (buffered mode) are stored without effect; 8080/8085 mode
 * (ICW4 uPM = 0) stops the VM, but an ICW1 without IC4, whose zero ICW4
 * would be 8080 mode too, leaves 8086 mode (as QEMU's); an OCW2 or OCW3 in
 * the middle of an initialisation sequence is carried out and the sequence
 * goes on (as QEMU's; the datasheet does not say). An input is level-triggered when ICW1's LTIM
 * or its ELCR bit says so (ELCR: Intel 82371SB PIIX3 datasheet, ELCR1/ELCR2;
 * IRQ 0, 1, 2, 8 and 13 stay edge-triggered there, their bits read 0).
 */
#include "kernel/pc/pic.h"
#include "kernel/pc/platform.h"
#include "kernel/vm.h"

#define PIC_MASTER 0
#define PIC_SLAVE  1

#define ICW1_IC4         0x01 /* 8259A: ICW1, an ICW4 follows */
#define ICW1_SNGL        0x02 /* single 8259A, no ICW3 */
#define ICW1_LTIM        0x08 /* level-triggered inputs */
#define ICW1_IS_ICW1     0x10 /* D4 = 1 on the command port: ICW1 */
#define OCW3_IS_OCW3     0x08 /* D4 = 0, D3 = 1 on the command port: OCW3 (else OCW2) */
#define OCW3_READ        0x02 /* 8259A: OCW3, RR: the RIS bit selects the register read */
#define OCW3_RIS         0x01 /* read ISR (else IRR) */
#define OCW3_POLL        0x04 /* P: poll command */
#define OCW3_ESMM        0x40 /* ESMM: the SMM bit is a command */
#define OCW3_SMM         0x20 /* SMM: set special mask mode */
#define OCW2_LEVEL       0x07 /* 8259A: OCW2, L2-L0: the IR a specific command names */
#define OCW2_COMMAND     0xE0 /* R, SL, EOI */
#define OCW2_ROTATE_AEOI_CLEAR 0x00 /* rotate in automatic EOI mode (clear) */
#define OCW2_EOI               0x20 /* non-specific EOI */
#define OCW2_NOP               0x40 /* no operation */
#define OCW2_SPECIFIC_EOI      0x60 /* specific EOI of L */
#define OCW2_ROTATE_AEOI_SET   0x80 /* rotate in automatic EOI mode (set) */
#define OCW2_ROTATE_EOI        0xA0 /* rotate on non-specific EOI */
#define OCW2_SET_PRIORITY      0xC0 /* L becomes the lowest priority */
#define OCW2_ROTATE_SPECIFIC   0xE0 /* rotate on specific EOI of L */
#define ICW2_VECTOR      0xF8 /* 8259A: ICW2, T7-T3 in 8086 mode */
#define ICW4_UPM         0x01 /* 8259A: ICW4, 8086/8088 mode */
#define ICW4_AEOI        0x02 /* automatic EOI */
#define ICW4_SFNM        0x10 /* special fully nested mode */
#define POLL_REQUEST     0x80 /* 8259A: Poll Command, I: an interrupt is requested */
#define ELCR_MASTER_BITS 0xF8 /* PIIX3: ELCR1, IRQ 3-7 programmable */
#define ELCR_SLAVE_BITS  0xDE /* ELCR2, IRQ 9-12, 14, 15 programmable */
#define FIRMWARE_MASTER_BASE 0x08 /* the vectors PC firmware gives IRQ 0-7 */
#define FIRMWARE_SLAVE_BASE  0x70 /* and IRQ 8-15 */

/* The vector of input @p ir of @p c. */
static uint8_t pic_vector(const struct pic_chip *c, int ir)
{
	return (uint8_t)(c->vector_base | ir);
}

/* The rank of input @p ir under @p c's rotation: 0 the highest priority, 7 the lowest. */
static int pic_rank(const struct pic_chip *c, int ir)
{
	return (ir - c->highest) & 7;
}

/* The input of highest priority among @p bits, or -1. 8259A: Priority Modes. */
static int pic_highest(const struct pic_chip *c, uint8_t bits)
{
	if (!bits) /* the common case: asked before every VM entry */
		return -1;
	for (int k = 0; k < 8; k++) {
		int ir = (c->highest + k) & 7;

		if (bits & (1u << ir))
			return ir;
	}
	return -1;
}

/* Whether input @p ir of @p c is level-triggered (ICW1's LTIM, or its ELCR bit). */
static bool pic_is_level(const struct pic_chip *c, int ir)
{
	return c->level_mode || (c->elcr & (1u << ir));
}

/* Whether @p c is the master and its input @p ir has a slave (ICW3 in cascade mode). */
static bool pic_is_cascade(const struct pic_chip *c, int ir, bool master)
{
	return master && !c->single && (c->icw3 & (1u << ir));
}

/*
 * The input @p c's INT output requests: the highest-priority unmasked
 * request above every input in service, or -1. In special mask mode a
 * masked input in service blocks nothing; in special fully nested mode the
 * cascade input in service blocks not the slave's further requests.
 */
static int pic_request(const struct pic_chip *c, bool master)
{
	uint8_t in_service = c->isr;
	int req = pic_highest(c, c->irr & ~c->imr);
	int cur;

	if (req < 0 || c->icw_next)
		return -1;
	if (c->special_mask)
		in_service &= ~c->imr;
	if (c->fully_nested && pic_is_cascade(c, PIC_CASCADE_IR, master))
		in_service &= ~(1u << PIC_CASCADE_IR);
	cur = pic_highest(c, in_service);
	return cur >= 0 && pic_rank(c, cur) <= pic_rank(c, req) ? -1 : req;
}

/* Drive input @p ir of @p c to @p high: an edge-triggered input latches IRR on a rising edge. */
static void pic_chip_input(struct pic_chip *c, int ir, bool high)
{
	uint8_t bit = (uint8_t)(1u << ir);
	bool was_high = c->lines & bit;

	c->lines = high ? c->lines | bit : c->lines & ~bit;
	if (pic_is_level(c, ir))
		c->irr = high ? c->irr | bit : c->irr & ~bit;
	else if (high && !was_high)
		c->irr |= bit;
}

/*
 * The slave's INT output is the master's cascade input, and the master's
 * IRR bit follows it as the 8259A's IRR follows an input still high: the
 * slave holds its own requests until its INTA. 8259A: Cascade Mode.
 */
static void pic_cascade_update(struct pic *p)
{
	struct pic_chip *m = &p->chip[PIC_MASTER];
	uint8_t bit = 1u << PIC_CASCADE_IR;

	if (pic_request(&p->chip[PIC_SLAVE], false) >= 0) {
		m->lines |= bit;
		m->irr |= bit;
	} else {
		m->lines &= (uint8_t)~bit;
		m->irr &= (uint8_t)~bit;
	}
}

/* End the interrupt of input @p ir of @p c (clear its ISR bit); @p rotate: it becomes the lowest priority. */
static void pic_eoi(struct pic_chip *c, int ir, bool rotate)
{
	if (ir < 0)
		return;
	c->isr &= (uint8_t)~(1u << ir);
	if (rotate)
		c->highest = (uint8_t)((ir + 1) & 7);
}

/* The INTA of @p c for its input @p ir: ISR set (unless automatic EOI), an edge request taken from IRR. */
static void pic_chip_ack(struct pic_chip *c, int ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (!pic_is_level(c, ir))
		c->irr &= ~bit;
	if (c->auto_eoi)
		pic_eoi(c, ir, c->rotate_on_aeoi);
	else
		c->isr |= bit;
}

/* ICW1: start the initialisation sequence. 8259A: Initialization Command Words, ICW1 (a-f). */
static void pic_icw1(struct pic_chip *c, uint8_t value)
{
	c->icw_next = 2;
	c->need_icw4 = value & ICW1_IC4;
	c->single = value & ICW1_SNGL;
	c->level_mode = value & ICW1_LTIM;
	c->imr = 0;
	c->isr = 0;
	c->irr = 0; /* the edge sense circuit is reset: a request needs a new rising edge */
	for (int ir = 0; ir < 8; ir++)
		if (pic_is_level(c, ir) && (c->lines & (1u << ir)))
			c->irr |= (uint8_t)(1u << ir);
	c->highest = 0;
	c->icw3 = 0;
	c->special_mask = false;
	c->read_isr = false;
	c->poll = false;
	c->rotate_on_aeoi = false;
	if (!c->need_icw4) { /* IC4 = 0: every ICW4 function is zero */
		c->icw4 = 0;
		c->auto_eoi = false;
		c->fully_nested = false;
	}
}

/* ICW2-ICW4, one per data-port write after ICW1. */
static void pic_icw(struct vm *vm, struct pic_chip *c, uint8_t value, bool master)
{
	switch (c->icw_next) {
	case 2:
		c->vector_base = value & ICW2_VECTOR;
		c->icw_next = c->single ? (c->need_icw4 ? 4 : 0) : 3;
		return;
	case 3:
		c->icw3 = value;
		c->icw_next = c->need_icw4 ? 4 : 0;
		return;
	default:
		if (!(value & ICW4_UPM)) {
			vm_stop(vm, "8259A %s: ICW4 %#x selects 8080/8085 mode (uPM = 0), which a PC never uses (8259A: Intel 8259A datasheet, ICW4)",
				master ? "master" : "slave", value);
			return;
		}
		c->icw4 = value;
		c->auto_eoi = value & ICW4_AEOI;
		c->fully_nested = value & ICW4_SFNM;
		c->icw_next = 0;
	}
}

/* OCW2: the EOI and rotation commands. 8259A: Operation Command Words, OCW2. */
static void pic_ocw2(struct pic_chip *c, uint8_t value)
{
	int level = value & OCW2_LEVEL;

	switch (value & OCW2_COMMAND) {
	case OCW2_EOI:
		pic_eoi(c, pic_highest(c, c->isr), false);
		break;
	case OCW2_ROTATE_EOI:
		pic_eoi(c, pic_highest(c, c->isr), true);
		break;
	case OCW2_SPECIFIC_EOI:
		pic_eoi(c, level, false);
		break;
	case OCW2_ROTATE_SPECIFIC:
		pic_eoi(c, level, true);
		break;
	case OCW2_SET_PRIORITY:
		c->highest = (uint8_t)((level + 1) & 7);
		break;
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_on_aeoi = true;
		break;
	case OCW2_ROTATE_AEOI_CLEAR:
		c->rotate_on_aeoi = false;
		break;
	case OCW2_NOP:
		break;
	}
}

/* OCW3: the register the command port reads, poll, special mask mode. 8259A: OCW3. */
static void pic_ocw3(struct pic_chip *c, uint8_t value)
{
	if (value & OCW3_READ)
		c->read_isr = value & OCW3_RIS;
	c->poll = value & OCW3_POLL;
	if (value & OCW3_ESMM)
		c->special_mask = value & OCW3_SMM;
}

/* The poll word: an INTA of this chip alone, as a byte. 8259A: The Poll Command. */
static uint8_t pic_poll(struct pic_chip *c, bool master)
{
	int ir = pic_request(c, master);

	c->poll = false;
	if (ir < 0)
		return 0;
	pic_chip_ack(c, ir);
	return (uint8_t)(POLL_REQUEST | ir);
}

void pic_reset(struct vm *vm)
{
	struct pic *p = &vm->pc.pic;

	memset(p, 0, sizeof(*p));
	p->chip[PIC_MASTER].vector_base = FIRMWARE_MASTER_BASE;
	p->chip[PIC_MASTER].icw3 = 1u << PIC_CASCADE_IR;
	p->chip[PIC_MASTER].imr = (uint8_t)~(1u << PIC_CASCADE_IR);
	p->chip[PIC_SLAVE].vector_base = FIRMWARE_SLAVE_BASE;
	p->chip[PIC_SLAVE].icw3 = PIC_CASCADE_IR; /* its slave ID */
	p->chip[PIC_SLAVE].imr = 0xFF;
	for (int i = 0; i < 2; i++)
		p->chip[i].icw4 = ICW4_UPM;
}

uint32_t pic_read(struct vm *vm, uint16_t port, unsigned size)
{
	struct pic *p = &vm->pc.pic;
	bool master = port == PIC_MASTER_CMD || port == PIC_MASTER_DATA;
	struct pic_chip *c = &p->chip[master ? PIC_MASTER : PIC_SLAVE];
	uint8_t value;

	(void)size;
	if (port == PIC_ELCR_MASTER || port == PIC_ELCR_SLAVE)
		return port == PIC_ELCR_MASTER ? p->chip[PIC_MASTER].elcr : p->chip[PIC_SLAVE].elcr;
	if (c->poll) {
		value = pic_poll(c, master);
		pic_cascade_update(p);
		return value;
	}
	if (port == PIC_MASTER_DATA || port == PIC_SLAVE_DATA)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

void pic_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	struct pic *p = &vm->pc.pic;
	bool master = port == PIC_MASTER_CMD || port == PIC_MASTER_DATA;
	struct pic_chip *c = &p->chip[master ? PIC_MASTER : PIC_SLAVE];
	uint8_t byte = (uint8_t)value;

	(void)size;
	if (port == PIC_ELCR_MASTER)
		p->chip[PIC_MASTER].elcr = byte & ELCR_MASTER_BITS;
	else if (port == PIC_ELCR_SLAVE)
		p->chip[PIC_SLAVE].elcr = byte & ELCR_SLAVE_BITS;
	else if ((port == PIC_MASTER_DATA || port == PIC_SLAVE_DATA) && c->icw_next)
		pic_icw(vm, c, byte, master);
	else if (port == PIC_MASTER_DATA || port == PIC_SLAVE_DATA)
		c->imr = byte; /* OCW1 */
	else if (byte & ICW1_IS_ICW1)
		pic_icw1(c, byte);
	else if (byte & OCW3_IS_OCW3)
		pic_ocw3(c, byte);
	else
		pic_ocw2(c, byte);
	pic_cascade_update(p);
}

void pic_set_irq(struct vm *vm, unsigned irq, bool high)
{
	struct pic *p = &vm->pc.pic;

	if (irq >= PC_ISA_IRQS || irq == PIC_CASCADE_IR) /* the master's input 2 is the slave's INT */
		return;
	pic_chip_input(&p->chip[irq < 8 ? PIC_MASTER : PIC_SLAVE], (int)(irq & 7), high);
	pic_cascade_update(p);
}

int pic_pending(const struct vm *vm)
{
	const struct pic *p = &vm->pc.pic;
	const struct pic_chip *m = &p->chip[PIC_MASTER];
	const struct pic_chip *s = &p->chip[PIC_SLAVE];
	int ir = pic_request(m, true), slave_ir;

	if (ir < 0)
		return PC_NO_VECTOR;
	if (!pic_is_cascade(m, ir, true))
		return pic_vector(m, ir);
	slave_ir = pic_request(s, false);
	return pic_vector(s, slave_ir < 0 ? PIC_SPURIOUS_IR : slave_ir);
}

uint8_t pic_ack(struct vm *vm)
{
	struct pic *p = &vm->pc.pic;
	struct pic_chip *m = &p->chip[PIC_MASTER];
	struct pic_chip *s = &p->chip[PIC_SLAVE];
	int ir = pic_request(m, true), slave_ir;

	if (ir < 0) /* 8259A: Interrupt Sequence: no request left at INTA, IR7 without ISR */
		return pic_vector(m, PIC_SPURIOUS_IR);
	pic_chip_ack(m, ir);
	if (!pic_is_cascade(m, ir, true))
		return pic_vector(m, ir);
	slave_ir = pic_request(s, false);
	if (slave_ir < 0) /* the slave's request went: its IR7 */
		return pic_vector(s, PIC_SPURIOUS_IR);
	pic_chip_ack(s, slave_ir);
	pic_cascade_update(p);
	return pic_vector(s, slave_ir);
}
