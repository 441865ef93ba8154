/*
 * Lab 1: fitting VMX controls to what the CPU allows.
 *
 * Read labs/lab1-vmx-entry.md, "2. Controls", and SDM Vol3D A.3.1 (Pin-Based
 * VM-Execution Controls): each capability MSR holds the allowed 0-settings in
 * bits 31:0 and the allowed 1-settings in bits 63:32.
 */
#include "kernel/lab.h"
#include "kernel/vmx/vmx.h"

bool vmx_adjust_controls(uint32_t wanted, uint64_t cap, uint32_t *result)
{
	(void)wanted;
	(void)cap;
	(void)result;
	LAB_NOT_IMPLEMENTED(1);
}
