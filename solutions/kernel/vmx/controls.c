/*
 * Lab 1: fitting VMX controls to what the CPU allows.
 *
 * Each capability MSR holds two 32-bit masks. SDM Vol3D A.3.1 (Pin-Based
 * VM-Execution Controls): bits 31:0 are the allowed 0-settings (a bit set
 * here must be 1 in the control), bits 63:32 are the allowed 1-settings (a
 * bit clear here must be 0).
 */
#include "kernel/vmx/vmx.h"

bool vmx_adjust_controls(uint32_t wanted, uint64_t cap, uint32_t *result)
{
	uint32_t must_be_one = (uint32_t)cap;
	uint32_t may_be_one = (uint32_t)(cap >> 32);

	*result = (wanted | must_be_one) & may_be_one;
	return (wanted & ~may_be_one) == 0;
}
