/*
 * The virtual TLB's entries: installing, looking up and dropping shadow
 * entries, in the shadow tables of the current root.
 *
 * Shadow layout: a shadow page directory (root 0's is pool page 0; the
 * current root's is the real CR3, vtlb_cr3()) whose entries point to shadow
 * page tables from the pool (shadow/pool.c). Lab 6 keeps up to VTLB_ROOTS
 * roots, one per guest address space; without it only root 0 exists. Every
 * shadow entry maps 4 KiB, even where the guest used a 4 MiB page
 * (SPTE_LARGE marks those), so the CPU runs the guest with plain 32-bit
 * paging and CR4.PSE off.
 */
#include "shadow/pool.h"
#include "shadow/refills.h"
#include "shadow/roots.h"

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
	for (int slot = 0; slot < VTLB_ROOTS; slot++) {
		v->roots[slot].pd_page = NO_PT;
		for (int i = 0; i < ENTRIES; i++)
			v->roots[slot].pt_of_pdx[i] = NO_PT;
	}
	v->roots[0].pd_page = 0;
	v->roots[0].guest_pd = VTLB_NO_FRAME; /* paging off: the identity shadow */
	for (int i = 0; i < VTLB_POOL_MAX; i++) {
		v->pdx_of_page[i] = FREE_PAGE;
		v->derived_from[i] = VTLB_NO_FRAME;
		v->written_lo[i] = ENTRIES; /* the pool comes zeroed */
	}
	v->high_water = 1;
	v->pdx_of_page[0] = PD_PAGE;
	v->pages_in_use = 1;
	v->stats.pages_peak = 1;
	v->clock = 1;
	v->epoch = 1; /* the zeroed slots of seen[] belong to no epoch */
	memset(shadow_pd(v), 0, PAGE_SIZE_4K);
}

uint32_t vtlb_cr3(const struct vtlb *v)
{
	return pool_page_hpa(v, v->roots[v->cur].pd_page);
}

/* Pool page of the shadow PT for PD index pdx, allocated (zeroed) when missing, for entries like spte. */
static int shadow_pt(struct vtlb *v, uint32_t pdx, uint32_t spte)
{
	struct vtlb_root *root = &v->roots[v->cur];
	int i = root->pt_of_pdx[pdx];

	if (i != NO_PT)
		return i;
	i = vtlb_take_page(v);
	vtlb_claim_page(v, i, (int)pdx, v->cur);
	root->pt_of_pdx[pdx] = (int16_t)i;
	pool_page(v, root->pd_page)[pdx] = pool_page_hpa(v, i) | SPDE_FLAGS;
	vtlb_note_derived(v, i, spte);
	return i;
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
	i = shadow_pt(v, PDX(gva), spte);
	spte = vtlb_protect_entry(v, spte); /* after shadow_pt: a new shadow PT may protect this very frame */
	if (!(pool_page(v, i)[PTX(gva)] & PTE_P))
		vtlb_count_new_entry(v, gva, spte);
	vtlb_put_entry(v, i, PTX(gva), spte);
}

uint32_t vtlb_get_pte(const struct vtlb *v, uint32_t gva)
{
	int i = pt_page(v, PDX(gva));

	return i == NO_PT ? 0 : pool_page(v, i)[PTX(gva)];
}

uint32_t vtlb_get_pde(const struct vtlb *v, uint32_t pdx)
{
	return shadow_pd(v)[pdx];
}

bool vtlb_next_pde(const struct vtlb *v, struct vtlb_cursor *c)
{
	for (; c->next < ENTRIES; c->next++)
		if (shadow_pd(v)[c->next] & PTE_P) {
			c->index = c->next++;
			c->entry = shadow_pd(v)[c->index];
			c->pt_page = pt_page(v, c->index);
			return true;
		}
	return false;
}

bool vtlb_next_pte(const struct vtlb *v, uint32_t pdx, struct vtlb_cursor *c)
{
	int i = pt_page(v, pdx);

	for (; i != NO_PT && c->next < ENTRIES; c->next++)
		if (pool_page(v, i)[c->next] & PTE_P) {
			c->index = c->next++;
			c->entry = pool_page(v, i)[c->index];
			c->pt_page = i;
			return true;
		}
	return false;
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

	if (i == NO_PT || !v->larges[i])
		return 0; /* most INVLPGs: no piece of a 4 MiB page to look for */
	for (int ptx = vtlb_next_present(v, i, 0); ptx >= 0; ptx = vtlb_next_present(v, i, ptx + 1))
		if (pool_page(v, i)[ptx] & SPTE_LARGE) {
			vtlb_put_entry(v, i, (uint32_t)ptx, 0);
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

	for (int ptx = vtlb_next_present(v, i, 0); ptx >= 0; ptx = vtlb_next_present(v, i, ptx + 1))
		if (!(pool_page(v, i)[ptx] & SPTE_GLOBAL)) {
			vtlb_put_entry(v, i, (uint32_t)ptx, 0);
			n++;
		}
	return n;
}

int vtlb_drop_all(struct vtlb *v, bool keep_global)
{
	int n = 0;

	/* Page tables without entries to keep are emptied in place: the next address
	 * space mostly uses the same PD entries, so they are filled again at once. */
	for (int i = 1; i < v->high_water; i++) {
		if (v->pdx_of_page[i] < 0)
			continue;
		if (keep_global && v->globals[i]) {
			if (v->present[i] > v->globals[i]) /* else nothing to drop */
				n += drop_non_global(v, i);
		} else {
			n += v->present[i];
			if (!vtlb_free_emptied(v, i)) /* lab 6 frees it instead */
				vtlb_empty_pt(v, i);
		}
	}
	if (n)
		v->hw_flush = true;
	return n;
}
