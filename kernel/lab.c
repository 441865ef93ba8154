/* The kernel's answer to a lab stub: say which function is missing, then stop. */
#include "kernel/console.h"
#include "kernel/lab.h"
#include "kernel/machine.h"

static const char *const handouts[] = {
	[1] = "labs/lab1-vmx-entry.md",
	[2] = "labs/lab2-guest-page-walk.md",
	[3] = "labs/lab3-vtlb-fill.md",
	[4] = "labs/lab4-invalidation.md",
	[5] = "labs/lab5-two-guests.md",
	[6] = "labs/lab6-shadow-caching.md",
	[7] = "labs/lab7-virtual-interrupts.md",
};

void lab_not_implemented(int lab, const char *function, const char *file)
{
	hv_log("lab %d: not implemented: %s (%s)", lab, function, file);
	if (lab > 0 && lab < (int)ARRAY_SIZE(handouts) && handouts[lab])
		hv_log("lab %d: write it as %s describes, then run make run again", lab, handouts[lab]);
	machine_exit(false);
}

void lab_fallback(int lab, const char *function, const char *file, const char *instead)
{
	hv_log("lab %d: not implemented: %s (%s): %s", lab, function, file, instead);
}
