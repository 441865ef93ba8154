/*
 * A guest that uses the last page of the RAM its Multiboot info reports: the
 * end of the memory map's highest available range below 4 GiB. It writes a
 * pattern to the page's first and last word, with paging off, and reads them
 * back. Under the hypervisor's option mem=N the map ends where it does
 * natively with N MiB (QEMU -m N), and the page is the VM's own RAM.
 */
#include "guest.h"

#define PAGE_SIZE 4096u
#define PATTERN   0x5AA5C33Cu
#define FOUR_GIB  0x100000000ull

/* The end of the highest available range of the memory map below 4 GiB; 0 when there is none. */
static uint32_t ram_end(const struct mb_info *mbi)
{
	uint32_t p = mbi->mmap_addr, end = 0;

	while (p < mbi->mmap_addr + mbi->mmap_length) {
		const struct mb_mmap_entry *e = (const void *)p;
		uint64_t top = e->addr + e->len;

		if (e->type == MB_MMAP_AVAILABLE && top <= FOUR_GIB && top > end)
			end = (uint32_t)top;
		p += e->size + sizeof(e->size);
	}
	return end;
}

/* Write v at p and read it back: whether it held. */
static int holds(volatile uint32_t *p, uint32_t v)
{
	*p = v;
	return *p == v;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t end, page;

	(void)magic;
	console_init();
	end = (mbi->flags & MB_INFO_MMAP) ? ram_end(mbi) : 0;
	if (end < 2 * PAGE_SIZE) {
		gprintf("lastpage: no available memory in the Multiboot memory map\n");
		return GUEST_FAILURE;
	}
	page = (end - PAGE_SIZE) & ~(PAGE_SIZE - 1);
	gprintf("lastpage: the memory map ends at %p, its last page is %p\n", (void *)end, (void *)page);
	if (!holds((volatile uint32_t *)page, PATTERN) ||
	    !holds((volatile uint32_t *)(page + PAGE_SIZE - 4), ~PATTERN)) {
		gprintf("lastpage: the last page does not keep what was written\n");
		return GUEST_FAILURE;
	}
	gprintf("lastpage: the last page keeps what was written\n");
	return GUEST_SUCCESS;
}
