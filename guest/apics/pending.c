/*
 * The local APIC's interrupt state seen with interrupts off (IF=0), so that
 * nothing is ever taken and whatever lands in IRR stays there: the state the
 * firmware left, self IPIs, PPR following TPR, the timer counting down and
 * setting its vector's IRR bit. SDM Vol3A 10.5.4 (APIC Timer), 10.6.1
 * (Interrupt Command Register), 10.8.3.1 (Task and Processor Priorities),
 * 10.8.4 (Interrupt Acceptance for Fixed Interrupts).
 */
#include "apics.h"

#define LONG_COUNT     0x10000000u /* ticks of the divided clock: seconds at divide 16 */
#define SHORT_COUNT    3000        /* at divide 1: microseconds */
#define PERIOD_COUNT   0x10000     /* at divide 1: tens of microseconds, not so short that QEMU does nothing
				      but expire it */
#define SPIN           200000      /* PAUSEs between two timer reads */
#define WAIT_READS     1000000     /* current-count reads before giving up on an expiry */
#define V_SHORTHAND    0x40        /* a self IPI by shorthand */
#define V_OWN_ID       0x51        /* a self IPI to its own APIC ID */
#define V_OTHER_ID     0x62        /* an IPI to an APIC ID nobody has */
#define V_ONE_SHOT     0x70        /* the timer's vectors */
#define V_PERIODIC     0x7A

/* Whether vector v's bit is set in the 256-bit register whose first word is at first. */
static int has(uint32_t (*word)(uint8_t), uint8_t v)
{
	return (word(v) >> (v % 32)) & 1;
}

static uint32_t irr_word(uint8_t v) { return apic_read(LAPIC_IRR(v / 32)); }
static uint32_t isr_word(uint8_t v) { return apic_read(LAPIC_ISR(v / 32)); }

static void spin(void)
{
	for (int i = 0; i < SPIN; i++)
		__asm__ volatile("pause");
}

/* Read the current count until it is 0; whether it got there. */
static int wait_for_zero(void)
{
	for (int i = 0; i < WAIT_READS; i++)
		if (apic_read(LAPIC_CURRENT) == 0)
			return 1;
	return 0;
}

void apics_firmware(void)
{
	gprintf("apics: firmware: svr %x tpr %x ldr %x lint0 %x lint1 %x error %x\n", apic_read(LAPIC_SVR),
		apic_read(LAPIC_TPR), apic_read(LAPIC_LDR), apic_read(LAPIC_LVT_LINT0), apic_read(LAPIC_LVT_LINT1), apic_read(LAPIC_LVT_ERROR));
	gprintf("apics: firmware: thermal %x perf %x divide %x initial count %x irr %x isr %x\n",
		apic_read(LAPIC_LVT_THERMAL), apic_read(LAPIC_LVT_PERF), apic_read(LAPIC_DIVIDE), apic_read(LAPIC_INITIAL),
		apic_read(LAPIC_IRR(1)) | apic_read(LAPIC_IRR(2)) | apic_read(LAPIC_IRR(7)), apic_read(LAPIC_ISR(1)) | apic_read(LAPIC_ISR(7)));
}

/* Three fixed IPIs: by the self shorthand, to its own APIC ID, to another one. */
static void ipis(void)
{
	uint32_t id = apic_read(LAPIC_ID) >> 24;

	apic_write(LAPIC_ICR_HIGH, 0);
	apic_write(LAPIC_ICR_LOW, ICR_SELF | V_SHORTHAND);
	apic_write(LAPIC_ICR_HIGH, id << 24);
	apic_write(LAPIC_ICR_LOW, V_OWN_ID);
	apic_write(LAPIC_ICR_HIGH, (id + 5) << 24);
	apic_write(LAPIC_ICR_LOW, V_OTHER_ID);
	gprintf("apics: ipis: irr %x has %x %d, %x %d, %x %d; isr %x; icr %x\n", irr_word(V_SHORTHAND),
		V_SHORTHAND, has(irr_word, V_SHORTHAND), V_OWN_ID, has(irr_word, V_OWN_ID),
		V_OTHER_ID, has(irr_word, V_OTHER_ID), isr_word(V_SHORTHAND), apic_read(LAPIC_ICR_LOW));
	apic_write(LAPIC_TPR, 0x35);
	gprintf("apics: tpr %x: ppr %x\n", apic_read(LAPIC_TPR), apic_read(LAPIC_PPR));
	apic_write(LAPIC_TPR, 0);
}

/* A masked one-shot count, then an unmasked one, then a periodic one. */
static void timer(void)
{
	uint32_t c1, c2;

	apic_write(LAPIC_DIVIDE, DIVIDE_BY_16);
	apic_write(LAPIC_LVT_TIMER, LVT_MASKED | V_ONE_SHOT);
	apic_write(LAPIC_INITIAL, LONG_COUNT);
	c1 = apic_read(LAPIC_CURRENT);
	spin();
	c2 = apic_read(LAPIC_CURRENT);
	gprintf("apics: timer: divide %x initial %x, counts down %d\n", apic_read(LAPIC_DIVIDE), apic_read(LAPIC_INITIAL),
		c1 <= LONG_COUNT && c2 < c1 && c2 > 0);
	apic_write(LAPIC_DIVIDE, DIVIDE_BY_1);
	apic_write(LAPIC_INITIAL, SHORT_COUNT);
	c1 = wait_for_zero();
	spin(); /* natively the expiry's event may come a moment after the count reads 0 */
	gprintf("apics: timer: masked one-shot reaches 0 %d, irr %x %d\n", c1, V_ONE_SHOT, has(irr_word, V_ONE_SHOT));
	apic_write(LAPIC_LVT_TIMER, V_ONE_SHOT);
	apic_write(LAPIC_INITIAL, SHORT_COUNT);
	c1 = wait_for_zero();
	spin();
	gprintf("apics: timer: one-shot reaches 0 %d, irr %x %d, stays 0 %d\n", c1, V_ONE_SHOT,
		has(irr_word, V_ONE_SHOT), apic_read(LAPIC_CURRENT) == 0);
	apic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | V_PERIODIC);
	apic_write(LAPIC_INITIAL, PERIOD_COUNT);
	spin();
	c2 = apic_read(LAPIC_CURRENT);
	apic_write(LAPIC_LVT_TIMER, LVT_MASKED | V_PERIODIC);
	apic_write(LAPIC_INITIAL, 0);
	gprintf("apics: timer: periodic lvt %x, irr %x %d, reloaded %d, stopped %x\n", apic_read(LAPIC_LVT_TIMER),
		V_PERIODIC, has(irr_word, V_PERIODIC), c2 <= PERIOD_COUNT, apic_read(LAPIC_CURRENT));
}

void apics_pending(void)
{
	apic_write(LAPIC_SVR, SVR_ENABLE | 0xFF);
	ipis();
	timer();
}

/* One check of apics_sdm: whether ESR reads as the SDM says, telling how not. */
static int esr_is(const char *after, uint32_t sdm)
{
	uint32_t esr = apic_read(LAPIC_ESR);

	if (esr != sdm)
		gprintf("apics: esr: after %s it reads %x, the SDM says %x\n", after, esr, sdm);
	return esr == sdm;
}

/* ESR: only what was detected before the last write to it reads back. SDM Vol3A 10.5.3 */
void apics_sdm(void)
{
	int right = 0;

	apic_write(LAPIC_SVR, SVR_ENABLE | 0xFF);
	apic_write(LAPIC_ESR, 0);
	apic_write(LAPIC_ESR, 0);
	right += esr_is("two writes", 0);
	apic_write(LAPIC_ICR_LOW, ICR_SELF | 3); /* a vector 0-15: send and (to itself) receive illegal vector */
	right += esr_is("a self IPI of vector 3", 0);
	apic_write(LAPIC_ESR, 0);
	right += esr_is("a self IPI of vector 3 and a write", 0x60) && !has(irr_word, 3);
	(void)apic_read(LAPIC + 0x040); /* a reserved register: illegal register address */
	apic_write(LAPIC_ESR, 0);
	right += esr_is("a read of reserved offset 0x40 and a write", 0x80);
	gprintf("apics: esr: %d of 4 as the SDM requires\n", right);
}
