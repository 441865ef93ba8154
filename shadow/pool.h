/*
 * The pool's internals, shared by shadow/vtlb.c (entries, page tables) and
 * shadow/roots.c (lab 6's roots and write protection). Not for the labs:
 * they use shadow/vtlb.h.
 */
#ifndef SHADOW_POOL_H
#define SHADOW_POOL_H

#include "shadow/vtlb.h"

#define FREE_PAGE  (-1) /* pdx_of_page[]: the pool page is free */
#define ROOT_PAGE  (-2) /* pdx_of_page[]: it holds a root's shadow PD */
#define NO_PT      (-1) /* pt_of_pdx[], pd_page: none */

/* Pool page i as an array of entries. */
static inline uint32_t *pool_page(const struct vtlb *v, int i)
{
	return (uint32_t *)(v->pool + (size_t)i * PAGE_SIZE_4K);
}

/* A free pool page, zeroed where it was written, evicting a shadow PT by the clock if none is. */
int vtlb_take_page(struct vtlb *v);

/* Pool page i now holds root r's PT for PD slot use (or, with ROOT_PAGE, its PD): count it in use. */
static inline void vtlb_claim_page(struct vtlb *v, int i, int use, int r)
{
	v->pdx_of_page[i] = (int16_t)use;
	v->root_of_page[i] = (int8_t)r;
	if (++v->pages_in_use > (int)v->stats.pages_peak)
		v->stats.pages_peak = v->pages_in_use;
}

/* Visit each present entry of pool page i's PT, within the range ever written:
 * for_each_present(v, i, ptx) { ... } */
#define for_each_present(v, i, ptx)                                                   \
	for (uint32_t ptx = (v)->written_lo[i]; ptx <= (v)->written_hi[i]; ptx++)      \
		if (!(pool_page(v, i)[ptx] & PTE_P)) {} else

/* Lab 6 hooks (shadow/roots.c): a new shadow PT in pool page i, about to hold spte's kind of entry. */
void vtlb_note_derived(struct vtlb *v, int i, uint32_t spte);

/* Lab 6: shadow PT i is being freed: its guest table is one derivation less. */
void vtlb_forget_derived(struct vtlb *v, int i);

/* Lab 6: the entry at index ptx of pool page i changes from old to spte: count writable mappings. */
void vtlb_note_writable(struct vtlb *v, int i, uint32_t ptx, uint32_t old, uint32_t spte);

/* Lab 6: spte as it may be installed: read-only if its frame holds a protected guest table. */
uint32_t vtlb_protect_entry(struct vtlb *v, uint32_t spte);

/* Replace the entry at index ptx of pool page i's PT, keeping the page's counts. */
static inline void vtlb_put_entry(struct vtlb *v, int i, uint32_t ptx, uint32_t spte)
{
	uint32_t *pte = &pool_page(v, i)[ptx];

	if (v->caching)
		vtlb_note_writable(v, i, ptx, *pte, spte);
	if (*pte & PTE_P) {
		v->present[i]--;
		v->globals[i] -= !!(*pte & SPTE_GLOBAL);
	}
	if (spte & PTE_P) {
		v->present[i]++;
		v->globals[i] += !!(spte & SPTE_GLOBAL);
	}
	if (spte && ptx < v->written_lo[i])
		v->written_lo[i] = (uint16_t)ptx;
	if (spte && ptx > v->written_hi[i])
		v->written_hi[i] = (uint16_t)ptx;
	*pte = spte;
}

/* Forget the shadow PT in pool page i (its root's PD slot too) and return the page to the pool. */
static inline void vtlb_free_pt(struct vtlb *v, int i)
{
	int pdx = v->pdx_of_page[i];
	struct vtlb_root *root = &v->roots[v->root_of_page[i]];

	if (v->caching) {
		vtlb_forget_derived(v, i);
		for_each_present(v, i, ptx) /* its writable mappings go too */
			vtlb_note_writable(v, i, ptx, pool_page(v, i)[ptx], 0);
	}
	v->present[i] = v->globals[i] = 0; /* its contents are forgotten; zeroed on reuse */
	pool_page(v, root->pd_page)[pdx] = 0;
	root->pt_of_pdx[pdx] = NO_PT;
	v->pdx_of_page[i] = FREE_PAGE;
	v->pages_in_use--;
	v->hw_flush = true;
}

#endif
