/*
 * The guest's invalidating events, one entry point each, as the hypervisor
 * hands them to the virtual TLB: INVLPG, a CR3 write, a paging-mode change
 * (the page fault's is vtlb_page_fault, shadow/fault.c). Each starts the
 * refill statistics' new epoch and chooses between lab 4's invalidation and
 * lab 6's cache (the hypervisor option cache turns v->caching on).
 * SDM Vol3A 4.10.4.1 (Operations that Invalidate TLBs and Paging-Structure Caches).
 */
#include "shadow/vtlb.h"

/* CR0 and CR4 bits whose change makes every shadow entry questionable (lab 4's flush). */
static bool paging_bits_changed(const struct guest_mode *old, const struct guest_mode *now)
{
	return ((old->cr0 ^ now->cr0) & (CR0_PG | CR0_WP)) || ((old->cr4 ^ now->cr4) & (CR4_PSE | CR4_PGE));
}

void vtlb_on_invlpg(struct vtlb *v, const struct guest_mode *mode, uint32_t gva)
{
	if (!(mode->cr0 & CR0_PG))
		return; /* the identity shadow of paging off depends on no guest table */
	if (v->caching)
		vtlb_cache_invlpg(v, mode, gva);
	else
		vtlb_invlpg(v, mode, gva);
}

void vtlb_on_cr3_write(struct vtlb *v, const struct guest_mode *mode)
{
	if (!(mode->cr0 & CR0_PG))
		return; /* the identity shadow of paging off depends on no guest table */
	vtlb_new_epoch(v, false);
	if (v->caching)
		vtlb_cache_cr3_write(v, mode); /* switch to this address space's shadow */
	else
		vtlb_cr3_write(v, mode);
}

void vtlb_on_mode_change(struct vtlb *v, const struct guest_mode *old, const struct guest_mode *now)
{
	if (!(old->cr0 & CR0_PG) && !(now->cr0 & CR0_PG))
		return; /* the identity shadow of paging off depends on nothing else */
	vtlb_new_epoch(v, true);
	vtlb_mode_change(v, old, now);
	if (v->caching && paging_bits_changed(old, now))
		vtlb_cache_reset(v, now);
}
