/*
 * Lab 2: the guest page walk.
 *
 * Read labs/lab2-guest-page-walk.md, and SDM Vol3A 4.3 (32-Bit Paging),
 * 4.6 (Access Rights) and 4.7 (Page-Fault Exceptions). Read guest memory
 * only through guest_entry(); set no A or D bits here.
 */
#include "kernel/lab.h"
#include "shadow/vtlb.h"

enum walk_status gwalk(const struct guest_mem *mem, const struct guest_mode *mode, uint32_t gva,
		       bool write, bool user, struct walk *w)
{
	(void)mem;
	(void)mode;
	(void)gva;
	(void)write;
	(void)user;
	(void)w;
	LAB_NOT_IMPLEMENTED(2);
}
