/*
 * Lab 1: the world switch and the exit decoder.
 *
 * Read labs/lab1-vmx-entry.md, "4. Running and decoding", and
 * SDM Vol3C 27.2 (Recording VM-Exit Information).
 */
#include "kernel/lab.h"
#include "kernel/vmx/vmx.h"

void vmx_run(struct vcpu *v, struct vm_exit *e)
{
	(void)v;
	(void)e;
	LAB_NOT_IMPLEMENTED(1);
}

void vmx_decode_exit(struct vm_exit *e)
{
	(void)e;
	LAB_NOT_IMPLEMENTED(1);
}
