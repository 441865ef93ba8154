/*
 * Lab 1: building the VMCS: controls, host state, guest state.
 *
 * Read labs/lab1-vmx-entry.md, "3. The VMCS", and SDM Vol3C 24 (Virtual Machine
 * Control Structures) and 26.2-26.3 (the checks VM entry makes).
 */
#include "kernel/lab.h"
#include "kernel/vmx/vmx.h"

bool vmcs_setup(struct vcpu *v)
{
	(void)v;
	LAB_NOT_IMPLEMENTED(1);
}
