/*
 * The page-fault entry point: what a #PF exit (vtlb_page_fault) or an
 * access the hypervisor emulates (vtlb_access) does to the virtual TLB.
 * With guest paging off the shadow is the identity; with paging on lab 3's
 * vtlb_fill decides, except for an access that reaches device memory
 * (shadow/device.c), which given code recognises from the guest walk and
 * leaves to the hypervisor's emulation. Here the result is checked (a frame
 * outside RAM is refused, a bad walk explained), counted, and a reflected
 * fault drops the faulting page.
 */
#include "shadow/roots.h"

/* Paging off: guest address x is guest-physical x, for every ring; read-only
 * until the first write, so that the fault's error code matters from lab 1 on. */
static enum vtlb_result identity_fill(struct vtlb *v, uint32_t gva, uint32_t hw_error,
				      char *why, size_t why_size)
{
	uint32_t rights = PTE_P | PTE_US | PTE_A;

	if (gva >= v->mem.size && vtlb_is_device(v, gva))
		return VTLB_DEVICE; /* never mapped: the hypervisor emulates the access */
	if (gva >= v->mem.size) {
		snprintf(why, why_size, "accessed guest-physical %#x, outside its %u MiB of RAM",
			 gva, (uint32_t)(v->mem.size / MiB));
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

/* With paging on: true when the guest's tables allow the access (hw_error's W
 * and U) and its frame is device memory. Then *gpa is the address reached, and
 * the guest's entries get A (and D on a write), as the CPU's own walk would
 * set them (SDM Vol3A 4.8); the shadow is left without the page. */
static bool walk_reaches_device(struct vtlb *v, const struct guest_mode *mode, uint32_t gva,
				uint32_t hw_error, uint32_t *gpa)
{
	bool write = hw_error & PFERR_W;
	struct walk w;
	uint32_t *pde, *pte;

	if (!v->device_count || /* no device memory to find: the fill walks alone */
	    gwalk(&v->mem, mode, gva, write, hw_error & PFERR_U, &w) != WALK_BAD_GPA ||
	    w.bad != BAD_PAGE_FRAME || !vtlb_is_device(v, w.bad_gpa))
		return false;
	*gpa = w.bad_gpa | (gva & (PAGE_SIZE_4K - 1));
	pde = guest_entry(&v->mem, w.pde_gpa);
	*pde |= PTE_A | (w.large && write ? PTE_D : 0);
	if (!w.large) {
		pte = guest_entry(&v->mem, w.pte_gpa);
		*pte |= PTE_A | (write ? PTE_D : 0);
	}
	return true;
}

/* Name what lies outside RAM: the guest address, the entries that led there, the limit. */
static void explain_bad(const struct vtlb *v, const struct guest_mode *mode, const struct walk *w,
			uint32_t gva, char *why, size_t why_size)
{
	int n = snprintf(why, why_size, "guest %s at guest-physical %#x is outside its RAM (%u MiB, limit %#x): gva %#x, ",
			 walk_bad_name(w->bad), w->bad_gpa, (uint32_t)(v->mem.size / MiB), v->mem.size, gva);

	if (n < 0 || (size_t)n >= why_size)
		return;
	if (w->bad == BAD_PAGE_DIRECTORY)
		snprintf(why + n, why_size - n, "CR3 %#x", mode->cr3);
	else if (w->bad == BAD_PAGE_FRAME && !w->large)
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

/* Fill the shadow for an access (hw_error's W and U bits; P as the CPU gave it),
 * then refuse a frame outside RAM, count, and invalidate on a reflected fault. */
static enum vtlb_result fill_for_access(struct vtlb *v, const struct guest_mode *mode, uint32_t gva,
					uint32_t hw_error, uint32_t *error_code, uint32_t *gpa,
					bool may_emulate, char *why, size_t why_size)
{
	enum vtlb_result r;
	struct walk w;

	if (!(mode->cr0 & CR0_PG)) {
		r = identity_fill(v, gva, hw_error, why, why_size);
		*gpa = gva;
	} else if (walk_reaches_device(v, mode, gva, hw_error, gpa)) {
		return VTLB_DEVICE; /* before, and without, lab 3's fill */
	} else {
		r = vtlb_fill(v, mode, gva, hw_error, error_code, &w);
		if (r == VTLB_FILLED) /* lab 6: the entry may have met a write-protected guest table */
			r = vtlb_write_to_guest_table(v, mode, gva, hw_error, error_code, &w, may_emulate,
						      why, why_size);
		if (r == VTLB_FILLED) /* lab 6: and its neighbours come along */
			vtlb_prefetch(v, mode, gva);
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
				 uint32_t hw_error, uint32_t *error_code, uint32_t *gpa, char *why,
				 size_t why_size)
{
	enum vtlb_result r;

	if (error_code_contradicts_shadow(v, gva, hw_error, why, why_size))
		return VTLB_BAD;
	r = fill_for_access(v, mode, gva, hw_error, error_code, gpa, true, why, why_size);
	if (r == VTLB_FILLED)
		v->stats.hidden_faults++;
	return r;
}

enum vtlb_result vtlb_access(struct vtlb *v, const struct guest_mode *mode, uint32_t gva, bool write,
			     bool user, uint32_t *gpa, uint32_t *error_code, char *why, size_t why_size)
{
	uint32_t access = (write ? PFERR_W : 0) | (user ? PFERR_U : 0);

	return fill_for_access(v, mode, gva, access, error_code, gpa, false, why, why_size);
}
