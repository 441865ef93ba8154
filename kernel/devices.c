/*
 * The guest contract's devices (docs/guest-contract.md): COM1 output, a line status that
 * always says "ready", and the exit port 0xF4. Any other port is reported
 * once per VM; writes are dropped and reads return all ones, like an empty
 * ISA bus.
 */
#include "kernel/console.h"
#include "kernel/dispatch.h"

#define COM1_DATA      0x3F8
#define COM1_IIR       0x3FA /* interrupt identification */
#define COM1_LSR       0x3FD /* line status */
#define COM1_LAST      0x3FF
#define EXIT_PORT      0xF4
#define LSR_READY      0x60  /* THR empty and transmitter empty */
#define IIR_NO_PENDING 0x01  /* no interrupt pending */

/* Say once per VM and port that the guest used a port outside the contract,
 * for its first VM_WARNED_PORTS ports: a guest walking every port cannot
 * flood the console. */
static void warn_unknown_port(struct vm *vm, const struct vm_exit *e)
{
	for (int i = 0; i < vm->warned_count; i++)
		if (vm->warned_ports[i] == e->port)
			return;
	if (vm->warned_count < VM_WARNED_PORTS) {
		vm->warned_ports[vm->warned_count++] = e->port;
		hv_log("vm%d: %s of unknown port %#x ignored (reported once)", vm->id,
		       e->in ? "read" : "write", e->port);
	} else if (!vm->warned_more_ports) {
		vm->warned_more_ports = true;
		hv_log("vm%d: %s of unknown port %#x ignored; further unknown ports go unreported (%d reported)",
		       vm->id, e->in ? "read" : "write", e->port, VM_WARNED_PORTS);
	}
}

/* The value an IN from the port gives. */
static uint32_t port_read(struct vm *vm, const struct vm_exit *e)
{
	if (e->port == COM1_LSR)
		return LSR_READY;
	if (e->port == COM1_IIR)
		return IIR_NO_PENDING;
	if (e->port >= COM1_DATA && e->port <= COM1_LAST)
		return 0;
	warn_unknown_port(vm, e);
	return 0xFFFFFFFF;
}

/* Carry out an OUT of value to the port. */
static void port_write(struct vm *vm, const struct vm_exit *e, uint32_t value)
{
	if (e->port == COM1_DATA)
		vm_console_byte(vm, (uint8_t)value);
	else if (e->port == EXIT_PORT)
		vm_exit_with(vm, value);
	else if (e->port < COM1_DATA || e->port > COM1_LAST)
		warn_unknown_port(vm, e);
	/* other COM1 registers (baud rate, line control) need no emulation */
}

enum resume devices_io(struct vm *vm, const struct vm_exit *e)
{
	uint64_t *rax = &vm->vcpu.gpr[GPR_RAX];
	uint32_t mask;

	if (e->string) {
		vm_stop(vm, "string I/O (INS/OUTS) on port %#x is outside the guest contract", e->port);
		return RESUME_SAME;
	}
	if (e->size != 1 && e->size != 2 && e->size != 4) { /* no IN or OUT moves anything else */
		vm_stop(vm, "an I/O exit of %u bytes on port %#x: IN and OUT move 1, 2 or 4 (lab 1: vmx_decode_exit takes the size from the exit qualification, and only exit reason 30 is EXIT_IO)",
			e->size, e->port);
		return RESUME_SAME;
	}
	mask = e->size == 4 ? 0xFFFFFFFF : (1u << (8 * e->size)) - 1;
	if (e->in) /* IN writes AL, AX or EAX; a 32-bit write clears RAX's top half */
		*rax = e->size == 4 ? port_read(vm, e)
				    : (*rax & ~(uint64_t)mask) | (port_read(vm, e) & mask);
	else
		port_write(vm, e, (uint32_t)*rax & mask);
	return RESUME_NEXT;
}
