/*
 * Lab 2: the guest page walk. Translate a guest-virtual address through the
 * guest's own 32-bit page tables and decide whether the access is allowed,
 * exactly as the CPU would. The patent's Fig. 2: CR3 -> page directory ->
 * page table -> page frame.
 * SDM Vol3A 4.3 (32-Bit Paging), 4.6 (Access Rights), 4.7 (Page-Fault Exceptions).
 */
#include "shadow/vtlb.h"

#define OFFSET_4K (PAGE_SIZE_4K - 1)
#define OFFSET_4M (PAGE_SIZE_4M - 1)

/* A guest table or frame lies outside RAM. */
static enum walk_status bad(struct walk *w, enum walk_bad what, uint32_t gpa)
{
	w->bad = what;
	w->bad_gpa = gpa;
	return w->status = WALK_BAD_GPA;
}

/* The access faults; the error code says why (0, PFERR_P, or PFERR_P | PFERR_RSVD)
 * and what the access was. SDM Vol3A 4.7 */
static enum walk_status fault(struct walk *w, uint32_t why, bool write, bool user)
{
	w->error_code = why | (write ? PFERR_W : 0) | (user ? PFERR_U : 0);
	return w->status = WALK_FAULT;
}

/* SDM Vol3A 4.6.1: user accesses need U/S=1 everywhere; writes need R/W=1
 * everywhere, except supervisor writes with CR0.WP=0. Fetches are reads
 * (32-bit paging has no execute-disable). */
static bool allowed(const struct walk *w, const struct guest_mode *mode, bool write, bool user)
{
	if (user && !w->user)
		return false;
	if (write && !w->writable && (user || (mode->cr0 & CR0_WP)))
		return false;
	return true;
}

enum walk_status gwalk(const struct guest_mem *mem, const struct guest_mode *mode, uint32_t gva,
		       bool write, bool user, struct walk *w)
{
	const uint32_t *pde, *pte;

	*w = (struct walk){ 0 };
	w->pde_gpa = (mode->cr3 & PTE_FRAME) + PDX(gva) * 4;
	pde = guest_entry(mem, w->pde_gpa);
	if (!pde)
		return bad(w, BAD_PAGE_DIRECTORY, w->pde_gpa);
	w->pde = *pde;
	if (!(w->pde & PTE_P))
		return fault(w, 0, write, user);

	if ((w->pde & PTE_PS) && (mode->cr4 & CR4_PSE)) {
		w->large = true;
		if (w->pde & PDE_RSVD_4M) /* SDM Vol3A 4.7: a reserved bit faults, whatever the rights */
			return fault(w, PFERR_P | PFERR_RSVD, write, user);
		w->user = w->pde & PTE_US;
		w->writable = w->pde & PTE_RW;
		w->global = (w->pde & PTE_G) && (mode->cr4 & CR4_PGE);
		w->gpa = (w->pde & PDE_FRAME_4M) | (gva & OFFSET_4M);
	} else {
		w->pte_gpa = (w->pde & PTE_FRAME) + PTX(gva) * 4;
		pte = guest_entry(mem, w->pte_gpa);
		if (!pte)
			return bad(w, BAD_PAGE_TABLE, w->pte_gpa);
		w->pte = *pte;
		if (!(w->pte & PTE_P))
			return fault(w, 0, write, user);
		w->user = (w->pde & PTE_US) && (w->pte & PTE_US);
		w->writable = (w->pde & PTE_RW) && (w->pte & PTE_RW);
		w->global = (w->pte & PTE_G) && (mode->cr4 & CR4_PGE);
		w->gpa = (w->pte & PTE_FRAME) | (gva & OFFSET_4K);
	}
	if (!allowed(w, mode, write, user))
		return fault(w, PFERR_P, write, user);
	if (w->gpa >= mem->size)
		return bad(w, BAD_PAGE_FRAME, w->gpa & PTE_FRAME);
	return w->status = WALK_OK;
}
