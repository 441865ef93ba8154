/*
 * The bounded pool of shadow pages: page 0 is root 0's shadow page
 * directory; the others hold shadow page tables (and, with lab 6, the other
 * roots' directories). A page is taken from the free ones after the clock;
 * when none is free an emptied table is reused, else the clock evicts a
 * table. Each page counts its present entries (and, of those, its global
 * ones and its pieces of guest 4 MiB pages) and remembers the range of
 * entries ever written, so that only that range is scanned and zeroed.
 * Lab 6 hears of every entry written and every table freed (shadow/roots.h).
 */
#include "shadow/pool.h"
#include "shadow/roots.h"

uint32_t *pool_page(const struct vtlb *v, int i)
{
	return (uint32_t *)(v->pool + (size_t)i * PAGE_SIZE_4K);
}

uint32_t pool_page_hpa(const struct vtlb *v, int i)
{
	return v->pool_hpa + (uint32_t)i * PAGE_SIZE_4K;
}

/* Zero the entries of pool page i written since it was last zeroed. */
static void zero_written(struct vtlb *v, int i)
{
	if (v->written_lo[i] > v->written_hi[i])
		return;
	memset(&pool_page(v, i)[v->written_lo[i]], 0,
	       (v->written_hi[i] - v->written_lo[i] + 1u) * sizeof(uint32_t));
	v->written_lo[i] = ENTRIES;
	v->written_hi[i] = 0;
}

/* A free pool page: the next one after the clock, or none (-1). */
static int free_page(const struct vtlb *v)
{
	int i = v->clock;

	for (int n = 1; n < v->pool_pages; n++) {
		i = i + 1 < v->pool_pages ? i + 1 : 1; /* page 0 is root 0's PD */
		if (v->pdx_of_page[i] == FREE_PAGE)
			return i;
	}
	return -1;
}

/* A shadow PT without entries (vtlb_empty_pt keeps them in their PD entries), or -1. */
static int empty_pt(const struct vtlb *v)
{
	for (int i = 1; i < v->high_water; i++)
		if (v->pdx_of_page[i] >= 0 && !v->present[i])
			return i;
	return -1;
}

int vtlb_take_page(struct vtlb *v)
{
	int victim = free_page(v);

	if (victim < 0 && v->emptied) {
		victim = empty_pt(v);
		if (victim >= 0)
			vtlb_free_pt(v, victim); /* nothing is lost: not an eviction */
		else
			v->emptied = 0; /* all filled again: no search until the next drop */
	}
	if (victim >= 0) {
		zero_written(v, victim);
		if (victim >= v->high_water)
			v->high_water = victim + 1;
		return victim;
	}

	do { /* the next page holding a PT: shadow PDs are not evicted here */
		victim = v->clock;
		v->clock = 1 + v->clock % (v->pool_pages - 1);
	} while (v->pdx_of_page[victim] < 0);
	vtlb_free_pt(v, victim);
	v->stats.evictions++;
	zero_written(v, victim);
	return victim;
}

void vtlb_claim_page(struct vtlb *v, int i, int use, int slot)
{
	v->pdx_of_page[i] = (int16_t)use;
	v->slot_of_page[i] = (int8_t)slot;
	if (++v->pages_in_use > (int)v->stats.pages_peak)
		v->stats.pages_peak = v->pages_in_use;
}

void vtlb_put_entry(struct vtlb *v, int i, uint32_t ptx, uint32_t spte)
{
	uint32_t *pte = &pool_page(v, i)[ptx];

	vtlb_note_writable(v, i, ptx, *pte, spte);
	if (*pte & PTE_P) {
		v->present[i]--;
		v->globals[i] -= !!(*pte & SPTE_GLOBAL);
		v->larges[i] -= !!(*pte & SPTE_LARGE);
	}
	if (spte & PTE_P) {
		v->present[i]++;
		v->globals[i] += !!(spte & SPTE_GLOBAL);
		v->larges[i] += !!(spte & SPTE_LARGE);
	}
	if (spte && ptx < v->written_lo[i])
		v->written_lo[i] = (uint16_t)ptx;
	if (spte && ptx > v->written_hi[i])
		v->written_hi[i] = (uint16_t)ptx;
	*pte = spte;
}

int vtlb_next_present(const struct vtlb *v, int i, uint32_t ptx)
{
	const uint32_t *pt = pool_page(v, i);

	if (ptx < v->written_lo[i])
		ptx = v->written_lo[i];
	for (; ptx <= v->written_hi[i]; ptx++)
		if (pt[ptx] & PTE_P)
			return (int)ptx;
	return -1;
}

void vtlb_empty_pt(struct vtlb *v, int i)
{
	if (!v->present[i])
		return;
	zero_written(v, i);
	v->present[i] = v->globals[i] = v->larges[i] = 0;
	v->emptied++;
}

void vtlb_free_pt(struct vtlb *v, int i)
{
	int pdx = v->pdx_of_page[i];
	struct vtlb_root *root = &v->roots[v->slot_of_page[i]];

	vtlb_forget_derived(v, i);
	v->present[i] = v->globals[i] = v->larges[i] = 0; /* its contents are forgotten; zeroed on reuse */
	pool_page(v, root->pd_page)[pdx] = 0;
	root->pt_of_pdx[pdx] = NO_PT;
	v->pdx_of_page[i] = FREE_PAGE;
	v->pages_in_use--;
	v->hw_flush = true;
}
