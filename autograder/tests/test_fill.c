/*
 * Lab 3: vtlb_fill through vtlb_page_fault. Hidden faults install shadow
 * entries with the guest's rights, writable only once dirty; true faults are
 * reflected with the guest's error code; A and D are set in the guest's
 * entries; paging off maps guest-physical identity.
 */
#include <criterion/criterion.h>

#include "vtlb_fixture.h"

#define GVA   0x00803000u
#define FRAME 0x00300000u

static uint32_t err;
static uint32_t gpa; /* VTLB_DEVICE only */
static char why[200];

static void setup(void) { fixture_setup(16); }

TestSuite(fill, .init = setup, .fini = fixture_teardown);

/* Paging off is given code (lab 1 needs it), not lab 3's: its own suite. */
TestSuite(identity, .init = setup, .fini = fixture_teardown);

static enum vtlb_result fault(const struct guest_mode *mode, uint32_t gva, uint32_t hw_error)
{
	err = 0xDEAD;
	return vtlb_page_fault(&vt, mode, gva, hw_error, &err, &gpa, why, sizeof(why));
}

Test(fill, read_fault_fills_read_only_until_dirty_and_sets_accessed)
{
	struct guest_mode mode = paged(CR0_WP, 0);

	map4k(GVA, FRAME, PTE_P | PTE_RW | PTE_US, PTE_P | PTE_RW | PTE_US);
	cr_assert_eq(fault(&mode, GVA + 0x10, PFERR_U), VTLB_FILLED);
	uint32_t s = vtlb_get_pte(&vt, GVA);
	cr_assert_eq(s & PTE_FRAME, RAM_HPA + FRAME, "frame %#x", s);
	cr_assert(s & PTE_P, "the filled entry must be present (PTE_P): %#x", s);
	cr_assert(s & PTE_US, "a page the guest gives user code needs PTE_US in the shadow: %#x", s);
	cr_assert_not(s & PTE_RW, "clean page must be read-only in the shadow: %#x", s);
	cr_assert(*entry(PD_GPA + PDX(GVA) * 4) & PTE_A, "PDE.A");
	cr_assert(*entry(PT_GPA + PTX(GVA) * 4) & PTE_A, "PTE.A");
	cr_assert_not(*entry(PT_GPA + PTX(GVA) * 4) & PTE_D, "PTE.D after a read");
	cr_assert_eq(vt.stats.hidden_faults, 1, "one hidden fault counted: %llu",
		     (unsigned long long)vt.stats.hidden_faults);
}

Test(fill, write_fault_sets_dirty_and_makes_shadow_writable)
{
	struct guest_mode mode = paged(CR0_WP, 0);

	map4k(GVA, FRAME, PTE_P | PTE_RW | PTE_US, PTE_P | PTE_RW | PTE_US);
	cr_assert_eq(fault(&mode, GVA, PFERR_U), VTLB_FILLED);
	cr_assert_eq(fault(&mode, GVA, PFERR_P | PFERR_W | PFERR_U), VTLB_FILLED);
	cr_assert(*entry(PT_GPA + PTX(GVA) * 4) & PTE_D, "PTE.D after a write");
	cr_assert(vtlb_get_pte(&vt, GVA) & PTE_RW,
		  "after the write set the guest's D, the refill must be writable (PTE_RW): %#x",
		  vtlb_get_pte(&vt, GVA));
}

Test(fill, already_dirty_page_is_writable_at_first_fill)
{
	struct guest_mode mode = paged(CR0_WP, 0);

	map4k(GVA, FRAME, PTE_P | PTE_RW, PTE_P | PTE_RW | PTE_D);
	cr_assert_eq(fault(&mode, GVA, 0), VTLB_FILLED);
	cr_assert(vtlb_get_pte(&vt, GVA) & PTE_RW,
		  "a writable page whose D is already set is writable at its first fill: %#x",
		  vtlb_get_pte(&vt, GVA));
	cr_assert_not(vtlb_get_pte(&vt, GVA) & PTE_US,
		      "a supervisor-only guest page must not get PTE_US: %#x", vtlb_get_pte(&vt, GVA));
}

Test(fill, user_write_to_readonly_pte_is_reflected_with_err_7)
{
	struct guest_mode mode = paged(CR0_WP, 0);

	map4k(GVA, FRAME, PTE_P | PTE_RW | PTE_US, PTE_P | PTE_US);
	cr_assert_eq(fault(&mode, GVA, PFERR_W | PFERR_U), VTLB_REFLECT);
	cr_assert_eq(err, PFERR_P | PFERR_W | PFERR_U, "error %#x", err);
	cr_assert_eq(vtlb_get_pte(&vt, GVA), 0, "no shadow entry for a true fault");
	cr_assert_not(*entry(PT_GPA + PTX(GVA) * 4) & PTE_D, "a true fault sets no D bit");
	cr_assert_eq(vt.stats.true_faults, 1, "one true fault counted: %llu",
		     (unsigned long long)vt.stats.true_faults);
}

Test(fill, not_present_is_reflected_with_the_guests_error_code)
{
	struct guest_mode mode = paged(0, 0);

	cr_assert_eq(fault(&mode, GVA, PFERR_W), VTLB_REFLECT);
	cr_assert_eq(err, PFERR_W, "error %#x", err);
}

Test(fill, supervisor_write_with_wp0_to_readonly_page_is_allowed_supervisor_only)
{
	struct guest_mode mode = paged(0, 0);

	map4k(GVA, FRAME, PTE_P | PTE_US, PTE_P | PTE_US);
	cr_assert_eq(fault(&mode, GVA, PFERR_W), VTLB_FILLED);
	uint32_t s = vtlb_get_pte(&vt, GVA);
	cr_assert(s & PTE_RW,
		  "with CR0.WP clear a supervisor write to a read-only page is allowed, so its entry must be writable (PTE_RW): %#x",
		  s);
	cr_assert_not(s & PTE_US, "must not let user code write: %#x", s);
	cr_assert(*entry(PT_GPA + PTX(GVA) * 4) & PTE_D, "PTE.D after the write");
	/* a later user read refills a user, read-only entry */
	cr_assert_eq(fault(&mode, GVA, PFERR_P | PFERR_U), VTLB_FILLED);
	s = vtlb_get_pte(&vt, GVA);
	cr_assert(s & PTE_US, "the user read's refill gives user code the page (PTE_US): %#x", s);
	cr_assert_not(s & PTE_RW, "the user read's refill is read-only, as the guest's PTE: %#x", s);
}

Test(fill, large_page_sets_pde_accessed_and_dirty)
{
	struct guest_mode mode = paged(CR0_WP, CR4_PSE);

	map4m(0x00C00000, 0x00400000, PTE_P | PTE_RW);
	cr_assert_eq(fault(&mode, 0x00C12345, PFERR_W), VTLB_FILLED);
	uint32_t pde = *entry(PD_GPA + 3 * 4);
	cr_assert(pde & PTE_A, "PDE.A of the 4 MiB page: %#x", pde);
	cr_assert(pde & PTE_D, "PDE.D of the 4 MiB page after a write: %#x", pde);
	uint32_t s = vtlb_get_pte(&vt, 0x00C12345);
	cr_assert_eq(s & PTE_FRAME, RAM_HPA + 0x00412000, "the 4 KiB piece: %#x", s);
	cr_assert(s & SPTE_LARGE, "a piece of a guest 4 MiB page is marked SPTE_LARGE: %#x", s);
	cr_assert(s & PTE_RW, "a write fault on a clean 4 MiB page fills a writable entry at once: %#x", s);
}

Test(fill, global_pages_are_marked_in_the_shadow)
{
	struct guest_mode mode = paged(0, CR4_PGE);

	map4k(GVA, FRAME, PTE_P | PTE_RW, PTE_P | PTE_RW | PTE_G);
	cr_assert_eq(fault(&mode, GVA, 0), VTLB_FILLED);
	cr_assert(vtlb_get_pte(&vt, GVA) & SPTE_GLOBAL,
		  "a guest global page (G with CR4.PGE) is marked SPTE_GLOBAL: %#x", vtlb_get_pte(&vt, GVA));
}

Test(identity, paging_off_maps_identity)
{
	struct guest_mode mode = { 0x11, 0, 0 };

	cr_assert_eq(fault(&mode, 0x00123456, PFERR_W), VTLB_FILLED);
	uint32_t s = vtlb_get_pte(&vt, 0x00123456);
	cr_assert_eq(s & PTE_FRAME, RAM_HPA + 0x00123000);
	cr_assert_eq(s & (PTE_P | PTE_RW | PTE_US), PTE_P | PTE_RW | PTE_US);
}

Test(identity, paging_off_read_maps_read_only_until_a_write)
{
	struct guest_mode mode = { 0x11, 0, 0 };

	cr_assert_eq(fault(&mode, 0x00123456, 0), VTLB_FILLED);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00123000) & (PTE_P | PTE_RW), PTE_P);
	cr_assert_eq(fault(&mode, 0x00123456, PFERR_P | PFERR_W), VTLB_FILLED);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00123000) & (PTE_P | PTE_RW), PTE_P | PTE_RW);
}

Test(identity, not_present_error_on_a_mapped_page_names_the_error_code)
{
	struct guest_mode mode = { 0x11, 0, 0 };

	cr_assert_eq(fault(&mode, 0x00123456, 0), VTLB_FILLED);
	/* The write to the read-only page, reported as if the error code were lost. */
	cr_assert_eq(fault(&mode, 0x00123456, 0), VTLB_BAD);
	cr_assert(strstr(why, "VM_EXIT_INTR_ERROR_CODE"), "%s", why);
}

Test(identity, paging_off_beyond_ram_is_bad)
{
	struct guest_mode mode = { 0x11, 0, 0 };

	cr_assert_eq(fault(&mode, RAM_SIZE, 0), VTLB_BAD);
	cr_assert(strstr(why, "outside its 8 MiB of RAM"), "%s", why);
}

Test(fill, hostile_page_table_pointer_is_bad_and_named)
{
	struct guest_mode mode = paged(0, 0);

	*entry(PD_GPA + PDX(GVA) * 4) = 0x7FFFF000 | PTE_P | PTE_RW;
	cr_assert_eq(fault(&mode, GVA, 0), VTLB_BAD);
	cr_assert(strstr(why, "page table at guest-physical 0x7ffff"), "%s", why);
	cr_assert(strstr(why, "gva 0x803000"), "%s", why);
	cr_assert(strstr(why, "limit 0x800000"), "%s", why);
}

Test(fill, hostile_cr3_is_bad_and_named)
{
	struct guest_mode mode = paged(0, 0);

	mode.cr3 = 0xFFFFF000;
	cr_assert_eq(fault(&mode, GVA, 0), VTLB_BAD);
	cr_assert(strstr(why, "page directory"), "%s", why);
}

Test(fill, supervisor_read_with_wp0_stays_read_only_and_a_later_write_sets_dirty)
{
	struct guest_mode mode = paged(0, 0); /* CR0.WP=0 */

	map4k(GVA, FRAME, PTE_P | PTE_RW, PTE_P); /* read-only, supervisor, clean */
	cr_assert_eq(fault(&mode, GVA, 0), VTLB_FILLED);
	cr_assert_not(vtlb_get_pte(&vt, GVA) & PTE_RW,
		      "after a read the shadow entry must stay read-only, or the write that follows never sets D");
	cr_assert_eq(fault(&mode, GVA, PFERR_P | PFERR_W), VTLB_FILLED);
	cr_assert(*entry(PT_GPA + PTX(GVA) * 4) & PTE_D, "the guest's D bit after the write");
	cr_assert(vtlb_get_pte(&vt, GVA) & PTE_RW,
		  "with CR0.WP clear the supervisor write's refill must be writable (PTE_RW): %#x",
		  vtlb_get_pte(&vt, GVA));
}
