/*
 * The access-rights matrix, in the spirit of kvm-unit-tests' x86/access.c:
 * every combination of PDE P/RW/US/A, PTE P/RW/US/A/D (or a 4 MiB PDE with
 * P/RW/US/A/D), CPL 0 and 3, CR0.WP 0 and 1, read, write and instruction
 * fetch. For each it records the fault, error code, CR2, the value, and the
 * A/D bits left in the entries, and checks them against the SDM.
 *
 * Output: one digest line per (CPL, WP, access) group and totals; with
 * `verbose`, one line per combination. Arguments: seed=N (default 1) moves
 * the test page and its values; verbose.
 */
#include "cpu.h"
#include "guest.h"
#include "paging.h"
#include "probe.h"
#include "rand.h"
#include "x86.h"

#define TEST_FRAMES_BASE 0xC00000 /* the test frame lies in 12-16 MiB ... */
#define TEST_FRAMES      992      /* ... below the top 128 KiB, which QEMU keeps for firmware */
#define FIRST_FREE_PDE   4        /* PDEs 0-3 are the identity map */
#define MISMATCHES_SHOWN 16       /* without verbose, print only the first few disagreements */

static const char *const access_names[] = { "read", "write", "fetch" };

/* Bit i of combination n selects flags[i]: enumerates every subset of the flags. */
static uint32_t entry_flags(unsigned n, int with_d)
{
	static const uint32_t flags[] = { PTE_P, PTE_RW, PTE_US, PTE_A, PTE_D };
	uint32_t e = 0;

	for (int i = 0; i < (with_d ? 5 : 4); i++)
		if (n & (1u << i))
			e |= flags[i];
	return e;
}

/* Entry flags as letters, '-' for clear: "PWUAD". */
static const char *flags_str(char *buf, uint32_t e, int with_d)
{
	static const struct { uint32_t bit; char c; } letters[] = {
		{ PTE_P, 'P' }, { PTE_RW, 'W' }, { PTE_US, 'U' }, { PTE_A, 'A' }, { PTE_D, 'D' },
	};
	int n = with_d ? 5 : 4;

	for (int i = 0; i < n; i++)
		buf[i] = e & letters[i].bit ? letters[i].c : '-';
	buf[n] = '\0';
	return buf;
}

/* The digest of an outcome; PDE.A is left out where the SDM leaves it open. */
static uint32_t outcome_digest(uint32_t h, const struct outcome *o)
{
	uint32_t pde = o->pde_a_unknown ? o->pde & ~(uint32_t)PTE_A : o->pde;

	h = fnv1a_u32(h, (uint32_t)o->faulted);
	h = fnv1a_u32(h, o->error);
	h = fnv1a_u32(h, o->cr2);
	h = fnv1a_u32(h, o->value);
	h = fnv1a_u32(h, pde);
	return fnv1a_u32(h, o->pte);
}

static int outcome_matches(const struct outcome *o, const struct outcome *expected)
{
	uint32_t pde_mask = o->pde_a_unknown ? ~(uint32_t)PTE_A : ~0u;

	return o->faulted == expected->faulted && o->error == expected->error &&
	       o->cr2 == expected->cr2 && o->value == expected->value &&
	       (o->pde & pde_mask) == (expected->pde & pde_mask) && o->pte == expected->pte;
}

/* One line per combination: the set-up, then what happened, '!' if the SDM disagrees. */
static void print_probe(const struct probe *p, const struct outcome *o, int matches)
{
	char f1[8], f2[8];

	gprintf("cpl%d wp%d %-5s %s pde %s", p->cpl, p->wp, access_names[p->access],
		p->large ? "4m" : "4k", flags_str(f1, p->pde_flags, p->large));
	if (!p->large)
		gprintf(" pte %s", flags_str(f2, p->pte_flags, 1));
	if (o->faulted)
		gprintf(": #PF %02x cr2 %08x", o->error, o->cr2);
	else
		gprintf(": ok");
	gprintf(" val %08x -> pde %c%c", o->value, o->pde_a_unknown ? '?' : o->pde & PTE_A ? 'A' : '-',
		p->large ? (o->pde & PTE_D ? 'D' : '-') : ' ');
	if (!p->large)
		gprintf("pte %c%c", o->pte & PTE_A ? 'A' : '-', o->pte & PTE_D ? 'D' : '-');
	gprintf("%s\n", matches ? "" : " !");
}

struct totals {
	unsigned probes, faults, mismatches;
};

/* Run and digest one probe. */
static uint32_t run_one(const struct test_page *t, const struct probe *p, uint32_t digest,
			struct totals *n, int verbose)
{
	struct outcome o, expected;
	int matches;

	probe_run(t, p, &o);
	probe_expect(t, p, &expected);
	matches = outcome_matches(&o, &expected);
	n->probes++;
	n->faults += (unsigned)o.faulted;
	n->mismatches += (unsigned)!matches;
	if (verbose || (!matches && n->mismatches <= MISMATCHES_SHOWN))
		print_probe(p, &o, matches);
	return outcome_digest(digest, &o);
}

/* Every entry combination for one (CPL, WP, access); prints the group's digest line. */
static void run_group(const struct test_page *t, struct probe p, struct totals *all, int verbose)
{
	struct totals n = { 0, 0, 0 };
	uint32_t digest = FNV1A_INIT;

	p.large = 0;
	for (unsigned pde = 0; pde < 16; pde++) {
		for (unsigned pte = 0; pte < 32; pte++) {
			p.pde_flags = entry_flags(pde, 0);
			p.pte_flags = entry_flags(pte, 1);
			digest = run_one(t, &p, digest, &n, verbose);
		}
	}
	p.large = 1;
	p.pte_flags = 0;
	for (unsigned pde = 0; pde < 32; pde++) {
		p.pde_flags = entry_flags(pde, 1);
		digest = run_one(t, &p, digest, &n, verbose);
	}
	gprintf("access: cpl%d wp%d %-5s: %u combinations, %u faults, digest %08x\n", p.cpl, p.wp,
		access_names[p.access], n.probes, n.faults, digest);
	all->probes += n.probes;
	all->faults += n.faults;
	all->mismatches += n.mismatches;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *args = mb_args(mbi);
	struct prng rng = prng_seed(arg_uint(args, "seed", 1));
	int verbose = arg_flag(args, "verbose");
	struct totals all = { 0, 0, 0 };
	struct test_page t;
	uint32_t pdx, ptx;

	(void)magic;
	console_init();
	pdx = FIRST_FREE_PDE + prng_below(&rng, ENTRIES - FIRST_FREE_PDE);
	ptx = prng_below(&rng, TEST_FRAMES);
	t.va = pdx << 22 | ptx << 12;
	t.pa = TEST_FRAMES_BASE + ptx * PAGE_SIZE;
	t.value = prng_next(&rng);
	t.new_value = t.value ^ (prng_next(&rng) | 1);
	gprintf("access: seed %u: test page at %08x (frame %08x), value %08x, writes %08x\n",
		arg_uint(args, "seed", 1), t.va, t.pa, t.value, t.new_value);

	cpu_init();
	probe_init(&t);
	for (int cpl = 0; cpl <= 3; cpl += 3) {
		for (int wp = 0; wp <= 1; wp++) {
			write_cr0(wp ? read_cr0() | CR0_WP : read_cr0() & ~(uint32_t)CR0_WP);
			for (int a = ACCESS_READ; a <= ACCESS_FETCH; a++) {
				struct probe p = { .cpl = cpl, .wp = wp, .access = (enum access)a };

				run_group(&t, p, &all, verbose);
			}
		}
	}
	gprintf("access: %u combinations, %u faults, %u differ from the SDM\n", all.probes,
		all.faults, all.mismatches);
	return all.mismatches ? GUEST_FAILURE : GUEST_SUCCESS;
}
