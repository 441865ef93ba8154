/* The kernel's answer to a lab stub: say which function is missing, then stop. */
#include "kernel/console.h"
#include "kernel/lab.h"
#include "kernel/machine.h"

void lab_not_implemented(int lab, const char *function, const char *file)
{
	hv_log("lab %d: not implemented: %s (%s)", lab, function, file);
	machine_exit(false);
}
