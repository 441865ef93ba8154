/*
 * Lab 2: gwalk. The rights table is exhaustive: every combination of PDE
 * and PTE P, R/W, U/S, of user/supervisor, read/write and CR0.WP, for 4 KiB
 * and 4 MiB pages, checked against the rules of SDM Vol3A 4.6 written out
 * here as a table of allowed cases, independently of the code under test.
 */
#include <criterion/criterion.h>

#include "vtlb_fixture.h"

#define GVA   0x00403123u /* PD index 1, PT index 3 */
#define FRAME 0x00200000u

static void setup(void) { fixture_setup(16); }

TestSuite(walk, .init = setup, .fini = fixture_teardown);

/* SDM Vol3A 4.6.1 as cases: may this access go through? (All levels present.) */
static bool sdm_allows(bool both_user, bool both_writable, bool user, bool write, bool wp)
{
	if (!user && !write)
		return true;                             /* supervisor read: always */
	if (!user && write)
		return both_writable || !wp;             /* supervisor write */
	if (user && !write)
		return both_user;                        /* user read */
	return both_user && both_writable;           /* user write */
}

Test(walk, every_4k_rights_combination_matches_the_sdm)
{
	for (uint32_t bits = 0; bits < (1u << 10); bits++) {
		bool pde_p = bits & 1, pde_w = bits & 2, pde_u = bits & 4;
		bool pte_p = bits & 8, pte_w = bits & 16, pte_u = bits & 32;
		bool user = bits & 64, write = bits & 128, wp = bits & 256, pse = bits & 512;
		struct guest_mode mode = paged(wp ? CR0_WP : 0, pse ? CR4_PSE : 0);
		struct walk w;

		map4k(GVA, FRAME, (pde_p ? PTE_P : 0) | (pde_w ? PTE_RW : 0) | (pde_u ? PTE_US : 0),
		      (pte_p ? PTE_P : 0) | (pte_w ? PTE_RW : 0) | (pte_u ? PTE_US : 0));
		enum walk_status s = gwalk(&mem, &mode, GVA, write, user, &w);
		uint32_t access = (write ? PFERR_W : 0) | (user ? PFERR_U : 0);

		if (!pde_p || !pte_p) {
			cr_assert_eq(s, WALK_FAULT, "bits %#x: not present must fault", bits);
			cr_assert_eq(w.error_code, access, "bits %#x: error %#x", bits, w.error_code);
		} else if (sdm_allows(pde_u && pte_u, pde_w && pte_w, user, write, wp)) {
			cr_assert_eq(s, WALK_OK, "bits %#x: allowed access faulted (%#x)", bits, w.error_code);
			cr_assert_eq(w.gpa, FRAME | (GVA & 0xFFF), "bits %#x: gpa %#x", bits, w.gpa);
			cr_assert_eq(w.user, pde_u && pte_u, "bits %#x: user", bits);
			cr_assert_eq(w.writable, pde_w && pte_w, "bits %#x: writable", bits);
		} else {
			cr_assert_eq(s, WALK_FAULT, "bits %#x: forbidden access allowed", bits);
			cr_assert_eq(w.error_code, access | PFERR_P, "bits %#x: error %#x", bits, w.error_code);
		}
	}
}

Test(walk, every_4m_rights_combination_matches_the_sdm)
{
	for (uint32_t bits = 0; bits < (1u << 6); bits++) {
		bool pde_w = bits & 1, pde_u = bits & 2, user = bits & 4, write = bits & 8, wp = bits & 16;
		bool present = bits & 32;
		struct guest_mode mode = paged(wp ? CR0_WP : 0, CR4_PSE);
		struct walk w;

		map4m(GVA, 0x00400000, (present ? PTE_P : 0) | (pde_w ? PTE_RW : 0) | (pde_u ? PTE_US : 0));
		enum walk_status s = gwalk(&mem, &mode, GVA, write, user, &w);
		uint32_t access = (write ? PFERR_W : 0) | (user ? PFERR_U : 0);

		if (!present) {
			cr_assert_eq(s, WALK_FAULT, "bits %#x", bits);
			cr_assert_eq(w.error_code, access, "bits %#x: error %#x", bits, w.error_code);
		} else if (sdm_allows(pde_u, pde_w, user, write, wp)) {
			cr_assert_eq(s, WALK_OK, "bits %#x: allowed access faulted", bits);
			cr_assert_eq(w.gpa, 0x00400000 | (GVA & 0x3FFFFF), "bits %#x: gpa %#x", bits, w.gpa);
			cr_assert(w.large, "bits %#x: a 4 MiB page", bits);
			cr_assert_eq(w.pte_gpa, 0, "bits %#x: no PTE for a 4 MiB page", bits);
		} else {
			cr_assert_eq(s, WALK_FAULT, "bits %#x: forbidden access allowed", bits);
			cr_assert_eq(w.error_code, access | PFERR_P, "bits %#x: error %#x", bits, w.error_code);
		}
	}
}

Test(walk, ps_bit_is_ignored_without_cr4_pse)
{
	struct guest_mode mode = paged(0, 0);
	struct walk w;

	/* PS=1 but CR4.PSE=0: the PDE points to a page table at PT_GPA. */
	*entry(PD_GPA + PDX(GVA) * 4) = PT_GPA | PTE_PS | PTE_P | PTE_RW;
	*entry(PT_GPA + PTX(GVA) * 4) = FRAME | PTE_P | PTE_RW;
	cr_assert_eq(gwalk(&mem, &mode, GVA, false, false, &w), WALK_OK);
	cr_assert_eq(w.gpa, FRAME | 0x123);
	cr_assert_not(w.large);
}

Test(walk, walk_sets_no_accessed_or_dirty_bits)
{
	struct guest_mode mode = paged(CR0_WP, 0);
	struct walk w;

	map4k(GVA, FRAME, PTE_P | PTE_RW | PTE_US, PTE_P | PTE_RW | PTE_US);
	cr_assert_eq(gwalk(&mem, &mode, GVA, true, true, &w), WALK_OK);
	cr_assert_eq(*entry(PD_GPA + 4) & (PTE_A | PTE_D), 0);
	cr_assert_eq(*entry(PT_GPA + 12) & (PTE_A | PTE_D), 0);
}

Test(walk, global_needs_cr4_pge)
{
	struct guest_mode with = paged(0, CR4_PGE), without = paged(0, 0);
	struct walk w;

	map4k(GVA, FRAME, PTE_P | PTE_RW, PTE_P | PTE_RW | PTE_G);
	cr_assert_eq(gwalk(&mem, &with, GVA, false, false, &w), WALK_OK);
	cr_assert(w.global);
	cr_assert_eq(gwalk(&mem, &without, GVA, false, false, &w), WALK_OK);
	cr_assert_not(w.global);
}

Test(walk, page_directory_outside_ram_is_bad)
{
	struct guest_mode mode = paged(0, 0);
	struct walk w;

	mode.cr3 = 0x09000000; /* 144 MiB, beyond the 8 MiB of RAM */
	cr_assert_eq(gwalk(&mem, &mode, GVA, false, false, &w), WALK_BAD_GPA);
	cr_assert_eq(w.bad, BAD_PAGE_DIRECTORY, "bad: %s", walk_bad_name(w.bad));
	cr_assert_eq(w.bad_gpa, 0x09000000 + PDX(GVA) * 4);
}

Test(walk, page_table_outside_ram_is_bad)
{
	struct guest_mode mode = paged(0, 0);
	struct walk w;

	*entry(PD_GPA + PDX(GVA) * 4) = 0xFFFFF000 | PTE_P | PTE_RW;
	cr_assert_eq(gwalk(&mem, &mode, GVA, false, false, &w), WALK_BAD_GPA);
	cr_assert_eq(w.bad, BAD_PAGE_TABLE, "bad: %s", walk_bad_name(w.bad));
	cr_assert_eq(w.bad_gpa, 0xFFFFF000 + PTX(GVA) * 4, "bad_gpa %#x: the PTE's address", w.bad_gpa);
}

Test(walk, page_frame_outside_ram_is_bad)
{
	struct guest_mode mode = paged(0, 0);
	struct walk w;

	map4k(GVA, 0x7FFFF000, PTE_P | PTE_RW, PTE_P | PTE_RW);
	cr_assert_eq(gwalk(&mem, &mode, GVA, false, false, &w), WALK_BAD_GPA);
	cr_assert_eq(w.bad, BAD_PAGE_FRAME, "bad: %s", walk_bad_name(w.bad));
	cr_assert_eq(w.bad_gpa, 0x7FFFF000);
}

Test(walk, forbidden_access_faults_even_if_frame_is_outside_ram)
{
	struct guest_mode mode = paged(CR0_WP, 0);
	struct walk w;

	map4k(GVA, 0x7FFFF000, PTE_P, PTE_P); /* supervisor-only, read-only */
	cr_assert_eq(gwalk(&mem, &mode, GVA, false, true, &w), WALK_FAULT);
	cr_assert_eq(w.error_code, PFERR_P | PFERR_U);
}

Test(walk, self_referencing_directory_maps_itself)
{
	struct guest_mode mode = paged(0, 0);
	struct walk w;

	/* PDE 1023 points to the directory itself: 0xFFC00000 + 4 KiB * i reads table i. */
	*entry(PD_GPA + 1023 * 4) = PD_GPA | PTE_P | PTE_RW;
	*entry(PD_GPA + 1 * 4) = PT_GPA | PTE_P | PTE_RW;
	cr_assert_eq(gwalk(&mem, &mode, 0xFFC01000, false, false, &w), WALK_OK);
	cr_assert_eq(w.gpa, PT_GPA, "the page table of PD slot 1: %#x", w.gpa);
	cr_assert_eq(gwalk(&mem, &mode, 0xFFFFF000, false, false, &w), WALK_OK);
	cr_assert_eq(w.gpa, PD_GPA, "the directory itself: %#x", w.gpa);
}

Test(walk, frame_just_inside_ram_is_ok_and_at_its_end_is_bad)
{
	struct guest_mode mode = paged(0, 0);
	struct walk w;

	map4k(0x00403000, RAM_SIZE - 0x1000, PTE_P | PTE_RW, PTE_P | PTE_RW);
	cr_assert_eq(gwalk(&mem, &mode, 0x00403FFF, false, false, &w), WALK_OK, "the last byte of RAM");
	cr_assert_eq(w.gpa, RAM_SIZE - 1);
	/* guest-physical == RAM size: the first byte past it (where the next VM's RAM may begin) */
	map4k(0x00403000, RAM_SIZE, PTE_P | PTE_RW, PTE_P | PTE_RW);
	cr_assert_eq(gwalk(&mem, &mode, 0x00403000, false, false, &w), WALK_BAD_GPA,
		     "a frame at exactly the RAM size is outside RAM");
	cr_assert_eq(w.bad, BAD_PAGE_FRAME, "bad: %s", walk_bad_name(w.bad));
	cr_assert_eq(w.bad_gpa, RAM_SIZE);
}

Test(walk, g_bit_of_a_pde_that_points_to_a_page_table_is_ignored)
{
	struct guest_mode mode = paged(0, CR4_PGE);
	struct walk w;

	/* SDM Vol3A 4.3, Table 4-5: bit 8 of a PDE that references a page table is ignored. */
	map4k(GVA, FRAME, PTE_P | PTE_RW | PTE_G, PTE_P | PTE_RW);
	cr_assert_eq(gwalk(&mem, &mode, GVA, false, false, &w), WALK_OK);
	cr_assert_not(w.global, "only the PTE's G bit makes a 4 KiB page global");
}

Test(walk, large_page_frame_takes_pde_bits_31_to_22_only)
{
	struct guest_mode mode = paged(0, CR4_PSE);
	struct walk w;

	/* Bit 12 of a 4 MiB PDE is PAT, not an address bit. SDM Vol3A 4.3, Table 4-4.
	 * The offset's own bit 12 is 0 here, so a wrong mask shows in the result. */
	map4m(0x00402123, 0x00400000, PTE_P | PTE_RW | PDE_PAT_4M);
	cr_assert_eq(gwalk(&mem, &mode, 0x00402123, false, false, &w), WALK_OK);
	cr_assert_eq(w.gpa, 0x00402123, "gpa %#x", w.gpa);
}

Test(walk, a_4m_page_is_global_by_its_pde_g_bit_with_cr4_pge)
{
	struct guest_mode with = paged(0, CR4_PSE | CR4_PGE), without = paged(0, CR4_PSE);
	struct walk w;

	map4m(GVA, 0x00400000, PTE_P | PTE_RW | PTE_G);
	cr_assert_eq(gwalk(&mem, &with, GVA, false, false, &w), WALK_OK);
	cr_assert(w.global, "G in a 4 MiB PDE, CR4.PGE=1");
	cr_assert_eq(gwalk(&mem, &without, GVA, false, false, &w), WALK_OK);
	cr_assert_not(w.global, "CR4.PGE=0");
	map4m(GVA, 0x00400000, PTE_P | PTE_RW);
	cr_assert_eq(gwalk(&mem, &with, GVA, false, false, &w), WALK_OK);
	cr_assert_not(w.global, "no G bit");
}

Test(walk, reserved_bits_of_a_4m_pde_fault_with_rsvd)
{
	struct guest_mode mode = paged(CR0_WP, CR4_PSE);
	struct walk w;

	/* Without PSE-36 (the hypervisor's CPUID hides it) bits 21:13 of a 4 MiB PDE are
	 * reserved: any access faults with P and RSVD, before the rights count. SDM Vol3A 4.7 */
	for (uint32_t bit = 13; bit <= 21; bit++) {
		for (uint32_t access = 0; access < 4; access++) {
			bool write = access & 1, user = access & 2;
			uint32_t expect = PFERR_P | PFERR_RSVD | (write ? PFERR_W : 0) | (user ? PFERR_U : 0);

			map4m(GVA, 0x00400000, PTE_P | (1u << bit)); /* supervisor, read-only */
			cr_assert_eq(gwalk(&mem, &mode, GVA, write, user, &w), WALK_FAULT,
				     "4 MiB PDE with bit %u set, %s %s: must fault", bit,
				     user ? "user" : "supervisor", write ? "write" : "read");
			cr_assert_eq(w.error_code, expect, "4 MiB PDE with bit %u set, %s %s: error %#x, want %#x",
				     bit, user ? "user" : "supervisor", write ? "write" : "read", w.error_code, expect);
		}
	}
	/* Bit 12 is PAT and bits 31:22 are the frame: not reserved. */
	map4m(GVA, 0xFFC00000u, PTE_P | PTE_RW | PDE_PAT_4M);
	cr_assert_neq(gwalk(&mem, &mode, GVA, false, false, &w), WALK_FAULT,
		      "bits 31:22 and 12 of a 4 MiB PDE are not reserved (error %#x)", w.error_code);
}
