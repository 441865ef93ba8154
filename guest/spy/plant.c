/*
 * The planter: secrets in every piece of CPU state a guest can write, and in
 * its RAM, then a long spin with them in place (spy.h).
 */
#include "cpu.h"
#include "guest.h"
#include "spy.h"

/* SDM Vol3A 17.2.4: breakpoints 0-3 enabled (L and G), each on 4-byte data writes */
#define DR7_ALL_WRITE_BREAKPOINTS 0xDDDD04FFu
#define DR6_ALL_CONDITIONS        0xFFFF0FFFu /* B0-B3 set */

/* x87/MMX: MM0-MM7 (the x87 registers' mantissas) each hold two secrets. */
static void plant_fpu(void)
{
	static uint32_t pairs[8][2];

	for (int i = 0; i < 8; i++) {
		pairs[i][0] = secret(0x10 + 2 * i);
		pairs[i][1] = secret(0x11 + 2 * i);
	}
	__asm__ volatile("fninit\n"
			 "movq 0(%0), %%mm0\n movq 8(%0), %%mm1\n movq 16(%0), %%mm2\n movq 24(%0), %%mm3\n"
			 "movq 32(%0), %%mm4\n movq 40(%0), %%mm5\n movq 48(%0), %%mm6\n movq 56(%0), %%mm7"
			 : : "r"(pairs) : "memory");
}

/* DR0-DR3 on secret addresses nobody touches, all enabled; DR6 with every condition; CR2. */
static void plant_debug_and_cr2(void)
{
	uint32_t d0 = secret(0x20), d1 = secret(0x21), d2 = secret(0x22), d3 = secret(0x23);

	__asm__ volatile("mov %0, %%dr0; mov %1, %%dr1; mov %2, %%dr2; mov %3, %%dr3"
			 : : "r"(d0), "r"(d1), "r"(d2), "r"(d3));
	__asm__ volatile("mov %0, %%dr6; mov %1, %%dr7" : : "r"(DR6_ALL_CONDITIONS), "r"(DR7_ALL_WRITE_BREAKPOINTS));
	__asm__ volatile("mov %0, %%cr2" : : "r"(secret(0x30)));
}

/* FS and GS: the ring-3 data selector of the planter's own GDT. */
static void plant_segments(void)
{
	cpu_init();
	__asm__ volatile("mov %0, %%fs; mov %0, %%gs" : : "r"((uint32_t)SEG_UDATA));
}

/* RAM: the pair of secrets over and over. */
static void plant_ram(void)
{
	uint32_t lo = secret(SECRET_MEM_LO), hi = secret(SECRET_MEM_HI);

	for (volatile uint32_t *p = (uint32_t *)PLANT_RAM_START; p < (uint32_t *)PLANT_RAM_END; p += 2) {
		p[0] = lo;
		p[1] = hi;
	}
}

int spy_plant(void)
{
	uint32_t regs[7];

	gprintf("spy: planter starts\n");
	plant_segments();
	plant_ram();
	plant_fpu();
	plant_debug_and_cr2(); /* last: a hypervisor that cannot emulate MOV DR stops here */
	for (int i = 0; i < 7; i++)
		regs[i] = secret(0x40 + i);
	gprintf("spy: planted\n");
	spin_with_registers(regs, PLANT_SPIN);
	gprintf("spy: planter done\n");
	return GUEST_SUCCESS;
}
