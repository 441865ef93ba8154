/*
 * Lab 4: invalidation is exact. INVLPG drops the entry of its page (and the
 * pieces of a 4 MiB page) and nothing else; a CR3 write keeps global
 * entries only with CR4.PGE; PG, WP, PSE and PGE changes flush everything.
 * Also: the bounded pool evicts instead of failing.
 */
#include <criterion/criterion.h>

#include "vtlb_fixture.h"

static uint32_t err;
static uint32_t gpa; /* VTLB_DEVICE only */
static char why[200];

static void setup(void) { fixture_setup(16); }

TestSuite(invalidate, .init = setup, .fini = fixture_teardown);

/* Fill gva (mapped to frame) with a supervisor read. */
static void fill(const struct guest_mode *mode, uint32_t gva)
{
	cr_assert_eq(vtlb_page_fault(&vt, mode, gva, 0, &err, &gpa, why, sizeof(why)), VTLB_FILLED,
		     "fill %#x: %s", gva, why);
}

Test(invalidate, invlpg_drops_exactly_one_page)
{
	struct guest_mode mode = paged(0, 0);

	for (uint32_t i = 0; i < 8; i++) {
		map4k(0x00400000 + i * 0x1000, 0x00100000 + i * 0x1000, PTE_P | PTE_RW, PTE_P | PTE_RW);
		fill(&mode, 0x00400000 + i * 0x1000);
	}
	vtlb_invlpg(&vt, &mode, 0x00403ABC);
	for (uint32_t i = 0; i < 8; i++)
		cr_assert_eq(vtlb_get_pte(&vt, 0x00400000 + i * 0x1000) != 0, i != 3, "page %u", i);
	cr_assert_eq(vt.stats.invlpg_drops, 1);
}

Test(invalidate, invlpg_of_unfilled_page_drops_nothing)
{
	struct guest_mode mode = paged(0, 0);

	map4k(0x00400000, 0x00100000, PTE_P | PTE_RW, PTE_P | PTE_RW);
	fill(&mode, 0x00400000);
	vtlb_invlpg(&vt, &mode, 0x00401000);
	cr_assert_neq(vtlb_get_pte(&vt, 0x00400000), 0);
	cr_assert_eq(vt.stats.invlpg_drops, 0);
}

Test(invalidate, invlpg_in_a_4m_page_drops_all_its_pieces_only)
{
	struct guest_mode mode = paged(0, CR4_PSE);

	map4m(0x00800000, 0x00400000, PTE_P | PTE_RW);
	map4k(0x00C00000, 0x00100000, PTE_P | PTE_RW, PTE_P | PTE_RW);
	fill(&mode, 0x00800000);
	fill(&mode, 0x00A01000);
	fill(&mode, 0x00C00000);
	vtlb_invlpg(&vt, &mode, 0x00BFF000); /* an unfilled address inside the 4 MiB page */
	cr_assert_eq(vtlb_get_pte(&vt, 0x00800000), 0);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00A01000), 0);
	cr_assert_neq(vtlb_get_pte(&vt, 0x00C00000), 0, "a page of another PDE survives");
	cr_assert_eq(vt.stats.invlpg_drops, 2);
}

/* A guest that turned its 4 MiB PDE into a page table without INVLPG: the shadow PT
 * holds a 4 KiB entry beside an old piece, and INVLPG of the 4 KiB page invalidates
 * the 4 MiB translation too. SDM Vol3A 4.10.2.3 (Details of TLB Use). */
Test(invalidate, invlpg_of_a_4k_page_drops_old_4m_pieces_beside_it)
{
	struct guest_mode mode = paged(0, CR4_PSE);

	map4m(0x00800000, 0x00400000, PTE_P | PTE_RW);
	fill(&mode, 0x00800000);
	map4k(0x00801000, 0x00100000, PTE_P | PTE_RW, PTE_P | PTE_RW); /* the PDE now points at a PT */
	fill(&mode, 0x00801000);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00801000) & SPTE_LARGE, 0, "a 4 KiB entry beside the old piece");
	vtlb_invlpg(&vt, &mode, 0x00801000);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00801000), 0);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00800000), 0,
		     "INVLPG 0x801000 must drop the old 4 MiB piece at 0x800000 too (SPTE_LARGE, same shadow PT)");
	cr_assert_eq(vt.stats.invlpg_drops, 2);
}

Test(invalidate, cr3_write_keeps_globals_with_pge)
{
	struct guest_mode mode = paged(0, CR4_PGE);

	map4k(0x00400000, 0x00100000, PTE_P | PTE_RW, PTE_P | PTE_RW | PTE_G);
	map4k(0x00401000, 0x00101000, PTE_P | PTE_RW, PTE_P | PTE_RW);
	fill(&mode, 0x00400000);
	fill(&mode, 0x00401000);
	vtlb_cr3_write(&vt, &mode);
	cr_assert_neq(vtlb_get_pte(&vt, 0x00400000), 0, "global entry kept");
	cr_assert_eq(vtlb_get_pte(&vt, 0x00401000), 0, "non-global entry dropped");
	cr_assert_eq(vt.stats.cr3_drops, 1);
}

Test(invalidate, cr3_write_without_pge_drops_globals_too)
{
	struct guest_mode pge = paged(0, CR4_PGE), nopge = paged(0, 0);

	map4k(0x00400000, 0x00100000, PTE_P | PTE_RW, PTE_P | PTE_RW | PTE_G);
	fill(&pge, 0x00400000);
	vtlb_cr3_write(&vt, &nopge);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00400000), 0);
}

Test(invalidate, mode_changes_flush_everything_other_writes_nothing)
{
	static const struct { uint32_t cr0, cr4; bool flush; } cases[] = {
		{ CR0_WP, 0, true },   /* WP */
		{ 0, CR4_PSE, true },  /* PSE */
		{ 0, CR4_PGE, true },  /* PGE */
		{ 1u << 3, 0, false },     /* CR0.TS: no effect on translations */
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct guest_mode before = paged(0, 0), after = paged(cases[c].cr0, cases[c].cr4);

		map4k(0x00400000, 0x00100000, PTE_P | PTE_RW, PTE_P | PTE_RW | PTE_G);
		fill(&before, 0x00400000);
		vtlb_mode_change(&vt, &before, &after);
		cr_assert_eq(vtlb_get_pte(&vt, 0x00400000) == 0, cases[c].flush, "case %zu", c);
		vtlb_drop_all(&vt, false);
	}
}

Test(invalidate, paging_off_flushes_everything)
{
	struct guest_mode on = paged(0, CR4_PGE), off = { 0x11, PD_GPA, CR4_PGE };

	map4k(0x00400000, 0x00100000, PTE_P | PTE_RW, PTE_P | PTE_RW | PTE_G);
	fill(&on, 0x00400000);
	vtlb_mode_change(&vt, &on, &off);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00400000), 0);
}

/* A pool of three pages: the shadow PD and two page tables. */
static void small_pool(void) { fixture_setup(3); }

TestSuite(pool, .init = small_pool, .fini = fixture_teardown);

/* The pool is given code: installing entries directly needs no lab. */
Test(pool, exhausted_pool_evicts_and_keeps_working)
{
	for (uint32_t i = 0; i < 6; i++) {
		uint32_t gva = 0x00400000 * (i + 1);

		vtlb_set_pte(&vt, gva, RAM_HPA | PTE_P | PTE_RW);
		cr_assert_neq(vtlb_get_pte(&vt, gva), 0, "the entry just installed is there");
		cr_assert(vt.pages_in_use <= 3);
	}
	cr_assert_eq(vt.stats.evictions, 4);
	cr_assert_eq(vt.stats.pages_peak, 3);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00400000), 0, "the oldest page table was evicted");
	cr_assert(vt.hw_flush, "an eviction must flush the CPU's TLB");
}

Test(pool, drop_all_empties_tables_in_place)
{
	vtlb_set_pte(&vt, 0x00400000, RAM_HPA | PTE_P);
	vtlb_set_pte(&vt, 0x00800000, RAM_HPA | PTE_P | SPTE_GLOBAL);
	cr_assert_eq(vtlb_drop_all(&vt, true), 1);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00400000), 0);
	cr_assert_neq(vtlb_get_pte(&vt, 0x00800000), 0, "the global entry stays");
	cr_assert_eq(vtlb_drop_all(&vt, false), 1);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00800000), 0);
	cr_assert_eq(vt.pages_in_use, 3, "emptied tables stay in their PD slots for the next fill");
	vtlb_set_pte(&vt, 0x00401000, RAM_HPA | PTE_P);
	cr_assert_eq(vt.pages_in_use, 3, "a fill in an emptied table takes no page");
	/* a full pool gives up an empty table before it evicts one with entries */
	vtlb_set_pte(&vt, 0x00C00000, RAM_HPA | PTE_P);
	cr_assert_eq(vt.stats.evictions, 0, "an empty table is not an eviction");
	cr_assert_neq(vtlb_get_pte(&vt, 0x00401000), 0, "the table with an entry was kept");
	cr_assert_neq(vtlb_get_pte(&vt, 0x00C00000), 0);
	cr_assert_eq(vtlb_get_pte(&vt, 0x00800000), 0, "the reused table came back zeroed");
}
