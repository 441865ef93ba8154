/*
 * The identity map of a paging-off guest. The CPU must page while in VMX
 * non-root operation without unrestricted guest (SDM Vol3C 26.3.1.1), so the
 * guest's "physical" addresses go through these tables: guest address x ->
 * host page of guest-physical x. Anything beyond the VM's RAM is not mapped
 * and faults into the hypervisor.
 * 32-bit paging: SDM Vol3A 4.3 (32-Bit Paging).
 */
#include "kernel/idmap.h"
#include "kernel/palloc.h"
#include "kernel/vm.h"

#define PDE_P  0x001u /* present */
#define PDE_W  0x002u /* writable */
#define PDE_U  0x004u /* user */
#define ENTRIES_PER_TABLE 1024
#define PT_SPAN (4 * MiB) /* bytes one page table maps */

uint64_t idmap_build(struct vm *vm)
{
	uint32_t *pd = palloc();

	if (!pd)
		return 0;
	for (uint64_t base = 0; base < vm->ram_size; base += PT_SPAN) {
		uint32_t *pt = palloc();

		if (!pt)
			return 0;
		for (int i = 0; i < ENTRIES_PER_TABLE && base + i * PAGE_SIZE < vm->ram_size; i++)
			pt[i] = (uint32_t)(uint64_t)(vm->ram + base + i * PAGE_SIZE) |
				PDE_P | PDE_W | PDE_U;
		pd[base / PT_SPAN] = (uint32_t)(uint64_t)pt | PDE_P | PDE_W | PDE_U;
	}
	return (uint64_t)pd;
}
