/*
 * The VM's device memory as the virtual TLB sees it: guest-physical ranges
 * outside RAM that are never mapped in a shadow. An access that reaches one
 * is answered VTLB_DEVICE (shadow/fault.c), and the hypervisor emulates the
 * instruction (kernel/mmio.c); which device lies there the virtual TLB does
 * not know.
 */
#include "shadow/vtlb.h"

bool vtlb_add_device(struct vtlb *v, uint32_t base, uint32_t size)
{
	if (v->device_count >= VTLB_DEVICES_MAX || size == 0 || (base | size) & (PAGE_SIZE_4K - 1) ||
	    base < v->mem.size || base + size - 1 < base)
		return false;
	v->devices[v->device_count++] = (struct vtlb_device){ base, size };
	return true;
}

bool vtlb_is_device(const struct vtlb *v, uint32_t gpa)
{
	for (int i = 0; i < v->device_count; i++)
		if (gpa - v->devices[i].base < v->devices[i].size)
			return true;
	return false;
}
