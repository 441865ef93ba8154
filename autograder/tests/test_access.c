/*
 * Lab 2: the access matrix of guest/access, walked with gwalk. Every
 * combination of PDE and PTE P, R/W, U/S, A, D, of PDE.PS with CR4.PSE on and
 * off (a PS=1 PDE without CR4.PSE points to a page table), of CR0.WP, of a
 * supervisor or user access and of a read, write or instruction fetch,
 * against an oracle written here from the architecture: SDM Vol3A 4.6
 * (Access Rights) says whether the access goes through, SDM Vol3A 4.7
 * (Page-Fault Exceptions) which error code it faults with. The first
 * combination that differs is named in the failure.
 */
#include <stdio.h>

#include <criterion/criterion.h>

#include "vtlb_fixture.h"

#define GVA        0x00403123u /* PD index 1, PT index 3 */
#define TABLE_GPA  0x00400000u /* 4 MiB aligned: the page table, or the 4 MiB page of a PS=1 PDE */
#define FRAME_GPA  0x00200000u /* the 4 KiB page the PTE maps */
#define FLAG_COUNT 5           /* P, R/W, U/S, A, D */

static void setup(void) { fixture_setup(16); }

TestSuite(access, .init = setup, .fini = fixture_teardown);

enum access_kind { READ, WRITE, FETCH, ACCESS_KINDS };

/* One combination of the matrix. */
struct combination {
	uint32_t pde, pte; /* the entries as written */
	bool pse, wp, user;
	enum access_kind access;
};

/* What the architecture says the walk must give. */
struct expected {
	bool faults;
	uint32_t error;    /* the #PF error code, if it faults */
	uint32_t gpa;      /* the translation, if not */
	bool large, user, writable;
};

/* Bit i of n selects the i-th of P, R/W, U/S, A, D. */
static uint32_t entry_flags(unsigned n)
{
	static const uint32_t flags[FLAG_COUNT] = { PTE_P, PTE_RW, PTE_US, PTE_A, PTE_D };
	uint32_t e = 0;

	for (int i = 0; i < FLAG_COUNT; i++)
		if (n & (1u << i))
			e |= flags[i];
	return e;
}

/* c as words, for a failure message: "PDE PWU-- PS, PTE P-UAD, CR4.PSE 1, CR0.WP 0, user write". */
static const char *describe(const struct combination *c, char *buf, size_t size)
{
	static const char *const accesses[ACCESS_KINDS] = { "read", "write", "fetch" };
	static const char letters[FLAG_COUNT + 1] = "PWUAD";
	char pde[FLAG_COUNT + 1], pte[FLAG_COUNT + 1];

	for (int i = 0; i < FLAG_COUNT; i++) {
		pde[i] = c->pde & entry_flags(1u << i) ? letters[i] : '-';
		pte[i] = c->pte & entry_flags(1u << i) ? letters[i] : '-';
	}
	pde[FLAG_COUNT] = pte[FLAG_COUNT] = '\0';
	snprintf(buf, size, "PDE %s%s, PTE %s, CR4.PSE %d, CR0.WP %d, %s %s", pde,
		 c->pde & PTE_PS ? " PS" : "", pte, c->pse, c->wp, c->user ? "user" : "supervisor",
		 accesses[c->access]);
	return buf;
}

/*
 * The oracle. SDM Vol3A 4.3: with CR4.PSE = 0 the PS flag is ignored and the
 * PDE references a page table. SDM Vol3A 4.6.1: a user-mode access needs U/S
 * set in every entry, a user-mode write R/W set in every entry too; a
 * supervisor-mode read or fetch goes anywhere (no SMEP), a supervisor-mode
 * write needs R/W set in every entry only when CR0.WP = 1. SDM Vol3A 4.7: P
 * is clear when an entry was not present, W/R is set for a write, U/S for a
 * user-mode access; I/D stays clear without PAE (no NX, no SMEP).
 */
static struct expected architecture(const struct combination *c)
{
	bool large = (c->pde & PTE_PS) && c->pse;
	uint32_t levels_and = large ? c->pde : c->pde & c->pte;
	bool present = levels_and & PTE_P, user_page = levels_and & PTE_US;
	bool writable_page = levels_and & PTE_RW, write = c->access == WRITE, allowed;
	uint32_t error = (write ? PFERR_W : 0) | (c->user ? PFERR_U : 0);

	if (c->user)
		allowed = user_page && (!write || writable_page);
	else
		allowed = !write || writable_page || !c->wp;
	if (!present)
		return (struct expected){ .faults = true, .error = error };
	if (!allowed)
		return (struct expected){ .faults = true, .error = error | PFERR_P };
	return (struct expected){ .gpa = large ? TABLE_GPA | (GVA & 0x3FFFFF) : FRAME_GPA | (GVA & 0xFFF),
				  .large = large, .user = user_page, .writable = writable_page };
}

/* Write c's entries, walk, and compare with the architecture; fails naming c. */
static void check(const struct combination *c)
{
	struct guest_mode mode = paged(c->wp ? CR0_WP : 0, c->pse ? CR4_PSE : 0);
	struct expected e = architecture(c);
	struct walk w;
	char what[128];

	*entry(PD_GPA + PDX(GVA) * 4) = TABLE_GPA | c->pde;
	*entry(TABLE_GPA + PTX(GVA) * 4) = FRAME_GPA | c->pte;
	enum walk_status s = gwalk(&mem, &mode, GVA, c->access == WRITE, c->user, &w);

	describe(c, what, sizeof(what));
	if (e.faults) {
		cr_assert_eq(s, WALK_FAULT, "%s: must fault with error code %#x (SDM Vol3A 4.6, 4.7)", what, e.error);
		cr_assert_eq(w.error_code, e.error, "%s: error code %#x, the SDM's is %#x (SDM Vol3A 4.7)", what,
			     w.error_code, e.error);
	} else {
		cr_assert_eq(s, WALK_OK, "%s: allowed, but the walk said %s (error code %#x) (SDM Vol3A 4.6)", what,
			     s == WALK_FAULT ? "fault" : "bad address", w.error_code);
		cr_assert_eq(w.gpa, e.gpa, "%s: gpa %#x, expected %#x", what, w.gpa, e.gpa);
		cr_assert_eq(w.large, e.large, "%s: large %d, expected %d (SDM Vol3A 4.3)", what, w.large, e.large);
		cr_assert_eq(w.user, e.user, "%s: user %d, expected %d", what, w.user, e.user);
		cr_assert_eq(w.writable, e.writable, "%s: writable %d, expected %d", what, w.writable, e.writable);
	}
	cr_assert_eq(*entry(PD_GPA + PDX(GVA) * 4), TABLE_GPA | c->pde, "%s: the walk changed the PDE", what);
	cr_assert_eq(*entry(TABLE_GPA + PTX(GVA) * 4), FRAME_GPA | c->pte, "%s: the walk changed the PTE", what);
}

Test(access, every_combination_of_the_access_matrix_matches_the_sdm)
{
	for (unsigned pde = 0; pde < 1u << FLAG_COUNT; pde++)
		for (unsigned pte = 0; pte < 1u << FLAG_COUNT; pte++)
			for (unsigned rest = 0; rest < 1u << 4; rest++)
				for (int access = READ; access < ACCESS_KINDS; access++) {
					struct combination c = {
						.pde = entry_flags(pde) | (rest & 1 ? PTE_PS : 0),
						.pte = entry_flags(pte), .pse = rest & 2, .wp = rest & 4,
						.user = rest & 8, .access = (enum access_kind)access,
					};

					check(&c);
				}
}
