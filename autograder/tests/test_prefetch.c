/*
 * Lab 6's given prefetch (shadow/prefetch.c): after a hidden fault, the
 * empty entries of its aligned group of 8 are filled from the same guest
 * table, but only with what the CPU's own walk could have cached without
 * writing the guest's tables (SDM Vol3A 4.10.2.3 (Details of TLB Use)): P and
 * A in the PDE and the PTE, writable only with D, a frame in RAM.
 */
#include <criterion/criterion.h>

#include "shadow/roots.h"
#include "vtlb_fixture.h"

#define GROUP  0x00400000u /* PD index 1, PT_GPA entries 0 to 7: one group of 8 */
#define PAGE(n) (GROUP + (n) * PAGE_SIZE_4K)
#define DATA   0x00200000u /* frames DATA, DATA + 4 KiB, ... */
#define FRAME(n) (DATA + (n) * PAGE_SIZE_4K)
#define RWX    (PTE_P | PTE_RW | PTE_A | PTE_D)

static struct guest_mode mode;

/* A CR3 write to guest directory pd, as lab 6's reference makes it, with the given root
 * functions only (these tests check given code: they do not call shadow/cache.c). */
static void switch_to(uint32_t pd)
{
	int slot = vtlb_root_find(&vt, pd);

	mode.cr3 = pd;
	vtlb_new_epoch(&vt, false);
	if (slot < 0) {
		slot = vtlb_root_lru(&vt);
		vtlb_root_load(&vt, slot, pd);
	}
	vtlb_root_switch(&vt, slot);
}

static void setup(void)
{
	fixture_setup(64);
	mode = paged(CR0_WP, 0);
	vt.caching = true;
	mode.cr3 = PD_GPA + 0x10000; /* paging starts in another address space ... */
	vtlb_cache_reset(&vt, &mode);
	switch_to(PD_GPA);           /* ... and this one is new: its first epoch */
}

TestSuite(prefetch, .init = setup, .fini = fixture_teardown);

/* A hidden read fault at gva, as the CPU would take it with the shadow empty there. */
static void read_fault(uint32_t gva)
{
	uint32_t error = 0, gpa;
	char why[200];

	cr_assert_eq(vtlb_page_fault(&vt, &mode, gva, 0, &error, &gpa, why, sizeof(why)), VTLB_FILLED,
		     "access to %#x: %s", gva, why);
}

Test(prefetch, a_fault_fills_the_accessed_pages_of_its_group_of_8_and_nothing_past_it)
{
	for (uint32_t n = 0; n < 9; n++)
		map4k(PAGE(n), FRAME(n), PTE_P | PTE_RW, RWX);
	read_fault(PAGE(5));
	for (uint32_t n = 0; n < 8; n++)
		cr_assert_eq(vtlb_get_pte(&vt, PAGE(n)) & PTE_FRAME, RAM_HPA + FRAME(n), "page %u of the group is prefetched", n);
	cr_assert_eq(vtlb_get_pte(&vt, PAGE(8)), 0, "the next group is not");
	cr_assert_eq(vt.stats.prefetches, 7, "stats.prefetches counts 7, not %llu", (unsigned long long)vt.stats.prefetches);
}

Test(prefetch, nothing_is_given_without_a_in_the_pte_or_the_pde)
{
	map4k(PAGE(0), FRAME(0), PTE_P | PTE_RW, RWX);
	map4k(PAGE(1), FRAME(1), PTE_P | PTE_RW, PTE_P | PTE_RW); /* never accessed */
	read_fault(PAGE(0));
	cr_assert_eq(vtlb_get_pte(&vt, PAGE(1)), 0, "a PTE without A is not prefetched: its first access must set A (SDM Vol3A 4.8)");
	cr_assert_not(*entry(PT_GPA + 4) & PTE_A, "and its A stays clear");
	cr_assert_eq(vtlb_gives(&vt, PT_GPA | PTE_P | PTE_RW, FRAME(0) | RWX, 0), 0, "a PDE without A gives nothing");
}

Test(prefetch, a_prefetched_entry_is_writable_only_with_d)
{
	map4k(PAGE(0), FRAME(0), PTE_P | PTE_RW, RWX);
	map4k(PAGE(1), FRAME(1), PTE_P | PTE_RW, PTE_P | PTE_RW | PTE_A); /* read, never written */
	read_fault(PAGE(0));
	cr_assert(vtlb_get_pte(&vt, PAGE(1)) & PTE_P, "an accessed page is prefetched");
	cr_assert_not(vtlb_get_pte(&vt, PAGE(1)) & PTE_RW, "read-only without D: the first write must set D (SDM Vol3A 4.8)");
}

Test(prefetch, a_frame_outside_ram_is_never_prefetched)
{
	map4k(PAGE(0), FRAME(0), PTE_P | PTE_RW, RWX);
	map4k(PAGE(1), RAM_SIZE, PTE_P | PTE_RW, RWX); /* the first frame past RAM: device memory or nothing */
	read_fault(PAGE(0));
	cr_assert_eq(vtlb_get_pte(&vt, PAGE(1)), 0, "a frame outside RAM is never mapped by a prefetch");
	cr_assert_eq(vt.refused_spte, 0, "nor even tried: the fence of vtlb_set_pte refused %#x", vt.refused_spte);
}

Test(prefetch, nothing_is_prefetched_after_the_first_epoch_of_a_root)
{
	for (int n = 0; n < 8; n++)
		map4k(PAGE(n), FRAME(n), PTE_P | PTE_RW | PTE_A, RWX);
	switch_to(PD_GPA + 0x10000); /* switch away and back: the root is no longer new */
	switch_to(PD_GPA);
	read_fault(PAGE(0));
	cr_assert_eq(vtlb_get_pte(&vt, PAGE(1)), 0,
		     "a root switched back to is past its first epoch: its faults fill one page each (a prefetch there cost guest aging more than it saved)");
}
