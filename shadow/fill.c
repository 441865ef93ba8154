/*
 * Lab 3: filling the virtual TLB on hidden faults, reflecting true ones,
 * and emulating the accessed and dirty bits.
 *
 * Read labs/lab3-vtlb-fill.md, the patent's Fig. 6, and SDM Vol3A 4.8
 * (Accessed and Dirty Flags). Use gwalk() from lab 2 and vtlb_set_pte().
 */
#include "kernel/lab.h"
#include "shadow/vtlb.h"

enum vtlb_result vtlb_fill(struct vtlb *v, const struct guest_mode *mode, uint32_t gva,
			   uint32_t hw_error, uint32_t *error_code, struct walk *w)
{
	(void)v;
	(void)mode;
	(void)gva;
	(void)hw_error;
	(void)error_code;
	(void)w;
	LAB_NOT_IMPLEMENTED(3);
}
