/*
 * Lab 5: round-robin scheduling of VMs on one CPU.
 *
 * Read labs/lab5-two-guests.md and the patent's Fig. 1. Until you write
 * these, VMs run one after another, each to its end: one VM still runs,
 * but a guest that never ends starves the others.
 */
#include "kernel/backend.h"
#include "kernel/lab.h"
#include "kernel/sched.h"

#define INSTEAD "running the VMs one after another"

struct vm *sched_pick_next(struct vm *const *vms, int count, const struct vm *prev)
{
	(void)prev;
	if (count > 1)
		LAB_FALLBACK(5, INSTEAD);
	for (int i = 0; i < count; i++)
		if (vms[i]->state == VM_RUNNING)
			return vms[i];
	return NULL;
}

bool sched_slice_over(const struct vm *vm, const struct vm_exit *e, uint64_t now, uint64_t slice)
{
	(void)vm;
	(void)e;
	(void)now;
	(void)slice;
	return false;
}

void sched_switch(struct vm *next, uint64_t now)
{
	(void)now;
	active_backend->switch_to(&next->vcpu);
}
