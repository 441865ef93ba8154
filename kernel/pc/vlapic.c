/*
 * The guest's local APIC in xAPIC mode: the register page at 0xFEE00000,
 * the interrupts it accepts into IRR, hands the CPU by priority and retires
 * from ISR at EOI, and its timer. SDM Vol3A 10.4.1 (The Local APIC Block
 * Diagram), Table 10-1 (Local APIC Register Address Map); the bits of each
 * register: 10.4.6 (Local APIC ID), 10.4.8 (Local APIC Version Register),
 * 10.5.1 (Local Vector Table), 10.5.3 (Error Handling), 10.5.4 (APIC Timer),
 * 10.6.1 (Interrupt Command Register), 10.6.2.2 (Logical Destination Mode),
 * 10.8.3.1 (Task and Processor Priorities), 10.8.4 (Interrupt Acceptance
 * for Fixed Interrupts), 10.8.5 (Signaling Interrupt Servicing Completion),
 * 10.9 (Spurious Interrupt).
 *
 * There is one CPU: an IPI reaches this APIC or nobody, and one to an APIC
 * ID nobody has is dropped without an error (ESR's accept-error bits are
 * the P6 family's and Pentium's only, SDM Vol3A 10.5.3); a start-up IPI is
 * ignored (the CPU is not waiting for one) and so is the INIT level
 * de-assert; an INIT IPI to itself, which would reset the CPU, and an NMI or
 * SMI IPI to itself, which it cannot deliver, stop the VM by name. The delivery-status bits read idle: every
 * message is delivered when written. The timer is brought up to date
 * (vlapic_update) before every register access, so the guest always reads
 * the count and IRR of the present moment.
 *
 * Where the SDM leaves a choice: software disabled, the APIC still accepts
 * messages into IRR but presents none to the CPU (as QEMU); a self IPI of a
 * vector 0-15 sets both ESR's send and receive illegal vector bits; a new
 * divide configuration applies to the count in progress from its start
 * (the current count jumps, as QEMU's); APR is computed as the P6 family's.
 * The thermal and performance LVT entries are stored and never fire, and
 * nothing drives LINT0 or LINT1 but the 8259A through ExtINT
 * (vlapic_lint0_extint). A register is the first 4 bytes of its 16-byte
 * slot: the other 12 have no register, and the VM stops (kernel/mmio.c).
 */
#include "kernel/pc/platform.h"
#include "kernel/pc/vecreg.h"
#include "kernel/pc/vlapic.h"
#include "kernel/vclock.h"
#include "kernel/vm.h"

/* Register offsets, SDM Vol3A Table 10-1. */
#define REG_ID            0x020
#define REG_VERSION       0x030
#define REG_TPR           0x080
#define REG_APR           0x090
#define REG_PPR           0x0A0
#define REG_EOI           0x0B0
#define REG_LDR           0x0D0
#define REG_DFR           0x0E0
#define REG_SVR           0x0F0
#define REG_ISR           0x100 /* ISR, TMR, IRR: eight registers each, 16 bytes apart */
#define REG_TMR           0x180
#define REG_IRR           0x200
#define REG_IRR_END       0x280
#define REG_ESR           0x280
#define REG_ICR_LOW       0x300
#define REG_ICR_HIGH      0x310
#define REG_LVT_TIMER     0x320 /* LVT timer, thermal, performance, LINT0, LINT1, error: 0x320-0x370 */
#define REG_LVT_ERROR     0x370
#define REG_INITIAL_COUNT 0x380
#define REG_CURRENT_COUNT 0x390
#define REG_DIVIDE        0x3E0
#define REG_STRIDE        0x10

/* The LVT entries' places in lvt[], in address order. */
#define LVT_TIMER         0
#define LVT_LINT0         3
#define LVT_LINT1         4
#define LVT_ERROR         5

/* Writable bits of each register. */
#define ID_BITS           0xFF000000u /* SDM Vol3A 10.4.6 */
#define TPR_BITS          0x000000FFu /* SDM Vol3A 10.8.3.1 */
#define LDR_BITS          0xFF000000u /* SDM Vol3A 10.6.2.2 */
#define DFR_MODEL_BITS    0xF0000000u /* bits 27:0 read as ones. SDM Vol3A 10.6.2.2 */
#define DFR_FLAT          0xF0000000u /* model 1111b: flat; 0000b: cluster */
#define SVR_BITS          0x000001FFu /* vector, APIC software enable; focus checking (bit 9) and EOI-broadcast
					 suppression (bit 12) are not offered. SDM Vol3A 10.9 */
#define ICR_LOW_BITS      0x000CCFFFu /* vector, delivery and destination mode, level, trigger, shorthand;
					 bit 12 (delivery status) reads 0, idle. SDM Vol3A 10.6.1 */
#define ICR_HIGH_BITS     0xFF000000u /* destination. SDM Vol3A 10.6.1 */
#define DIVIDE_BITS       0x0000000Bu /* bits 0, 1, 3. SDM Vol3A 10.5.4 */
#define ESR_SEND_ILLEGAL  0x20u /* send illegal vector. SDM Vol3A 10.5.3 */
#define ESR_RECV_ILLEGAL  0x40u /* receive illegal vector */
#define ESR_ILLEGAL_REG   0x80u /* illegal register address */

/* LVT entry and ICR fields. SDM Vol3A 10.5.1 (Figure 10-8), 10.6.1 (Figure 10-12) */
#define VECTOR_BITS       0x000000FFu
#define MODE_SHIFT        8          /* delivery mode, bits 10:8 */
#define MODE_BITS         0x7u
#define MODE_FIXED        0x0u
#define MODE_LOWEST       0x1u
#define MODE_SMI          0x2u
#define MODE_NMI          0x4u
#define MODE_INIT         0x5u
#define MODE_STARTUP      0x6u
#define MODE_EXTINT       0x7u
#define LVT_MASKED        0x00010000u /* the mask bit of every LVT entry */
#define LVT_PERIODIC      0x00020000u /* the timer's mode: periodic (else one-shot) */
#define ICR_LOGICAL       0x00000800u /* destination mode: logical (else physical) */
#define ICR_ASSERT        0x00004000u /* level: assert (else de-assert) */
#define ICR_LEVEL         0x00008000u /* trigger mode: level (else edge) */
#define ICR_SHORTHAND_SHIFT 18        /* destination shorthand, bits 19:18 */
#define SHORTHAND_NONE    0x0u
#define SHORTHAND_SELF    0x1u
#define SHORTHAND_ALL     0x2u        /* all including self */
#define DEST_SHIFT        24          /* ICR high and LDR: bits 31:24; ID: bits 31:24 */
#define BROADCAST         0xFFu       /* physical destination: every APIC */

#define FIRST_LEGAL_VECTOR 16  /* vectors 0-15 are illegal in a message. SDM Vol3A 10.5.2 */
#define FIRMWARE_SVR      (VLAPIC_SVR_ENABLE | 0xFF) /* SeaBIOS: enabled, spurious vector 0xFF */
#define FIRMWARE_LINT0    0x00008700u /* SeaBIOS: ExtINT, level: the virtual wire */
#define FIRMWARE_LINT1    0x00008400u /* SeaBIOS: NMI, level */

/* Writable bits of each LVT entry, in address order: vector, delivery mode, polarity, trigger,
 * mask, timer mode (one-shot or periodic) as each one has them. SDM Vol3A 10.5.1, Figure 10-8 */
static const uint32_t lvt_bits[VLAPIC_LVT_ENTRIES] = {
	0x000300FFu, /* timer: vector, mask, periodic */
	0x000107FFu, /* thermal sensor */
	0x000107FFu, /* performance monitoring counters */
	0x0001A7FFu, /* LINT0: vector, delivery mode, polarity, trigger, mask */
	0x0001A7FFu, /* LINT1 */
	0x000100FFu, /* error: vector, mask */
};

/* The arbitration priority: TPR, or the highest class requested or in service when that is higher.
 * SDM Vol3A 10.8.3.1 (Figure 10-15's APR as the P6 family computes it) */
static uint32_t apr(const struct vlapic *a)
{
	int irr = vecreg_highest(a->irr), isr = vecreg_highest(a->isr);
	uint32_t irrv = irr < 0 ? 0 : (uint32_t)irr, isrv = isr < 0 ? 0 : (uint32_t)isr;
	uint32_t tpr_class = a->tpr >> VLAPIC_CLASS_SHIFT, highest = a->tpr & VLAPIC_CLASS_BITS;

	if (tpr_class >= (irrv >> VLAPIC_CLASS_SHIFT) && tpr_class > (isrv >> VLAPIC_CLASS_SHIFT))
		return a->tpr;
	if ((isrv & VLAPIC_CLASS_BITS) > highest)
		highest = isrv & VLAPIC_CLASS_BITS;
	if ((irrv & VLAPIC_CLASS_BITS) > highest)
		highest = irrv & VLAPIC_CLASS_BITS;
	return highest;
}

/* Record errors; a newly detected one sends the LVT error entry's vector unless it is masked. SDM Vol3A 10.5.3 */
static void report_error(struct vlapic *a, uint32_t bits)
{
	uint32_t vector = a->lvt[LVT_ERROR] & VECTOR_BITS;
	bool is_new = bits & ~a->errors;

	a->errors |= bits;
	if (is_new && !(a->lvt[LVT_ERROR] & LVT_MASKED) && vector >= FIRST_LEGAL_VECTOR)
		vecreg_set(a->irr, vector); /* an illegal error vector would only report itself again */
}

/* The timer's input clock divisor, from the divide configuration's bits 3, 1:0. SDM Vol3A 10.5.4, Figure 10-10 */
static uint64_t timer_divisor(const struct vlapic *a)
{
	uint32_t code = ((a->divide >> 1) & 4) | (a->divide & 3);

	return 1ull << ((code + 1) & 7); /* 000b: 2, 001b: 4, ..., 110b: 128, 111b: 1 */
}

/* The clock time of the first expiry after `after`, counting from timer_start; VCLOCK_NEVER when stopped. */
static uint64_t next_expiry(const struct vlapic *a, uint64_t after)
{
	uint64_t period = a->initial_count * timer_divisor(a);
	uint64_t first = a->timer_start + period;

	if (a->initial_count == 0)
		return VCLOCK_NEVER;
	if (first > after)
		return first;
	if (!(a->lvt[LVT_TIMER] & LVT_PERIODIC))
		return VCLOCK_NEVER; /* a one-shot count has ended */
	return first + ((after - first) / period + 1) * period;
}

/* The current count at clock time now: counts down from the initial count, one per divided tick;
 * one-shot stays at 0 at the end, periodic reloads. SDM Vol3A 10.5.4 */
static uint32_t current_count(const struct vlapic *a, uint64_t now)
{
	uint64_t ticks = (now - a->timer_start) / timer_divisor(a);

	if (a->initial_count == 0)
		return 0;
	if (a->lvt[LVT_TIMER] & LVT_PERIODIC)
		return a->initial_count - (uint32_t)(ticks % a->initial_count);
	return ticks >= a->initial_count ? 0 : a->initial_count - (uint32_t)ticks;
}

void vlapic_reset(struct vm *vm)
{
	struct vlapic *a = &vm->pc.lapic;

	*a = (struct vlapic){ 0 };
	a->dfr = ~0u;
	for (size_t i = 0; i < ARRAY_SIZE(a->lvt); i++)
		a->lvt[i] = LVT_MASKED;
	a->timer_next = VCLOCK_NEVER;
	a->svr = FIRMWARE_SVR;
	a->lvt[LVT_LINT0] = FIRMWARE_LINT0;
	a->lvt[LVT_LINT1] = FIRMWARE_LINT1;
}

bool vlapic_accept(struct vm *vm, uint8_t vector, bool level)
{
	struct vlapic *a = &vm->pc.lapic;

	if (vector < FIRST_LEGAL_VECTOR) {
		report_error(a, ESR_RECV_ILLEGAL);
		return false;
	}
	vecreg_set(a->irr, vector);
	if (level)
		vecreg_set(a->tmr, vector);
	else
		vecreg_clear(a->tmr, vector);
	return true;
}

bool vlapic_requesting(const struct vm *vm)
{
	return vecreg_highest(vm->pc.lapic.irr) != VECREG_NONE;
}

uint64_t vlapic_deadline(const struct vm *vm)
{
	return vm->pc.lapic.timer_next;
}

void vlapic_update(struct vm *vm, uint64_t now)
{
	struct vlapic *a = &vm->pc.lapic;
	uint32_t lvt = a->lvt[LVT_TIMER];

	if (now < a->timer_next)
		return;
	a->timer_next = next_expiry(a, now);
	if (!(lvt & LVT_MASKED))
		vlapic_accept(vm, (uint8_t)(lvt & VECTOR_BITS), false);
}

bool vlapic_lint0_extint(const struct vm *vm)
{
	uint32_t lint0 = vm->pc.lapic.lvt[LVT_LINT0];

	return !(lint0 & LVT_MASKED) && ((lint0 >> MODE_SHIFT) & MODE_BITS) == MODE_EXTINT;
}

bool vlapic_is_destination(const struct vm *vm, uint8_t dest, bool logical)
{
	const struct vlapic *a = &vm->pc.lapic;
	uint8_t ldr = (uint8_t)(a->ldr >> DEST_SHIFT);

	if (!logical)
		return dest == BROADCAST || dest == (uint8_t)(a->id >> DEST_SHIFT);
	if ((a->dfr & DFR_MODEL_BITS) == DFR_FLAT)
		return (dest & ldr) != 0;
	/* cluster model: cluster in bits 7:4 (15 broadcasts), members in bits 3:0 */
	return ((dest >> 4) == 0xF || (dest >> 4) == (ldr >> 4)) && (dest & ldr & 0xF) != 0;
}

/* Whether the ICR's message reaches this (the only) APIC. SDM Vol3A 10.6.1 (Destination Shorthand) */
static bool ipi_reaches_self(const struct vm *vm, uint32_t icr_low, uint32_t icr_high)
{
	switch ((icr_low >> ICR_SHORTHAND_SHIFT) & 3) {
	case SHORTHAND_NONE:
		return vlapic_is_destination(vm, (uint8_t)(icr_high >> DEST_SHIFT), icr_low & ICR_LOGICAL);
	case SHORTHAND_SELF:
	case SHORTHAND_ALL:
		return true;
	default:
		return false; /* all excluding self: there is nobody else */
	}
}

/* Whether the ICR holds an INIT level de-assert, which only synchronises arbitration IDs and resets
 * nobody: delivery mode INIT, trigger level, level de-assert. SDM Vol3A 10.6.1 (Interrupt Command Register) */
static bool is_init_deassert(uint32_t icr_low)
{
	return (icr_low & (ICR_LEVEL | ICR_ASSERT)) == ICR_LEVEL;
}

/* Send the interprocessor interrupt the ICR now holds. SDM Vol3A 10.6.1 */
static void send_ipi(struct vm *vm)
{
	struct vlapic *a = &vm->pc.lapic;
	uint32_t mode = (a->icr_low >> MODE_SHIFT) & MODE_BITS;
	uint8_t vector = (uint8_t)(a->icr_low & VECTOR_BITS);
	bool to_self = ipi_reaches_self(vm, a->icr_low, a->icr_high);

	switch (mode) {
	case MODE_FIXED:
	case MODE_LOWEST:
		if (vector < FIRST_LEGAL_VECTOR)
			report_error(a, ESR_SEND_ILLEGAL);
		if (to_self)
			vlapic_accept(vm, vector, false); /* refuses 0-15 too: receive illegal vector */
		return;
	case MODE_SMI:
	case MODE_NMI:
		if (to_self)
			vm_stop(vm, "local APIC: an %s IPI to itself (ICR %#x), which the hypervisor does not deliver",
				mode == MODE_NMI ? "NMI" : "SMI", a->icr_low);
		return;
	case MODE_INIT:
		if (to_self && !is_init_deassert(a->icr_low))
			vm_stop(vm, "local APIC: an INIT IPI to itself (ICR %#x), which would reset the CPU: the hypervisor does not emulate a reset",
				a->icr_low);
		return;
	default:
		return; /* start-up: no processor is waiting for one; the rest reserved (MODE_STARTUP) */
	}
}

/* Bring the timer to now, then start it over from the initial count. */
static void timer_restart(struct vm *vm)
{
	struct vlapic *a = &vm->pc.lapic;

	a->timer_start = vclock_now(vm);
	a->timer_next = next_expiry(a, a->timer_start);
}

/* The register at offset of an LVT entry: its index in lvt[], or -1. */
static int lvt_index(uint32_t offset)
{
	if (offset < REG_LVT_TIMER || offset > REG_LVT_ERROR)
		return -1;
	return (int)((offset - REG_LVT_TIMER) / REG_STRIDE);
}

/* ISR, TMR or IRR's word at offset, or NULL. */
static const uint32_t *vector_word(const struct vlapic *a, uint32_t offset)
{
	if (offset < REG_ISR || offset >= REG_IRR_END)
		return NULL;
	if (offset >= REG_IRR)
		return &a->irr[(offset - REG_IRR) / REG_STRIDE];
	if (offset >= REG_TMR)
		return &a->tmr[(offset - REG_TMR) / REG_STRIDE];
	return &a->isr[(offset - REG_ISR) / REG_STRIDE];
}

bool vlapic_read(struct vm *vm, uint32_t offset, uint32_t *value)
{
	struct vlapic *a = &vm->pc.lapic;
	const uint32_t *word = vector_word(a, offset);
	int lvt = lvt_index(offset);

	if (offset % REG_STRIDE)
		return false;
	vlapic_update(vm, vclock_now(vm));
	if (lvt >= 0) {
		*value = a->lvt[lvt];
		return true;
	}
	if (word) {
		*value = *word;
		return true;
	}
	switch (offset) {
	case REG_ID:            *value = a->id; return true;
	case REG_VERSION:       *value = VLAPIC_VERSION; return true;
	case REG_TPR:           *value = a->tpr; return true;
	case REG_APR:           *value = apr(a); return true;
	case REG_PPR:           *value = vlapic_ppr(a); return true;
	case REG_EOI:           *value = 0; return true; /* write-only */
	case REG_LDR:           *value = a->ldr; return true;
	case REG_DFR:           *value = a->dfr; return true;
	case REG_SVR:           *value = a->svr; return true;
	case REG_ESR:           *value = a->esr; return true;
	case REG_ICR_LOW:       *value = a->icr_low; return true;
	case REG_ICR_HIGH:      *value = a->icr_high; return true;
	case REG_INITIAL_COUNT: *value = a->initial_count; return true;
	case REG_CURRENT_COUNT: *value = current_count(a, vclock_now(vm)); return true;
	case REG_DIVIDE:        *value = a->divide; return true;
	default:
		*value = 0;
		report_error(a, ESR_ILLEGAL_REG);
		return true;
	}
}

/* Write an LVT entry; while the APIC is software disabled every entry stays masked. SDM Vol3A 10.4.7.2 */
static void write_lvt(struct vm *vm, int lvt, uint32_t value)
{
	struct vlapic *a = &vm->pc.lapic;

	a->lvt[lvt] = value & lvt_bits[lvt];
	if (!(a->svr & VLAPIC_SVR_ENABLE))
		a->lvt[lvt] |= LVT_MASKED;
	if (lvt == LVT_TIMER)
		a->timer_next = next_expiry(a, vclock_now(vm)); /* one-shot and periodic end differently */
}

/* Write SVR; clearing the software enable masks every LVT entry. SDM Vol3A 10.4.7.2, 10.9 */
static void write_svr(struct vlapic *a, uint32_t value)
{
	a->svr = value & SVR_BITS;
	if (!(a->svr & VLAPIC_SVR_ENABLE))
		for (size_t i = 0; i < ARRAY_SIZE(a->lvt); i++)
			a->lvt[i] |= LVT_MASKED;
}

bool vlapic_write(struct vm *vm, uint32_t offset, uint32_t value)
{
	struct vlapic *a = &vm->pc.lapic;
	int lvt = lvt_index(offset);

	if (offset % REG_STRIDE)
		return false;
	vlapic_update(vm, vclock_now(vm));
	if (lvt >= 0) {
		write_lvt(vm, lvt, value);
		return true;
	}
	if (vector_word(a, offset))
		return true; /* ISR, TMR, IRR: read-only */
	switch (offset) {
	case REG_ID:            a->id = value & ID_BITS; return true;
	case REG_VERSION:
	case REG_APR:
	case REG_PPR:
	case REG_CURRENT_COUNT: return true; /* read-only */
	case REG_TPR:           a->tpr = value & TPR_BITS; return true;
	case REG_EOI:           vlapic_eoi(vm); return true;
	case REG_LDR:           a->ldr = value & LDR_BITS; return true;
	case REG_DFR:           a->dfr = (value & DFR_MODEL_BITS) | ~DFR_MODEL_BITS; return true;
	case REG_SVR:           write_svr(a, value); return true;
	case REG_ESR:
		a->esr = a->errors; /* the write latches what was detected since the last one. SDM Vol3A 10.5.3 */
		a->errors = 0;
		return true;
	case REG_ICR_LOW:
		a->icr_low = value & ICR_LOW_BITS;
		send_ipi(vm);
		return true;
	case REG_ICR_HIGH:      a->icr_high = value & ICR_HIGH_BITS; return true;
	case REG_INITIAL_COUNT:
		a->initial_count = value;
		timer_restart(vm);
		return true;
	case REG_DIVIDE:
		a->divide = value & DIVIDE_BITS;
		a->timer_next = next_expiry(a, vclock_now(vm)); /* the count goes on at the new rate */
		return true;
	default:
		report_error(a, ESR_ILLEGAL_REG);
		return true;
	}
}
