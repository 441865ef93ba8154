/*
 * Floods: of unknown ports, of console output, and Bochs' magic breakpoint.
 * Each runs to its end natively; under the hypervisor each must cost only
 * its own VM's time, and what the hypervisor prints about it stays bounded.
 */
#include "guest.h"
#include "hostile.h"
#include "x86.h"

#define WALK_FIRST 0x100
#define WALK_LAST  0x2FF

void attack_port_walk(uint32_t rounds)
{
	for (uint32_t r = 0; r < rounds; r++)
		for (uint32_t port = WALK_FIRST; port <= WALK_LAST; port++)
			(void)inb((uint16_t)port);
	gprintf("hostile: walked ports 0x%x-0x%x %u times\n", WALK_FIRST, WALK_LAST, rounds);
}

void attack_console_flood(uint32_t kib)
{
	/* 64 bytes a line, newline included */
	for (uint32_t line = 0; line < kib * 16; line++)
		gprintf("hostile: flood line %08u .................................\n", line);
}

void attack_magic_breakpoint(void)
{
	for (int i = 0; i < 3; i++)
		__asm__ volatile("xchgw %bx, %bx");
	gprintf("hostile: still running after three XCHG BX,BX\n");
}
