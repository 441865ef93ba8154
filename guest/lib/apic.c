/*
 * The local APIC and the IOAPIC (apic.h): aligned 32-bit accesses, the
 * IOAPIC's indirect registers, and the few steps every interrupt guest takes.
 */
#include "apic.h"
#include "x86.h"

uint32_t apic_read(uint32_t a)
{
	return *(volatile uint32_t *)a;
}

void apic_write(uint32_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

uint32_t ioapic_read(uint32_t reg)
{
	apic_write(IOAPIC_REGSEL, reg);
	return apic_read(IOAPIC_WINDOW);
}

void ioapic_write(uint32_t reg, uint32_t v)
{
	apic_write(IOAPIC_REGSEL, reg);
	apic_write(IOAPIC_WINDOW, v);
}

void lapic_alone(uint8_t spurious)
{
	outb(PIC_MASTER_DATA, 0xFF);
	outb(PIC_SLAVE_DATA, 0xFF);
	apic_write(LAPIC_SVR, SVR_ENABLE | spurious);
	apic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	apic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	apic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	apic_write(LAPIC_TPR, 0);
}

void lapic_eoi(void)
{
	apic_write(LAPIC_EOI, 0);
}

int lapic_irr_has(uint8_t v)
{
	return (apic_read(LAPIC_IRR(v / 32)) >> (v % 32)) & 1;
}

void lapic_self_ipi(uint8_t v)
{
	apic_write(LAPIC_ICR_HIGH, 0);
	apic_write(LAPIC_ICR_LOW, ICR_SELF | ICR_ASSERT | v);
	while (apic_read(LAPIC_ICR_LOW) & ICR_PENDING)
		;
}

void lapic_timer_start(uint8_t v, int periodic, uint32_t count)
{
	apic_write(LAPIC_DIVIDE, DIVIDE_BY_1);
	apic_write(LAPIC_LVT_TIMER, (periodic ? LVT_PERIODIC : 0) | v);
	apic_write(LAPIC_INITIAL, count);
}

void lapic_timer_stop(uint8_t v)
{
	apic_write(LAPIC_LVT_TIMER, LVT_MASKED | v);
	apic_write(LAPIC_INITIAL, 0);
}
