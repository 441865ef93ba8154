/*
 * Lab 6 (optional): shadow caching.
 *
 * Read labs/lab6-shadow-caching.md, shadow/roots.c and SDM Vol3A 4.10.4
 * (Invalidation of TLBs and Paging-Structure Caches). Until vtlb_cache_init
 * says it is implemented, the hypervisor option cache is ignored and the
 * virtual TLB works as in lab 4.
 */
#include "kernel/lab.h"
#include "shadow/vtlb.h"

bool vtlb_cache_init(struct vtlb *v)
{
	(void)v;
	LAB_FALLBACK(6, "running without the cache (option cache ignored)");
	return false;
}

void vtlb_cache_pt_written(struct vtlb *v, uint32_t gpa)
{
	(void)v;
	(void)gpa;
	LAB_NOT_IMPLEMENTED(6);
}

int vtlb_resync(struct vtlb *v, int slot)
{
	(void)v;
	(void)slot;
	LAB_NOT_IMPLEMENTED(6);
}

void vtlb_cache_cr3_write(struct vtlb *v, const struct guest_mode *mode)
{
	(void)v;
	(void)mode;
	LAB_NOT_IMPLEMENTED(6);
}

void vtlb_cache_invlpg(struct vtlb *v, const struct guest_mode *mode, uint32_t gva)
{
	(void)v;
	(void)mode;
	(void)gva;
	LAB_NOT_IMPLEMENTED(6);
}
