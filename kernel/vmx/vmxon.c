/*
 * Lab 1: entering VMX operation.
 *
 * Read labs/lab1-vmx-entry.md, "1. Entering VMX operation", and SDM Vol3C 23.7
 * (Enabling and Entering VMX Operation).
 */
#include "kernel/lab.h"
#include "kernel/vmx/vmx.h"

bool vmx_cpu_enable(void)
{
	LAB_NOT_IMPLEMENTED(1);
}
