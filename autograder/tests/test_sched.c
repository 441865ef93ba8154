/*
 * Lab 5: sched_pick_next, the round-robin order, on VM objects that never
 * run. (sched_slice_over is graded by a guest test in Bochs, where only its
 * slice-length rule can end a slice.)
 */
#include <criterion/criterion.h>

#include "kernel/sched.h"

static struct vm vm_objects[VM_MAX];
static struct vm *vms[VM_MAX + 1]; /* one slot more: NULL, as in kmain's array */

static void setup(void)
{
	memset(vm_objects, 0, sizeof(vm_objects));
	for (int i = 0; i < VM_MAX; i++) {
		vm_objects[i].id = i;
		vm_objects[i].state = VM_RUNNING;
		vms[i] = &vm_objects[i];
	}
	vms[VM_MAX] = NULL;
}

TestSuite(sched, .init = setup);

Test(sched, the_first_pick_is_the_first_running_vm)
{
	cr_assert_eq(sched_pick_next(vms, 3, NULL), vms[0], "prev NULL: VM 0 starts");
	vm_objects[0].state = VM_EXITED;
	cr_assert_eq(sched_pick_next(vms, 3, NULL), vms[1], "VM 0 has ended: VM 1 starts");
}

Test(sched, round_robin_wraps_around)
{
	cr_assert_eq(sched_pick_next(vms, 3, vms[0]), vms[1]);
	cr_assert_eq(sched_pick_next(vms, 3, vms[1]), vms[2]);
	cr_assert_eq(sched_pick_next(vms, 3, vms[2]), vms[0], "after the last VM comes the first");
}

Test(sched, ended_and_stopped_vms_are_skipped)
{
	vm_objects[1].state = VM_STOPPED;
	vm_objects[2].state = VM_EXITED;
	cr_assert_eq(sched_pick_next(vms, 4, vms[0]), vms[3]);
	cr_assert_eq(sched_pick_next(vms, 4, vms[3]), vms[0]);
}

Test(sched, prev_itself_comes_last)
{
	vm_objects[1].state = VM_STOPPED;
	cr_assert_eq(sched_pick_next(vms, 2, vms[0]), vms[0], "the only running VM runs again");
}

Test(sched, null_when_no_vm_runs)
{
	for (int i = 0; i < 3; i++)
		vm_objects[i].state = VM_EXITED;
	cr_assert_null(sched_pick_next(vms, 3, vms[1]));
	cr_assert_null(sched_pick_next(vms, 3, NULL));
}

Test(sched, all_four_vms_take_turns)
{
	const struct vm *prev = NULL;

	for (int turn = 0; turn < 2 * VM_MAX; turn++) {
		const struct vm *next = sched_pick_next(vms, VM_MAX, prev);

		cr_assert_eq(next, vms[turn % VM_MAX], "turn %d", turn);
		prev = next;
	}
}
