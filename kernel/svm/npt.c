/*
 * The nested-paging fence (AMD-V). Each VM's nested page tables map, one to
 * one, only the host-physical pages its guest may reach: its RAM and its
 * shadow pool. The shadow tables hold host-physical frames, so under this
 * identity map they work unchanged; any other address is a nested page
 * fault and the VM stops. The fence matters where the CPU loads a CR3 the
 * hypervisor never saw: QEMU's TCG performs task switches despite the
 * task-switch intercept. APM Vol2 15.25 (Nested Paging).
 */
#include "kernel/console.h"
#include "kernel/palloc.h"
#include "kernel/svm/svm.h"
#include "kernel/vm.h"

/* Long-mode page-table entry bits: nested tables use the host's paging mode. APM Vol2 5.3 */
#define NPT_P      (1ull << 0)
#define NPT_RW     (1ull << 1)
#define NPT_US     (1ull << 2) /* nested walks are user accesses. APM Vol2 15.25.5 */
#define NPT_FLAGS  (NPT_P | NPT_RW | NPT_US)
#define NPT_FRAME  0x000FFFFFFFFFF000ull
#define NPT_INDEX(pa, level) (((pa) >> (12 + 9 * (level))) & 511) /* level 0: PT ... 3: PML4 */

/* The table the entry at index of table points to, made (zeroed) when absent; NULL when out of memory. */
static uint64_t *next_table(uint64_t *table, unsigned index)
{
	if (!(table[index] & NPT_P)) {
		uint64_t *t = palloc();

		if (!t)
			return NULL;
		table[index] = (uint64_t)t | NPT_FLAGS;
	}
	return (uint64_t *)(table[index] & NPT_FRAME);
}

/* Map [start, start + bytes) one to one, read/write, in the tree at pml4. */
static bool map_identity(uint64_t *pml4, uint64_t start, uint64_t bytes)
{
	for (uint64_t pa = start; pa < start + bytes; pa += PAGE_SIZE) {
		uint64_t *table = pml4;

		for (int level = 3; level > 0 && table; level--)
			table = next_table(table, NPT_INDEX(pa, level));
		if (!table)
			return false;
		table[NPT_INDEX(pa, 0)] = pa | NPT_FLAGS;
	}
	return true;
}

uint64_t svm_fence_build(const struct vm *vm)
{
	uint64_t *pml4 = palloc();

	if (!pml4 || !map_identity(pml4, (uint64_t)vm->ram, vm->ram_size) ||
	    !map_identity(pml4, vm->vtlb.pool_hpa, (uint64_t)vm->vtlb.pool_pages * PAGE_SIZE)) {
		hv_log("AMD-V: no memory for vm%d's nested page tables", vm->id);
		return 0;
	}
	return (uint64_t)pml4;
}
