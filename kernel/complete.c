/*
 * Completing an exit from the guest's own bytes: AMD-V in QEMU (TCG offers
 * neither NRIPS nor decode assists) names neither the length nor the
 * registers of a CR or DR access, INVLPG, CPUID or INT1, so the decoder
 * (kernel/decode.c) reads the instruction at CS base + RIP. This is AMD-V's
 * struct backend complete_exit; VT-x's is kernel/vmx/lab1check.c.
 */
#include "kernel/backend.h"
#include "kernel/complete.h"
#include "kernel/mmu.h"

bool exit_needs_length(const struct vm_exit *e)
{
	return e->kind == EXIT_CPUID || e->kind == EXIT_IO || e->kind == EXIT_INVLPG ||
	       e->kind == EXIT_CR_READ || e->kind == EXIT_CR_WRITE || e->kind == EXIT_DR_READ ||
	       e->kind == EXIT_DR_WRITE || e->kind == EXIT_HLT || (e->kind == EXIT_EXCEPTION && e->from_insn);
}

/* The instruction kind the decoder must find for exit e. */
static bool insn_matches_exit(const struct insn *in, const struct vm_exit *e)
{
	switch (e->kind) {
	case EXIT_CPUID:
		return in->kind == INSN_CPUID;
	case EXIT_INVLPG:
		return in->kind == INSN_INVLPG;
	case EXIT_CR_READ:
		return (in->kind == INSN_MOV_FROM_CR && in->cr == e->cr) ||
		       (in->kind == INSN_SMSW && e->cr == 0);
	case EXIT_CR_WRITE:
		return (in->kind == INSN_MOV_TO_CR && in->cr == e->cr) ||
		       ((in->kind == INSN_CLTS || in->kind == INSN_LMSW) && e->cr == 0);
	case EXIT_DR_READ:
		return in->kind == INSN_MOV_FROM_DR && in->dr == e->dr;
	case EXIT_DR_WRITE:
		return in->kind == INSN_MOV_TO_DR && in->dr == e->dr;
	case EXIT_EXCEPTION:
		return in->kind == INSN_ICEBP;
	case EXIT_HLT:
		return in->kind == INSN_HLT;
	default:
		return false;
	}
}

bool decode_at_rip(struct vm *vm, struct insn *in, uint8_t bytes[INSN_MAX_LEN], size_t *n,
		   char *err, size_t err_size)
{
	uint32_t cs_base = active_backend->segment_base(&vm->vcpu, SEG_CS);

	*n = vm_read_code(vm, cs_base + (uint32_t)vm->vcpu.rip, bytes, INSN_MAX_LEN);
	return insn_decode(bytes, *n, active_backend->code32(&vm->vcpu), vm->vcpu.gpr, in, err, err_size);
}

/* The value of register reg at width size (1: AL..BH, SDM Vol2A Table 2-2). */
static uint32_t register_value(const uint64_t *gpr, int reg, int size)
{
	if (size == 1)
		return reg < 4 ? (uint8_t)gpr[reg] : (uint8_t)(gpr[reg - 4] >> 8);
	return size == 2 ? (uint16_t)gpr[reg] : (uint32_t)gpr[reg];
}

uint32_t insn_store_value(const struct vm *vm, const struct insn *in)
{
	return in->has_imm ? in->imm : register_value(vm->vcpu.gpr, in->gpr, in->opsize);
}

uint32_t operand_linear(struct vm *vm, const struct insn *in)
{
	return active_backend->segment_base(&vm->vcpu, in->seg) + in->addr;
}

/* CLTS, LMSW and SMSW in the exit interface's terms; LMSW's memory operand is
 * read here (false: that raised a #PF, or stopped the VM). */
static bool complete_msw_form(struct vm *vm, const struct insn *in, struct vm_exit *e)
{
	switch (in->kind) {
	case INSN_CLTS:
		e->form = CR_CLTS;
		return true;
	case INSN_LMSW:
		e->form = CR_LMSW;
		if (!in->mem) {
			e->msw = (uint16_t)vm->vcpu.gpr[in->gpr];
			return true;
		}
		return mmu_access(vm, operand_linear(vm, in), &e->msw, sizeof(e->msw), false);
	case INSN_SMSW:
		e->form = CR_SMSW;
		e->size = (uint8_t)in->opsize;
		if (in->mem) {
			e->gpr = EXIT_MEMORY;
			e->addr = operand_linear(vm, in);
		}
		return true;
	default:
		return true;
	}
}

void insn_bytes_hex(const uint8_t *bytes, size_t n, char *out, size_t size)
{
	*out = '\0';
	for (size_t i = 0; i < n && 3 * i + 3 < size; i++)
		snprintf(out + 3 * i, size - 3 * i, "%02x ", bytes[i]);
}

bool complete_from_instruction(struct vm *vm, struct vm_exit *e)
{
	uint8_t bytes[INSN_MAX_LEN];
	size_t n;
	char err[160], hex[3 * INSN_BYTES_QUOTED + 1];
	struct insn in;

	if (e->insn_len != EXIT_UNKNOWN || !exit_needs_length(e))
		return true;
	bool decoded = decode_at_rip(vm, &in, bytes, &n, err, sizeof(err));

	if (decoded && insn_matches_exit(&in, e)) {
		e->insn_len = in.len;
		e->gpr = in.gpr;
		if (e->kind == EXIT_INVLPG)
			e->addr = operand_linear(vm, &in);
		return complete_msw_form(vm, &in, e);
	}
	insn_bytes_hex(bytes, n, hex, sizeof(hex));
	vm_stop(vm, "%s exit: cannot decode the instruction (bytes %s...): %s",
		exit_kind_name(e->kind), hex, decoded ? "not the instruction that exited" : err);
	return false;
}
