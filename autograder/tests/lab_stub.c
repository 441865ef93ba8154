/*
 * The host-test side of a lab stub (kernel/lab.h): the test that reached an
 * unwritten lab function fails with the same message the kernel prints.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "kernel/lab.h"

void lab_not_implemented(int lab, const char *function, const char *file)
{
	cr_assert_fail("lab %d: not implemented: %s (%s)", lab, function, file);
	abort(); /* not reached: the failed assertion ends the test */
}

void lab_fallback(int lab, const char *function, const char *file, const char *instead)
{
	cr_assert_fail("lab %d: not implemented: %s (%s): %s", lab, function, file, instead);
}
