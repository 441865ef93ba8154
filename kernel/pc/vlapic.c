/*
 * The guest's local APIC in xAPIC mode: the register page at 0xFEE00000 as
 * a register file. SDM Vol3A 10.4.1 (The Local APIC Block Diagram), Table
 * 10-1 (Local APIC Register Address Map); the bits of each register:
 * 10.4.6 (Local APIC ID), 10.4.8 (Local APIC Version Register), 10.5.1
 * (Local Vector Table), 10.5.3 (Error Handling), 10.5.4 (APIC Timer), 10.6.1
 * (Interrupt Command Register), 10.6.2.2 (Logical Destination Mode), 10.8.3.1
 * (Task and Processor Priorities), 10.8.5 (Signaling Interrupt Servicing
 * Completion), 10.9 (Spurious Interrupt).
 *
 * No interrupt is delivered yet: the registers are stored and read back,
 * ISR, TMR and IRR read 0 (nothing in service or pending), an EOI or ICR
 * write sends nothing, the delivery-status bit reads idle, and the timer
 * does not count (current count reads 0).
 */
#include "kernel/pc/vlapic.h"

/* Register offsets, SDM Vol3A Table 10-1. */
#define REG_ID            0x020
#define REG_VERSION       0x030
#define REG_TPR           0x080
#define REG_PPR           0x0A0
#define REG_EOI           0x0B0
#define REG_LDR           0x0D0
#define REG_DFR           0x0E0
#define REG_SVR           0x0F0
#define REG_ISR_FIRST     0x100 /* ISR, TMR, IRR: eight registers each, 0x100-0x270 */
#define REG_IRR_LAST      0x270
#define REG_ESR           0x280
#define REG_ICR_LOW       0x300
#define REG_ICR_HIGH      0x310
#define REG_LVT_TIMER     0x320 /* LVT timer, thermal, performance, LINT0, LINT1, error: 0x320-0x370 */
#define REG_LVT_ERROR     0x370
#define REG_INITIAL_COUNT 0x380
#define REG_CURRENT_COUNT 0x390
#define REG_DIVIDE        0x3E0
#define REG_STRIDE        0x10

/* The version register: version 0x14 (an xAPIC), six LVT entries (max LVT
 * entry 5). Ours to choose; QEMU's APIC reports this value (hw/intc/apic.c). SDM Vol3A 10.4.8 */
#define VERSION           0x00050014u

/* Writable bits of each register. */
#define ID_BITS           0xFF000000u /* SDM Vol3A 10.4.6 */
#define TPR_BITS          0x000000FFu /* SDM Vol3A 10.8.3.1 */
#define LDR_BITS          0xFF000000u /* SDM Vol3A 10.6.2.2 */
#define DFR_MODEL_BITS    0xF0000000u /* bits 27:0 read as ones. SDM Vol3A 10.6.2.2 */
#define SVR_BITS          0x000001FFu /* vector, APIC software enable; focus checking (bit 9) and EOI-broadcast
					 suppression (bit 12) are not offered. SDM Vol3A 10.9 */
#define ICR_LOW_BITS      0x000CCFFFu /* vector, delivery and destination mode, level, trigger, shorthand;
					 bit 12 (delivery status) reads 0, idle. SDM Vol3A 10.6.1 */
#define ICR_HIGH_BITS     0xFF000000u /* destination. SDM Vol3A 10.6.1 */
#define DIVIDE_BITS       0x0000000Bu /* bits 0, 1, 3. SDM Vol3A 10.5.4 */
#define LVT_MASKED        0x00010000u /* the mask bit of every LVT entry. SDM Vol3A 10.5.1 */

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

void vlapic_reset(struct vlapic *a, uint8_t apic_id)
{
	*a = (struct vlapic){ 0 };
	a->id = (uint32_t)apic_id << 24;
	a->dfr = ~0u;
	a->svr = 0xFF;
	for (size_t i = 0; i < ARRAY_SIZE(a->lvt); i++)
		a->lvt[i] = LVT_MASKED;
}

/* The index in lvt[] of the LVT entry at offset, or -1. */
static int lvt_index(uint32_t offset)
{
	if (offset < REG_LVT_TIMER || offset > REG_LVT_ERROR)
		return -1;
	return (int)((offset - REG_LVT_TIMER) / REG_STRIDE);
}

bool vlapic_read(const struct vlapic *a, uint32_t offset, uint32_t *value)
{
	int lvt = lvt_index(offset);

	if (lvt >= 0) {
		*value = a->lvt[lvt];
		return true;
	}
	switch (offset) {
	case REG_ID:            *value = a->id; return true;
	case REG_VERSION:       *value = VERSION; return true;
	case REG_TPR:           *value = a->tpr; return true;
	case REG_PPR:           *value = a->tpr; return true; /* nothing in service: PPR is TPR. SDM Vol3A 10.8.3.1 */
	case REG_EOI:           *value = 0; return true;
	case REG_LDR:           *value = a->ldr; return true;
	case REG_DFR:           *value = a->dfr; return true;
	case REG_SVR:           *value = a->svr; return true;
	case REG_ESR:           *value = 0; return true; /* no error detected */
	case REG_ICR_LOW:       *value = a->icr_low; return true;
	case REG_ICR_HIGH:      *value = a->icr_high; return true;
	case REG_INITIAL_COUNT: *value = a->initial_count; return true;
	case REG_CURRENT_COUNT: *value = 0; return true; /* the timer does not count yet */
	case REG_DIVIDE:        *value = a->divide; return true;
	default:
		if (offset >= REG_ISR_FIRST && offset <= REG_IRR_LAST) {
			*value = 0; /* ISR, TMR, IRR: nothing in service or pending */
			return true;
		}
		return false;
	}
}

bool vlapic_write(struct vlapic *a, uint32_t offset, uint32_t value)
{
	int lvt = lvt_index(offset);

	if (lvt >= 0) {
		a->lvt[lvt] = value & lvt_bits[lvt];
		return true;
	}
	switch (offset) {
	case REG_ID:            a->id = value & ID_BITS; return true;
	case REG_TPR:           a->tpr = value & TPR_BITS; return true;
	case REG_EOI:           return true; /* nothing in service to end */
	case REG_LDR:           a->ldr = value & LDR_BITS; return true;
	case REG_DFR:           a->dfr = (value & DFR_MODEL_BITS) | ~DFR_MODEL_BITS; return true;
	case REG_SVR:           a->svr = value & SVR_BITS; return true;
	case REG_ESR:           return true; /* a write re-reads the (empty) error state. SDM Vol3A 10.5.3 */
	case REG_ICR_LOW:       a->icr_low = value & ICR_LOW_BITS; return true; /* sends nothing yet */
	case REG_ICR_HIGH:      a->icr_high = value & ICR_HIGH_BITS; return true;
	case REG_INITIAL_COUNT: a->initial_count = value; return true;
	case REG_DIVIDE:        a->divide = value & DIVIDE_BITS; return true;
	default:
		return false; /* read-only (version, PPR, ISR, TMR, IRR, current count) or reserved */
	}
}
