/*
 * Lab 6: shadow caching. Lab 4's virtual TLB forgets an address space at
 * every CR3 write and refills it page by page when the guest switches back.
 * Here each guest address space keeps its shadow (a root, up to VTLB_ROOTS
 * of them), and a CR3 write only switches roots. That is correct only while
 * the guest tables a shadow was filled from agree with it, so the given code
 * (shadow/roots.c) maps those tables read-only; a guest write to one comes
 * here, is noted ("unsync") and goes through. The guest may rely on a change
 * only after it invalidates (SDM Vol3A 4.10.4.2): a CR3 write for the address
 * space it loads, INVLPG for one page and every paging-structure cache. So
 * a CR3 write syncs the written tables the new root uses, INVLPG the current
 * page directory if written, and the other written tables wait for their
 * root (lazy). A table written at sync after sync (a guest that edits its
 * tables in a loop, like guest/access) stays writable for a while: a sync
 * costs less than a fault per write (KVM's "write flooding"); then it is
 * tried read-only again, so that a table the guest stopped writing is let go.
 */

#define FLOODED       4  /* syncs of a written table after which it stays writable (flooded) ... */
#define FLOODED_SYNCS 32 /* ... for this many more syncs */
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

	v->stats.resync_drops += n;
	memset(v->unsync, 0, sizeof(v->unsync));
	memset(v->rewrites, 0, sizeof(v->rewrites));
	return n;
}

/* Guest table gpa, written, is in sync again: its shadows agree with it. It is
 * read-only again, unless it is flooded: the syncs of the FLOODED_SYNCS after its
 * first FLOODED leave it writable; then it is tried read-only again. Returns the changes. */
static int sync(struct vtlb *v, uint32_t gpa)
{
	uint32_t f = gpa >> PAGE_SHIFT_4K;
	int n;

	if (!v->derived[f]) { /* no shadow is filled from it any more: nothing to sync or flood */
		v->unsync[f] = v->rewrites[f] = 0;
		return 0;
	}
	n = vtlb_sync_table(v, gpa);
	if (++v->rewrites[f] >= FLOODED + FLOODED_SYNCS)
		v->rewrites[f] = 0; /* the count starts again: it never wraps past a byte */
	if (v->rewrites[f] < FLOODED) {
		v->unsync[f] = 0;
		vtlb_protect(v, gpa); /* if shadows are still filled from it */
	}
	return n;
}

int vtlb_resync(struct vtlb *v, int slot)
{
	int n = 0, kept = 0;

	if (v->unsync_count > VTLB_UNSYNC_MAX) {
		n = resync_all(v);
		v->unsync_count = 0;
		return n;
	}
	for (int k = 0; k < v->unsync_count; k++) {
		uint32_t table = v->unsync_list[k], f = table >> PAGE_SHIFT_4K;

		if (!v->unsync[f])
			continue; /* synced since it was listed (vtlb_cache_invlpg) */
		if (!v->derived[f] || vtlb_root_uses(v, slot, table))
			n += sync(v, table);
		if (v->unsync[f])
			v->unsync_list[kept++] = table; /* not used by this root, or flooded */
	}
	v->unsync_count = kept;
	return n;
}

void vtlb_cache_cr3_write(struct vtlb *v, const struct guest_mode *mode)
{
	uint32_t pd = mode->cr3 & PTE_FRAME;
	int slot = vtlb_root_find(v, pd);

	if (slot >= 0) {
		v->stats.root_hits++;
	} else {
		slot = vtlb_root_lru(v);
		vtlb_root_load(v, slot, pd);
		v->stats.root_misses++;
	}
	vtlb_root_switch(v, slot);
	vtlb_resync(v, slot);
}

/* Take guest table gpa off the list of written tables (it was synced outside vtlb_resync);
 * past an overflow the list is left alone, so that the next resync still drops everything. */
static void unlist(struct vtlb *v, uint32_t gpa)
{
	if (v->unsync_count > VTLB_UNSYNC_MAX)
		return;
	for (int k = v->unsync_count - 1; k >= 0; k--) /* from the end: the last written first */
		if (v->unsync_list[k] == gpa) {
			v->unsync_list[k] = v->unsync_list[--v->unsync_count];
			return;
		}
}

void vtlb_cache_invlpg(struct vtlb *v, const struct guest_mode *mode, uint32_t gva)
{
	uint32_t pd = v->roots[v->cur].guest_pd, f = pd >> PAGE_SHIFT_4K;

	/* INVLPG empties the paging-structure caches too: a changed PDE counts now. */
	if (f < VTLB_GUEST_FRAMES && v->unsync[f]) {
		sync(v, pd);
		if (!v->unsync[f])
			unlist(v, pd); /* else its next write would list it again */
	}
	vtlb_invlpg(v, mode, gva);
}
