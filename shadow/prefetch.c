/*
 * Lab 6's given entries without a walk: the shadow entry a guest PTE gives
 * (vtlb_gives), used to rewrite an entry in place when a resync finds its
 * guest PTE changed (vtlb_sync_table, shadow/roots.c), and to fill the
 * neighbours of a hidden fault's entry from the same guest table
 * (vtlb_prefetch) when that shadow PT was just started in a root's first
 * epoch (a new address space, or one loaded again), whose pages the guest has
 * mostly touched already (A set). A table that fills by faults one page at a
 * time is left to them: a prefetch there costs more than the faults it saves
 * (make bench, guest aging). Both install only what the CPU's own walk could
 * have cached without writing the guest's tables: nothing unless A is already set
 * in the PDE and the PTE, writable only with D set too. A TLB may hold such
 * a translation before any access to the page (SDM Vol3A 4.10.2.3 (Details
 * of TLB Use)); one without A would let the guest miss the A the CPU sets
 * (SDM Vol3A 4.8 (Accessed and Dirty Flags)). KVM does the same in
 * FNAME(prefetch_gpte) and FNAME(sync_spte).
 */
#include "shadow/pool.h"
#include "shadow/roots.h"

#define PREFETCH 8 /* entries filled around a hidden fault's: its aligned group of 8 (32 bytes of the guest table), as KVM does */
#define PREFETCH_YOUNG 8 /* only into a shadow PT that holds no more entries than this: just started */

uint32_t vtlb_gives(const struct vtlb *v, uint32_t pde, uint32_t gpte, uint32_t global)
{
	uint32_t both = pde & gpte, gpa = gpte & PTE_FRAME, e;

	if ((both & (PTE_P | PTE_A)) != (PTE_P | PTE_A) || gpa >= v->mem.size)
		return 0; /* not given, not yet accessed, or not RAM (device memory never is) */
	e = vtlb_host_frame(v, gpa) | PTE_P | PTE_A | (both & PTE_US) | global;
	if ((both & PTE_RW) && (gpte & PTE_D))
		e |= PTE_RW | PTE_D;
	return e;
}

/* The guest PTE a guest 4 MiB page gives for its 4 KiB piece ptx: the PDE's
 * frame plus the piece, with the PDE's flags. */
static uint32_t large_piece(uint32_t pde, uint32_t ptx)
{
	return ((pde & PDE_FRAME_4M) + (ptx << PAGE_SHIFT_4K)) | (pde & ~PTE_FRAME & ~PTE_PS);
}

void vtlb_prefetch(struct vtlb *v, const struct guest_mode *mode, uint32_t gva)
{
	int i = v->roots[v->cur].pt_of_pdx[PDX(gva)];
	uint32_t first = PTX(gva) & ~(PREFETCH - 1u), pde, *pt;
	const uint32_t *gpde, *gpt = NULL;

	if (!v->caching || !(mode->cr0 & CR0_PG) || i == NO_PT || v->present[i] > PREFETCH_YOUNG ||
	    !v->roots[v->cur].young)
		return;
	gpde = guest_entry(&v->mem, v->roots[v->cur].guest_pd + PDX(gva) * 4);
	if (!gpde || ((*gpde ^ v->derived_pde[i]) & PTE_FRAME))
		return; /* the PDE changed since the shadow PT was filled: a resync decides */
	pde = *gpde;
	if (v->derived_from[i] != VTLB_NO_FRAME)
		gpt = guest_entry(&v->mem, v->derived_from[i]);
	else if (!(pde & PTE_PS))
		return;
	pt = pool_page(v, i);
	for (uint32_t ptx = first; ptx < first + PREFETCH; ptx++) {
		uint32_t gpte = gpt ? gpt[ptx] : large_piece(pde, ptx), e;

		if ((pt[ptx] & PTE_P) || (gpte & (PTE_P | PTE_A)) != (PTE_P | PTE_A))
			continue; /* filled already, or not given without a walk */
		e = vtlb_gives(v, pde, gpte, (gpte & PTE_G) && (mode->cr4 & CR4_PGE) ? SPTE_GLOBAL : 0);
		if (!e)
			continue;
		vtlb_put_entry(v, i, ptx, vtlb_protect_entry(v, e | (gpt ? 0 : SPTE_LARGE)));
		v->stats.prefetches++;
	}
}
