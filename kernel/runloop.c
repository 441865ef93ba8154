/*
 * The run loop: run each VM for a time slice, handle its exits, report a VM
 * the moment it ends, and stop the rest when the run's budget is spent.
 * Which VM runs next and when a slice ends are lab 5's (kernel/sched.c).
 */
#include "kernel/backend.h"
#include "kernel/console.h"
#include "kernel/cpustate.h"
#include "kernel/dispatch.h"
#include "kernel/runloop.h"
#include "kernel/sched.h"
#include "kernel/vclock.h"
#include "kernel/x86.h"

/*
 * Run vm until its slice is over, it ends, or the TSC passes deadline (the
 * run's budget; 0: none); switch_start: when the previous VM's slice ended,
 * or 0. Returns when this slice ended (its last exit handled). The deadline
 * is checked here, not by lab 5's sched_slice_over: a budget holds whatever
 * the scheduler does.
 */
static uint64_t run_slice(struct vm *vm, uint64_t slice, uint64_t switch_start, uint64_t deadline)
{
	struct vm_exit e;
	uint64_t now;

	cpustate_load(&vm->vcpu); /* its x87/SSE and DR0-DR3, whoever ran before */
	do {
		active_backend->run(&vm->vcpu, &e);
		if (e.kind != EXIT_ENTRY_FAILED) /* the guest ran: its clock advances */
			vclock_advance(vm, tsc_at_exit - tsc_at_entry);
		if (switch_start) /* the first entry after a VM switch (kernel/cost.c) */
			cost_switch(switch_start);
		switch_start = 0;
		if (vm->report_cost)
			cost_account(&vm->cost, e.kind, vm->vtlb.stats.hidden_faults);
		dispatch_exit(vm, &e);
		console_pump(); /* the UART drains while the guests run */
		now = rdtsc();
	} while (vm->state == VM_RUNNING && !sched_slice_over(vm, &e, now, slice) &&
		 !(deadline && now >= deadline));
	cost_slice_over(&vm->cost);
	return rdtsc();
}

/* The budget is spent: stop and report every VM still running. */
static void stop_all(struct vm **vms, int count, uint64_t budget)
{
	for (int i = 0; i < count; i++) {
		if (vms[i]->state != VM_RUNNING)
			continue;
		vm_stop(vms[i], "the run's budget of %lu ticks is spent (budget= option)", budget);
		vm_report(vms[i]);
	}
}

void runloop_run(struct vm **vms, int count, uint64_t slice, uint64_t budget)
{
	uint64_t start = rdtsc(), slice_end = 0;
	struct vm *vm = NULL, *prev = NULL;

	while ((vm = sched_pick_next(vms, count, vm)) != NULL) {
		sched_switch(vm, rdtsc());
		/* A switch away from a preempted VM; not after one ended (its report is slow output). */
		slice_end = run_slice(vm, slice, prev && vm != prev && prev->state == VM_RUNNING ? slice_end : 0,
				      budget ? start + budget : 0);
		prev = vm;
		if (vm->state != VM_RUNNING)
			vm_report(vm);
		if (budget && rdtsc() - start >= budget) {
			stop_all(vms, count, budget);
			break;
		}
	}
	if (count && vms[0]->report_cost)
		cost_switch_report();
}
