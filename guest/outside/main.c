/*
 * A guest that reads guest-physical memory it does not have (32 MiB, beyond
 * its 16 MiB). Natively the read returns all ones; under the hypervisor the
 * access faults into the hypervisor, which stops this VM and names the
 * address. The GDB test breaks on exactly that page-fault exit.
 */
#include "guest.h"

#define OUTSIDE_RAM 0x02000000u

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	volatile uint32_t *p = (volatile uint32_t *)OUTSIDE_RAM;

	(void)magic;
	(void)mbi;
	console_init();
	gprintf("outside: reading %p\n", (void *)p);
	gprintf("outside: read %x\n", *p);
	return GUEST_SUCCESS;
}
