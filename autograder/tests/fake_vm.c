/*
 * The host-test side of vm_stop (kernel/vm.h): the VM is marked stopped with
 * its reason, as the kernel's does, so a test of a chip can check that a
 * guest's misuse stopped that VM by name. And active_backend, which a test
 * points at its fake backend.
 */
#include <stdarg.h>
#include <stdio.h>

#include "kernel/backend.h"
#include "kernel/vm.h"

/* The backend a test sets (test_lab1check.c); sched_switch is not called in tests. */
const struct backend *active_backend;

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
	va_end(ap);
	vm->state = VM_STOPPED;
}
