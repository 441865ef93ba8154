/*
 * Device memory: the page-fault exits the virtual TLB answers VTLB_DEVICE.
 * The instruction at RIP is decoded (kernel/decode.c); it must be a MOV to
 * or from memory whose operand is the faulting address; the register of the
 * chip on that page (kernel/pc/) is read or written, the destination
 * register takes the value with its width's rules, and the dispatcher
 * advances RIP. Anything else stops the VM by name.
 * SDM Vol2B MOV (Move); SDM Vol1 3.4.1 (General-Purpose Registers).
 */
#include "kernel/backend.h"
#include "kernel/complete.h"
#include "kernel/console.h"
#include "kernel/mmio.h"
#include "kernel/pc/platform.h"
#include "kernel/x86.h"

#define REGISTER_BYTES 4    /* both chips' registers: aligned 32-bit words */

/** A chip whose registers fill one page of device memory. */
struct mmio_chip {
	uint32_t base;        /* its page */
	const char *name;     /* for messages */
	const char *rule;     /* where its access width is specified */
	const char *registers; /* where its registers are in the page */
	bool (*read)(struct vm *vm, uint32_t offset, uint32_t *value);
	bool (*write)(struct vm *vm, uint32_t offset, uint32_t value);
};

static const struct mmio_chip chips[] = {
	{ VLAPIC_BASE, "local APIC", "SDM Vol3A 10.4.1: aligned 32-bit loads and stores",
	  "each the first 4 bytes of a 16-byte slot", vlapic_read, vlapic_write },
	{ VIOAPIC_BASE, "IOAPIC", "82093AA: 3.1, 32-bit registers",
	  "IOREGSEL at 0x00, IOWIN at 0x10, the write-only EOI at 0x40", vioapic_read, vioapic_write },
};

bool mmio_init(struct vm *vm)
{
	if (!vtlb_add_device(&vm->vtlb, VLAPIC_BASE, VLAPIC_SIZE) ||
	    !vtlb_add_device(&vm->vtlb, VIOAPIC_BASE, VIOAPIC_SIZE)) {
		hv_log("vm%d: the device pages overlap its RAM", vm->id);
		return false;
	}
	return true;
}

/* The chip whose page holds gpa, or NULL. */
static const struct mmio_chip *chip_at(uint32_t gpa)
{
	for (size_t i = 0; i < ARRAY_SIZE(chips); i++)
		if ((gpa & ~(PAGE_SIZE_4K - 1)) == chips[i].base)
			return &chips[i];
	return NULL;
}

/* Load value into register reg at width size: 8 and 16 bits leave the rest of
 * the register as it was, 32 bits replace it. SDM Vol1 3.4.1 */
static void set_register(uint64_t *gpr, int reg, int size, uint32_t value)
{
	if (size == 4)
		gpr[reg] = value;
	else if (size == 2)
		gpr[reg] = (gpr[reg] & ~0xFFFFull) | (uint16_t)value;
	else if (reg < 4)
		gpr[reg] = (gpr[reg] & ~0xFFull) | (uint8_t)value;
	else
		gpr[reg - 4] = (gpr[reg - 4] & ~0xFF00ull) | (uint32_t)(uint8_t)value << 8;
}

/* Stop the VM: the instruction at RIP is not one this file emulates. */
static enum resume not_emulated(struct vm *vm, uint32_t gpa, const uint8_t *bytes, size_t n, const char *why)
{
	char hex[3 * INSN_BYTES_QUOTED + 1];

	insn_bytes_hex(bytes, n, hex, sizeof(hex));
	vm_stop(vm, "device access at gpa %#x by an instruction the hypervisor does not emulate: bytes %s(%s)",
		gpa, hex, why);
	return RESUME_SAME;
}

/* Carry out the decoded MOV on the chip's register at offset; false when the chip has none there. */
static bool move(struct vm *vm, const struct mmio_chip *chip, const struct insn *in, uint32_t offset)
{
	uint64_t *gpr = vm->vcpu.gpr;
	uint32_t value;

	if (in->kind == INSN_MOV_STORE) {
		value = insn_store_value(vm, in);
		return chip->write(vm, offset, value);
	}
	if (!chip->read(vm, offset, &value))
		return false;
	set_register(gpr, in->gpr, in->opsize, value);
	return true;
}

enum resume mmio_access(struct vm *vm, struct vm_exit *e, uint32_t gpa)
{
	const struct mmio_chip *chip = chip_at(gpa);
	uint32_t gva = (uint32_t)e->addr, linear, offset;
	bool write = e->error_code & PFERR_W;
	uint8_t bytes[INSN_MAX_LEN];
	char err[160];
	struct insn in;
	size_t n;

	vm->stats.device_accesses++;
	pc_changed(vm); /* both chips' registers decide the vector presented, the local APIC's a timer */
	if (!decode_at_rip(vm, &in, bytes, &n, err, sizeof(err)))
		return not_emulated(vm, gpa, bytes, n, err);
	if (in.kind != INSN_MOV_LOAD && in.kind != INSN_MOV_STORE)
		return not_emulated(vm, gpa, bytes, n, "not a MOV to or from memory");
	linear = operand_linear(vm, &in);
	if (gva - linear >= (uint32_t)in.opsize || (in.kind == INSN_MOV_STORE) != write) {
		vm_stop(vm, "device access at gpa %#x: the fault (%s at %#x) is not the decoded MOV's (%s of %d bytes at %#x)",
			gpa, write ? "write" : "read", gva, in.kind == INSN_MOV_STORE ? "write" : "read",
			in.opsize, linear);
		return RESUME_SAME;
	}
	offset = gpa & (PAGE_SIZE_4K - 1);
	if (!chip || in.opsize != REGISTER_BYTES || linear != gva || offset % REGISTER_BYTES) {
		vm_stop(vm, "device access at gpa %#x: a %d-byte %s at linear %#x, but the %s takes aligned %d-byte accesses only (%s)",
			gpa, in.opsize, write ? "write" : "read", linear, chip ? chip->name : "device",
			REGISTER_BYTES, chip ? chip->rule : "?");
		return RESUME_SAME;
	}
	if (!move(vm, chip, &in, offset)) {
		vm_stop(vm, "device access at gpa %#x: the %s has no %s register at offset %#x (its registers: %s)",
			gpa, chip->name, write ? "writable" : "readable", offset, chip->registers);
		return RESUME_SAME;
	}
	e->insn_len = in.len;
	return RESUME_NEXT;
}
