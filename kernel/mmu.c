/*
 * Wiring the virtual TLB to the exits. The decisions live in shadow/ (one
 * entry point per event: vtlb_page_fault, vtlb_on_invlpg, vtlb_on_cr3_write,
 * vtlb_on_mode_change); here the results are carried out: a reflected fault
 * becomes a #PF injected with the guest's error code and CR2, a bad page
 * table stops the VM, and dropped shadow entries are flushed from the CPU's
 * own TLB.
 */
#include "kernel/backend.h"
#include "kernel/console.h"
#include "kernel/mmio.h"
#include "kernel/mmu.h"
#include "kernel/palloc.h"
#include "kernel/ptwrite.h"
#include "kernel/vectors.h"
#include "kernel/x86.h"

#define FAULT_WHY_BYTES  200 /* the reason a page fault stops the VM, or its trace line */
#define ACCESS_WHY_BYTES 300 /* the reason an emulated access stops the VM */

bool mmu_init(struct vm *vm)
{
	uint8_t *pool = palloc_pages(VTLB_POOL_PAGES, PAGE_SIZE);
	struct guest_mem mem = { vm->ram, (uint32_t)vm->ram_size, (uint32_t)(uint64_t)vm->ram };

	if (!pool) {
		hv_log("vm%d: no memory for %d shadow pages", vm->id, VTLB_POOL_PAGES);
		return false;
	}
	vtlb_init(&vm->vtlb, mem, pool, (uint32_t)(uint64_t)pool, VTLB_POOL_PAGES);
	vm->vcpu.shadow_root = vtlb_cr3(&vm->vtlb);
	return true;
}

struct guest_mode mmu_mode(const struct vm *vm)
{
	return (struct guest_mode){ (uint32_t)vm->vcpu.cr0, (uint32_t)vm->vcpu.cr3,
				    (uint32_t)vm->vcpu.cr4 };
}

/* Entries were dropped: the CPU may still hold them. */
static void flush_if_dropped(struct vm *vm)
{
	if (vm->vtlb.hw_flush) {
		active_backend->flush_tlb(&vm->vcpu);
		vm->vtlb.hw_flush = false;
	}
}

/* The guest's own #PF at gva: a true fault, or one raised by an access the hypervisor emulated. */
static void raise_page_fault(struct vm *vm, uint32_t gva, uint32_t error_code)
{
	vm->vcpu.cr2 = gva;
	vm->vcpu.raised = event_exception(VEC_PAGE_FAULT, true, error_code);
}

enum resume mmu_page_fault(struct vm *vm, struct vm_exit *e)
{
	struct guest_mode mode = mmu_mode(vm);
	uint32_t gva = (uint32_t)e->addr, error_code = 0, gpa = 0;
	enum resume resume = RESUME_SAME;
	char why[FAULT_WHY_BYTES];

	if (vm->trace_faults) {
		vtlb_trace(&vm->vtlb.mem, &mode, gva, e->error_code & PFERR_W,
			   e->error_code & PFERR_U, why, sizeof(why));
		hv_log("vm%d: #PF %#x (error %#x): %s", vm->id, gva, e->error_code, why);
	}
	switch (vtlb_page_fault(&vm->vtlb, &mode, gva, e->error_code, &error_code, &gpa, why, sizeof(why))) {
	case VTLB_FILLED:
		break;
	case VTLB_REFLECT:
		raise_page_fault(vm, gva, error_code);
		break;
	case VTLB_BAD:
		vm_stop(vm, "%s", why);
		break;
	case VTLB_DEVICE:
		resume = mmio_access(vm, e, gpa);
		break;
	case VTLB_PT_WRITE:
		resume = ptwrite_emulate(vm, e, gpa);
		break;
	}
	flush_if_dropped(vm); /* a full pool evicts */
	return resume;
}

enum resume mmu_invlpg(struct vm *vm, uint32_t gva)
{
	struct guest_mode mode = mmu_mode(vm);

	vtlb_on_invlpg(&vm->vtlb, &mode, gva);
	flush_if_dropped(vm);
	return RESUME_NEXT;
}

void mmu_paging_changed(struct vm *vm, const struct guest_mode *old, int cr)
{
	struct guest_mode now = mmu_mode(vm);

	if (cr == 3)
		vtlb_on_cr3_write(&vm->vtlb, &now);
	else
		vtlb_on_mode_change(&vm->vtlb, old, &now);
	vm->vcpu.shadow_root = vtlb_cr3(&vm->vtlb); /* lab 6 may have switched roots */
	flush_if_dropped(vm);
}

void mmu_enable_cache(struct vm *vm)
{
	if (vm->ram_size > (uint64_t)VTLB_GUEST_FRAMES * PAGE_SIZE_4K) {
		hv_log("vm%d: option cache needs at most %u MiB of guest RAM: running without it", vm->id,
		       (unsigned)(VTLB_GUEST_FRAMES * PAGE_SIZE_4K / MiB));
		return;
	}
	vm->vtlb.caching = vtlb_cache_init(&vm->vtlb);
}

bool mmu_access(struct vm *vm, uint32_t linear, void *buf, size_t n, bool write)
{
	struct guest_mode mode = mmu_mode(vm);
	bool user = active_backend->cpl(&vm->vcpu) == 3;
	uint32_t gpa[MMU_ACCESS_MAX], error_code = 0;
	char why[ACCESS_WHY_BYTES];

	if (n > MMU_ACCESS_MAX)
		return false;
	/* Every byte's page first: an access that faults changes no memory. */
	for (size_t i = 0; i < n; i++) {
		uint32_t la = linear + (uint32_t)i;

		switch (vtlb_access(&vm->vtlb, &mode, la, write, user, &gpa[i], &error_code, why, sizeof(why))) {
		case VTLB_FILLED:
			continue;
		case VTLB_REFLECT:
			raise_page_fault(vm, la, error_code);
			break;
		case VTLB_BAD:
			vm_stop(vm, "%s", why);
			break;
		case VTLB_PT_WRITE: /* not asked for: vtlb_access never emulates */
		case VTLB_DEVICE:
			vm_stop(vm, "device access at gpa %#x by an instruction the hypervisor does not emulate (an operand it reads or writes itself)",
				gpa[i]);
			break;
		}
		flush_if_dropped(vm);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = vm_gpa(vm, gpa[i], 1), *b = buf;

		if (write)
			*p = b[i];
		else
			b[i] = *p;
	}
	flush_if_dropped(vm);
	return true;
}

bool mmu_translate(struct vm *vm, uint32_t linear, uint32_t *gpa)
{
	struct guest_mode mode = mmu_mode(vm);
	struct walk w;

	if (!(mode.cr0 & CR0_PG)) {
		*gpa = linear;
		return true;
	}
	if (gwalk(&vm->vtlb.mem, &mode, linear, false, false, &w) != WALK_OK)
		return false;
	*gpa = w.gpa;
	return true;
}

void mmu_report(const struct vm *vm)
{
	const struct vtlb_stats *s = &vm->vtlb.stats;

	hv_log("vm%d vtlb: %lu hidden faults filled (%lu new entries, %lu refills), %lu true faults reflected, dropped %lu by INVLPG, %lu by CR3 writes, %lu by mode changes; %d shadow pages in use, peak %u, %lu evicted",
	       vm->id, s->hidden_faults, s->new_entries, s->refills, s->true_faults, s->invlpg_drops, s->cr3_drops,
	       s->flush_drops, vm->vtlb.pages_in_use, s->pages_peak, s->evictions);
	if (vm->vtlb.caching)
		hv_log("vm%d cache: %lu CR3 writes found their address space's shadow, %lu started one; %lu writes to protected guest page tables, %lu entries dropped by resync, %lu rewritten in place; %lu prefetched; %lu writes emulated",
		       vm->id, s->root_hits, s->root_misses, s->pt_writes, s->resync_drops, s->resync_updates,
		       s->prefetches, s->pt_emulated);
}
