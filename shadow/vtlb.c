/*
 * The virtual TLB's given parts: the bounded pool of shadow pages, installing
 * and dropping shadow entries, the identity shadow of a guest with paging
 * off, and the page-fault entry point that counts what happened.
 *
 * Shadow layout: a shadow page directory (root 0's is pool page 0; the
 * current root's is the real CR3) whose entries point to shadow page tables
 * from the pool. Lab 6 keeps up to VTLB_ROOTS roots, one per guest address
 * space; without it only root 0 exists. Every shadow entry maps
 * 4 KiB, even where the guest used a 4 MiB page (SPTE_LARGE marks those), so
 * the CPU runs the guest with plain 32-bit paging and CR4.PSE off.
 */
#include "shadow/pool.h"

#define SPDE_FLAGS (PTE_P | PTE_RW | PTE_US | PTE_A) /* rights live in the shadow PTEs */

/* The current root's shadow page directory. */
static uint32_t *shadow_pd(const struct vtlb *v)
{
	return pool_page(v, v->roots[v->cur].pd_page);
}

/* The current root's pool page of the shadow PT at PD index pdx, or NO_PT. */
static int pt_page(const struct vtlb *v, uint32_t pdx)
{
	return v->roots[v->cur].pt_of_pdx[pdx];
}

void vtlb_init(struct vtlb *v, struct guest_mem mem, uint8_t *pool, uint32_t pool_hpa, int pages)
{
	memset(v, 0, sizeof(*v));
	v->mem = mem;
	v->pool = pool;
	v->pool_hpa = pool_hpa;
	v->pool_pages = pages < VTLB_POOL_MAX ? pages : VTLB_POOL_MAX;
	for (int r = 0; r < VTLB_ROOTS; r++) {
		v->roots[r].pd_page = NO_PT;
		for (int i = 0; i < ENTRIES; i++)
			v->roots[r].pt_of_pdx[i] = NO_PT;
	}
	v->roots[0].pd_page = 0;
	v->roots[0].guest_pd = VTLB_NO_FRAME; /* paging off: the identity shadow */
	for (int i = 0; i < VTLB_POOL_MAX; i++) {
		v->pdx_of_page[i] = FREE_PAGE;
		v->derived_from[i] = VTLB_NO_FRAME;
		v->written_lo[i] = ENTRIES; /* the pool comes zeroed */
	}
	v->high_water = 1;
	v->pdx_of_page[0] = ROOT_PAGE;
	v->pages_in_use = 1;
	v->stats.pages_peak = 1;
	v->clock = 1;
	v->epoch = 1; /* the zeroed slots of seen[] belong to no epoch */
	memset(shadow_pd(v), 0, PAGE_SIZE_4K);
}

uint32_t vtlb_root(const struct vtlb *v)
{
	return v->pool_hpa + (uint32_t)v->roots[v->cur].pd_page * PAGE_SIZE_4K;
}

uint32_t vtlb_host_frame(const struct vtlb *v, uint32_t gpa)
{
	return v->mem.hpa + (gpa & PTE_FRAME);
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

/* A shadow PT without entries (vtlb_drop_all keeps them in their PD slots), or -1. */
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

/* Pool page of the shadow PT for PD slot pdx, allocated (zeroed) when missing, for entries like spte. */
static int shadow_pt(struct vtlb *v, uint32_t pdx, uint32_t spte)
{
	struct vtlb_root *root = &v->roots[v->cur];
	int i = root->pt_of_pdx[pdx];

	if (i != NO_PT)
		return i;
	i = vtlb_take_page(v);
	vtlb_claim_page(v, i, (int)pdx, v->cur);
	root->pt_of_pdx[pdx] = (int16_t)i;
	pool_page(v, root->pd_page)[pdx] = (v->pool_hpa + (uint32_t)i * PAGE_SIZE_4K) | SPDE_FLAGS;
	if (v->caching)
		vtlb_note_derived(v, i, spte);
	return i;
}

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
	uint32_t page = gva >> 12, tag = global ? 0x80000000u | v->global_epoch : v->epoch;
	uint32_t h = (page * 2654435761u) % VTLB_SEEN;

	for (int probe = 0; probe < 8; probe++) {
		typeof(&v->seen[0]) s = &v->seen[(h + probe) % VTLB_SEEN];

		if (s->tag == tag && s->page == page)
			return true;
		if (s->tag != tag && s->tag != (0x80000000u | v->global_epoch)) {
			s->page = page; /* a slot of an earlier epoch: take it */
			s->tag = tag;
			return false;
		}
	}
	return false; /* too many pages this epoch: stop counting rather than guess */
}

/* Whether host frame hpa holds this VM's RAM. */
static bool frame_in_ram(const struct vtlb *v, uint32_t hpa)
{
	return (hpa & PTE_FRAME) - v->mem.hpa < v->mem.size; /* below hpa wraps to large */
}

void vtlb_set_pte(struct vtlb *v, uint32_t gva, uint32_t spte)
{
	int i;

	if ((spte & PTE_P) && !frame_in_ram(v, spte)) {
		v->refused_gva = gva;
		v->refused_spte = spte;
		return;
	}
	if (v->caching)
		spte = vtlb_protect_entry(v, spte);
	i = shadow_pt(v, PDX(gva), spte);
	if (!(pool_page(v, i)[PTX(gva)] & PTE_P)) {
		v->stats.new_entries++;
		v->stats.refills += seen_before(v, gva, spte & SPTE_GLOBAL);
	}
	vtlb_put_entry(v, i, PTX(gva), spte);
}

uint32_t vtlb_get_pte(const struct vtlb *v, uint32_t gva)
{
	int i = pt_page(v, PDX(gva));

	return i == NO_PT ? 0 : pool_page(v, i)[PTX(gva)];
}

int vtlb_drop_page(struct vtlb *v, uint32_t gva)
{
	int i = pt_page(v, PDX(gva));

	if (i == NO_PT || !(pool_page(v, i)[PTX(gva)] & PTE_P))
		return 0;
	vtlb_put_entry(v, i, PTX(gva), 0);
	v->hw_flush = true;
	return 1;
}

int vtlb_drop_large(struct vtlb *v, uint32_t gva)
{
	int i = pt_page(v, PDX(gva)), n = 0;

	if (i == NO_PT)
		return 0;
	for_each_present(v, i, ptx)
		if (pool_page(v, i)[ptx] & SPTE_LARGE) {
			vtlb_put_entry(v, i, ptx, 0);
			n++;
		}
	if (n)
		v->hw_flush = true;
	return n;
}

/* Drop the non-global entries of pool page i's PT, which holds some global ones. */
static int drop_non_global(struct vtlb *v, int i)
{
	int n = 0;

	for_each_present(v, i, ptx) {
		uint32_t e = pool_page(v, i)[ptx];

		if (!(e & SPTE_GLOBAL)) {
			vtlb_put_entry(v, i, ptx, 0);
			n++;
		}
	}
	return n;
}

int vtlb_drop_all(struct vtlb *v, bool keep_global)
{
	int n = 0;

	/* Page tables without entries to keep are emptied in place: the next address
	 * space mostly uses the same PD slots, so they are filled again at once. */
	for (int i = 1; i < v->high_water; i++) {
		if (v->pdx_of_page[i] < 0)
			continue;
		if (keep_global && v->globals[i]) {
			if (v->present[i] > v->globals[i]) /* else nothing to drop */
				n += drop_non_global(v, i);
		} else if (v->caching) {
			n += v->present[i];
			vtlb_free_pt(v, i); /* lab 6: a table kept would keep its guest table protected */
		} else if (v->present[i]) {
			n += v->present[i];
			zero_written(v, i);
			v->present[i] = v->globals[i] = 0;
			v->emptied++;
		}
	}
	if (n)
		v->hw_flush = true;
	return n;
}

/* Paging off: guest address x is guest-physical x, for every ring; read-only
 * until the first write, so that the fault's error code matters from lab 1 on. */
static enum vtlb_result identity_fill(struct vtlb *v, uint32_t gva, uint32_t hw_error,
				      char *why, size_t why_size)
{
	uint32_t rights = PTE_P | PTE_US | PTE_A;

	if (gva >= v->mem.size) {
		snprintf(why, why_size, "accessed guest-physical %#x, outside its %u MiB of RAM",
			 gva, v->mem.size >> 20);
		return VTLB_BAD;
	}
	if (hw_error & (PFERR_W | PFERR_P)) /* on a present identity page only writes fault */
		rights |= PTE_RW | PTE_D;
	vtlb_set_pte(v, gva, vtlb_host_frame(v, gva) | rights);
	return VTLB_FILLED;
}

/* A not-present fault on a page the shadow maps cannot happen (entries change
 * only between exits, and VM entry flushes the TLB): the exit's error code is wrong. */
static bool error_code_contradicts_shadow(const struct vtlb *v, uint32_t gva, uint32_t hw_error,
					  char *why, size_t why_size)
{
	uint32_t spte = vtlb_get_pte(v, gva);

	if ((hw_error & PFERR_P) || !(spte & PTE_P))
		return false;
	snprintf(why, why_size, "#PF at %#x with error code 0x%x (not present), but the shadow maps it (%#x): the exit's error code is wrong (lab 1: VM_EXIT_INTR_ERROR_CODE)",
		 gva, hw_error, spte);
	return true;
}

/* Name what lies outside RAM: the guest address, the entries that led there, the limit. */
static void explain_bad(const struct vtlb *v, const struct guest_mode *mode, const struct walk *w,
			uint32_t gva, char *why, size_t why_size)
{
	int n = snprintf(why, why_size, "guest %s at guest-physical %#x is outside its RAM (%u MiB, limit %#x): gva %#x, ",
			 w->bad, w->bad_gpa, v->mem.size >> 20, v->mem.size, gva);

	if (n < 0 || (size_t)n >= why_size)
		return;
	if (!strcmp(w->bad, "page directory"))
		snprintf(why + n, why_size - n, "CR3 %#x", mode->cr3);
	else if (!strcmp(w->bad, "page frame") && !w->large)
		snprintf(why + n, why_size - n, "PDE %#x, PTE %#x", w->pde, w->pte);
	else
		snprintf(why + n, why_size - n, "PDE %#x", w->pde);
}

/* A page fault invalidates the faulting page's translations, every piece of a
 * large page included, so a handler that remaps it sees the new frame. SDM Vol3A 4.10.4.1 */
static void drop_faulting_page(struct vtlb *v, uint32_t gva)
{
	if (vtlb_get_pte(v, gva) & SPTE_LARGE)
		vtlb_drop_large(v, gva);
	else
		vtlb_drop_page(v, gva);
}

/* Lab 6: a write the guest's tables allow met a guest page table that the
 * shadow maps read-only (shadow/roots.c): lab 6 notes the table as written,
 * and the fill is redone, writable now. */
static __attribute__((noinline, cold)) enum vtlb_result write_to_guest_table(struct vtlb *v, const struct guest_mode *mode, uint32_t gva,
					     uint32_t hw_error, uint32_t *error_code, struct walk *w,
					     char *why, size_t why_size)
{
	uint32_t table = v->protected_gpa;
	enum vtlb_result r;

	v->stats.pt_writes++;
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

/* Fill the shadow for an access (hw_error's W and U bits; P as the CPU gave it),
 * then refuse a frame outside RAM, count, and invalidate on a reflected fault. */
static inline __attribute__((always_inline)) enum vtlb_result fill_for_access(struct vtlb *v, const struct guest_mode *mode, uint32_t gva,
					uint32_t hw_error, uint32_t *error_code, uint32_t *gpa,
					char *why, size_t why_size)
{
	enum vtlb_result r;
	struct walk w;

	if (!(mode->cr0 & CR0_PG_BIT)) {
		r = identity_fill(v, gva, hw_error, why, why_size);
		*gpa = gva;
	} else {
		v->write_protected = false;
		r = vtlb_fill(v, mode, gva, hw_error, error_code, &w);
		if (r == VTLB_FILLED && v->caching && (hw_error & PFERR_W) && v->write_protected)
			r = write_to_guest_table(v, mode, gva, hw_error, error_code, &w, why, why_size);
		if (r == VTLB_BAD && w.status == WALK_BAD_GPA)
			explain_bad(v, mode, &w, gva, why, why_size);
		*gpa = w.gpa;
	}
	if (v->refused_spte) {
		snprintf(why, why_size, "a shadow entry for gva %#x would map host frame %#x, outside this VM's RAM (guest-physical %#x, limit %#x): refused (check the frame test in gwalk and vtlb_fill)",
			 v->refused_gva, v->refused_spte & PTE_FRAME, (v->refused_spte & PTE_FRAME) - v->mem.hpa,
			 v->mem.size);
		v->refused_spte = 0;
		return VTLB_BAD;
	}
	if (r == VTLB_REFLECT) {
		v->stats.true_faults++;
		drop_faulting_page(v, gva);
	}
	return r;
}

enum vtlb_result vtlb_page_fault(struct vtlb *v, const struct guest_mode *mode, uint32_t gva,
				 uint32_t hw_error, uint32_t *error_code, char *why, size_t why_size)
{
	enum vtlb_result r;
	uint32_t gpa;

	if (error_code_contradicts_shadow(v, gva, hw_error, why, why_size))
		return VTLB_BAD;
	r = fill_for_access(v, mode, gva, hw_error, error_code, &gpa, why, why_size);
	if (r == VTLB_FILLED)
		v->stats.hidden_faults++;
	return r;
}

enum vtlb_result vtlb_access(struct vtlb *v, const struct guest_mode *mode, uint32_t gva, bool write,
			     bool user, uint32_t *gpa, uint32_t *error_code, char *why, size_t why_size)
{
	uint32_t access = (write ? PFERR_W : 0) | (user ? PFERR_U : 0);

	return fill_for_access(v, mode, gva, access, error_code, gpa, why, why_size);
}
