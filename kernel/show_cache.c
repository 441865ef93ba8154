/*
 * make show's records of lab 6's cache (docs/show.md): each root in use
 * (the shadow page directory of one guest address space, current or
 * cached), the guest page tables the shadows were filled from (derived[]:
 * write-protected unless unsync[] says the guest wrote one since), and the
 * cache's counters. Read from struct vtlb (shadow/vtlb.h); shadow/roots.c
 * keeps them.
 */
#include "kernel/show_cache.h"
#include "shadow/pool.h"

#define GTABS_PER_RECORD 16 /* guest tables per "gtab" record */

/* Print the "root" record of the root in slot: the guest directory it shadows, its shadow tables and entries. */
static void root_record(struct record *line, const struct vm *vm, int snap, int slot)
{
	const struct vtlb *v = &vm->vtlb;
	const struct vtlb_root *root = &v->roots[slot];
	uint32_t pts = 0, entries = 0;

	for (uint32_t pdx = 0; pdx < ENTRIES; pdx++)
		if (root->pt_of_pdx[pdx] != NO_PT) {
			pts++;
			entries += v->present[root->pt_of_pdx[pdx]];
		}
	record_begin(line, "root", vm->id);
	record_put(line, ",\"id\":%d,\"slot\":%d,\"current\":%s,\"host\":%u", snap, slot, slot == v->cur ? "true" : "false",
	    pool_page_hpa(v, root->pd_page));
	if (root->guest_pd == VTLB_NO_FRAME)
		record_put(line, ",\"guest_pd\":null");
	else
		record_put(line, ",\"guest_pd\":%u", root->guest_pd);
	record_put(line, ",\"last_used\":%u,\"pts\":%u,\"entries\":%u", root->last_used, pts, entries);
	record_emit(line);
}

/* Print the guest tables shadows were filled from, GTABS_PER_RECORD a record: [gpa, 1 if unsync]. */
static uint32_t guest_tables(struct record *line, const struct vm *vm, int snap)
{
	const struct vtlb *v = &vm->vtlb;
	uint32_t frames = v->mem.size >> PAGE_SHIFT_4K, n = 0, items = 0;

	if (frames > VTLB_GUEST_FRAMES)
		frames = VTLB_GUEST_FRAMES;
	for (uint32_t f = 0; f < frames; f++) {
		if (!v->derived[f])
			continue;
		if (!items) {
			record_begin(line, "gtab", vm->id);
			record_put(line, ",\"id\":%d,\"e\":[", snap);
		}
		record_put(line, "%s[%u,%d]", items ? "," : "", f << PAGE_SHIFT_4K, v->unsync[f] ? 1 : 0);
		n++;
		if (++items == GTABS_PER_RECORD) {
			record_put(line, "]");
			record_emit(line);
			items = 0;
		}
	}
	if (items) {
		record_put(line, "]");
		record_emit(line);
	}
	return n;
}

void show_cache_snapshot(struct record *line, const struct vm *vm, int snap, struct cache_counts *c)
{
	if (!vm->vtlb.caching)
		return;
	for (int slot = 0; slot < VTLB_ROOTS; slot++)
		if (vm->vtlb.roots[slot].pd_page != NO_PT) {
			root_record(line, vm, snap, slot);
			c->roots++;
		}
	c->gtables = guest_tables(line, vm, snap);
}

void show_cache_end(struct record *line, const struct vm *vm)
{
	const struct vtlb_stats *s = &vm->vtlb.stats;

	if (!vm->vtlb.caching) {
		record_put(line, ",\"cache\":null");
		return;
	}
	record_put(line, ",\"cache\":{\"hits\":%lu,\"misses\":%lu,\"pt_writes\":%lu,\"resync_drops\":%lu,", s->root_hits,
	    s->root_misses, s->pt_writes, s->resync_drops);
	record_put(line, "\"resync_updates\":%lu,\"prefetches\":%lu,\"pt_emulated\":%lu}", s->resync_updates, s->prefetches,
	    s->pt_emulated);
}
