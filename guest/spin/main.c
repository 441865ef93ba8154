/*
 * A guest that never ends: it prints one line and spins without exits or
 * I/O. Beside it, another VM must still finish on time (lab 5): only the
 * backend's timer takes the CPU back from it.
 */
#include "guest.h"

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	(void)mbi;
	console_init();
	gprintf("spin: spinning forever\n");
	for (;;)
		__asm__ volatile("" ::: "memory");
}
