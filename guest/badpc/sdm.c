/*
 * The bad acts the architecture answers, with interrupts off (IF=0): each is
 * followed by a write of ESR, which latches the errors detected since the
 * last one, and checked against the SDM (natively QEMU's TCG does not set
 * every bit the SDM names). SDM Vol3A 10.5.2 (Valid Interrupt Vectors),
 * 10.5.3 (Error Handling), 10.6.1 (Interrupt Command Register);
 * 82093AA: 3.2.4 (IOREDTBL).
 */
#include "badpc.h"

#define ESR_NONE          0x00u
#define ESR_SEND_ILLEGAL  0x20u /* send illegal vector */
#define ESR_RECV_ILLEGAL  0x40u /* receive illegal vector */
#define ESR_ILLEGAL_REG   0x80u /* illegal register address */
#define RESERVED_REG      (LAPIC + 0x3F0) /* Table 10-1: reserved */
#define WAIT_READS        1000000
#define ILLEGAL_VECTOR    3
#define V_NOBODY          0x62  /* a fixed IPI to an APIC ID nobody has */
#define V_START_UP        0x9F  /* a start-up IPI's page number */
#define ICR_ALL           0x00080000u /* all including self */
#define ICR_LEVEL         0x00008000u
#define ICR_START_UP      0x00000600u
#define OTHER_ID          5     /* added to its own APIC ID: nobody's */

static int checks, right;

/* The IRR bits of vectors 0-255 ORed: whether any request is pending. */
static uint32_t any_irr(void)
{
	uint32_t bits = 0;

	for (int word = 0; word < 8; word++)
		bits |= apic_read(LAPIC_IRR(word));
	return bits;
}

/* One check: after `act`, a write of ESR latches `esr` and IRR holds nothing. */
static void expect(const char *act, uint32_t esr)
{
	uint32_t got, irr;

	apic_write(LAPIC_ESR, 0);
	got = apic_read(LAPIC_ESR);
	irr = any_irr();
	checks++;
	if (got == esr && irr == 0)
		right++;
	else
		gprintf("badpc: after %s ESR reads %x and IRR %x; the SDM says %x and nothing\n", act, got, irr, esr);
}

/* An unmasked timer entry of vector 3 expires: receive illegal vector, nothing requested. */
static void timer_of_an_illegal_vector(void)
{
	apic_write(LAPIC_DIVIDE, DIVIDE_BY_1);
	apic_write(LAPIC_LVT_TIMER, ILLEGAL_VECTOR);
	apic_write(LAPIC_INITIAL, 1);
	for (int i = 0; i < WAIT_READS && apic_read(LAPIC_CURRENT) != 0; i++)
		continue;
	apic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	expect("a timer of vector 3", ESR_RECV_ILLEGAL);
}

/* IPIs to an APIC ID nobody has: no accept error on an xAPIC, an illegal vector is the sender's. */
static void ipis_to_nobody(void)
{
	apic_write(LAPIC_ICR_HIGH, apic_read(LAPIC_ID) + (OTHER_ID << 24));
	apic_write(LAPIC_ICR_LOW, V_NOBODY);
	expect("a fixed IPI to nobody", ESR_NONE);
	apic_write(LAPIC_ICR_LOW, ILLEGAL_VECTOR);
	expect("an IPI of vector 3 to nobody", ESR_SEND_ILLEGAL);
}

/* A start-up IPI to itself (not waiting for one) and the INIT level de-assert: nothing happens. */
static void start_up_and_de_assert(void)
{
	apic_write(LAPIC_ICR_LOW, ICR_SELF | ICR_START_UP | V_START_UP);
	apic_write(LAPIC_ICR_LOW, ICR_ALL | ICR_LEVEL | ICR_INIT);
	expect("a start-up IPI to itself and an INIT de-assert", ESR_NONE);
}

/* A reserved register written, then read: illegal register address each time, and it reads 0. */
static void reserved_register(void)
{
	apic_write(RESERVED_REG, 0x12345678u);
	expect("a write of reserved offset 0x3f0", ESR_ILLEGAL_REG);
	if (apic_read(RESERVED_REG) != 0)
		gprintf("badpc: reserved offset 0x3f0 reads %x, not 0\n", apic_read(RESERVED_REG));
	expect("a read of reserved offset 0x3f0", ESR_ILLEGAL_REG);
}

/* An IOAPIC entry of vector 3 whose pin is asserted at once (level, active low, an unwired pin's low
 * line): the local APIC refuses the message. */
static void ioapic_illegal_vector(void)
{
	ioapic_write(IOAPIC_REDIR(UNWIRED_PIN) + 1, apic_read(LAPIC_ID));
	ioapic_write(IOAPIC_REDIR(UNWIRED_PIN), REDIR_LOW_ACTIVE | REDIR_LEVEL | ILLEGAL_VECTOR);
	ioapic_write(IOAPIC_REDIR(UNWIRED_PIN), REDIR_MASKED);
	expect("an IOAPIC message of vector 3", ESR_RECV_ILLEGAL);
}

void badpc_sdm(void)
{
	apic_write(LAPIC_SVR, SVR_ENABLE | 0xFF);
	apic_write(LAPIC_ESR, 0);
	timer_of_an_illegal_vector();
	ipis_to_nobody();
	start_up_and_de_assert();
	reserved_register();
	ioapic_illegal_vector();
	gprintf("badpc: %d of %d as the SDM requires\n", right, checks);
}
