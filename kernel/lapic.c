/*
 * The local APIC timer, periodic. The host never runs with interrupts
 * enabled except in the AMD-V backend's VMRUN window, where a tick becomes
 * an INTR exit (a time slice is over) and is then taken and acknowledged.
 * SDM Vol3A 11.4 (Local APIC), 11.5.4 (APIC Timer).
 */
#include "kernel/lapic.h"
#include "kernel/x86.h"

#define MSR_APIC_BASE        0x1B
#define APIC_BASE_ENABLE     (1u << 11)
#define APIC_BASE_ADDR_MASK  0xFFFFFF000ull
#define LAPIC_EOI            0x0B0
#define LAPIC_SVR            0x0F0 /* spurious-interrupt vector register */
#define SVR_APIC_ENABLE      (1u << 8)
#define LAPIC_LVT_TIMER      0x320
#define LVT_TIMER_PERIODIC   (1u << 17)
#define LAPIC_TIMER_INITIAL  0x380
#define LAPIC_TIMER_DIVIDE   0x3E0
#define DIVIDE_BY_1          0xB

static volatile uint32_t *lapic; /* identity mapped, uncached (boot.S) */

static void lapic_write(uint32_t reg, uint32_t value)
{
	lapic[reg / 4] = value;
}

void lapic_timer_start(uint32_t ticks)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic = (volatile uint32_t *)(base & APIC_BASE_ADDR_MASK);
	lapic_write(LAPIC_SVR, SVR_APIC_ENABLE | LAPIC_SPURIOUS_VECTOR);
	lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_1);
	lapic_timer_set(ticks, true);
}

/* Writing the initial count restarts the countdown. SDM Vol3A 11.5.4 */
void lapic_timer_set(uint32_t ticks, bool periodic)
{
	lapic_write(LAPIC_LVT_TIMER, (periodic ? LVT_TIMER_PERIODIC : 0) | LAPIC_TIMER_VECTOR);
	lapic_write(LAPIC_TIMER_INITIAL, ticks);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}
