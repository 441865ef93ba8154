/*
 * Lab 6's given parts: several shadow page directories (roots), one per
 * guest address space, kept across CR3 writes; and the write protection that
 * makes keeping them correct.
 *
 * A cached shadow is a copy of guest page tables. The guest may change those
 * tables at any time, and the virtual TLB must not use a translation the
 * guest could not see in a real TLB after the changes are architecturally
 * visible: at the latest at the next INVLPG of the page or CR3 write (SDM
 * Vol3A 4.10.4.2, Recommended Invalidation). So every guest page table a
 * shadow was filled from (the page directory of each root, the page table
 * behind each shadow PT) is mapped read-only in every shadow: a guest write
 * to it faults. The first two in an epoch the hypervisor emulates
 * (kernel/ptwrite.c, vtlb_pt_write_done: the table stays protected); at the
 * next, lab 6 notes the table as written ("unsync") and the write goes
 * through; before the guest can rely on the change (the
 * CR3 write that loads a root using the table, or INVLPG for the current
 * page directory) lab 6 brings the shadows filled from it back in line
 * (vtlb_sync_table: entries rewritten in place or dropped) and protects it
 * again (vtlb_protect). KVM calls these unsync shadow pages.
 *
 * derived[] counts, per guest frame, the roots and shadow PTs filled from
 * it: nonzero means write-protected. derived_from[] maps a shadow PT to its
 * guest table, and derived_first[]/derived_next[] back: the list of shadow
 * PTs filled from each guest table, in every root (vtlb_sync_table and
 * vtlb_root_uses walk it instead of the pool).
 *
 * A root lives in one of VTLB_ROOTS slots of v->roots[]; v->cur is the slot
 * of the root the CPU walks. The pool and the fault path tell this file of
 * their events through shadow/roots.h; with the cache off it ignores them.
 */
#include "shadow/pool.h"
#include "shadow/roots.h"

/* The guest frame number of guest-physical gpa, or -1 when it lies outside what lab 6 tracks. */
static int frame_of(const struct vtlb *v, uint32_t gpa)
{
	uint32_t n = gpa >> PAGE_SHIFT_4K;

	return gpa < v->mem.size && n < VTLB_GUEST_FRAMES ? (int)n : -1;
}

/* Make every present shadow entry that maps host frame hframe read-only. */
static void downgrade_mappings(struct vtlb *v, uint32_t hframe)
{
	for (int i = 1; i < v->high_water; i++) {
		if (v->pdx_of_page[i] < 0)
			continue;
		for (int ptx = vtlb_next_present(v, i, 0); ptx >= 0; ptx = vtlb_next_present(v, i, ptx + 1)) {
			uint32_t e = pool_page(v, i)[ptx];

			if ((e & PTE_RW) && (e & PTE_FRAME) == hframe) {
				vtlb_put_entry(v, i, (uint32_t)ptx, e & ~PTE_RW);
				v->hw_flush = true;
			}
		}
	}
}

/* A present, writable shadow entry's guest frame, or -1. */
static int writable_frame(const struct vtlb *v, uint32_t spte)
{
	return (spte & (PTE_P | PTE_RW)) == (PTE_P | PTE_RW) ? frame_of(v, (spte & PTE_FRAME) - v->mem.hpa) : -1;
}

void vtlb_note_writable(struct vtlb *v, int i, uint32_t ptx, uint32_t old, uint32_t spte)
{
	int was, now;

	if (!v->caching)
		return;
	was = writable_frame(v, old);
	now = writable_frame(v, spte);
	if (was >= 0 && v->rw_maps[was])
		v->rw_maps[was]--;
	if (now >= 0) {
		v->rw_maps[now]++;
		v->rw_where[now].page = (int16_t)i;
		v->rw_where[now].ptx = (uint16_t)ptx;
	}
}

void vtlb_protect(struct vtlb *v, uint32_t gpa)
{
	int f = frame_of(v, gpa), page;
	uint32_t hframe = vtlb_host_frame(v, gpa), ptx, e;

	if (f < 0 || !v->derived[f] || v->unsync[f] || !v->rw_maps[f])
		return;
	/* Usually one writable mapping, the last one installed: no scan. */
	page = v->rw_where[f].page;
	ptx = v->rw_where[f].ptx;
	e = pool_page(v, page)[ptx];
	if (v->rw_maps[f] == 1 && v->pdx_of_page[page] >= 0 &&
	    (e & (PTE_FRAME | PTE_RW | PTE_P)) == (hframe | PTE_RW | PTE_P)) {
		vtlb_put_entry(v, page, ptx, e & ~PTE_RW);
		v->hw_flush = true;
		return;
	}
	downgrade_mappings(v, hframe);
}

/* One more root or shadow PT filled from guest table gpa; the first one protects it. */
static void derive(struct vtlb *v, uint32_t gpa)
{
	int f = frame_of(v, gpa);

	if (f >= 0 && v->derived[f]++ == 0)
		vtlb_protect(v, gpa);
}

/* One less; the last one leaves the table unprotected (its read-only mappings stay until refilled). */
static void underive(struct vtlb *v, uint32_t gpa)
{
	int f = frame_of(v, gpa);

	if (f >= 0 && v->derived[f])
		v->derived[f]--;
}

/* The reverse map: shadow PT i joins (link) or leaves (unlink) the list of shadow PTs
 * filled from guest table gpa, which starts at derived_first[] and goes on through
 * derived_next[] (pool page 0, root 0's PD, is never a shadow PT: 0 ends a list). */
static void link_derived(struct vtlb *v, int i, uint32_t gpa)
{
	int f = frame_of(v, gpa);

	if (f < 0)
		return;
	v->derived_next[i] = v->derived_first[f];
	v->derived_first[f] = (int16_t)i;
}

/* See link_derived. */
static void unlink_derived(struct vtlb *v, int i, uint32_t gpa)
{
	int f = frame_of(v, gpa);
	int16_t *p;

	if (f < 0)
		return;
	for (p = &v->derived_first[f]; *p && *p != i; p = &v->derived_next[*p])
		;
	if (*p)
		*p = v->derived_next[i];
}

void vtlb_note_derived(struct vtlb *v, int i, uint32_t spte)
{
	const uint32_t *pde;

	if (!v->caching)
		return;
	pde = guest_entry(&v->mem, v->roots[v->slot_of_page[i]].guest_pd + (uint32_t)v->pdx_of_page[i] * 4);
	/* A 4 MiB guest page has no page table: its PDE is in the root's protected PD. */
	v->derived_pde[i] = pde ? *pde : 0;
	v->derived_from[i] = (spte & SPTE_LARGE) || !pde ? VTLB_NO_FRAME : *pde & PTE_FRAME;
	if (v->derived_from[i] != VTLB_NO_FRAME) {
		link_derived(v, i, v->derived_from[i]);
		derive(v, v->derived_from[i]);
	}
}

void vtlb_forget_derived(struct vtlb *v, int i)
{
	if (!v->caching)
		return;
	if (v->derived_from[i] != VTLB_NO_FRAME) {
		unlink_derived(v, i, v->derived_from[i]);
		underive(v, v->derived_from[i]);
	}
	v->derived_from[i] = VTLB_NO_FRAME;
	for (int ptx = vtlb_next_present(v, i, 0); ptx >= 0; ptx = vtlb_next_present(v, i, ptx + 1))
		vtlb_note_writable(v, i, (uint32_t)ptx, pool_page(v, i)[ptx], 0); /* its writable mappings go too */
}

bool vtlb_free_emptied(struct vtlb *v, int i)
{
	if (!v->caching)
		return false;
	vtlb_free_pt(v, i);
	return true;
}

uint32_t vtlb_protect_entry(struct vtlb *v, uint32_t spte)
{
	uint32_t gpa = (spte & PTE_FRAME) - v->mem.hpa;
	int f = frame_of(v, gpa);

	v->write_protected = false;
	if (!v->caching || !(spte & PTE_P) || !(spte & PTE_RW) || f < 0 || !v->derived[f] || v->unsync[f])
		return spte;
	v->write_protected = true;
	v->protected_gpa = gpa;
	return spte & ~PTE_RW;
}

/* The PDE bits a shadow PT depends on: where it points, and the rights and kind it grants. */
#define PDE_DEPENDS (PTE_FRAME | PTE_P | PTE_RW | PTE_US | PTE_PS | PTE_G)

/* Whether shadow PT i holds a writable entry split from a guest 4 MiB page. */
static bool has_writable_large(const struct vtlb *v, int i)
{
	for (int ptx = vtlb_next_present(v, i, 0); ptx >= 0; ptx = vtlb_next_present(v, i, ptx + 1))
		if ((pool_page(v, i)[ptx] & (SPTE_LARGE | PTE_RW)) == (SPTE_LARGE | PTE_RW))
			return true;
	return false;
}

/* Whether shadow PT i's guest PDE changed since it was filled, or lost a bit its
 * entries need: A, which the CPU sets when a walk uses the PDE, and for a 4 MiB
 * page D while an entry lets writes through without a fault. After the next
 * INVLPG or CR3 write the CPU walks again and sets them (SDM Vol3A 4.8 (Accessed
 * and Dirty Flags), SDM Vol3A 4.10.4.1 (Operations that Invalidate TLBs and
 * Paging-Structure Caches)): the shadow PT must go, so that the next access faults. */
static bool pde_changed(const struct vtlb *v, int i)
{
	const uint32_t *pde = guest_entry(&v->mem, v->roots[v->slot_of_page[i]].guest_pd +
						   (uint32_t)v->pdx_of_page[i] * 4);

	if (!pde || ((*pde ^ v->derived_pde[i]) & PDE_DEPENDS) || !(*pde & PTE_A))
		return true;
	return !(*pde & PTE_D) && v->larges[i] && has_writable_large(v, i);
}

/* Free the shadow PTs of the root in slot; returns the entries they held. */
static int drop_root_tables(struct vtlb *v, int slot)
{
	int n = 0;

	for (int i = 1; i < v->high_water; i++)
		if (v->pdx_of_page[i] >= 0 && v->slot_of_page[i] == slot) {
			n += v->present[i];
			vtlb_free_pt(v, i);
		}
	return n;
}

/* Free the shadow PTs of the root in slot whose guest PDE changed (entries counted in
 * stats.resync_drops); returns how many shadow PTs went. */
static int drop_changed_tables(struct vtlb *v, int slot)
{
	int n = 0;

	for (int i = 1; i < v->high_water; i++)
		if (v->pdx_of_page[i] >= 0 && v->slot_of_page[i] == slot && pde_changed(v, i)) {
			v->stats.resync_drops += v->present[i];
			vtlb_free_pt(v, i);
			n++;
		}
	return n;
}

/* May shadow entry spte, filled from guest PTE gpte when it was different, stay?
 * Only if gpte still maps the same frame and grants all the entry does: U/S and
 * R/W (with D set, or the entry would let a write leave D clear) and the same G;
 * and only if its A is still set. A guest that clears A (page aging) relies on
 * the next access after an INVLPG or CR3 write setting it again, as the CPU's
 * walk does (SDM Vol3A 4.8 (Accessed and Dirty Flags), 4.10.4.1 (Operations
 * that Invalidate TLBs and Paging-Structure Caches)); a kept entry would not. */
static bool still_given(const struct vtlb *v, uint32_t gpte, uint32_t spte)
{
	if (!(gpte & PTE_P) || !(gpte & PTE_A) || (gpte & PTE_FRAME) != (spte & PTE_FRAME) - v->mem.hpa)
		return false;
	if ((spte & PTE_US) && !(gpte & PTE_US))
		return false;
	if ((spte & PTE_RW) && (gpte & (PTE_RW | PTE_D)) != (PTE_RW | PTE_D))
		return false;
	return !(spte & SPTE_GLOBAL) == !(gpte & PTE_G);
}

/* Bring entry ptx of shadow PT i in line with guest page table gpa: kept if the
 * table still gives it, rewritten from its PTE (vtlb_gives, under the PDE the
 * shadow PT was filled under) or, when the PTE gives no page, dropped. Returns 1
 * when it changed (counted in stats as well), else 0. */
static int sync_entry(struct vtlb *v, int i, uint32_t gpa, uint32_t ptx)
{
	uint32_t spte = pool_page(v, i)[ptx], now = 0;
	const uint32_t *gpte = guest_entry(&v->mem, gpa + ptx * 4);

	if (!(spte & PTE_P) || (gpte && still_given(v, *gpte, spte)))
		return 0;
	if (gpte && !(spte & SPTE_GLOBAL) == !(*gpte & PTE_G)) /* G changed: CR4.PGE decides, a fill knows it */
		now = vtlb_protect_entry(v, vtlb_gives(v, v->derived_pde[i], *gpte, spte & SPTE_GLOBAL));
	vtlb_put_entry(v, i, ptx, now);
	v->hw_flush = true;
	if (now)
		v->stats.resync_updates++;
	else
		v->stats.resync_drops++;
	return 1;
}

/* Bring every entry of shadow PT i in line with guest page table gpa; returns the changes. */
static int sync_entries(struct vtlb *v, int i, uint32_t gpa)
{
	int n = 0;

	for (int ptx = vtlb_next_present(v, i, 0); ptx >= 0; ptx = vtlb_next_present(v, i, ptx + 1))
		n += sync_entry(v, i, gpa, (uint32_t)ptx);
	return n;
}

bool vtlb_root_uses(const struct vtlb *v, int slot, uint32_t gpa)
{
	int f = frame_of(v, gpa);

	if (v->roots[slot].pd_page != NO_PT && v->roots[slot].guest_pd == gpa)
		return true;
	for (int i = f < 0 ? 0 : v->derived_first[f]; i; i = v->derived_next[i])
		if (v->slot_of_page[i] == slot)
			return true;
	return false;
}

int vtlb_sync_table(struct vtlb *v, uint32_t gpa)
{
	int n = 0, f;

	gpa &= PTE_FRAME;
	f = frame_of(v, gpa);
	for (int i = f < 0 ? 0 : v->derived_first[f]; i; i = v->derived_next[i])
		n += sync_entries(v, i, gpa);
	for (int slot = 0; slot < VTLB_ROOTS; slot++)
		if (v->roots[slot].pd_page != NO_PT && v->roots[slot].guest_pd == gpa)
			n += drop_changed_tables(v, slot);
	return n;
}

int vtlb_root_find(const struct vtlb *v, uint32_t guest_pd)
{
	for (int slot = 0; slot < VTLB_ROOTS; slot++)
		if (v->roots[slot].pd_page != NO_PT && v->roots[slot].guest_pd == guest_pd)
			return slot;
	return -1;
}

int vtlb_root_lru(const struct vtlb *v)
{
	int best = -1;

	for (int slot = 0; slot < VTLB_ROOTS; slot++) {
		if (v->roots[slot].pd_page == NO_PT)
			return slot;
		if (slot != v->cur && (best < 0 || v->roots[slot].last_used < v->roots[best].last_used))
			best = slot;
	}
	return best;
}

void vtlb_root_load(struct vtlb *v, int slot, uint32_t guest_pd)
{
	struct vtlb_root *root = &v->roots[slot];

	if (root->pd_page == NO_PT) {
		root->pd_page = (int16_t)vtlb_take_page(v);
		vtlb_claim_page(v, root->pd_page, PD_PAGE, slot);
	} else {
		drop_root_tables(v, slot);
		underive(v, root->guest_pd);
	}
	memset(pool_page(v, root->pd_page), 0, PAGE_SIZE_4K);
	root->guest_pd = guest_pd;
	root->young = true;
	derive(v, guest_pd);
}

void vtlb_root_switch(struct vtlb *v, int slot)
{
	if (slot != v->cur)
		v->roots[v->cur].young = false; /* its first epoch is over */
	v->cur = slot;
	v->roots[slot].last_used = ++v->switches;
	v->hw_flush = true; /* AMD-V: the ASID's TLB entries came from the old root */
}

/* Give the root in slot up: its shadow PTs and PD page go back to the pool. */
static void release_root(struct vtlb *v, int slot)
{
	struct vtlb_root *root = &v->roots[slot];

	drop_root_tables(v, slot);
	underive(v, root->guest_pd);
	v->pdx_of_page[root->pd_page] = FREE_PAGE;
	v->pages_in_use--;
	root->pd_page = NO_PT;
}

void vtlb_cache_reset(struct vtlb *v, const struct guest_mode *now)
{
	for (int slot = 0; slot < VTLB_ROOTS; slot++)
		if (slot != v->cur && v->roots[slot].pd_page != NO_PT)
			release_root(v, slot);
	memset(v->unsync, 0, sizeof(v->unsync));
	memset(v->rewrites, 0, sizeof(v->rewrites));
	v->unsync_count = 0;
	vtlb_root_load(v, v->cur, now->cr0 & CR0_PG ? now->cr3 & PTE_FRAME : VTLB_NO_FRAME);
	v->roots[v->cur].young = false; /* a new paging mode, not a new address space */
	v->hw_flush = true;
}

/* Writes to one protected guest table the hypervisor emulates per epoch (between two CR3
 * writes); the next one unsyncs it. A guest OS's demand fault or copy-on-write fault writes
 * one or two PTEs of the current process's table per epoch: emulated, they cost an exit each
 * and the table needs no sync at the next switch to it. A guest that rewrites a table in a
 * loop spends the budget at once and gets the table unsync, its writes free. */
#define EMULATED_MAX 2

/* Whether the write to protected table gpa is emulated (and counted) rather than the table
 * unsynced: until EMULATED_MAX writes to it in this epoch. */
static bool emulate_write(struct vtlb *v, uint32_t gpa)
{
	int f = frame_of(v, gpa);

	if (v->emulated_in[f] != (uint16_t)v->epoch) { /* a wrapped tag only changes the choice */
		v->emulated_in[f] = (uint16_t)v->epoch;
		v->emulated[f] = 0;
	}
	if (v->emulated[f] >= EMULATED_MAX)
		return false;
	v->emulated[f]++;
	return true;
}

void vtlb_pt_write_done(struct vtlb *v, uint32_t gpa)
{
	uint32_t table = gpa & PTE_FRAME, idx = (gpa & (PAGE_SIZE_4K - 1)) / 4;
	int f = frame_of(v, table);

	v->stats.pt_emulated++;
	for (int i = f < 0 ? 0 : v->derived_first[f]; i; i = v->derived_next[i])
		sync_entry(v, i, table, idx);
	for (int slot = 0; slot < VTLB_ROOTS; slot++) {
		int i = v->roots[slot].pt_of_pdx[idx];

		if (v->roots[slot].pd_page != NO_PT && v->roots[slot].guest_pd == table && i != NO_PT &&
		    pde_changed(v, i)) {
			v->stats.resync_drops += v->present[i];
			vtlb_free_pt(v, i);
		}
	}
}

void vtlb_pt_write_refused(struct vtlb *v, uint32_t gpa)
{
	vtlb_cache_pt_written(v, gpa & PTE_FRAME);
}

enum vtlb_result vtlb_write_to_guest_table(struct vtlb *v, const struct guest_mode *mode, uint32_t gva,
					   uint32_t hw_error, uint32_t *error_code, struct walk *w,
					   bool may_emulate, char *why, size_t why_size)
{
	uint32_t table = v->protected_gpa;
	enum vtlb_result r;

	if (!v->caching || !(hw_error & PFERR_W) || !v->write_protected)
		return VTLB_FILLED;
	v->stats.pt_writes++;
	if (may_emulate && emulate_write(v, table)) {
		w->gpa = table | (w->gpa & (PAGE_SIZE_4K - 1));
		return VTLB_PT_WRITE;
	}
	vtlb_cache_pt_written(v, table);
	v->write_protected = false;
	r = vtlb_fill(v, mode, gva, hw_error, error_code, w);
	if (r == VTLB_FILLED && v->write_protected) {
		snprintf(why, why_size, "lab 6: after vtlb_cache_pt_written(%#x) the guest table is still write-protected: the guest's write to %#x would fault forever",
			 table, gva);
		return VTLB_BAD;
	}
	return r;
}
