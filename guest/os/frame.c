/*
 * Physical page frames, with a reference count each: a frame shared
 * copy-on-write by two processes has two references and is freed when the
 * last one goes. Allocation takes the lowest free frame, so that runs are
 * deterministic.
 */
#include "guest.h"
#include "os.h"
#include "paging.h"

#define MAX_FRAMES (KERNEL_PDES * LARGE_PAGE_SIZE / PAGE_SIZE) /* what the kernel can reach */
#define MAX_REFS   255

static uint8_t refs[MAX_FRAMES]; /* 0: free */
static uint32_t first, limit;    /* frame numbers the allocator hands out: [first, limit) */
static unsigned used;

static uint8_t *frame_ref_count(uint32_t pa)
{
	uint32_t n = pa / PAGE_SIZE;

	if (pa % PAGE_SIZE || n < first || n >= limit)
		panic("not an allocated frame: %x", pa);
	return &refs[n];
}

/* Hand out the frames in [start_pa, end_pa). */
void frames_init(uint32_t start_pa, uint32_t end_pa)
{
	first = start_pa / PAGE_SIZE;
	limit = end_pa / PAGE_SIZE;
	if (limit > MAX_FRAMES)
		limit = MAX_FRAMES;
}

/* A zero-filled frame with one reference; panics when memory is exhausted. */
uint32_t frame_alloc(void)
{
	for (uint32_t n = first; n < limit; n++) {
		if (refs[n] == 0) {
			refs[n] = 1;
			used++;
			memset(P2V(n * PAGE_SIZE), 0, PAGE_SIZE);
			return n * PAGE_SIZE;
		}
	}
	panic("out of memory");
}

/* One more reference to an allocated frame. */
void frame_get(uint32_t pa)
{
	uint8_t *r = frame_ref_count(pa);

	if (*r == 0 || *r == MAX_REFS)
		panic("frame_get: frame %x has %u references", pa, *r);
	++*r;
}

/* Drop a reference; the frame is free when none is left. */
void frame_put(uint32_t pa)
{
	uint8_t *r = frame_ref_count(pa);

	if (*r == 0)
		panic("frame_put: frame %x is free", pa);
	if (--*r == 0)
		used--;
}

unsigned frame_refs(uint32_t pa)
{
	return *frame_ref_count(pa);
}

/* Frames allocated and not yet freed. */
unsigned frames_used(void)
{
	return used;
}
