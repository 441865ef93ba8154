/*
 * Lab 3: filling the virtual TLB. A page fault in the guest is "hidden" when
 * the guest's own tables allow the access and only the shadow lacks it: fill
 * the shadow entry and re-execute, the guest never knows. Otherwise it is
 * the guest's own fault: reflect it with the error code its tables give.
 * Accessed and dirty bits are the hypervisor's job now, because the CPU
 * walks the shadow, not the guest's tables: set A on every fill, D on a
 * write, and keep the shadow entry read-only until D is set so that the
 * first write comes back here.
 * US 6,907,600, Fig. 6 (virtual TLB 604 beside the guest hierarchy 602);
 * SDM Vol3A 4.8 (Accessed and Dirty Flags).
 */
#include "shadow/vtlb.h"

/* Set A in the guest entries of a successful walk, and D for a write. */
static void set_accessed_dirty(struct vtlb *v, struct walk *w, bool write)
{
	uint32_t *pde = guest_entry(&v->mem, w->pde_gpa);

	*pde |= PTE_A;
	if (w->large) {
		if (write)
			*pde |= PTE_D;
	} else {
		uint32_t *pte = guest_entry(&v->mem, w->pte_gpa);

		*pte |= PTE_A | (write ? PTE_D : 0);
		w->pte = *pte;
	}
	w->pde = *pde;
}

/* The shadow entry for a walk: the guest's rights, writable only once dirty. */
static uint32_t shadow_entry(const struct vtlb *v, const struct guest_mode *mode,
			     const struct walk *w, bool write, bool user)
{
	bool dirty = (w->large ? w->pde : w->pte) & PTE_D;
	uint32_t e = vtlb_host_frame(v, w->gpa) | PTE_P | PTE_A;

	if (w->user)
		e |= PTE_US;
	if (w->writable && dirty)
		e |= PTE_RW | PTE_D;
	/* CR0.WP=0 lets the guest kernel write a read-only page, but the CPU runs
	 * with WP=1: allow the write in a supervisor-only entry. A later user
	 * access faults again and refills a user entry. */
	if (!(mode->cr0 & CR0_WP) && write && !user && !w->writable)
		e = (e & ~PTE_US) | PTE_RW | PTE_D;
	if (w->global)
		e |= SPTE_GLOBAL;
	if (w->large)
		e |= SPTE_LARGE;
	return e;
}

enum vtlb_result vtlb_fill(struct vtlb *v, const struct guest_mode *mode, uint32_t gva,
			   uint32_t hw_error, uint32_t *error_code, struct walk *w)
{
	bool write = hw_error & PFERR_W, user = hw_error & PFERR_U;

	switch (gwalk(&v->mem, mode, gva, write, user, w)) {
	case WALK_BAD_GPA:
		return VTLB_BAD;
	case WALK_FAULT:
		*error_code = w->error_code;
		return VTLB_REFLECT;
	case WALK_OK:
		break;
	}
	set_accessed_dirty(v, w, write);
	vtlb_set_pte(v, gva, shadow_entry(v, mode, w, write, user));
	return VTLB_FILLED;
}
