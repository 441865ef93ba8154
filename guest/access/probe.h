/*
 * One probe of the access-rights matrix: a PDE (and a PTE, unless the PDE
 * maps a 4 MiB page), a CPL, an access; what the CPU did with it.
 */
#ifndef ACCESS_PROBE_H
#define ACCESS_PROBE_H

#include <stdint.h>

#define VALUE_OFFSET 8 /* the test page holds code at offset 0 and the value here */

enum access { ACCESS_READ, ACCESS_WRITE, ACCESS_FETCH };

/* Where the test page is and what it holds; all derived from the seed. */
struct test_page {
	uint32_t va;        /* linear address of the page, outside the identity map */
	uint32_t pa;        /* physical address, inside the 4 MiB page at PDE_LARGE_FRAME(pa) */
	uint32_t value;     /* the value the page holds (and its code returns) */
	uint32_t new_value; /* what a write stores */
};

/* One combination. The caller sets CR0.WP to wp beforehand. */
struct probe {
	int cpl;            /* 0 or 3 */
	int wp;             /* CR0.WP */
	enum access access;
	int large;          /* a PDE with PS=1 maps a 4 MiB page; no PTE */
	uint32_t pde_flags; /* P, RW, US, A (and D if large) */
	uint32_t pte_flags; /* P, RW, US, A, D (unused if large) */
};

/* What happened. */
struct outcome {
	int faulted;
	uint32_t error;     /* #PF error code */
	uint32_t cr2;
	uint32_t value;     /* read or fetched; for a write, the page's value afterwards */
	uint32_t pde, pte;  /* the entries afterwards (pte 0 if large) */
	int pde_a_unknown;  /* PDE.A is left open by the SDM here: not compared, not printed */
};

/* Identity-map the first 16 MiB (user-accessible 4 MiB pages), fill the test page, turn paging on. */
void probe_init(const struct test_page *t);

/* Set the entries of p, INVLPG, make the access at p->cpl, and fill o. */
void probe_run(const struct test_page *t, const struct probe *p, struct outcome *o);

/* What SDM Vol3A 4.6 and 4.8 say the outcome must be, in e. */
void probe_expect(const struct test_page *t, const struct probe *p, struct outcome *e);

#endif
