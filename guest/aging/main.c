/*
 * Page aging, as an OS with page reclaim does it: clear the Accessed (and
 * Dirty) bits of a page's entries, make the TLB forget the page, and look
 * whether the next access sets them again. SDM Vol3A 4.8 (Accessed and
 * Dirty Flags): an access that uses an entry sets its A, a write sets the
 * leaf's D. SDM Vol3A 4.10.4.1 (Operations that Invalidate TLBs and
 * Paging-Structure Caches): after INVLPG of the page, or a CR3 write for a
 * non-global page, the TLB holds nothing for it, so the next access walks
 * the tables and must set them. Without an invalidation the CPU may use a
 * cached translation and set nothing: the program prints nothing that
 * depends on that, nor on a global page across a CR3 write.
 *
 * SPACES address spaces, each with its own page directory and page table;
 * in each, six test pages: 4 KiB and 4 MiB, supervisor, user and global.
 * Each test primes a page, ages it, touches it once more without
 * invalidating (in odd rounds), invalidates it one way, accesses it and
 * prints the bits that must be set: "r" and A after a read, "w" and A, D
 * after a write, "d" and D after a write to a page whose D alone was
 * cleared; for a 4 KiB page also its PDE's A after the letters. A '-' is a
 * bit the SDM requires and the run did not set. The ways: "invlpg", "cr3"
 * (the same CR3 again in even rounds; in odd ones a switch to the next
 * space, reading its pages there, and back), "both", and "away" (the page
 * of the next space aged while this one runs, then a switch to it).
 */
#include "cpu.h"
#include "guest.h"
#include "paging.h"
#include "x86.h"

#define SPACES     3
#define ROUNDS     8
#define IDENTITY   4           /* 4 MiB pages of the identity map: code, data, tables, stacks */
#define SMALL_BASE 0x40000000u /* the 4 KiB test pages: PD index 256 */
#define LARGE_BASE 0x80000000u /* the 4 MiB test pages: PD indexes 512-514 */
#define SMALL_PAGES 3
#define NEW_VALUE  0x5a5a5a5au

struct page {
	const char *name;
	int large, user, global;
	uint32_t base; /* the page's first address; a 4 MiB page is tested at the offset of large_frame */
};

static const struct page pages[] = {
	{ "4k-sup", 0, 0, 0, SMALL_BASE },
	{ "4k-user", 0, 1, 0, SMALL_BASE + PAGE_SIZE },
	{ "4k-global", 0, 0, 1, SMALL_BASE + 2 * PAGE_SIZE },
	{ "4m-sup", 1, 0, 0, LARGE_BASE },
	{ "4m-user", 1, 1, 0, LARGE_BASE + LARGE_PAGE_SIZE },
	{ "4m-global", 1, 0, 1, LARGE_BASE + 2 * LARGE_PAGE_SIZE },
};
#define PAGES (int)(sizeof(pages) / sizeof(pages[0]))

/* The ways to make the TLB forget a page. */
enum way { BY_INVLPG, BY_CR3, BY_BOTH, BY_AWAY, WAYS };
static const char *const way_names[WAYS] = { "invlpg", "cr3", "both", "away" };

/* The three tests: what the priming access is, what is aged, what the checked access is. */
enum test { READ_AGED, WRITE_AGED, WRITE_CLEANED, TESTS };

static uint32_t pds[SPACES][ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t tables[SPACES][ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t small_frames[SPACES][SMALL_PAGES][ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t large_frame[ENTRIES] __attribute__((aligned(PAGE_SIZE))); /* every 4 MiB test page's frame */
static uint8_t user_stack[1024] __attribute__((aligned(16)));
static struct kjmp user_done;
static int checks, missing;

/* The linear address a test uses in page p. */
static uint32_t va_of(const struct page *p)
{
	return p->large ? p->base + ((uint32_t)large_frame & (LARGE_PAGE_SIZE - 1)) : p->base;
}

/* Page p's leaf entry in space s: its PTE, or the PDE that maps the 4 MiB page. */
static uint32_t *leaf(int s, const struct page *p)
{
	return p->large ? &pds[s][PDX(p->base)] : &tables[s][PTX(p->base)];
}

/* The PDE above page p's page table in space s. */
static uint32_t *pde_of(int s, const struct page *p)
{
	return &pds[s][PDX(p->base)];
}

/* The test pages of space s: 4 KiB pages in a page table of its own, 4 MiB pages aliasing large_frame's. */
static void map_space(int s)
{
	for (uint32_t i = 0; i < IDENTITY; i++)
		pds[s][i] = (i * LARGE_PAGE_SIZE) | PDE_PS | PTE_G | PTE_P | PTE_RW | PTE_US;
	pds[s][PDX(SMALL_BASE)] = (uint32_t)tables[s] | PTE_P | PTE_RW | PTE_US;
	for (int n = 0; n < PAGES; n++) {
		const struct page *p = &pages[n];
		uint32_t flags = PTE_P | PTE_RW | (p->user ? PTE_US : 0) | (p->global ? PTE_G : 0);

		if (p->large)
			*leaf(s, p) = ((uint32_t)large_frame & PDE_LARGE_FRAME) | PDE_PS | flags;
		else /* the global page is the same frame in every space, as an OS's kernel pages are */
			*leaf(s, p) = (uint32_t)small_frames[p->global ? 0 : s][n] | flags;
	}
}

/* int $0x80 from ring3.S: the ring-3 access is over. */
static void on_user_done(struct trap_frame *tf)
{
	(void)tf;
	klongjmp(&user_done, 1);
}

/* Read or write page p at the page's own privilege: ring 3 for a user page. */
static void touch(const struct page *p, int write)
{
	volatile uint32_t *word = (volatile uint32_t *)va_of(p);
	struct trap_frame tf;

	if (!p->user) {
		if (write)
			*word = NEW_VALUE;
		else
			(void)*word;
		return;
	}
	if (ksetjmp(&user_done) == 0) {
		trap_frame_user(&tf, (uint32_t)(write ? ring3_write : ring3_read),
				(uint32_t)(user_stack + sizeof(user_stack)));
		tf.ebx = va_of(p);
		tf.ecx = NEW_VALUE;
		trap_return(&tf);
	}
}

/* Clear bits in page p's leaf in space s, and A in the PDE above a page table. */
static void age(int s, const struct page *p, uint32_t bits)
{
	*leaf(s, p) &= ~bits;
	if (!p->large && (bits & PTE_A))
		*pde_of(s, p) &= ~(uint32_t)PTE_A;
}

/* Read every test page of space s from ring 0 (its shadows fill). */
static void read_all(void)
{
	for (int n = 0; n < PAGES; n++)
		(void)*(volatile uint32_t *)va_of(&pages[n]);
}

/* Make the TLB forget page p of space s (current) the way way says. With both,
 * the CR3 write comes first: a global page read in the next space may stay cached
 * across the switch back, and only the INVLPG after it removes that translation. */
static void forget(int s, const struct page *p, enum way way, int round)
{
	if ((way == BY_CR3 || way == BY_BOTH) && round % 2 == 0) {
		write_cr3((uint32_t)pds[s]);
	} else if (way == BY_CR3 || way == BY_BOTH) {
		write_cr3((uint32_t)pds[(s + 1) % SPACES]);
		read_all();
		write_cr3((uint32_t)pds[s]);
	}
	if (way == BY_INVLPG || way == BY_BOTH)
		invlpg(va_of(p));
}

/* Print bit of entry as its letter, or '-' (counted) if the SDM requires it and it is clear. */
static void check(uint32_t entry, uint32_t bit)
{
	checks++;
	if (!(entry & bit))
		missing++;
	gprintf("%c", !(entry & bit) ? '-' : bit == PTE_A ? 'A' : 'D');
}

/* The bits a test ages. */
static uint32_t aged_bits(enum test test)
{
	return test == READ_AGED ? PTE_A : test == WRITE_AGED ? PTE_A | PTE_D : PTE_D;
}

/* One test of page p in space t, run while space s is current (t is s, or for
 * BY_AWAY the next space): prime, age, maybe touch unseen, forget, access. */
static void run_test(int s, int t, const struct page *p, enum way way, enum test test, int round)
{
	int write = test != READ_AGED;

	if (t != s)
		write_cr3((uint32_t)pds[t]);
	touch(p, write);
	if (t != s)
		write_cr3((uint32_t)pds[s]);
	age(t, p, aged_bits(test));
	if (round % 2 && s == t)
		touch(p, write); /* without invalidation: the CPU may use its cached translation */
	if (way == BY_AWAY)
		write_cr3((uint32_t)pds[t]);
	else
		forget(s, p, way, round);
	touch(p, write);
	if (t != s)
		write_cr3((uint32_t)pds[s]);
}

/* Print the bits the access of test set in page p's entries of space t. */
static void print_test(int t, const struct page *p, enum test test)
{
	static const char letters[TESTS] = { 'r', 'w', 'd' };
	uint32_t aged = aged_bits(test);

	gprintf(" %c", letters[test]);
	if (aged & PTE_A)
		check(*leaf(t, p), PTE_A);
	if (test != READ_AGED)
		check(*leaf(t, p), PTE_D);
	if (!p->large && (aged & PTE_A))
		check(*pde_of(t, p), PTE_A);
}

/* Every test of page p in space s, one output line; a global page only with INVLPG. */
static void run_page(int s, const struct page *p, int round)
{
	gprintf("aging: round %d space %d %-9s", round, s, p->name);
	for (int way = 0; way < WAYS; way++) {
		int away = way == BY_AWAY, no_invlpg = way == BY_CR3 || away, t = away ? (s + 1) % SPACES : s;

		if (p->global && no_invlpg) {
			run_test(s, t, p, (enum way)way, WRITE_AGED, round);
			continue; /* the TLB may keep a global page across a CR3 write: print nothing */
		}
		gprintf("%s %s", way ? "," : "", way_names[way]);
		for (int test = 0; test < TESTS; test++) {
			run_test(s, t, p, (enum way)way, (enum test)test, round);
			print_test(t, p, (enum test)test);
		}
	}
	gprintf("\n");
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	(void)mbi;
	console_init();
	cpu_init();
	trap_set_handler(T_SYSCALL, on_user_done);
	for (int s = 0; s < SPACES; s++)
		map_space(s);
	write_cr3((uint32_t)pds[0]);
	write_cr4(read_cr4() | CR4_PSE | CR4_PGE);
	write_cr0(read_cr0() | CR0_PG);
	gprintf("aging: %d address spaces, %d test pages each, %d rounds\n", SPACES, PAGES, ROUNDS);
	for (int round = 0; round < ROUNDS; round++)
		for (int s = 0; s < SPACES; s++) {
			write_cr3((uint32_t)pds[s]);
			for (int n = 0; n < PAGES; n++)
				run_page(s, &pages[n], round);
		}
	gprintf("aging: %d bits checked, %d not set as SDM Vol3A 4.8 requires\n", checks, missing);
	return missing ? GUEST_FAILURE : GUEST_SUCCESS;
}
