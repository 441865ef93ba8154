/*
 * Lab 4: invalidation, precise. A real TLB forgets a translation when the
 * guest executes INVLPG or writes CR3, and everything when the paging mode
 * changes; the virtual TLB must forget exactly as much. Dropping more is
 * correct but costs the guest refills (hidden faults); dropping less lets
 * the guest use a translation it has removed.
 * SDM Vol3A 4.10.4.1 (Operations that Invalidate TLBs and Paging-Structure Caches).
 */
#include "shadow/vtlb.h"

#define CR0_MODE_BITS (CR0_PG | CR0_WP)   /* the shadow encodes these */
#define CR4_MODE_BITS (CR4_PSE | CR4_PGE)

void vtlb_invlpg(struct vtlb *v, const struct guest_mode *mode, uint32_t gva)
{
	(void)mode;
	/* The page of gva, and if a 4 MiB guest page covered it, all of its pieces. */
	v->stats.invlpg_drops += vtlb_drop_page(v, gva) + vtlb_drop_large(v, gva);
}

void vtlb_cr3_write(struct vtlb *v, const struct guest_mode *mode)
{
	/* Global entries survive a CR3 write only while CR4.PGE is set. */
	v->stats.cr3_drops += vtlb_drop_all(v, mode->cr4 & CR4_PGE);
}

void vtlb_mode_change(struct vtlb *v, const struct guest_mode *old, const struct guest_mode *now)
{
	if (((old->cr0 ^ now->cr0) & CR0_MODE_BITS) || ((old->cr4 ^ now->cr4) & CR4_MODE_BITS))
		v->stats.flush_drops += vtlb_drop_all(v, false);
}
