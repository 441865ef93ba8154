/*
 * The refill statistics: how many shadow entries were filled, and how many
 * of those filled a page again that was filled before the last CR3 write
 * (for global pages: before the last paging-mode change). Refills are what
 * invalidation cost the guest; the grader of lab 4 counts them.
 *
 * seen[] is a small open-addressed hash set of the pages filled in the
 * current epochs; an entry tagged with an earlier epoch counts as free, so a
 * new epoch empties the set without touching it.
 */
#include "shadow/refills.h"

#define GLOBAL_TAG      0x80000000u /* a tag with this bit is the global epoch's: global pages */
#define HASH_MULTIPLIER 2654435761u /* Knuth's multiplicative hash: 2^32 divided by the golden ratio */
#define SEEN_PROBES     8           /* entries tried per page before the set gives up */

void vtlb_new_epoch(struct vtlb *v, bool mode_change)
{
	v->epoch++;
	if (mode_change)
		v->global_epoch++;
}

/* Remember that the page of gva was filled in this epoch; true if it already was.
 * Tags name the epoch; global entries live as long as the paging mode. */
static bool seen_before(struct vtlb *v, uint32_t gva, bool global)
{
	uint32_t page = gva >> PAGE_SHIFT_4K, tag = global ? GLOBAL_TAG | v->global_epoch : v->epoch;
	uint32_t h = (page * HASH_MULTIPLIER) % VTLB_SEEN;

	for (int probe = 0; probe < SEEN_PROBES; probe++) {
		struct vtlb_seen *s = &v->seen[(h + probe) % VTLB_SEEN];

		if (s->tag == tag && s->page == page)
			return true;
		if (s->tag != tag && s->tag != (GLOBAL_TAG | v->global_epoch)) {
			s->page = page; /* an entry of an earlier epoch: take it */
			s->tag = tag;
			return false;
		}
	}
	return false; /* too many pages this epoch: stop counting rather than guess */
}

void vtlb_count_new_entry(struct vtlb *v, uint32_t gva, uint32_t spte)
{
	v->stats.new_entries++;
	v->stats.refills += seen_before(v, gva, spte & SPTE_GLOBAL);
}
