/*
 * Four processes on copy-on-write memory (job JOB_FORKS), the workload of a
 * fork-heavy OS: process 1 fills SHARED_PAGES heap pages (each mapped on
 * first touch), then forks three children, so that four processes share
 * them copy-on-write. Each process then runs ROUNDS rounds, a yield after
 * each: it rewrites a word of the shared page of the round (its first write
 * to a page copies it, or takes it over when it is the last sharer: either
 * way the kernel INVLPGs the page) and grows its own heap by a page, which
 * it touches (mapped on demand). Every process visits every shared page, in
 * its own order. It keeps a model of the words it wrote and at the end
 * checks the pages against it: a write of another process that showed
 * through, or a copy that lost a write, is WRONG. The order of events is
 * fixed by the yields: every line and count is the same natively and
 * virtualised.
 */
#include "jobs.h"
#include "rand.h"
#include "ulib.h"

#define PAGE_SIZE    4096
#define PAGE_WORDS   (PAGE_SIZE / 4)
#define CHILDREN     3
#define SHARED_PAGES 128 /* shared copy-on-write by the four processes */
#define WORDS        8   /* words of each shared page that the processes write */
#define ROUNDS       160 /* each visits every shared page once in its first SHARED_PAGES rounds */
#define STRIDE       37  /* odd: round r visits page (r * STRIDE + start) % SHARED_PAGES */

/* What the words of the shared pages should hold, for this process: on the heap, shared copy-on-write too. */
typedef uint32_t model_t[SHARED_PAGES][WORDS];

/* Process 1's fill of the shared pages and the model, before it forks: each page mapped on first touch. */
static uint32_t *fill(struct prng *g, model_t model)
{
	uint32_t *shared = sbrk(SHARED_PAGES * PAGE_SIZE);

	for (int p = 0; p < SHARED_PAGES; p++)
		for (int w = 0; w < WORDS; w++)
			shared[p * PAGE_WORDS + w] = model[p][w] = prng_next(g);
	return shared;
}

/* The rounds of process number n (0-3): a shared-page write, a new heap page, a yield. */
static uint32_t rounds(uint32_t *shared, model_t model, int n, struct prng *g)
{
	uint32_t heap_digest = FNV1A_INIT;

	for (int r = 0; r < ROUNDS; r++) {
		int p = (r * STRIDE + n * (SHARED_PAGES / (CHILDREN + 1))) % SHARED_PAGES;
		int w = (int)prng_below(g, WORDS);
		uint32_t *word = (uint32_t *)sbrk(PAGE_SIZE) + prng_below(g, PAGE_WORDS);

		shared[p * PAGE_WORDS + w] ^= prng_next(g) | 1;
		model[p][w] = shared[p * PAGE_WORDS + w];
		*word = prng_next(g);
		yield();
		heap_digest = fnv1a_u32(heap_digest, *word); /* read back after the others ran */
	}
	return heap_digest;
}

/* The words of the shared pages that differ from the model. */
static int mismatches(const uint32_t *shared, model_t model, uint32_t *digest)
{
	int wrong = 0;

	for (int p = 0; p < SHARED_PAGES; p++)
		for (int w = 0; w < WORDS; w++) {
			wrong += shared[p * PAGE_WORDS + w] != model[p][w];
			*digest = fnv1a_u32(*digest, shared[p * PAGE_WORDS + w]);
		}
	return wrong;
}

/* The JOB_FORKS job: process 1 and its three children; each exits with its number of wrong words. */
int forks_job(uint32_t seed)
{
	struct prng g = prng_seed(seed);
	model_t *model = sbrk(sizeof(model_t));
	uint32_t *shared = fill(&g, *model), heap_digest, digest = FNV1A_INIT;
	int n = 0, wrong;

	uprintf("forks: pid %d filled %d pages; forking %d children\n", getpid(), SHARED_PAGES, CHILDREN);
	for (int i = 1; i <= CHILDREN && n == 0; i++) {
		int pid = fork();

		if (pid < 0) {
			uprintf("forks: fork failed\n");
			return 1;
		}
		if (!pid)
			n = i; /* child number i; process 1 stays number 0 */
	}
	g = prng_seed(seed ^ (0xF0u + (uint32_t)n));
	heap_digest = rounds(shared, *model, n, &g);
	wrong = mismatches(shared, *model, &digest);
	uprintf("forks: pid %d: %d rounds, shared pages digest %08x, heap digest %08x, %d words wrong\n",
		getpid(), ROUNDS, digest, heap_digest, wrong);
	return wrong;
}
