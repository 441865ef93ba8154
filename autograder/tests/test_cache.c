/*
 * Lab 6: the cache of address spaces (shadow/cache.c) over the given roots,
 * write protection and sync (shadow/roots.c). Each test builds guest tables
 * in fake RAM, fills shadow entries through vtlb_page_fault() as the
 * hypervisor would, and checks what a CR3 write, a guest table write, a
 * resync or an INVLPG leaves, against SDM Vol3A 4.10.4: a CR3 write syncs
 * the written tables of the root it switches to, INVLPG the current
 * directory only. The pages filled are at least 8 entries apart, so that the
 * given prefetch of a fault's group of 8 (shadow/prefetch.c, tested in
 * test_prefetch.c) fills none of them.
 */
#include <criterion/criterion.h>

#include "vtlb_fixture.h"

#define X1      0x00403000u /* PD index 1, PT_GPA entry 3 */
#define X2      0x0040B000u /* PD index 1, PT_GPA entry 11 */
#define XT      0x00413000u /* PD index 1, PT_GPA entry 19: where the guest maps its page table PT_GPA */
#define Y1      0x00803000u /* PD index 2: in the second address space only */
#define PD2_GPA 0x00020000u /* a second address space */
#define PT2_GPA 0x00021000u
#define F1      0x00200000u /* data frames */
#define F2      0x00201000u
#define F3      0x00202000u
#define NONE    0xFFFFFFFFu /* frame_at(): the shadow maps nothing there */
#define RWX     (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PDE_RW  (PTE_P | PTE_RW)
#define FLOODED       4  /* syncs after which a written table stays writable (labs/lab6-shadow-caching.md) */
#define FLOODED_SYNCS 32 /* ... for this many more syncs, then it is protected again */

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

/* A guest write to gva, as the hypervisor carries it out: the first writes to a
 * protected table in an epoch are VTLB_PT_WRITE, which it emulates (here: the entry
 * keeps its value) and reports with vtlb_pt_write_done; a write past that budget fills. */
static void write_past_budget(uint32_t gva)
{
	uint32_t error = 0, gpa, hw;
	enum vtlb_result r;
	char why[200];

	for (int k = 0; k < 8; k++) {
		hw = PFERR_W | (vtlb_get_pte(&vt, gva) & PTE_P ? PFERR_P : 0);
		r = vtlb_page_fault(&vt, &mode, gva, hw, &error, &gpa, why, sizeof(why));
		if (r != VTLB_PT_WRITE)
			break;
		vtlb_pt_write_done(&vt, gpa);
	}
	cr_assert_eq(r, VTLB_FILLED, "write to %#x: %s (error %#x)", gva, why, error);
}

/* The writes to protected tables that were not emulated: each unsynced its table. */
static uint64_t unsyncing_writes(void)
{
	return vt.stats.pt_writes - vt.stats.pt_emulated;
}

/* The guest frame the shadow maps gva to, or NONE. */
static uint32_t frame_at(uint32_t gva)
{
	uint32_t e = vtlb_get_pte(&vt, gva);

	return e & PTE_P ? (e & PTE_FRAME) - RAM_HPA : NONE;
}

/* A MOV to CR3 with the cache on, as shadow/events.c makes it. */
static void guest_writes_cr3(uint32_t pd)
{
	mode.cr3 = pd;
	vtlb_new_epoch(&vt, false);
	vtlb_cache_cr3_write(&vt, &mode);
}

/* Map gva -> gpa through page table pt of page directory pd. */
static void map_in(uint32_t pd, uint32_t pt, uint32_t gva, uint32_t gpa)
{
	*entry(pd + PDX(gva) * 4) = pt | PDE_RW;
	*entry(pt + PTX(gva) * 4) = gpa | RWX;
}

/* X1 and X2, two pages of one guest PT (PT_GPA), mapped and filled. */
static void fill_two_pages(void)
{
	map4k(X1, F1, PDE_RW, RWX);
	map4k(X2, F2, PDE_RW, RWX);
	touch(X1, false);
	touch(X2, false);
}

/* X1 filled from PT_GPA, and XT, the guest's own mapping of PT_GPA, filled for reading. */
static void fill_with_table_mapped(void)
{
	map4k(X1, F1, PDE_RW, RWX);
	map4k(XT, PT_GPA, PDE_RW, RWX);
	touch(X1, false);
	touch(XT, false);
}

/* The guest writes its page table PT_GPA through XT, as the CPU would: it faults
 * only while the shadow maps XT read-only (the table is protected). */
static void guest_writes_table(void)
{
	if (!(vtlb_get_pte(&vt, XT) & PTE_RW))
		write_past_budget(XT);
}

/* A write to the guest table at gpa and a sync of the current root, n times. */
static void write_and_sync(int n)
{
	for (int k = 0; k < n; k++) {
		guest_writes_table();
		vtlb_resync(&vt, vt.cur);
	}
}

/* ---- roots: a CR3 write switches, a miss loads the least recently used slot ---- */

Test(cache, switching_back_finds_the_address_space_filled)
{
	map4k(X1, F1, PDE_RW, RWX);
	touch(X1, false);
	guest_writes_cr3(PD2_GPA);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "a new address space starts empty");
	cr_assert_neq(vtlb_root_find(&vt, PD_GPA), -1,
		      "the CR3 write to %#x threw away the address space it left (%#x): a miss loads the slot vtlb_root_lru gives, never the current one (v->cur)",
		      PD2_GPA, PD_GPA);
	guest_writes_cr3(PD_GPA);
	cr_assert(vtlb_get_pte(&vt, X1) & PTE_P, "its shadow was kept: no refill needed");
	cr_assert_eq(vt.stats.root_hits, 1, "stats.root_hits counts CR3 writes that found their root: 1, not %llu",
		     (unsigned long long)vt.stats.root_hits);
	cr_assert_eq(vt.stats.root_misses, 1, "stats.root_misses counts CR3 writes that loaded a root: 1, not %llu",
		     (unsigned long long)vt.stats.root_misses);
	cr_assert_eq(vtlb_cr3(&vt), POOL_HPA, "slot 0's directory is pool page 0: after the switch back vtlb_cr3 is it (vtlb_root_switch)");
}

Test(cache, the_least_recently_used_address_space_makes_room)
{
	map4k(X1, F1, PDE_RW, RWX);
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

Test(cache, a_miss_evicts_the_address_space_used_longest_ago_not_the_one_loaded_first)
{
	const uint32_t base = 0x00100000u; /* directories base + k pages, k = 1 .. VTLB_ROOTS - 1, fill slots 1 .. 7 */

	for (uint32_t k = 1; k < VTLB_ROOTS; k++)
		guest_writes_cr3(base + k * PAGE_SIZE_4K);
	guest_writes_cr3(base + 3 * PAGE_SIZE_4K); /* used again: slots 3, 0, 1, 2 */
	guest_writes_cr3(PD_GPA);
	guest_writes_cr3(base + 1 * PAGE_SIZE_4K);
	guest_writes_cr3(base + 2 * PAGE_SIZE_4K);
	guest_writes_cr3(base + 100 * PAGE_SIZE_4K); /* a miss with every slot taken */
	cr_assert_eq(vtlb_root_find(&vt, base + 4 * PAGE_SIZE_4K), -1,
		     "the address space used longest ago (%#x) must make room for a new one: load the slot vtlb_root_lru gives",
		     base + 4 * PAGE_SIZE_4K);
	cr_assert_neq(vtlb_root_find(&vt, PD_GPA), -1, "the address space loaded first but used recently (%#x) stays", PD_GPA);
	cr_assert_neq(vtlb_root_find(&vt, base + 3 * PAGE_SIZE_4K), -1, "a recently used address space stays");
}

/* ---- vtlb_cache_pt_written: a write to a protected table ---- */

Test(cache, a_write_to_a_protected_table_goes_through_and_marks_it_unsync)
{
	fill_with_table_mapped();
	cr_assert_not(vtlb_get_pte(&vt, XT) & PTE_RW, "a guest table a shadow was filled from is mapped read-only");
	cr_assert(vtlb_get_pte(&vt, X1) & PTE_RW, "ordinary pages keep their rights");
	write_past_budget(XT);
	cr_assert(vtlb_get_pte(&vt, XT) & PTE_RW, "after the write the table is writable");
	cr_assert(vt.unsync[PT_GPA >> 12], "vtlb_cache_pt_written marks the written table unsync: unsync[%#x] is 0", PT_GPA >> 12);
	cr_assert_eq(vt.unsync_count, 1, "one written table: unsync_count 1, not %d", vt.unsync_count);
	cr_assert_eq(vt.unsync_list[0], PT_GPA, "unsync_list[0] is the written table, %#x, not %#x", PT_GPA, vt.unsync_list[0]);
}

Test(cache, a_table_mapped_through_itself_is_read_only_from_its_first_fill)
{
	map4k(XT, PT_GPA, PDE_RW, RWX); /* PT_GPA maps itself at XT */
	touch(XT, false); /* the first fill under PD index 1: its shadow PT, filled from PT_GPA, protects it */
	cr_assert_not(vtlb_get_pte(&vt, XT) & PTE_RW,
		      "the fill that made the shadow PT filled from PT_GPA mapped PT_GPA itself writable: the guest's writes to its table would not fault (given code: vtlb_set_pte protects the entry after shadow_pt)");
}

Test(cache, a_table_written_again_is_listed_once)
{
	vtlb_cache_pt_written(&vt, PT_GPA);
	vtlb_cache_pt_written(&vt, PT_GPA);
	cr_assert_eq(vt.unsync_count, 1,
		     "a table already unsync is listed once: unsync_count 1, not %d (else repeated writes fill the list and overflow it)",
		     vt.unsync_count);
}

/* ---- vtlb_resync: the written tables of the root switched to ---- */

Test(cache, resync_rewrites_an_entry_whose_guest_pte_changed)
{
	fill_two_pages();
	vtlb_cache_pt_written(&vt, PT_GPA);
	*entry(PT_GPA + PTX(X1) * 4) = F3 | RWX; /* X1 now maps another frame */
	cr_assert_eq(vtlb_resync(&vt, vt.cur), 1, "one entry changed: vtlb_resync returns what vtlb_sync_table changed, 1");
	cr_assert_eq(frame_at(X1), F3, "the changed entry maps the new frame %#x, not %#x", F3, frame_at(X1));
	cr_assert_eq(frame_at(X2), F2, "the unchanged one stays");
	cr_assert_eq(vt.stats.resync_updates, 1, "stats.resync_updates counts entries rewritten in place: 1, not %llu",
		     (unsigned long long)vt.stats.resync_updates);
	cr_assert_not(vt.unsync[PT_GPA >> 12], "the table is in sync again: unsync[] back to 0");
	cr_assert_eq(vt.unsync_count, 0, "a synced table leaves the list: unsync_count 0, not %d", vt.unsync_count);
}

Test(cache, resync_drops_an_entry_whose_guest_pte_is_no_longer_present)
{
	fill_two_pages();
	vtlb_cache_pt_written(&vt, PT_GPA);
	*entry(PT_GPA + PTX(X1) * 4) = 0;
	cr_assert_eq(vtlb_resync(&vt, vt.cur), 1, "one entry changed");
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "an entry whose guest PTE is gone must go");
	cr_assert_eq(vt.stats.resync_drops, 1, "stats.resync_drops counts it: 1, not %llu", (unsigned long long)vt.stats.resync_drops);
}

Test(cache, resync_takes_write_away_from_an_entry_whose_rights_shrank)
{
	map4k(X1, F1, PDE_RW, RWX);
	touch(X1, true);
	vtlb_cache_pt_written(&vt, PT_GPA);
	*entry(PT_GPA + PTX(X1) * 4) = F1 | PTE_P | PTE_A | PTE_D; /* read-only now */
	vtlb_resync(&vt, vt.cur);
	cr_assert_not(vtlb_get_pte(&vt, X1) & PTE_RW, "a read-only page must not stay writable in the shadow");
}

Test(cache, resync_of_a_directory_drops_the_tables_whose_pde_changed)
{
	map4k(X1, F1, PDE_RW, RWX);
	map4k_in(PT2_GPA, 0x00800000u, F2, PDE_RW, RWX); /* PD index 2, another table */
	touch(X1, false);
	touch(0x00800000u, false);
	vtlb_cache_pt_written(&vt, PD_GPA);
	*entry(PD_GPA + PDX(X1) * 4) = PT2_GPA | PDE_RW; /* X1's PDE now points elsewhere */
	vtlb_resync(&vt, vt.cur);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "the table under the changed PDE is gone");
	cr_assert(vtlb_get_pte(&vt, 0x00800000u) & PTE_P, "the other table stays");
}

Test(cache, resync_drops_an_entry_whose_guest_a_was_cleared)
{
	fill_two_pages();
	vtlb_cache_pt_written(&vt, PT_GPA);
	*entry(PT_GPA + PTX(X1) * 4) &= ~PTE_A; /* the guest ages X1 */
	cr_assert_eq(vtlb_resync(&vt, vt.cur), 1, "one entry lost its A");
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
	vtlb_resync(&vt, vt.cur);
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
	vtlb_resync(&vt, vt.cur);
	cr_assert_eq(vtlb_get_pte(&vt, big), 0,
		     "a writable piece of a 4 MiB page whose D was cleared must go, or the next write leaves D clear (SDM Vol3A 4.8)");
}

Test(cache, a_resynced_table_is_write_protected_again)
{
	fill_with_table_mapped();
	write_past_budget(XT); /* the write goes through: the table is unsync and mapped writable */
	vtlb_resync(&vt, vt.cur);
	cr_assert_not(vtlb_get_pte(&vt, XT) & PTE_RW,
		      "a table the resync put back in sync must be read-only again (vtlb_protect after unsync[] is 0): else its next write neither faults nor lists it, and what it changes is used stale");
	guest_writes_cr3(PD_GPA); /* a new epoch: the table's budget of emulated writes is whole again */
	write_past_budget(XT);
	cr_assert(vt.unsync[PT_GPA >> 12], "the next write to a resynced table faults and marks it unsync again");
}

Test(cache, an_entry_aged_while_its_address_space_is_not_current_sets_a_after_the_switch)
{
	map4k(X1, F1, PDE_RW, RWX);
	touch(X1, false);
	guest_writes_cr3(PD2_GPA);
	vtlb_cache_pt_written(&vt, PT_GPA); /* the other address space ages X1 */
	*entry(PT_GPA + PTX(X1) * 4) &= ~PTE_A;
	guest_writes_cr3(PD_GPA);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0,
		     "after a CR3 write the access to X1 must set its A again (SDM Vol3A 4.10.4.1): vtlb_cache_cr3_write must switch, then vtlb_resync the slot switched to");
}

Test(cache, a_table_changed_while_its_address_space_is_not_current_is_seen_after_the_switch)
{
	map4k(X1, F1, PDE_RW, RWX);
	touch(X1, false);
	guest_writes_cr3(PD2_GPA);
	/* The other address space writes the first one's table through some mapping. */
	vtlb_cache_pt_written(&vt, PT_GPA);
	*entry(PT_GPA + PTX(X1) * 4) = F3 | RWX;
	guest_writes_cr3(PD_GPA);
	cr_assert_neq(frame_at(X1), F1,
		      "after the CR3 write to %#x, X1 still maps its old frame (SDM Vol3A 4.10.4.1): vtlb_cache_cr3_write must vtlb_resync the slot it switched to (after vtlb_root_switch), not the one it left",
		      PD_GPA);
}

/* Address spaces PD_GPA (X1 through PT_GPA) and PD2_GPA (Y1 through PT2_GPA), both
 * filled; PD_GPA is current. */
static void two_address_spaces(void)
{
	map4k(X1, F1, PDE_RW, RWX);
	touch(X1, false);
	guest_writes_cr3(PD2_GPA);
	map_in(PD2_GPA, PT2_GPA, Y1, F1);
	touch(Y1, false);
	guest_writes_cr3(PD_GPA);
	cr_assert_neq(vtlb_root_find(&vt, PD2_GPA), -1,
		      "the CR3 write to %#x threw away the address space it left (%#x): a miss loads the slot vtlb_root_lru gives, never the current one (v->cur)",
		      PD_GPA, PD2_GPA);
}

Test(cache, a_written_table_of_another_address_space_stays_listed_until_its_root_is_current)
{
	two_address_spaces();
	vtlb_cache_pt_written(&vt, PT2_GPA); /* PD_GPA's processes write PD2_GPA's table */
	*entry(PT2_GPA + PTX(Y1) * 4) = F3 | RWX;
	guest_writes_cr3(PD_GPA); /* a CR3 write that does not switch to PT2_GPA's root */
	cr_assert(vt.unsync_count == 1 && vt.unsync_list[0] == PT2_GPA && vt.unsync[PT2_GPA >> 12],
		  "a written table the root switched to does not use (%#x) must stay unsync and listed (unsync_list, unsync_count 1, not %d): vtlb_resync keeps every table still unsync, or it is never synced",
		  PT2_GPA, vt.unsync_count);
	guest_writes_cr3(PD2_GPA);
	cr_assert_neq(frame_at(Y1), F1,
		      "after the CR3 write to %#x, Y1 still maps its old frame: its table was written while another root was current, and vtlb_resync lost it from unsync_list",
		      PD2_GPA);
}

Test(cache, a_cr3_write_leaves_the_written_tables_of_other_roots_unsync)
{
	two_address_spaces();
	vtlb_cache_pt_written(&vt, PT2_GPA);
	*entry(PT2_GPA + PTX(Y1) * 4) = F3 | RWX;
	guest_writes_cr3(PD_GPA);
	cr_assert(vt.unsync[PT2_GPA >> 12] && vt.stats.resync_updates + vt.stats.resync_drops == 0,
		  "a CR3 write synced %#x, which the root it switched to does not use: correct, but it costs a scan at every switch; vtlb_resync syncs only the tables vtlb_root_uses(v, slot, table) says, and those no shadow is filled from",
		  PT2_GPA);
}

/* Written tables 0x00300000, 0x00301000, ...: n of them, none that a shadow was filled from. */
static void write_other_tables(int n)
{
	for (int k = 0; k < n; k++)
		vtlb_cache_pt_written(&vt, 0x00300000u + (uint32_t)k * PAGE_SIZE_4K);
}

Test(cache, written_tables_no_shadow_uses_leave_the_list_at_any_resync)
{
	map4k(X1, F1, PDE_RW, RWX);
	touch(X1, false);
	write_other_tables(VTLB_UNSYNC_MAX);
	vtlb_resync(&vt, vt.cur);
	cr_assert_eq(vt.unsync_count, 0,
		     "tables no shadow is filled from (derived[] 0) must be synced whatever the slot, and leave unsync_list: %d stayed",
		     vt.unsync_count);
	vtlb_cache_pt_written(&vt, 0x00300000u + VTLB_UNSYNC_MAX * PAGE_SIZE_4K); /* one more */
	vtlb_resync(&vt, vt.cur);
	cr_assert(vtlb_get_pte(&vt, X1) & PTE_P,
		  "tables no shadow uses stayed listed, so one more written table overflowed the list and dropped every shadow entry: sync the tables whose derived[] is 0 too");
}

Test(cache, a_table_no_shadow_uses_any_more_is_synced_at_the_next_cr3_write)
{
	map4k(X1, F1, PDE_RW, RWX);
	touch(X1, false);
	vtlb_cache_pt_written(&vt, PT_GPA);
	for (uint32_t k = 1; k <= VTLB_ROOTS; k++) /* PD_GPA's root, and with it the only shadow PT of PT_GPA, is evicted */
		guest_writes_cr3(0x00100000u + k * PAGE_SIZE_4K);
	cr_assert_eq(vt.derived[PT_GPA >> 12], 0, "no shadow is filled from PT_GPA any more");
	cr_assert_not(vt.unsync[PT_GPA >> 12],
		      "a written table no shadow uses any more (derived[] 0) must be synced by the next resync, whatever its slot: it stayed unsync");
}

/* ---- vtlb_cache_invlpg: the current directory, then lab 4 ---- */

Test(cache, invlpg_drops_its_page)
{
	fill_two_pages();
	vtlb_cache_invlpg(&vt, &mode, X1);
	cr_assert_eq(vtlb_get_pte(&vt, X1), 0, "INVLPG drops its page: vtlb_cache_invlpg ends with lab 4's vtlb_invlpg");
	cr_assert_eq(frame_at(X2), F2, "and only its page");
}

Test(cache, invlpg_syncs_the_current_directory_when_it_was_written)
{
	fill_two_pages();
	vtlb_cache_pt_written(&vt, PD_GPA);
	map4k_in(PT2_GPA, X1, F3, PDE_RW, RWX); /* PD index 1 points to another table now */
	vtlb_cache_invlpg(&vt, &mode, X1);
	cr_assert_eq(vtlb_get_pte(&vt, X2), 0,
		     "INVLPG empties the paging-structure caches (SDM Vol3A 4.10.4.1): vtlb_cache_invlpg must sync the current root's page directory when it is unsync, and the shadow PT under the changed PDE goes");
	cr_assert_not(vt.unsync[PD_GPA >> 12], "the page directory synced by INVLPG is in sync again: unsync[] back to 0");
	cr_assert_eq(vt.unsync_count, 0, "and it leaves unsync_list, where it was the only table: unsync_count 0, not %d",
		     vt.unsync_count);
	touch(X1, false);
	cr_assert_eq(frame_at(X1), F3, "X1 is filled through the new PDE");
}

Test(cache, a_directory_changed_and_changed_back_around_an_invlpg_leaves_no_stale_entry)
{
	map4k(X1, F1, PDE_RW, RWX);
	map4k(X2, F2, PDE_RW, RWX);
	touch(X1, false);
	vtlb_cache_pt_written(&vt, PD_GPA);
	map4k_in(PT2_GPA, X2, F3, PDE_RW, RWX); /* PD index 1 -> PT2_GPA, where X2 maps F3 */
	vtlb_cache_invlpg(&vt, &mode, X1);
	touch(X2, false);
	cr_assert_eq(frame_at(X2), F3, "X2 is filled through the new PDE");
	vtlb_cache_pt_written(&vt, PD_GPA); /* PD index 1 -> PT_GPA again, where X2 maps F2 */
	*entry(PD_GPA + PDX(X2) * 4) = PT_GPA | PDE_RW | PTE_A;
	guest_writes_cr3(PD_GPA);
	cr_assert_neq(frame_at(X2), F3,
		      "after the PDE went back to its first table and a CR3 write, X2 still maps the frame of the other table: vtlb_cache_invlpg must sync the current root's page directory when it is unsync (INVLPG empties the paging-structure caches, SDM Vol3A 4.10.4.1), so that no shadow PT holds entries of two guest tables");
}

Test(cache, a_directory_synced_by_invlpg_leaves_the_list)
{
	fill_two_pages();
	for (int k = 0; k < 600; k++) { /* a guest that edits a PDE before every INVLPG */
		vtlb_cache_pt_written(&vt, PD_GPA);
		*entry(PD_GPA + 0x300 * 4) = k & 1 ? 0 : (0x00400000u | PTE_PS | RWX);
		vtlb_cache_invlpg(&vt, &mode, 0xC0000000u);
	}
	cr_assert_leq(vt.unsync_count, VTLB_UNSYNC_MAX,
		      "a page directory synced by INVLPG is in sync again and must leave unsync_list (vtlb_cache_invlpg): listed again at every INVLPG, it filled the list (%d), and the next CR3 write dropped every entry",
		      vt.unsync_count);
	guest_writes_cr3(PD_GPA);
	cr_assert(vtlb_get_pte(&vt, X1) & PTE_P, "X1's entry survives: no list overflow dropped everything");
}

Test(cache, invlpg_leaves_written_page_tables_to_the_cr3_write)
{
	fill_two_pages();
	vtlb_cache_pt_written(&vt, PT_GPA);
	*entry(PT_GPA + PTX(X2) * 4) = F3 | RWX;
	vtlb_cache_invlpg(&vt, &mode, X1);
	cr_assert(vt.unsync[PT_GPA >> 12] && vt.stats.resync_updates + vt.stats.resync_drops == 0,
		  "INVLPG synced a written page table: correct, but it costs a scan at every INVLPG; the guest relies only on the page it invalidates (lab 4's vtlb_invlpg) and on its page directory (sync it when unsync); the page tables wait for the next CR3 write");
}

/* ---- the flood rule: syncs FLOODED to FLOODED+FLOODED_SYNCS-1 leave a table writable ---- */

Test(cache, a_table_synced_four_times_stays_writable)
{
	fill_with_table_mapped();
	write_and_sync(FLOODED - 1);
	cr_assert_not(vtlb_get_pte(&vt, XT) & PTE_RW,
		      "after %d syncs a written table is still protected again: it floods at its %dth sync, not before",
		      FLOODED - 1, FLOODED);
	write_and_sync(1);
	cr_assert(vt.unsync[PT_GPA >> 12] && (vtlb_get_pte(&vt, XT) & PTE_RW),
		  "a table synced %d times is flooded: it stays unsync and writable, so its writes no longer fault (rewrites[] counts its syncs)",
		  FLOODED);
	cr_assert_eq(vt.unsync_count, 1, "a flooded table stays listed, so every resync of a root using it still syncs it");
	guest_writes_table();
	cr_assert_eq(unsyncing_writes(), FLOODED, "a write to a flooded table does not fault: %d writes unsynced it, not %llu",
		     FLOODED, (unsigned long long)unsyncing_writes());
}

Test(cache, a_flooded_table_is_still_synced_at_every_switch_to_its_root)
{
	fill_with_table_mapped();
	write_and_sync(FLOODED);
	*entry(PT_GPA + PTX(X1) * 4) = F3 | RWX; /* a write that does not fault: the table is flooded */
	guest_writes_cr3(PD2_GPA);
	guest_writes_cr3(PD_GPA);
	cr_assert_neq(frame_at(X1), F1,
		      "X1's PTE was changed in a flooded table, and after a CR3 write it still maps its old frame: a flooded table stays unsync and listed, and every resync of a root using it syncs it");
}

Test(cache, a_flooded_table_is_protected_again_after_32_more_syncs)
{
	fill_with_table_mapped();
	write_and_sync(FLOODED + FLOODED_SYNCS - 1);
	cr_assert(vt.unsync[PT_GPA >> 12],
		  "a table written before each of %d syncs must still be flooded (unsync, writable), and it is not: it floods at its %dth sync and stays so up to its %dth",
		  FLOODED + FLOODED_SYNCS - 1, FLOODED, FLOODED + FLOODED_SYNCS - 1);
	write_and_sync(1);
	cr_assert(!vt.unsync[PT_GPA >> 12] && !(vtlb_get_pte(&vt, XT) & PTE_RW),
		  "at its %dth sync a flooded table is let go: its count starts again at 0, it is in sync and protected (else a table the guest stopped writing stays unprotected, and every resync scans it)",
		  FLOODED + FLOODED_SYNCS);
	cr_assert_eq(vt.unsync_count, 0, "a table let go leaves the list: unsync_count 0, not %d", vt.unsync_count);
}

Test(cache, a_table_written_without_end_is_flooded_by_the_same_rule_at_every_sync)
{
	const int syncs = 400; /* past 255: a count in a byte that does not start again wraps */
	unsigned long long faults = 1;

	fill_with_table_mapped();
	for (int k = 1; k <= syncs; k++) {
		bool flooded = k % (FLOODED + FLOODED_SYNCS) >= FLOODED;

		write_and_sync(1);
		cr_assert_eq(!!vt.unsync[PT_GPA >> 12], flooded,
			     "a table written before every sync is flooded from its %dth sync to its %dth, then its count starts again at 0; after sync %d it must be %s, and it is not (rewrites[] is a byte: start it again before it wraps)",
			     FLOODED, FLOODED + FLOODED_SYNCS - 1, k, flooded ? "flooded (unsync)" : "protected (in sync)");
		faults += k < syncs && !flooded; /* protected again: the next write faults */
	}
	cr_assert_eq(unsyncing_writes(), faults, "%d syncs of a table written before each: %llu writes unsynced it, not %llu",
		     syncs, faults, (unsigned long long)unsyncing_writes());
}

/* ---- more written tables than unsync_list holds ---- */

Test(cache, a_full_list_of_written_tables_is_still_resynced_table_by_table)
{
	map4k(X1, F1, PDE_RW, RWX);
	touch(X1, false);
	write_other_tables(VTLB_UNSYNC_MAX);
	cr_assert_eq(vtlb_resync(&vt, vt.cur), 0, "VTLB_UNSYNC_MAX tables fit the list: only their entries may go");
	cr_assert(vtlb_get_pte(&vt, X1) & PTE_P, "X1's table was not written");
}

Test(cache, more_written_tables_than_the_list_holds_drop_everything_once)
{
	map4k(X1, F1, PDE_RW, RWX);
	touch(X1, false);
	write_other_tables(VTLB_UNSYNC_MAX + 1);
	cr_assert_eq(vtlb_resync(&vt, vt.cur), 1, "past the list no table can be checked: every entry goes");
	cr_assert_eq(vt.stats.resync_drops, 1, "stats.resync_drops counts what a resync dropped");
	cr_assert_eq(vt.unsync_count, 0, "the list starts empty again");
	cr_assert_not(vt.unsync[0x00300000u >> 12], "after an overflow no table is left unsync: a later write must fault and be listed");
	touch(X1, false);
	cr_assert_eq(vtlb_resync(&vt, vt.cur), 0, "the next resync has nothing to drop");
	cr_assert(vtlb_get_pte(&vt, X1) & PTE_P, "X1, filled again after the overflow, stays: its table was not written");
}

/* X1 (PTE flags flags) filled, a full list, then X1's table written past it (X1 -> F3) and a resync. */
static void remap_past_a_full_list(uint32_t flags)
{
	map4k(X1, F1, PDE_RW, flags);
	touch(X1, false);
	write_other_tables(VTLB_UNSYNC_MAX);
	vtlb_cache_pt_written(&vt, PT_GPA); /* one more than the list holds */
	*entry(PT_GPA + PTX(X1) * 4) = F3 | flags;
	vtlb_resync(&vt, vt.cur);
}

Test(cache, the_table_written_past_a_full_list_is_not_forgotten)
{
	remap_past_a_full_list(RWX);
	cr_assert_neq(frame_at(X1), F1,
		      "a table written when unsync_list was full must still count (unsync_count past VTLB_UNSYNC_MAX), so that the next resync drops everything; X1 still maps its old frame");
}

Test(cache, an_overflow_drops_global_entries_too)
{
	mode.cr4 |= CR4_PGE; /* X1 is a global page */
	remap_past_a_full_list(RWX | PTE_G);
	cr_assert_neq(frame_at(X1), F1,
		      "past a full list the resync cannot tell which tables were written, global pages' included: it must drop every entry, vtlb_drop_all(v, false); X1, a global page whose PTE changed, still maps its old frame");
}

Test(cache, a_directory_synced_by_invlpg_after_an_overflow_keeps_the_overflow)
{
	fill_two_pages();
	vtlb_cache_pt_written(&vt, PD_GPA);
	write_other_tables(VTLB_UNSYNC_MAX); /* one more than the list holds */
	vtlb_cache_invlpg(&vt, &mode, X1);
	cr_assert_gt(vt.unsync_count, VTLB_UNSYNC_MAX,
		     "after an overflow unsync_count must stay past VTLB_UNSYNC_MAX until a resync drops everything, whatever INVLPG syncs: %d",
		     vt.unsync_count);
}

Test(cache, a_directory_synced_by_invlpg_leaves_a_full_list)
{
	fill_two_pages();
	write_other_tables(VTLB_UNSYNC_MAX - 1);
	vtlb_cache_pt_written(&vt, PD_GPA); /* the list is full, not past full */
	vtlb_cache_invlpg(&vt, &mode, X1);
	cr_assert_eq(vt.unsync_count, VTLB_UNSYNC_MAX - 1,
		     "a full list has not overflowed: the directory INVLPG synced leaves it (unsync_count %d, not %d)",
		     VTLB_UNSYNC_MAX - 1, vt.unsync_count);
}

Test(cache, an_invlpg_with_cr3_past_the_tracked_frames_changes_nothing)
{
	guest_writes_cr3((uint32_t)VTLB_GUEST_FRAMES << 12); /* the first frame past what lab 6 tracks: the VM stops at its next fetch */
	vtlb_cache_invlpg(&vt, &mode, 0x1000);
	cr_assert_eq(vt.unsync_count, 0, "per-frame arrays are indexed only below VTLB_GUEST_FRAMES");
}

Test(cache, an_overflowing_resync_starts_the_flood_count_again)
{
	fill_with_table_mapped();
	write_and_sync(FLOODED - 1);
	write_other_tables(VTLB_UNSYNC_MAX + 1);
	vtlb_resync(&vt, vt.cur); /* everything dropped and in sync: rewrites[] cleared */
	touch(X1, false);
	touch(XT, false);
	write_and_sync(1);
	cr_assert_not(vt.unsync[PT_GPA >> 12], "one write after an overflow is not a flood: the table is protected again");
}
