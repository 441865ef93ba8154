/*
 * VT-x's checks of lab 1's exit decoder (vmx_decode_exit, kernel/vmx/run.c):
 * VT-x names every exiting instruction's length and INVLPG's address, so a
 * missing or wrong one is the student's omission. Each stops the VM naming
 * the field to read, where repairing it would hide the mistake.
 */
#include "kernel/complete.h"
#include "kernel/vmx/vmx.h"

/* VT-x reports INVLPG's address: check it against the guest's bytes, since
 * with paging off nothing else would show lab 1's decoder getting it wrong. */
static bool invlpg_address_checks_out(struct vm *vm, const struct vm_exit *e)
{
	uint8_t bytes[INSN_MAX_LEN];
	size_t n;
	char err[100];
	struct insn in;

	if (!decode_at_rip(vm, &in, bytes, &n, err, sizeof(err)) || in.kind != INSN_INVLPG ||
	    !((operand_linear(vm, &in) ^ (uint32_t)e->addr) & ~(PAGE_SIZE_4K - 1)))
		return true;
	vm_stop(vm, "lab 1: vmx_decode_exit reported INVLPG address 0x%x, but the instruction at rip %#x names 0x%x: the address is the exit qualification (SDM Vol3C 27.2.1)",
		(uint32_t)e->addr, (uint32_t)vm->vcpu.rip, operand_linear(vm, &in));
	return false;
}

bool vmx_check_exit(struct vm *vm, struct vm_exit *e)
{
	if (e->insn_len == EXIT_UNKNOWN && exit_needs_length(e)) {
		vm_stop(vm, "lab 1: vmx_decode_exit left insn_len unknown for an exit of kind %s: read VM_EXIT_INSTRUCTION_LEN (labs/lab1-vmx-entry.md, \"4. Running and decoding\")",
			exit_kind_name(e->kind));
		return false;
	}
	return e->kind != EXIT_INVLPG || invlpg_address_checks_out(vm, e);
}
