/*
 * The port dispatcher: which chip owns which I/O ports (port_owners, the one
 * place that says so), and the guest contract's rules for the rest
 * (docs/guest-contract.md). The chips live in kernel/pc/, one file each,
 * with each VM's state in vm->pc. Port 0xF4 is no PC chip: it is the
 * project's own debug-exit port (natively QEMU's isa-debug-exit device),
 * through which a guest ends its VM. Any other port is reported once per
 * VM; writes are dropped and reads return all ones, like an empty ISA bus.
 */
#include "kernel/console.h"
#include "kernel/dispatch.h"
#include "kernel/pc/pc.h"
#include "kernel/pc/platform.h"

#define DEBUG_EXIT_PORT 0xF4 /* OUT v: the VM ends with exit code v */
#define BUS_ALL_ONES    0xFFFFFFFF

/* A range of ports and the chip that answers them. */
struct port_owner {
	uint16_t first, last; /* the ports, inclusive */
	bool byte_wide;       /* an 8-bit chip: a wider access is one byte per port, as the ISA bus splits it */
	bool changes_pc;      /* an access may change a timer or the vector presented: pc_changed (kernel/pc/platform.h) */
	uint32_t (*read)(struct vm *vm, uint16_t port, unsigned size);        /* NULL: reads as unknown */
	void (*write)(struct vm *vm, uint16_t port, unsigned size, uint32_t value); /* NULL: unknown */
};

static void debug_exit_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value);

/* Searched in order: COM1 first, as every byte a guest prints is an exit on it. */
static const struct port_owner port_owners[] = {
	/* COM1 reaches the rest of the PC only through IRQ 4 (pc_set_irq): changes_pc false. */
	{ COM1_PORT, COM1_LAST_PORT, false, false, uart_read, uart_write },        /* COM1 (kernel/pc/uart.c) */
	{ DEBUG_EXIT_PORT, DEBUG_EXIT_PORT, false, false, NULL, debug_exit_write }, /* the project's exit port */
	{ CRTC_INDEX_PORT, CRTC_DATA_PORT, true, false, crtc_read, crtc_write },   /* CRTC (kernel/pc/crtc.c) */
	{ PS2_DATA_PORT, PS2_DATA_PORT, true, false, ps2_read, ps2_write },        /* 8042 (kernel/pc/ps2.c) */
	{ PS2_STATUS_PORT, PS2_STATUS_PORT, true, false, ps2_read, ps2_write },    /* 8042 */
	{ PIC_MASTER_CMD, PIC_MASTER_DATA, true, true, pic_read, pic_write },     /* 8259A master (kernel/pc/pic.c) */
	{ PIC_SLAVE_CMD, PIC_SLAVE_DATA, true, true, pic_read, pic_write },       /* 8259A slave */
	{ PIC_ELCR_MASTER, PIC_ELCR_SLAVE, true, true, pic_read, pic_write },     /* ELCR */
	{ PIT_COUNTER0_PORT, PIT_CONTROL_PORT, true, true, pit_read, pit_write }, /* 8254 (kernel/pc/pit.c) */
	{ PIT_PORT_B, PIT_PORT_B, true, true, pit_read, pit_write },              /* port 0x61 */
	{ RTC_INDEX_PORT, RTC_DATA_PORT, true, true, rtc_read, rtc_write },       /* MC146818A (kernel/pc/rtc.c) */
};

/* The project's debug-exit port: the guest contract's end of a VM. */
static void debug_exit_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	(void)port;
	(void)size;
	vm_exit_with(vm, value);
}

/* The owner of @p port, or NULL when no chip answers it. */
static const struct port_owner *port_owner(uint16_t port)
{
	for (size_t i = 0; i < ARRAY_SIZE(port_owners); i++)
		if (port >= port_owners[i].first && port <= port_owners[i].last)
			return &port_owners[i];
	return NULL;
}

/* Say once per VM and port that the guest used a port outside the contract,
 * for its first VM_WARNED_PORTS ports: a guest walking every port cannot
 * flood the console. */
static void warn_unknown_port(struct vm *vm, uint16_t port, bool in)
{
	for (int i = 0; i < vm->warned_count; i++)
		if (vm->warned_ports[i] == port)
			return;
	if (vm->warned_count < VM_WARNED_PORTS) {
		vm->warned_ports[vm->warned_count++] = port;
		hv_log("vm%d: %s of unknown port %#x ignored (reported once)", vm->id,
		       in ? "read" : "write", port);
	} else if (!vm->warned_more_ports) {
		vm->warned_more_ports = true;
		hv_log("vm%d: %s of unknown port %#x ignored; further unknown ports go unreported (%d reported)",
		       vm->id, in ? "read" : "write", port, VM_WARNED_PORTS);
	}
}

/* The value an IN of @p size bytes from @p port gives. */
static uint32_t port_read(struct vm *vm, uint16_t port, unsigned size)
{
	const struct port_owner *o = port_owner(port);
	uint32_t value = 0;

	if (o && o->read && o->byte_wide && size > 1) {
		for (unsigned i = 0; i < size; i++)
			value |= (port_read(vm, (uint16_t)(port + i), 1) & 0xFF) << (8 * i);
		return value;
	}
	if (o && o->changes_pc)
		pc_changed(vm);
	if (o && o->read)
		return o->read(vm, port, size);
	warn_unknown_port(vm, port, true);
	return BUS_ALL_ONES;
}

/* Carry out an OUT of @p value (@p size bytes) to @p port. */
static void port_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	const struct port_owner *o = port_owner(port);

	if (o && o->write && o->byte_wide && size > 1) {
		for (unsigned i = 0; i < size; i++)
			port_write(vm, (uint16_t)(port + i), 1, (value >> (8 * i)) & 0xFF);
		return;
	}
	if (o && o->changes_pc)
		pc_changed(vm);
	if (o && o->write)
		o->write(vm, port, size, value);
	else
		warn_unknown_port(vm, port, false);
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
		*rax = e->size == 4 ? port_read(vm, e->port, e->size)
				    : (*rax & ~(uint64_t)mask) | (port_read(vm, e->port, e->size) & mask);
	else
		port_write(vm, e->port, e->size, (uint32_t)*rax & mask);
	return RESUME_NEXT;
}
