/*
 * Physical page allocator: one bit per 4 KiB page of the first PALLOC_MAX
 * bytes, set when the page is free. Contiguous runs (a VM's RAM) are found
 * by a first-fit scan that jumps past each page in use; single pages the
 * same way. Allocation happens only when VMs and shadow pools are built.
 * The usable memory is the host's Multiboot memory map (bootinfo_parse), up
 * to PALLOC_MAX: every page handed out lies below 4 GiB, as the shadow page
 * tables' 32-bit frames need.
 */
#include "kernel/console.h"
#include "kernel/machine.h"
#include "kernel/palloc.h"

#define PALLOC_MAX   (3072 * MiB) /* memory above is not used: boot.S maps it uncached, for devices */
#define NUM_PAGES    (PALLOC_MAX / PAGE_SIZE)

static uint64_t free_bits[NUM_PAGES / 64];
static size_t free_count;
static bool poisoned; /* palloc_poison(): fill new pages with PALLOC_POISON */

static bool page_free(size_t pfn)
{
	return free_bits[pfn / 64] >> (pfn % 64) & 1;
}

static void set_free(size_t pfn, bool is_free)
{
	if (is_free)
		free_bits[pfn / 64] |= 1ull << (pfn % 64);
	else
		free_bits[pfn / 64] &= ~(1ull << (pfn % 64));
}

/* Mark every whole page of [start, end) free or in use, counting the changes. */
static void mark_range(uint64_t start, uint64_t end, bool is_free)
{
	if (end > PALLOC_MAX)
		end = PALLOC_MAX;
	for (uint64_t pfn = start / PAGE_SIZE; pfn < end / PAGE_SIZE; pfn++) {
		if (page_free(pfn) == is_free)
			continue;
		set_free(pfn, is_free);
		free_count += is_free ? 1 : -1;
	}
}

void palloc_init(const struct bootinfo *bi)
{
	for (int i = 0; i < bi->ram_count; i++)
		mark_range(ALIGN_UP(bi->ram[i].start, PAGE_SIZE), ALIGN_DOWN(bi->ram[i].end, PAGE_SIZE), true);
	/* Then take back every page that holds any byte of a reserved range. */
	for (int i = 0; i < bi->reserved_count; i++)
		mark_range(ALIGN_DOWN(bi->reserved[i].start, PAGE_SIZE),
			   ALIGN_UP(bi->reserved[i].end, PAGE_SIZE), false);
}

void *palloc_pages(size_t count, size_t align)
{
	size_t step = align > PAGE_SIZE ? align / PAGE_SIZE : 1;

	for (size_t first = 0; first + count <= NUM_PAGES;) {
		size_t n = 0;

		while (n < count && page_free(first + n))
			n++;
		if (n < count) { /* no run can start before the page in use: skip past it */
			first = ALIGN_UP(first + n + 1, step);
			continue;
		}
		for (n = 0; n < count; n++)
			set_free(first + n, false);
		free_count -= count;
		return memset((void *)(first * PAGE_SIZE), poisoned ? PALLOC_POISON : 0, count * PAGE_SIZE);
	}
	return NULL;
}

void *palloc(void)
{
	return palloc_pages(1, PAGE_SIZE);
}

void palloc_poison(bool on)
{
	poisoned = on;
}

void pfree_pages(void *p, size_t count)
{
	size_t pfn = (uint64_t)p / PAGE_SIZE;

	for (size_t i = 0; i < count; i++) {
		if (page_free(pfn + i))
			panic("page %#lx freed twice", (pfn + i) * PAGE_SIZE);
		set_free(pfn + i, true);
	}
	free_count += count;
}

size_t palloc_free_count(void)
{
	return free_count;
}
