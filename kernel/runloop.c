/*
 * The run loop: run each VM for a time slice, handle its exits, report a VM
 * the moment it ends, and stop the rest when the run's budget is spent.
 * Which VM runs next and when a slice ends are lab 5's (kernel/sched.c);
 * a VM parked in HLT is never entered: the run loop runs another instead,
 * its clock follows the time the others run, and when every VM is parked,
 * time skips to the first of their timers.
 */
#include "kernel/backend.h"
#include "kernel/console.h"
#include "kernel/cpustate.h"
#include "kernel/dispatch.h"
#include "kernel/irq.h"
#include "kernel/pc/platform.h"
#include "kernel/runloop.h"
#include "kernel/sched.h"
#include "kernel/vclock.h"
#include "kernel/x86.h"

/* The shortest time a backend's timer is armed for a chips' deadline (TSC
 * ticks): one due now, or always due (a periodic count of 1), must still let
 * the guest run on. A timer armed for 0 exits before the guest's first
 * instruction, and 1000 ticks were too few under QEMU's -icount: the exit
 * came at every entry before the guest's next instruction. */
#define DEADLINE_MIN_TICKS 20000

/* prepare_entry's *armed before a slice's first entry: no deadline armed yet. */
#define NO_DEADLINE_ARMED 0

/* Before each entry: vm's interrupts (kernel/irq.c), and the backend's timer
 * armed to exit by the deadline of its chips' next timer. *armed: the
 * deadline the timer was last armed for in this slice (NO_DEADLINE_ARMED at
 * its start). A deadline counts down from each entry, so it is armed at every
 * one; with none, the timer runs for the slice alone and, once armed so, is
 * left alone until a deadline comes. */
static void prepare_entry(struct vm *vm, uint64_t *armed)
{
	uint64_t deadline, now;

	irq_deliver(vm);
	deadline = pc_deadline(vm);
	if (deadline == VCLOCK_NEVER && *armed == VCLOCK_NEVER)
		return; /* most entries of a VM without timers */
	*armed = deadline;
	now = vclock_now(vm);
	active_backend->set_deadline(&vm->vcpu, deadline == VCLOCK_NEVER ? VCLOCK_NEVER
					       : deadline > now + DEADLINE_MIN_TICKS ? deadline - now
					       : DEADLINE_MIN_TICKS);
}

/*
 * Run vm until its slice is over, it parks in HLT, it ends, or the TSC
 * passes deadline (the run's budget; 0: none); switch_start: when the
 * previous VM's slice ended, or 0. Returns when this slice ended (its last
 * exit handled). The deadline is checked here, not by lab 5's
 * sched_slice_over: a budget holds whatever the scheduler does.
 */
static uint64_t run_slice(struct vm *vm, uint64_t slice, uint64_t switch_start, uint64_t deadline)
{
	struct vm_exit e;
	uint64_t now, armed = NO_DEADLINE_ARMED;

	cpustate_load(&vm->vcpu); /* its x87/SSE and DR0-DR3, whoever ran before */
	for (;;) {
		prepare_entry(vm, &armed);
		if (vm->halted)
			break; /* parked, no interrupt to wake it: the slice ends */
		active_backend->run(&vm->vcpu, &e);
		vm->vcpu.injecting = false; /* the entry delivered it */
		if (e.kind != EXIT_ENTRY_FAILED) /* the guest ran: its clock advances */
			vclock_advance(vm, tsc_at_exit - tsc_at_entry);
		if (switch_start) /* the first entry after a VM switch (kernel/cost.c) */
			cost_switch(switch_start);
		switch_start = 0;
		if (vm->report_cost)
			cost_account(&vm->cost, e.kind, vm->vtlb.stats.hidden_faults, vm->stats.device_accesses);
		dispatch_exit(vm, &e);
		vm_console_wait(vm); /* a prompt the guest waits at is shown */
		console_pump(); /* the UART drains while the guests run */
		now = rdtsc();
		if (vm->state != VM_RUNNING || sched_slice_over(vm, &e, now, slice) || (deadline && now >= deadline))
			break;
	}
	if (vm->state == VM_RUNNING && vm->halted) {
		irq_update(vm); /* parked by its last exit: a vector already waiting wakes it */
		if (vm->state == VM_RUNNING && vm->halted)
			vm->stats.parks++; /* not entered again until a vector wakes it */
	}
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

/* The first running VM after from (wrapping around, from itself last) that is not parked, or NULL. */
static struct vm *unparked_after(struct vm **vms, int count, const struct vm *from)
{
	int start = 0;

	for (int i = 0; i < count; i++)
		if (vms[i] == from)
			start = i + 1;
	for (int n = 0; n < count; n++) {
		struct vm *vm = vms[(start + n) % count];

		if (vm->state == VM_RUNNING && !vm->halted)
			return vm;
	}
	return NULL;
}

/* vm ran for ticks of its clock: every VM parked meanwhile waited as long.
 * A parked VM's timer is seen at the end of that slice: up to a slice late. */
static void parked_follow(struct vm **vms, int count, const struct vm *vm, uint64_t ticks)
{
	for (int i = 0; i < count; i++) {
		if (vms[i] == vm || vms[i]->state != VM_RUNNING || !vms[i]->halted)
			continue;
		vclock_advance(vms[i], ticks);
		irq_update(vms[i]);
	}
}

/*
 * Every running VM is parked with no timer armed, but console input may come:
 * keep the console draining (a prompt a VM waits at must reach the host) and
 * hand each VM the input that has come (uart_receive through irq_update): the
 * receiver interrupt it raises wakes its VM.
 */
static void wait_for_input(struct vm **vms, int count)
{
	console_pump();
	for (int i = 0; i < count; i++)
		if (vms[i]->state == VM_RUNNING)
			irq_update(vms[i]);
}

/*
 * Every running VM is parked: advance each one's clock by the time until the
 * first of their timers fires, and fire it. With no timer armed, console
 * input wakes them (wait_for_input); with no input to come either, nothing
 * can ever wake them: stop them.
 */
static void skip_time(struct vm **vms, int count)
{
	uint64_t skip = VCLOCK_NEVER;

	for (int i = 0; i < count; i++) {
		uint64_t deadline = pc_deadline(vms[i]), now = vclock_now(vms[i]);

		if (vms[i]->state == VM_RUNNING && deadline != VCLOCK_NEVER)
			skip = deadline <= now ? 0 : deadline - now < skip ? deadline - now : skip;
	}
	if (skip == VCLOCK_NEVER && console_input_may_come()) {
		wait_for_input(vms, count);
		return;
	}
	for (int i = 0; i < count; i++) {
		if (vms[i]->state != VM_RUNNING)
			continue;
		if (skip == VCLOCK_NEVER) {
			vm_stop(vms[i], "parked in HLT with no timer armed and no input to come");
			vm_report(vms[i]);
			continue;
		}
		vclock_advance(vms[i], skip);
		irq_update(vms[i]);
	}
}

void runloop_run(struct vm **vms, int count, uint64_t slice, uint64_t budget)
{
	uint64_t start = rdtsc(), slice_end = 0, clock;
	struct vm *vm = NULL, *prev = NULL, *pick;

	while ((pick = sched_pick_next(vms, count, vm)) != NULL) {
		/* Lab 5 picks among the running VMs; a parked one waits its turn. */
		vm = pick->halted ? unparked_after(vms, count, pick) : pick;
		if (vm) {
			sched_switch(vm, rdtsc());
			clock = vclock_now(vm);
			/* A switch away from a preempted VM; not after one ended (its report is slow output). */
			slice_end = run_slice(vm, slice, prev && vm != prev && prev->state == VM_RUNNING ? slice_end : 0,
					      budget ? start + budget : 0);
			parked_follow(vms, count, vm, vclock_now(vm) - clock);
			prev = vm;
			if (vm->state != VM_RUNNING)
				vm_report(vm);
		} else {
			skip_time(vms, count);
			vm = pick;
		}
		if (budget && rdtsc() - start >= budget) {
			stop_all(vms, count, budget);
			break;
		}
	}
	if (count && vms[0]->report_cost)
		cost_switch_report();
}
