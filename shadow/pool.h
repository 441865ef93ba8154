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

/* Forget the shadow PT in pool page i (its root's PD slot too) and return the page to the pool. */
void vtlb_free_pt(struct vtlb *v, int i);

/* A free pool page, zeroed where it was written, evicting a shadow PT by the clock if none is. */
int vtlb_take_page(struct vtlb *v);

/* Replace the entry at index ptx of pool page i's PT, keeping the page's counts. */
void vtlb_put_entry(struct vtlb *v, int i, uint32_t ptx, uint32_t spte);

/* The first present entry of pool page i's PT at index from or above, ENTRIES when none is. */
static inline uint32_t next_present(const struct vtlb *v, int i, uint32_t from)
{
	for (uint32_t word = from / 32; word < ENTRIES / 32; word++) {
		uint32_t bits = v->present_map[i][word];

		if (word == from / 32)
			bits &= ~0u << (from % 32);
		if (bits)
			return word * 32 + (uint32_t)__builtin_ctz(bits);
	}
	return ENTRIES;
}

/* Visit each present entry of pool page i's PT: for_each_present(v, i, ptx) { ... } */
#define for_each_present(v, i, ptx) \
	for (uint32_t ptx = next_present(v, i, 0); ptx < ENTRIES; ptx = next_present(v, i, ptx + 1))

/* Lab 6 hooks (shadow/roots.c): a new shadow PT in pool page i, about to hold spte's kind of entry. */
void vtlb_note_derived(struct vtlb *v, int i, uint32_t spte);

/* Lab 6: shadow PT i is being freed: its guest table is one derivation less. */
void vtlb_forget_derived(struct vtlb *v, int i);

/* Lab 6: the entry at index ptx of pool page i changes from old to spte: count writable mappings. */
void vtlb_note_writable(struct vtlb *v, int i, uint32_t ptx, uint32_t old, uint32_t spte);

/* Lab 6: spte as it may be installed: read-only if its frame holds a protected guest table. */
uint32_t vtlb_protect_entry(struct vtlb *v, uint32_t spte);

#endif
