/*
 * The local APIC's 256-bit vector registers (kernel/pc/vecreg.h): the bit
 * operations the APIC (kernel/pc/vlapic.c) and its priorities (lab 7,
 * kernel/pc/vlapic_priority.c) share.
 */
#include "kernel/pc/vecreg.h"

bool vecreg_has(const uint32_t *reg, unsigned v)
{
	return (reg[v / 32] >> (v % 32)) & 1;
}

void vecreg_set(uint32_t *reg, unsigned v)
{
	reg[v / 32] |= 1u << (v % 32);
}

void vecreg_clear(uint32_t *reg, unsigned v)
{
	reg[v / 32] &= ~(1u << (v % 32));
}

/* The highest nonzero word, then its highest set bit (BSR, which
 * __builtin_clz compiles to): asked before many VM entries, so it skips
 * empty words instead of testing 256 bits. */
int vecreg_highest(const uint32_t *reg)
{
	for (int word = VECREG_WORDS - 1; word >= 0; word--)
		if (reg[word])
			return word * 32 + 31 - __builtin_clz(reg[word]);
	return VECREG_NONE;
}
