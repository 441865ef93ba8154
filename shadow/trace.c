/*
 * The walk trace: what the guest's tables say about one address, in one
 * line. Lab 2's runnable result ("explain any guest address"), printed for
 * every page-fault exit with the hypervisor option trace=pf.
 */
#include "shadow/vtlb.h"

/* The flags of an entry as letters: P W U A D S G, a dash for each clear one. */
static void flags(uint32_t e, char out[8])
{
	static const struct {
		uint32_t bit;
		char name;
	} names[] = { { PTE_P, 'P' }, { PTE_RW, 'W' }, { PTE_US, 'U' }, { PTE_A, 'A' },
		      { PTE_D, 'D' }, { PTE_PS, 'S' }, { PTE_G, 'G' } };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		out[i] = (e & names[i].bit) ? names[i].name : '-';
	out[7] = '\0';
}

const char *walk_bad_name(enum walk_bad bad)
{
	switch (bad) {
	case BAD_PAGE_DIRECTORY:
		return "page directory";
	case BAD_PAGE_TABLE:
		return "page table";
	case BAD_PAGE_FRAME:
		return "page frame";
	case BAD_NONE:
		break;
	}
	return "nothing";
}

void vtlb_trace(const struct guest_mem *mem, const struct guest_mode *mode, uint32_t gva,
		bool write, bool user, char *buf, size_t size)
{
	struct walk w;
	char pde[8], pte[8];
	size_t n = 0;

	if (!(mode->cr0 & CR0_PG)) {
		snprintf(buf, size, "paging off: guest-physical %#x (identity)", gva);
		return;
	}
	gwalk(mem, mode, gva, write, user, &w);
	flags(w.pde, pde);
	flags(w.pte, pte);
	n += snprintf(buf + n, size - n, "%s %s: PDE[%u]@%#x=%#x %s", user ? "user" : "supervisor",
		      write ? "write" : "read", PDX(gva), w.pde_gpa, w.pde, pde);
	bool pte_read = (w.pde & PTE_P) && !w.large &&
			!(w.status == WALK_BAD_GPA && w.bad == BAD_PAGE_TABLE);

	if (pte_read && n < size)
		n += snprintf(buf + n, size - n, " -> PTE[%u]@%#x=%#x %s", PTX(gva), w.pte_gpa, w.pte, pte);
	if (n >= size)
		return;
	switch (w.status) {
	case WALK_OK:
		snprintf(buf + n, size - n, " -> gpa %#x (%s, %s%s)", w.gpa, w.user ? "user" : "supervisor",
			 w.writable ? "writable" : "read-only", w.large ? ", 4 MiB page" : "");
		break;
	case WALK_FAULT:
		snprintf(buf + n, size - n, " -> #PF, error code %#x (%s)", w.error_code,
			 (w.error_code & PFERR_RSVD) ? "reserved bit set"
			 : (w.error_code & PFERR_P) ? "protection" : "not present");
		break;
	case WALK_BAD_GPA:
		snprintf(buf + n, size - n, " -> %s at %#x is outside RAM", walk_bad_name(w.bad), w.bad_gpa);
		break;
	}
}
