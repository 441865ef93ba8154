/*
 * VT-x's checks of lab 1's exit decoder (vmx_decode_exit, kernel/vmx/run.c):
 * VT-x names every exiting instruction's length and INVLPG's address, so a
 * missing or wrong one is the student's omission. Each stops the VM naming
 * the field to read, where repairing it would hide the mistake. INVLPG's
 * address is checked against the instruction decoded at CS:RIP (16-bit or
 * 32-bit code, kernel/decode.h) while the guest's paging is off, where a
 * wrong address changes nothing and only this check can show it; with paging
 * on, the virtual TLB drops the page lab 1 names (mmu_invlpg), and a wrong
 * one leaves the guest's old translation for it to run into, so no INVLPG
 * the guest OS runs is decoded. Where the decoder cannot tell, the check
 * says so in a log line and lets the exit go on: it never guesses at a culprit.
 */
#include "kernel/complete.h"
#include "kernel/console.h"
#include "kernel/vmx/vmx.h"

/* Say once per VM that the check of an INVLPG address could not decide,
 * and why: the bytes at CS:RIP are unreadable or none the decoder knows. */
static void say_undecided(struct vm *vm, const struct vm_exit *e, const uint8_t *bytes, size_t n,
			  const char *why)
{
	char hex[3 * INSN_MAX_LEN + 1];

	if (vm->warned_unchecked)
		return;
	vm->warned_unchecked = true;
	insn_bytes_hex(bytes, n, hex, sizeof(hex));
	hv_log("vm%d: INVLPG at rip %#x: lab 1's address %#x not checked: the instruction (bytes %s) cannot be decoded: %s (reported once)",
	       vm->id, (uint32_t)vm->vcpu.rip, (uint32_t)e->addr, hex, why);
}

/* VT-x reports INVLPG's address: check it against the guest's bytes (called
 * with paging off, where nothing else would show lab 1's decoder getting it
 * wrong). Where the bytes cannot tell, lab 1 is not blamed. */
static bool invlpg_address_checks_out(struct vm *vm, const struct vm_exit *e)
{
	uint8_t bytes[INSN_MAX_LEN];
	size_t n;
	char err[160];
	struct insn in;

	if (!decode_at_rip(vm, &in, bytes, &n, err, sizeof(err))) {
		say_undecided(vm, e, bytes, n, err);
		return true;
	}
	if (in.kind != INSN_INVLPG) {
		say_undecided(vm, e, bytes, n, "not INVLPG (the bytes changed since the exit?)");
		return true;
	}
	if (!((operand_linear(vm, &in) ^ (uint32_t)e->addr) & ~(PAGE_SIZE_4K - 1)))
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
	return e->kind != EXIT_INVLPG || (vm->vcpu.cr0 & CR0_PG) || invlpg_address_checks_out(vm, e);
}
