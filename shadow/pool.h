/*
 * The pool of shadow pages, for shadow/ only (the labs use shadow/vtlb.h):
 * which pool page holds what, taking and freeing pages, and the one way to
 * write an entry of a shadow page table. shadow/pool.c implements it.
 */
#ifndef SHADOW_POOL_H
#define SHADOW_POOL_H

#include "shadow/vtlb.h"

#define FREE_PAGE  (-1) /* pdx_of_page[]: the pool page is free */
#define PD_PAGE    (-2) /* pdx_of_page[]: it is a root's pd_page, a shadow PD */
#define NO_PT      (-1) /* pt_of_pdx[], pd_page: none */

/* Pool page i as an array of entries. */
uint32_t *pool_page(const struct vtlb *v, int i);

/* Host-physical address of pool page i. */
uint32_t pool_page_hpa(const struct vtlb *v, int i);

/* A free pool page, zeroed where it was written, evicting a shadow PT by the clock if none is. */
int vtlb_take_page(struct vtlb *v);

/* Pool page i now holds the PT at PD index use (or, with PD_PAGE, the PD) of the root in slot: count it in use. */
void vtlb_claim_page(struct vtlb *v, int i, int use, int slot);

/* Replace the entry at index ptx of pool page i's PT, keeping the page's counts. */
void vtlb_put_entry(struct vtlb *v, int i, uint32_t ptx, uint32_t spte);

/* The first present entry of pool page i's PT at index ptx or above, or -1 when
 * there is none. Visit them all with
 * for (int ptx = vtlb_next_present(v, i, 0); ptx >= 0; ptx = vtlb_next_present(v, i, ptx + 1)) */
int vtlb_next_present(const struct vtlb *v, int i, uint32_t ptx);

/* Empty the shadow PT in pool page i where it is: it keeps its PD entry, and a
 * full pool takes it before it evicts. */
void vtlb_empty_pt(struct vtlb *v, int i);

/* Forget the shadow PT in pool page i (its root's PD entry too) and return the page to the pool. */
void vtlb_free_pt(struct vtlb *v, int i);

#endif
