/*
 * Lab 6: the cache of address spaces (shadow/cache.c) over the given roots
 * and write protection (shadow/roots.c). Each test builds guest tables in
 * fake RAM, fills shadow entries through vtlb_page_fault() as the
 * hypervisor would, and checks what a CR3 write, a guest table write, a
 * resync or an INVLPG leaves, against SDM Vol3A 4.10.4.
 */
#include <criterion/criterion.h>

#include "vtlb_fixture.h"

#define X1      0x00403000u /* PD index 1: two pages in one guest PT */
#define X2      0x00404000u
#define PD2_GPA 0x00020000u /* a second address space */
#define PT2_GPA 0x00021000u
#define F1      0x00200000u /* data frames */
#define F2      0x00201000u
#define F3      0x00202000u
#define RWX     (PTE_P | PTE_RW | PTE_A | PTE_D)

static struct guest_mode mode;

static void setup(void)
{
	fixture_setup(64);
	mode = paged(CR0_WP, 0);
	vt.caching = true;
	vtlb_cache_reset(&vt, &mode); /* root 0 now shadows PD_GPA */
}

TestSuite(cache, .init = setup, .fini = fixture_teardown);

/* The hidden fault the CPU would take for an access to gva (P set if the shadow maps it); asserts it filled. */
static void touch(uint32_t gva, bool write)
{
	uint32_t error = 0, gpa, hw = (write ? PFERR_W : 0) | (vtlb_get_pte(&vt, gva) & PTE_P ? PFERR_P : 0);
	char why[200];

	cr_assert_eq(vtlb_page_fault(&vt, &mode, gva, hw, &error, &gpa, why, sizeof(why)),
		     VTLB_FILLED, "access to %#x: %s (error %#x)", gva, why, error);
}

/* A MOV to CR3 with the cache on, as shadow/events.c makes it. */
static void guest_writes_cr3(uint32_t pd)
{
	mode.cr3 = pd;
	vtlb_new_epoch(&vt, false);
	vtlb_cache_cr3_write(&vt, &mode);
}

/* X1 and X2, two pages of one guest PT (PT_GPA), mapped and filled. */
static void fill_two_pages(void)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	map4k(X2, F2, PTE_P | PTE_RW, RWX);
	touch(X1, false);
	touch(X2, false);
}

Test(cache, switching_back_finds_the_address_space_filled)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	touch(X1, false);
	guest_writes_cr3(PD2_GPA);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "a new address space starts empty");
	guest_writes_cr3(PD_GPA);
	cr_assert(vtlb_get_pte(&vt, X1) & PTE_P, "its shadow was kept: no refill needed");
	cr_assert_eq(vt.stats.root_hits, 1, "stats.root_hits counts CR3 writes that found their root: 1, not %llu",
		     (unsigned long long)vt.stats.root_hits);
	cr_assert_eq(vt.stats.root_misses, 1, "stats.root_misses counts CR3 writes that loaded a root: 1, not %llu",
		     (unsigned long long)vt.stats.root_misses);
	cr_assert_eq(vtlb_cr3(&vt), POOL_HPA, "slot 0's directory is pool page 0");
}

Test(cache, a_write_to_a_protected_table_goes_through_and_marks_it_unsync)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	map4k(X2, PT_GPA, PTE_P | PTE_RW, RWX); /* the guest maps its own page table at X2 */
	touch(X1, false);
	touch(X2, false);
	cr_assert_not(vtlb_get_pte(&vt, X2) & PTE_RW, "a guest table a shadow was filled from is mapped read-only");
	cr_assert(vtlb_get_pte(&vt, X1) & PTE_RW, "ordinary pages keep their rights");
	touch(X2, true);
	cr_assert(vtlb_get_pte(&vt, X2) & PTE_RW, "after the write the table is writable");
	cr_assert(vt.unsync[PT_GPA >> 12], "the table is unsync");
	cr_assert_eq(vt.unsync_count, 1, "one written table: unsync_count 1, not %d", vt.unsync_count);
	cr_assert_eq(vt.unsync_list[0], PT_GPA, "unsync_list[0] is the written table, %#x, not %#x", PT_GPA, vt.unsync_list[0]);
	vtlb_cache_pt_written(&vt, PT_GPA);
	cr_assert_eq(vt.unsync_count, 1, "a table already unsync is listed once");
}

Test(cache, resync_drops_exactly_the_entries_whose_guest_pte_changed)
{
	fill_two_pages();
	vtlb_cache_pt_written(&vt, PT_GPA);
	*entry(PT_GPA + PTX(X1) * 4) = F3 | RWX; /* X1 now maps another frame */
	cr_assert_eq(vtlb_resync(&vt), 1, "one entry changed");
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "the changed entry is gone");
	cr_assert(vtlb_get_pte(&vt, X2) & PTE_P, "the unchanged one stays");
	cr_assert_not(vt.unsync[PT_GPA >> 12], "the table is in sync again");
	cr_assert_eq(vt.unsync_count, 0, "a resynced table leaves the list: unsync_count 0, not %d", vt.unsync_count);
}

Test(cache, resync_drops_an_entry_whose_rights_shrank)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	touch(X1, true);
	vtlb_cache_pt_written(&vt, PT_GPA);
	*entry(PT_GPA + PTX(X1) * 4) = F1 | PTE_P | PTE_A | PTE_D; /* read-only now */
	vtlb_resync(&vt);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "a writable shadow entry for a read-only page must go");
}

Test(cache, resync_of_a_directory_drops_the_tables_whose_pde_changed)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	map4k_in(PT2_GPA, 0x00800000u, F2, PTE_P | PTE_RW, RWX); /* PD index 2, another table */
	touch(X1, false);
	touch(0x00800000u, false);
	vtlb_cache_pt_written(&vt, PD_GPA);
	*entry(PD_GPA + PDX(X1) * 4) = PT2_GPA | PTE_P | PTE_RW; /* X1's PDE now points elsewhere */
	vtlb_resync(&vt);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "the table under the changed PDE is gone");
	cr_assert(vtlb_get_pte(&vt, 0x00800000u) & PTE_P, "the other table stays");
}

Test(cache, resync_drops_an_entry_whose_guest_a_was_cleared)
{
	fill_two_pages();
	vtlb_cache_pt_written(&vt, PT_GPA);
	*entry(PT_GPA + PTX(X1) * 4) &= ~PTE_A; /* the guest ages X1 */
	cr_assert_eq(vtlb_resync(&vt), 1, "one entry lost its A");
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0,
		     "an entry whose guest A was cleared must go: the next access after INVLPG or a CR3 write sets A (SDM Vol3A 4.8)");
	cr_assert(vtlb_get_pte(&vt, X2) & PTE_P, "the unchanged one stays");
	touch(X1, false);
	cr_assert(*entry(PT_GPA + PTX(X1) * 4) & PTE_A, "the refill sets A again");
}

Test(cache, resync_of_a_directory_drops_the_table_whose_pde_a_was_cleared)
{
	fill_two_pages();
	vtlb_cache_pt_written(&vt, PD_GPA);
	*entry(PD_GPA + PDX(X1) * 4) &= ~PTE_A;
	vtlb_resync(&vt);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "the table under a PDE whose A was cleared is gone (SDM Vol3A 4.8)");
	touch(X1, false);
	cr_assert(*entry(PD_GPA + PDX(X1) * 4) & PTE_A, "the refill sets the PDE's A again");
}

Test(cache, resync_drops_a_writable_4mib_piece_whose_pde_d_was_cleared)
{
	const uint32_t big = 0x00C00000u; /* PD index 3: a 4 MiB page */

	mode.cr4 |= CR4_PSE;

	map4m(big, 0x00400000u, PTE_P | PTE_RW | PTE_A | PTE_D);
	touch(big, true);
	cr_assert(vtlb_get_pte(&vt, big) & PTE_RW, "a dirty writable 4 MiB page gives writable pieces");
	vtlb_cache_pt_written(&vt, PD_GPA);
	*entry(PD_GPA + PDX(big) * 4) &= ~PTE_D;
	vtlb_resync(&vt);
	cr_assert_eq(vtlb_get_pte(&vt, big), 0,
		     "a writable piece of a 4 MiB page whose D was cleared must go, or the next write leaves D clear (SDM Vol3A 4.8)");
}

Test(cache, an_entry_aged_while_its_address_space_is_not_current_sets_a_after_the_switch)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	touch(X1, false);
	guest_writes_cr3(PD2_GPA);
	vtlb_cache_pt_written(&vt, PT_GPA); /* the other address space ages X1 */
	*entry(PT_GPA + PTX(X1) * 4) &= ~PTE_A;
	guest_writes_cr3(PD_GPA);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0,
		     "after a CR3 write the access to X1 must set its A again (SDM Vol3A 4.10.4.1): its shadow entry goes");
}

Test(cache, a_table_changed_while_its_address_space_is_not_current_is_seen_after_the_switch)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	map4k(X2, PT_GPA, PTE_P | PTE_RW, RWX);
	touch(X1, false);
	guest_writes_cr3(PD2_GPA);
	/* The other address space writes the first one's table through some mapping. */
	vtlb_cache_pt_written(&vt, PT_GPA);
	*entry(PT_GPA + PTX(X1) * 4) = F3 | RWX;
	guest_writes_cr3(PD_GPA);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "a CR3 write must not leave X1 on its old frame (SDM Vol3A 4.10.4.1)");
}

Test(cache, a_resynced_table_is_write_protected_again)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	map4k(X2, PT_GPA, PTE_P | PTE_RW, RWX); /* the guest maps its own page table at X2 */
	touch(X1, false);
	touch(X2, true); /* the write goes through: the table is unsync and mapped writable */
	vtlb_resync(&vt);
	cr_assert_not(vtlb_get_pte(&vt, X2) & PTE_RW,
		      "a table the resync put back in sync must be read-only again (vtlb_protect): else its next write neither faults nor lists it, and what it changes is used stale");
	touch(X2, true);
	cr_assert(vt.unsync[PT_GPA >> 12], "the next write to a resynced table faults and marks it unsync again");
}

Test(cache, invlpg_resyncs_before_it_invalidates)
{
	fill_two_pages();
	vtlb_cache_pt_written(&vt, PT_GPA);
	*entry(PT_GPA + PTX(X2) * 4) = F3 | RWX;
	vtlb_cache_invlpg(&vt, &mode, X1);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "INVLPG drops its page (lab 4)");
	cr_assert_eq(vtlb_get_pte(&vt, X2), 0, "INVLPG resyncs first (vtlb_cache_invlpg): X2's table was written, so its changed entry goes too");
	cr_assert_eq(vt.unsync_count, 0, "after the resync of INVLPG no table is listed, not %d", vt.unsync_count);
}

Test(cache, the_least_recently_used_address_space_makes_room)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	touch(X1, false);
	for (uint32_t k = 1; k <= VTLB_ROOTS; k++)
		guest_writes_cr3(0x00100000u + k * PAGE_SIZE_4K); /* VTLB_ROOTS other directories */
	cr_assert_eq(vtlb_root_find(&vt, PD_GPA), -1, "the first address space, used longest ago, is gone");
	cr_assert_neq(vtlb_root_find(&vt, 0x00100000u + VTLB_ROOTS * PAGE_SIZE_4K), -1, "the last address space loaded has a root");
	guest_writes_cr3(PD_GPA);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "coming back starts it empty");
	cr_assert_eq(vt.stats.root_misses, VTLB_ROOTS + 1, "every CR3 write here loaded a root: %d misses, not %llu", VTLB_ROOTS + 1,
		     (unsigned long long)vt.stats.root_misses);
}

Test(cache, a_table_rewritten_at_four_resyncs_in_a_row_stays_writable)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	map4k(X2, PT_GPA, PTE_P | PTE_RW, RWX);
	touch(X1, false);
	for (int round = 0; round < 4; round++) {
		touch(X2, true); /* a write faults while the table is protected */
		vtlb_resync(&vt);
	}
	cr_assert(vt.unsync[PT_GPA >> 12], "flooded: it stays unsync, so writes no longer fault");
	cr_assert_eq(vt.unsync_count, 1, "a flooded table stays listed, so every resync still checks it");
}

/* Written tables 0x00300000, 0x00301000, ...: n of them, none that a shadow was filled from. */
static void write_other_tables(int n)
{
	for (int k = 0; k < n; k++)
		vtlb_cache_pt_written(&vt, 0x00300000u + (uint32_t)k * PAGE_SIZE_4K);
}

Test(cache, a_full_list_of_written_tables_is_still_resynced_table_by_table)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	touch(X1, false);
	write_other_tables(VTLB_UNSYNC_MAX);
	cr_assert_eq(vtlb_resync(&vt), 0, "VTLB_UNSYNC_MAX tables fit the list: only their entries may go");
	cr_assert(vtlb_get_pte(&vt, X1) & PTE_P, "X1's table was not written");
}

Test(cache, more_written_tables_than_the_list_holds_drop_everything_once)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	touch(X1, false);
	write_other_tables(VTLB_UNSYNC_MAX + 1);
	cr_assert_eq(vtlb_resync(&vt), 1, "past the list no table can be checked: every entry goes");
	cr_assert_eq(vt.stats.resync_drops, 1, "stats.resync_drops counts what a resync dropped");
	cr_assert_eq(vt.unsync_count, 0, "the list starts empty again");
	cr_assert_not(vt.unsync[0x00300000u >> 12], "after an overflow no table is left unsync: a later write must fault and be listed");
	touch(X1, false);
	cr_assert_eq(vtlb_resync(&vt), 0, "the next resync has nothing to drop");
	cr_assert(vtlb_get_pte(&vt, X1) & PTE_P, "X1, filled again after the overflow, stays: its table was not written");
}

Test(cache, an_overflowing_resync_starts_the_flood_count_again)
{
	map4k(X1, F1, PTE_P | PTE_RW, RWX);
	map4k(X2, PT_GPA, PTE_P | PTE_RW, RWX);
	touch(X1, false);
	for (int round = 0; round < 3; round++) {
		touch(X2, true);
		vtlb_resync(&vt);
	}
	write_other_tables(VTLB_UNSYNC_MAX + 1);
	vtlb_resync(&vt); /* everything dropped and in sync: rewrites[] cleared */
	touch(X1, false);
	touch(X2, true);
	vtlb_resync(&vt);
	cr_assert_not(vt.unsync[PT_GPA >> 12], "one write after an overflow is not a flood: the table is protected again");
}
