/*
 * The two applications of the guest OS (job JOB_APPS). Process 1 runs apps_job(): it fills a
 * page of data with seed-derived values and forks; the parent goes on as
 * App1, the child as App2. Each then runs four experiments with its own
 * values, yielding to the other after every heap step and every experiment:
 *
 *   table  copy-on-write: the data page fork shared. Each app checks that it
 *          still holds the values of the fork, then rewrites part of it.
 *          App2 does this first (its write copies the page), App1 after its
 *          heap steps (no one shares the page any more: it is reused).
 *   heap   demand paging: ROUNDS updates of random words in HEAP_PAGES fresh
 *          heap pages, each zero-filled on first touch.
 *   stack  demand paging of a stack that grows by 1 KiB per call.
 *   swap   remapping: the kernel swaps the frames behind two heap pages and
 *          INVLPGs them; the app must see the other page's values at once.
 */
#include "jobs.h"
#include "rand.h"
#include "ulib.h"

#define PAGE_SIZE   4096
#define PAGE_WORDS  (PAGE_SIZE / 4)
#define ROUNDS      160 /* heap steps per app, one yield each: a CR3 write each while both run */
#define HEAP_PAGES  24
#define TABLE_EDITS 16
#define FRAME_WORDS 256 /* 1 KiB of stack per level of stack_digest() */

/* One page of .data: mapped by the loader, shared copy-on-write by fork. */
static uint32_t table[PAGE_WORDS] __attribute__((aligned(PAGE_SIZE))) = { 1 };

struct app {
	const char *name;
	struct prng rng;
	uint32_t table_at_fork; /* digest of table when fork() copied it */
	uint32_t *heap;
	int failures;
};

static uint32_t table_digest(void)
{
	uint32_t h = FNV1A_INIT;

	for (int i = 0; i < PAGE_WORDS; i++)
		h = fnv1a_u32(h, table[i]);
	return h;
}

/* The table must be as it was at fork; then change TABLE_EDITS words of this app's copy. */
static void table_test(struct app *a)
{
	uint32_t before = table_digest();

	if (before != a->table_at_fork) {
		uprintf("%s: table: digest %08x, not %08x as at fork: WRONG\n", a->name, before,
			a->table_at_fork);
		a->failures++;
	}
	for (int i = 0; i < TABLE_EDITS; i++)
		table[prng_below(&a->rng, PAGE_WORDS)] ^= prng_next(&a->rng) | 1;
	uprintf("%s: table: digest %08x as at fork, %08x after my writes\n", a->name, before,
		table_digest());
}

/* Whether the page at p holds only zeros. */
static int page_is_zero(const uint32_t *p)
{
	for (int i = 0; i < PAGE_WORDS; i++)
		if (p[i])
			return 0;
	return 1;
}

/* ROUNDS read-modify-writes of random heap words, a yield after each. */
static void heap_test(struct app *a)
{
	uint32_t touched = 0, pages = 0, digest = FNV1A_INIT;

	a->heap = sbrk(HEAP_PAGES * PAGE_SIZE);
	for (int r = 0; r < ROUNDS; r++) {
		uint32_t page = prng_below(&a->rng, HEAP_PAGES);
		uint32_t *w = &a->heap[page * PAGE_WORDS + prng_below(&a->rng, PAGE_WORDS)];

		if (!(touched & 1u << page)) {
			touched |= 1u << page;
			pages++;
			if (!page_is_zero(&a->heap[page * PAGE_WORDS])) {
				uprintf("%s: heap: page %u is not zero-filled: WRONG\n", a->name, page);
				a->failures++;
			}
		}
		*w += prng_next(&a->rng);
		digest = fnv1a_u32(digest, *w);
		yield();
	}
	uprintf("%s: heap: %d rounds over %u of %d pages at %p, digest %08x\n", a->name, ROUNDS,
		pages, HEAP_PAGES, (void *)a->heap, digest);
}

/* Fill 1 KiB of stack per level, depth levels deep; a digest of it all. */
static uint32_t stack_digest(struct prng *g, int depth)
{
	volatile uint32_t frame[FRAME_WORDS];
	uint32_t h;

	for (int i = 0; i < FRAME_WORDS; i++)
		frame[i] = prng_next(g);
	h = depth > 1 ? stack_digest(g, depth - 1) : FNV1A_INIT;
	for (int i = 0; i < FRAME_WORDS; i++)
		h = fnv1a_u32(h, frame[i]);
	return h;
}

static void stack_test(struct app *a)
{
	int depth = 8 + (int)prng_below(&a->rng, 9);

	uprintf("%s: stack: %d KiB deep, digest %08x\n", a->name, depth, stack_digest(&a->rng, depth));
}

/* Swap the frames behind two heap pages; each must show the other's values right away. */
static void swap_test(struct app *a)
{
	uint32_t i = prng_below(&a->rng, HEAP_PAGES), j = (i + 1 + prng_below(&a->rng, HEAP_PAGES - 1)) % HEAP_PAGES;
	uint32_t *p = &a->heap[i * PAGE_WORDS], *q = &a->heap[j * PAGE_WORDS];
	uint32_t x = prng_next(&a->rng), y = x ^ (prng_next(&a->rng) | 1);
	int ok;

	p[0] = x; /* through the TLB entries the swap must invalidate */
	q[0] = y;
	ok = p[0] == x && q[0] == y && swap_pages(p, q) == 0 && p[0] == y && q[0] == x;
	uprintf("%s: swap: heap pages %u and %u now hold %08x and %08x: %s\n", a->name, i, j, p[0],
		q[0], ok ? "swapped" : "WRONG");
	a->failures += !ok;
}

/* The Fig. 1 job: App1 and App2. */
int apps_job(uint32_t seed)
{
	struct prng g = prng_seed(seed);
	struct app a = { 0 };
	int pid;

	for (int i = 0; i < PAGE_WORDS; i++)
		table[i] = prng_next(&g);
	a.table_at_fork = table_digest();
	uprintf("app1: pid %d, seed %u, data page digest %08x; forking app2\n", getpid(), seed,
		a.table_at_fork);
	pid = fork();
	if (pid < 0) {
		uprintf("app1: fork failed\n");
		return 1;
	}
	a.name = pid ? "app1" : "app2";
	a.rng = prng_seed(seed ^ (pid ? 0xA1u : 0xA2u));
	if (pid) {
		uprintf("app1: forked app2 as pid %d\n", pid);
		heap_test(&a);
		table_test(&a);
	} else {
		uprintf("app2: pid %d, a copy of app1\n", getpid());
		table_test(&a);
		heap_test(&a);
	}
	yield(); /* from here on, the two apps' lines alternate */
	stack_test(&a);
	yield();
	swap_test(&a);
	yield();
	uprintf("%s: done, %d failures\n", a.name, a.failures);
	return a.failures ? 1 : 0;
}
