/*
 * Lab 5: round-robin scheduling of VMs on one CPU.
 *
 * Each VM owns a vCPU with its own VMCS (or VMCB) and its own virtual TLB;
 * switching VMs means making that VMCS current, whose guest CR3 field is
 * the VM's shadow root. Nothing of one VM's translations is left for the
 * other: VT-x without VPIDs flushes at every entry and exit, and AMD-V gives
 * each VM its own ASID. US 6,907,600, Fig. 1 (VMs 102 and 114 over VMM 112).
 */
#include "kernel/backend.h"
#include "kernel/sched.h"

struct vm *sched_pick_next(struct vm *const *vms, int count, const struct vm *prev)
{
	int start = 0;

	for (int i = 0; i < count; i++)
		if (vms[i] == prev)
			start = i + 1;
	for (int n = 0; n < count; n++) {
		struct vm *vm = vms[(start + n) % count];

		if (vm->state == VM_RUNNING)
			return vm;
	}
	return NULL;
}

bool sched_slice_over(const struct vm *vm, const struct vm_exit *e, uint64_t now, uint64_t slice)
{
	return e->kind == EXIT_PREEMPT || now - vm->slice_start >= slice;
}

void sched_switch(struct vm *next, uint64_t now)
{
	active_backend->switch_to(&next->vcpu);
	next->slice_start = now;
}
