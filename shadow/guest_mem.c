/*
 * The guest's RAM as the virtual TLB sees it: the guest's own table entries,
 * read and written in place, and the host frames that hold its pages.
 */
#include "shadow/vtlb.h"

uint32_t *guest_entry(const struct guest_mem *mem, uint32_t gpa)
{
	if (gpa % 4 || gpa > mem->size - 4) /* entries are 4 bytes, 4-aligned */
		return NULL;
	return (uint32_t *)(mem->ram + gpa);
}

uint32_t vtlb_host_frame(const struct vtlb *v, uint32_t gpa)
{
	return v->mem.hpa + (gpa & PTE_FRAME);
}
