/*
 * A GDT with a 16-bit code segment (D flag clear, SDM Vol3A 3.4.5 (Segment
 * Descriptors)) and a data segment with a base, for the instructions of
 * code16.S: the hypervisor must decode what exits there with 16-bit
 * operands and addressing, as the CPU runs them.
 */
#include "code16.h"
#include "guest.h"
#include "cpu.h"
#include "x86.h"

#define ACCESS_CODE  0x9A      /* present, DPL 0, code, execute/read */
#define ACCESS_DATA  0x92      /* present, DPL 0, data, read/write */
#define FLAGS_FLAT32 0xC       /* G (limit in 4 KiB units) and D/B (32-bit) */
#define FLAGS_BYTE16 0x0       /* limit in bytes, 16-bit */
#define LIMIT_4GIB   0xFFFFF   /* in 4 KiB units */
#define LIMIT_64KIB  0xFFFF    /* in bytes */

extern const char code16_start[];
static uint64_t gdt[SEL_DATA_HIGH / 8 + 1];

/* A code or data segment descriptor: base, 20-bit limit, access byte, flags nibble. */
static uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (uint64_t)(limit & 0xFFFF) | (uint64_t)(base & 0xFFFFFF) << 16 | (uint64_t)access << 40 |
	       (uint64_t)(limit >> 16 & 0xF) << 48 | (uint64_t)flags << 52 | (uint64_t)(base >> 24) << 56;
}

/* Load the GDT and reload CS and the data segment registers from it. */
static void load_gdt(void)
{
	struct table_reg gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };

	gdt[SEL_CODE32 / 8] = descriptor(0, LIMIT_4GIB, ACCESS_CODE, FLAGS_FLAT32);
	gdt[SEL_DATA32 / 8] = descriptor(0, LIMIT_4GIB, ACCESS_DATA, FLAGS_FLAT32);
	gdt[SEL_CODE16 / 8] = descriptor((uint32_t)code16_start, LIMIT_64KIB, ACCESS_CODE, FLAGS_BYTE16);
	gdt[SEL_DATA_HIGH / 8] = descriptor(ES_HIGH_BASE, LIMIT_64KIB, ACCESS_DATA, FLAGS_BYTE16);
	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	__asm__ volatile("ljmp %0, $1f\n1:" : : "i"(SEL_CODE32));
	__asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%fs; mov %0, %%gs; mov %0, %%ss"
			 : : "r"(SEL_DATA32));
}

void code16_forms(void)
{
	struct code16_result r;

	load_gdt();
	code16_call(&r);
	gprintf("crs: 16-bit code: invlpg forms done, smsw dx %x, mov ecx, cr0 %x\n", r.smsw_dx, r.cr0_ecx);
}
