/*
 * Lab 6: shadow caching. Lab 4's virtual TLB forgets an address space at
 * every CR3 write and refills it page by page when the guest switches back.
 * Here each guest address space keeps its shadow (a root, up to VTLB_ROOTS
 * of them), and a CR3 write only switches roots. That is correct only while
 * the guest tables a shadow was filled from are unchanged, so the given code
 * (shadow/roots.c) maps those tables read-only; a guest write to one comes
 * here, is noted ("unsync") and goes through, and before the guest can rely
 * on the change (its next CR3 write or INVLPG, SDM Vol3A 4.10.4.2) the
 * shadow entries filled from written tables are checked and the changed
 * ones dropped. A table written again and again (a guest that edits its
 * tables in a loop, like guest/access) stops being protected: it stays
 * unsync, and every resync checks it, which costs less than a fault per
 * write (KVM's "write flooding").
 */

#define FLOODED 4 /* resyncs in a row that found a table written: from then on it stays writable */
#include "shadow/vtlb.h"

bool vtlb_cache_init(struct vtlb *v)
{
	(void)v;
	return true;
}

void vtlb_cache_pt_written(struct vtlb *v, uint32_t gpa)
{
	uint32_t frame = gpa >> PAGE_SHIFT_4K;

	if (v->unsync[frame])
		return;
	v->unsync[frame] = 1;
	if (v->unsync_count < VTLB_UNSYNC_MAX)
		v->unsync_list[v->unsync_count] = gpa & PTE_FRAME;
	v->unsync_count++; /* past VTLB_UNSYNC_MAX: too many to list, resync drops all */
}

/* Too many written tables to list: drop every shadow entry. With the cache on that frees
 * every shadow PT, so no writable mapping of a guest table is left, and every table is in
 * sync again: new fills map them read-only. */
static int resync_all(struct vtlb *v)
{
	int n = vtlb_drop_all(v, false);

	memset(v->unsync, 0, sizeof(v->unsync));
	memset(v->rewrites, 0, sizeof(v->rewrites));
	return n;
}

int vtlb_resync(struct vtlb *v)
{
	int n = 0;

	if (v->unsync_count > VTLB_UNSYNC_MAX) {
		n = resync_all(v);
		v->unsync_count = 0;
	} else {
		int kept = 0;

		v->resyncs++;
		for (int k = 0; k < v->unsync_count; k++) {
			uint32_t table = v->unsync_list[k], f = table >> PAGE_SHIFT_4K;

			n += vtlb_drop_derived(v, table);
			v->rewrites[f] = v->written_at[f] == (uint16_t)(v->resyncs - 1) ? v->rewrites[f] + 1 : 1;
			v->written_at[f] = v->resyncs;
			if (v->rewrites[f] >= FLOODED) {
				v->unsync_list[kept++] = table; /* flooded: stays unsync and listed */
				continue;
			}
			v->unsync[table >> PAGE_SHIFT_4K] = 0;
			vtlb_protect(v, table); /* if shadows are still filled from it */
		}
		v->unsync_count = kept;
	}
	v->stats.resync_drops += n;
	return n;
}

void vtlb_cache_cr3_write(struct vtlb *v, const struct guest_mode *mode)
{
	uint32_t pd = mode->cr3 & PTE_FRAME;
	int slot;

	vtlb_resync(v);
	slot = vtlb_root_find(v, pd);
	if (slot >= 0) {
		v->stats.root_hits++;
	} else {
		slot = vtlb_root_lru(v);
		vtlb_root_load(v, slot, pd);
		v->stats.root_misses++;
	}
	vtlb_root_switch(v, slot);
}

void vtlb_cache_invlpg(struct vtlb *v, const struct guest_mode *mode, uint32_t gva)
{
	vtlb_resync(v);
	vtlb_invlpg(v, mode, gva);
}
