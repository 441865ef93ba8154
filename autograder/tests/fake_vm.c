/*
 * The host-test side of vm_stop (kernel/vm.h): the VM is marked stopped with
 * its reason, as the kernel's does, so a test of a chip can check that a
 * guest's misuse stopped that VM by name.
 */
#include <stdarg.h>
#include <stdio.h>

#include "kernel/vm.h"

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
	va_end(ap);
	vm->state = VM_STOPPED;
}
