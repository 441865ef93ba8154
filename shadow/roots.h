/*
 * Lab 6's side of the virtual TLB's events, for shadow/ only: the pool, the
 * entries and the fault path call these at every event lab 6 must hear of,
 * and each does nothing while the cache is off (v->caching false), so that
 * labs 2-5 work the same without lab 6. shadow/roots.c implements them.
 */
#ifndef SHADOW_ROOTS_H
#define SHADOW_ROOTS_H

#include "shadow/vtlb.h"

/* A new shadow PT in pool page i, about to hold spte's kind of entry: note the guest table it is filled from. */
void vtlb_note_derived(struct vtlb *v, int i, uint32_t spte);

/* Shadow PT i is being freed: its guest table is one derivation less, and its writable mappings go. */
void vtlb_forget_derived(struct vtlb *v, int i);

/* The entry at index ptx of pool page i changes from old to spte: count writable mappings. */
void vtlb_note_writable(struct vtlb *v, int i, uint32_t ptx, uint32_t old, uint32_t spte);

/* spte as it may be installed: read-only if its frame holds a protected guest table
 * (then write_protected and protected_gpa say so; else write_protected is false). */
uint32_t vtlb_protect_entry(struct vtlb *v, uint32_t spte);

/* vtlb_drop_all() is about to empty shadow PT i: free it instead, and return true,
 * when the cache is on (a table kept would keep its guest table protected). */
bool vtlb_free_emptied(struct vtlb *v, int i);

/*
 * A write fault was filled (the fill is in *w): when the entry was made
 * read-only because its frame holds a protected guest table, either have the
 * hypervisor emulate the write (may_emulate, within the table's budget for
 * this epoch: VTLB_PT_WRITE, with w->gpa the address written), or note the
 * table as written (vtlb_cache_pt_written) and fill again, writable now.
 * Returns VTLB_PT_WRITE, or the fill's result: VTLB_FILLED as it was, or the
 * second fill's, or VTLB_BAD (with why) when the table stays protected.
 */
enum vtlb_result vtlb_write_to_guest_table(struct vtlb *v, const struct guest_mode *mode, uint32_t gva,
					   uint32_t hw_error, uint32_t *error_code, struct walk *w,
					   bool may_emulate, char *why, size_t why_size);

/* The shadow entry guest PTE gpte under guest PDE pde gives without a walk (global:
 * SPTE_GLOBAL or 0), as a fill would for a read: 0 unless both have P and A and the
 * frame is RAM; writable only with R/W in both and D in gpte. (shadow/prefetch.c) */
uint32_t vtlb_gives(const struct vtlb *v, uint32_t pde, uint32_t gpte, uint32_t global);

/* With the cache on, after a hidden fault filled gva into a shadow PT that was empty: fill
 * the empty entries of its aligned group from the same guest table where vtlb_gives gives
 * one. (shadow/prefetch.c) */
void vtlb_prefetch(struct vtlb *v, const struct guest_mode *mode, uint32_t gva);

#endif
