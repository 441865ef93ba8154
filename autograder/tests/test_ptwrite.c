/*
 * Lab 6's given emulation of writes to protected guest tables (shadow/roots.c,
 * kernel/ptwrite.c): the first writes to a protected table in an epoch are
 * VTLB_PT_WRITE, carried out by the hypervisor, and the shadows filled from
 * the written entry follow it at once (vtlb_pt_write_done); the table stays
 * protected and needs no sync. Past the budget, or for a write the hypervisor
 * does not emulate (vtlb_pt_write_refused), the table goes unsync
 * (vtlb_cache_pt_written, the reference's).
 */
#include <criterion/criterion.h>

#include "shadow/roots.h"
#include "vtlb_fixture.h"

#define X1     0x00403000u /* PD index 1, PT_GPA entry 3 */
#define XT     0x00413000u /* PD index 1, PT_GPA entry 19: the guest's mapping of PT_GPA */
#define F1     0x00200000u
#define F2     0x00201000u
#define RWX    (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PDE_RW (PTE_P | PTE_RW)
#define BUDGET 2 /* EMULATED_MAX in shadow/roots.c */

static struct guest_mode mode;

static void setup(void)
{
	fixture_setup(64);
	mode = paged(CR0_WP, 0);
	vt.caching = true;
	vtlb_cache_reset(&vt, &mode);
	map4k(X1, F1, PDE_RW, RWX);
	map4k(XT, PT_GPA, PDE_RW, RWX);
}

TestSuite(ptwrite, .init = setup, .fini = fixture_teardown);

/* The CPU's fault for an access to gva; returns the virtual TLB's answer, the address in *gpa. */
static enum vtlb_result fault(uint32_t gva, bool write, uint32_t *gpa)
{
	uint32_t error = 0, hw = (write ? PFERR_W : 0) | (vtlb_get_pte(&vt, gva) & PTE_P ? PFERR_P : 0);
	char why[200];

	return vtlb_page_fault(&vt, &mode, gva, hw, &error, gpa, why, sizeof(why));
}

/* The guest writes value into entry ptx of its table through XT, as the hypervisor carries it out. */
static enum vtlb_result write_entry(uint32_t ptx, uint32_t value)
{
	uint32_t gpa;
	enum vtlb_result r = fault(XT + ptx * 4, true, &gpa);

	if (r == VTLB_PT_WRITE) {
		cr_assert_eq(gpa, PT_GPA + ptx * 4, "VTLB_PT_WRITE names the entry written: %#x, not %#x", PT_GPA + ptx * 4, gpa);
		*entry(gpa) = value;
		vtlb_pt_write_done(&vt, gpa);
	} else {
		*entry(PT_GPA + ptx * 4) = value; /* the table is writable now */
	}
	return r;
}

/* X1 and XT filled: the table PT_GPA is protected. */
static void filled(void)
{
	uint32_t gpa;

	cr_assert_eq(fault(X1, false, &gpa), VTLB_FILLED);
	cr_assert_eq(fault(XT, false, &gpa), VTLB_FILLED);
}

Test(ptwrite, a_write_to_a_protected_table_is_emulated_and_the_shadow_follows_it)
{
	filled();
	cr_assert_eq(write_entry(PTX(X1), F2 | RWX), VTLB_PT_WRITE, "the first write to a protected table is emulated");
	cr_assert_eq(vtlb_get_pte(&vt, X1) & PTE_FRAME, F2 + RAM_HPA,
		     "after an emulated write the shadow of the written entry maps its new frame (rewritten in place)");
	cr_assert_not(vt.unsync[PT_GPA >> 12], "an emulated write leaves the table in sync");
	cr_assert_not(vtlb_get_pte(&vt, XT) & PTE_RW, "and protected");
}

Test(ptwrite, an_emulated_write_that_clears_a_drops_the_entry)
{
	filled();
	write_entry(PTX(X1), F1 | PTE_P | PTE_RW | PTE_D);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "an entry whose A the guest cleared goes, so that the next access sets A (SDM Vol3A 4.8)");
}

Test(ptwrite, the_write_past_the_budget_of_an_epoch_unsyncs_the_table)
{
	filled();
	for (int k = 0; k < BUDGET; k++)
		cr_assert_eq(write_entry(40 + k, 0), VTLB_PT_WRITE, "write %d of %d in an epoch is emulated", k + 1, BUDGET);
	cr_assert_eq(write_entry(50, 0), VTLB_FILLED, "the write after %d emulated ones in one epoch unsyncs the table", BUDGET);
	cr_assert(vt.unsync[PT_GPA >> 12] && (vtlb_get_pte(&vt, XT) & PTE_RW), "unsync and writable");
}

Test(ptwrite, a_new_epoch_gives_the_budget_back)
{
	filled();
	for (int k = 0; k < BUDGET; k++)
		write_entry(40 + k, 0);
	vtlb_new_epoch(&vt, false);
	vtlb_cache_cr3_write(&vt, &mode);
	cr_assert_eq(write_entry(50, 0), VTLB_PT_WRITE, "after a CR3 write the table's writes are emulated again");
}

Test(ptwrite, a_write_the_hypervisor_refuses_unsyncs_the_table)
{
	uint32_t gpa;

	filled();
	cr_assert_eq(fault(XT + 40 * 4, true, &gpa), VTLB_PT_WRITE);
	vtlb_pt_write_refused(&vt, gpa);
	cr_assert(vt.unsync[PT_GPA >> 12], "a write that is not a 4-byte MOV to one entry unsyncs the table");
	cr_assert_eq(fault(XT + 40 * 4, true, &gpa), VTLB_FILLED, "and the guest's retry is filled writable");
	cr_assert(vtlb_get_pte(&vt, XT) & PTE_RW);
}

Test(ptwrite, an_emulated_write_to_a_pde_drops_the_shadow_table_it_changed)
{
	uint32_t gpa;
	const uint32_t xd = XT + PAGE_SIZE_4K; /* the guest maps its directory there */

	map4k(xd, PD_GPA, PDE_RW, RWX);
	filled();
	cr_assert_eq(fault(xd, false, &gpa), VTLB_FILLED);
	cr_assert_eq(fault(xd + PDX(X1) * 4, true, &gpa), VTLB_PT_WRITE, "a write to the protected directory is emulated");
	*entry(gpa) = 0; /* PD index 1 not present any more */
	vtlb_pt_write_done(&vt, gpa);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "the shadow PT under a PDE the guest changed goes at once");
}
