/*
 * The exit dispatcher: one switch on the normalised exit kind, one small
 * handler per kind, and RIP advanced in exactly one place. Nothing here
 * knows which backend produced the exit.
 */
#include "kernel/console.h"
#include "kernel/decode.h"
#include "kernel/dispatch.h"
#include "kernel/mmu.h"
#include "kernel/show.h"
#include "kernel/vectors.h"
#include "kernel/x86.h"

/* CPUID bits of features outside the guest contract. SDM Vol2A CPUID, Tables 3-10, 3-11 */
#define CPUID_1_ECX_VMX        (1u << 5)
#define CPUID_1_ECX_HYPERVISOR (1u << 31) /* "running under a hypervisor" */
#define CPUID_1_EDX_PAE        (1u << 6)
#define CPUID_1_EDX_PSE36      (1u << 17) /* without it, bits 21:13 of a 4 MiB PDE are reserved */
#define CPUID_EXT_ECX_SVM      (1u << 2)  /* leaf 0x80000001, APM Vol3 E.4.2 */
#define CPUID_EXT_EDX_LM       (1u << 29)

static const char *const exit_kind_names[EXIT_KIND_COUNT] = {
	[EXIT_CPUID] = "cpuid",           [EXIT_IO] = "io",
	[EXIT_HLT] = "hlt",               [EXIT_SHUTDOWN] = "shutdown",
	[EXIT_CR_READ] = "cr-read",       [EXIT_CR_WRITE] = "cr-write",
	[EXIT_PAGE_FAULT] = "page-fault", [EXIT_INVLPG] = "invlpg",
	[EXIT_EXCEPTION] = "exception",   [EXIT_PREEMPT] = "preempt",
	[EXIT_MSR] = "msr",               [EXIT_VIRT_INSN] = "virt-insn",
	[EXIT_DR_READ] = "dr-read",       [EXIT_DR_WRITE] = "dr-write",
	[EXIT_TASK_SWITCH] = "task-switch", [EXIT_FENCE] = "fence",
	[EXIT_ENTRY_FAILED] = "entry-failed", [EXIT_UNHANDLED] = "unhandled",
};

const char *exit_kind_name(enum exit_kind kind)
{
	return kind < EXIT_KIND_COUNT ? exit_kind_names[kind] : "?";
}

/* CPUID as the host sees it, less what the guest contract does not offer. */
static enum resume handle_cpuid(struct vm *vm)
{
	uint64_t *gpr = vm->vcpu.gpr;
	uint32_t leaf = (uint32_t)gpr[GPR_RAX];
	struct cpuid_regs r = cpuid(leaf, (uint32_t)gpr[GPR_RCX]);

	if (leaf == 1) {
		r.ecx = (r.ecx & ~CPUID_1_ECX_VMX) | CPUID_1_ECX_HYPERVISOR;
		r.edx &= ~(CPUID_1_EDX_PAE | CPUID_1_EDX_PSE36);
	} else if (leaf == 0x80000001) {
		r.ecx &= ~CPUID_EXT_ECX_SVM;
		r.edx &= ~CPUID_EXT_EDX_LM;
	}
	gpr[GPR_RAX] = r.eax;
	gpr[GPR_RBX] = r.ebx;
	gpr[GPR_RCX] = r.ecx;
	gpr[GPR_RDX] = r.edx;
	return RESUME_NEXT;
}

/*
 * The intercepted exceptions besides #PF (VEC_INTERCEPTED, kernel/vectors.h):
 * the guest gets each one as the CPU raised it, and deliver_events() combines
 * it with an event whose delivery it interrupted.
 */
static enum resume reflect_exception(struct vm *vm, const struct vm_exit *e)
{
	switch (e->vector) {
	case VEC_DEBUG:
		return dr_debug_exception(vm, e);
	case VEC_ALIGNMENT: /* its error code is always 0. SDM Vol3A 6.15 */
		vm->vcpu.raised = event_exception(VEC_ALIGNMENT, true, 0);
		return RESUME_SAME;
	case VEC_INVALID_TSS:
	case VEC_SEGMENT_NOT_PRESENT:
	case VEC_STACK_FAULT:
	case VEC_GENERAL_PROTECTION:
		vm->vcpu.raised = event_exception(e->vector, true, e->error_code);
		return RESUME_SAME;
	default:
		vm_stop(vm, "unexpected exception %u (error code %#x)", e->vector, e->error_code);
		return RESUME_SAME;
	}
}

/* What started a task switch, for the message. */
static const char *task_source_name(enum task_source source)
{
	static const char *const names[] = {
		[TASK_BY_CALL] = "CALL", [TASK_BY_IRET] = "IRET with EFLAGS.NT",
		[TASK_BY_JMP] = "JMP", [TASK_BY_IDT_GATE] = "a task gate in the IDT",
	};

	return (unsigned)source < ARRAY_SIZE(names) ? names[source] : "?";
}

/* Call the handler of e's kind. */
static enum resume handle(struct vm *vm, struct vm_exit *e)
{
	switch (e->kind) {
	case EXIT_CPUID:
		return handle_cpuid(vm);
	case EXIT_IO:
		return devices_io(vm, e);
	case EXIT_CR_READ:
	case EXIT_CR_WRITE:
		return cr_access(vm, e);
	case EXIT_PAGE_FAULT:
		return mmu_page_fault(vm, e);
	case EXIT_INVLPG:
		return mmu_invlpg(vm, (uint32_t)e->addr);
	case EXIT_PREEMPT:
		return RESUME_SAME;
	case EXIT_HLT:
		vm_stop(vm, "HLT: no interrupt will ever wake the guest (end with a write to port 0xF4)");
		break;
	case EXIT_SHUTDOWN:
		vm_stop(vm, "triple fault");
		break;
	case EXIT_EXCEPTION:
		return reflect_exception(vm, e);
	case EXIT_DR_READ:
	case EXIT_DR_WRITE:
		return dr_access(vm, e);
	case EXIT_FENCE:
		vm_stop(vm, "the CPU reached host-physical %#lx, outside this VM's RAM and shadow tables (nested-paging fence)",
			e->addr);
		break;
	case EXIT_TASK_SWITCH:
		if (e->task_source == TASK_UNINTERCEPTED)
			vm_stop(vm, "task switch to TSS selector %#x that the emulator did not intercept: CR3 changed without an exit; %s",
				e->selector, e->detail);
		else
			vm_stop(vm, "task switch to TSS selector %#x by %s: task switches are outside the guest contract",
				e->selector, task_source_name(e->task_source));
		break;
	case EXIT_MSR:
		vm_stop(vm, "RDMSR/WRMSR: MSRs are outside the guest contract");
		break;
	case EXIT_VIRT_INSN: /* CPUID offers neither VMX nor SVM: #UD, as on a CPU without them */
		vm->vcpu.raised = event_exception(VEC_INVALID_OPCODE, false, 0);
		break;
	case EXIT_ENTRY_FAILED:
		vm_stop(vm, "VM entry failed: %s (code %#x)%s", e->detail, e->raw,
			" - in Bochs, the log names the failed check (VMFAIL or VMENTER FAIL)");
		break;
	default:
		vm_stop(vm, "unhandled exit %#x: %s", e->raw, e->detail ? e->detail : "unknown");
	}
	return RESUME_SAME;
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
	default:
		return false;
	}
}

/* The guest's instruction at CS:RIP, decoded; false with err filled if it is none we know. */
static bool decode_at_rip(struct vm *vm, struct insn *in, uint8_t bytes[INSN_MAX_LEN], size_t *n,
			  char *err, size_t err_size)
{
	uint32_t cs_base = active_backend->segment_base(&vm->vcpu, SEG_CS);

	*n = vm_read_code(vm, cs_base + (uint32_t)vm->vcpu.rip, bytes, INSN_MAX_LEN);
	return insn_decode(bytes, *n, vm->vcpu.gpr, in, err, err_size);
}

/* A memory operand's linear address: its segment's base plus the effective address. */
static uint32_t operand_linear(struct vm *vm, const struct insn *in)
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

/* Fill what the backend could not tell (length, GPR, operands) from the guest's
 * bytes; false when the VM stopped or reading an operand raised a #PF. */
static bool complete_from_instruction(struct vm *vm, struct vm_exit *e)
{
	uint8_t bytes[INSN_MAX_LEN];
	size_t n;
	char err[100], hex[3 * INSN_MAX_LEN + 1] = "";
	struct insn in;
	bool decoded = decode_at_rip(vm, &in, bytes, &n, err, sizeof(err));

	if (decoded && insn_matches_exit(&in, e)) {
		e->insn_len = in.len;
		e->gpr = in.gpr;
		if (e->kind == EXIT_INVLPG)
			e->addr = operand_linear(vm, &in);
		return complete_msw_form(vm, &in, e);
	}
	for (size_t i = 0; i < n && i < 6; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", bytes[i]);
	vm_stop(vm, "%s exit: cannot decode the instruction (bytes %s...): %s",
		exit_kind_name(e->kind), hex, decoded ? "not the instruction that exited" : err);
	return false;
}

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

/* Exits whose handler needs the instruction decoded when the backend could not. */
static bool needs_decoding(const struct vm_exit *e)
{
	return e->insn_len == EXIT_UNKNOWN &&
	       (e->kind == EXIT_CPUID || e->kind == EXIT_INVLPG || e->kind == EXIT_CR_READ ||
		e->kind == EXIT_CR_WRITE || e->kind == EXIT_DR_READ || e->kind == EXIT_DR_WRITE ||
		(e->kind == EXIT_EXCEPTION && e->from_insn));
}

/* The exit did not say how long its instruction was: on VT-x lab 1's decoder forgot it. */
static void stop_without_length(struct vm *vm, const struct vm_exit *e)
{
	if (active_backend->reports_instructions)
		vm_stop(vm, "lab 1: vmx_decode_exit left insn_len unknown for an exit of kind %s: read VM_EXIT_INSTRUCTION_LEN (labs/lab1-vmx-entry.md, \"4. Running and decoding\")",
			exit_kind_name(e->kind));
	else
		vm_stop(vm, "%s exit without an instruction length", exit_kind_name(e->kind));
}

/* Hand the backend the one event the next entry delivers (kernel/event.c);
 * called only when there is one to decide about. */
static void deliver_events(struct vm *vm, const struct vm_exit *e)
{
	struct vcpu *v = &vm->vcpu;
	struct event next;

	switch (event_next(&e->interrupted, &v->raised, &next)) {
	case EVENT_INJECT:
		active_backend->inject(v, &next);
		break;
	case EVENT_SHUTDOWN: /* SDM Vol3A 6.15, Interrupt 8: a fault while delivering #DF */
		vm_stop(vm, "triple fault: exception %u while delivering a double fault", v->raised.vector);
		break;
	case EVENT_NONE:
		break;
	}
	v->raised.valid = false;
}

/* Some event to deliver: the one an exit interrupted, or one a handler raised. */
static inline bool events_pending(const struct vm *vm, const struct vm_exit *e)
{
	return e->interrupted.valid || vm->vcpu.raised.valid;
}

/* Before the handler: decode what the backend could not tell, and check
 * VT-x's INVLPG address; false when the exit is over (the VM stopped, or
 * reading an operand raised a #PF). Kept out of line: most exits need neither. */
static __attribute__((noinline)) bool prepare(struct vm *vm, struct vm_exit *e)
{
	if (needs_decoding(e)) {
		/* VT-x reports every length: decoding here would hide lab 1's omission. */
		if (active_backend->reports_instructions) {
			stop_without_length(vm, e);
			return false;
		}
		if (!complete_from_instruction(vm, e)) {
			if (vm->state == VM_RUNNING && events_pending(vm, e))
				deliver_events(vm, e); /* reading LMSW's operand raised a #PF */
			return false;
		}
	}
	return !(e->kind == EXIT_INVLPG && active_backend->reports_instructions &&
		 !invlpg_address_checks_out(vm, e));
}

void dispatch_exit(struct vm *vm, struct vm_exit *e)
{
	vm->stats.exits[e->kind < EXIT_KIND_COUNT ? e->kind : EXIT_UNHANDLED]++;
	show_exit(vm, e);
	if ((needs_decoding(e) || e->kind == EXIT_INVLPG) && !prepare(vm, e))
		return;
	enum resume resume = handle(vm, e);

	if (vm->state != VM_RUNNING)
		return;
	if (resume == RESUME_NEXT) {
		if (e->insn_len == EXIT_UNKNOWN) {
			stop_without_length(vm, e);
			return;
		}
		vm->vcpu.rip += (uint32_t)e->insn_len;
		if (vm->vcpu.rflags & RFLAGS_TF)
			dr_single_step(&vm->vcpu);
	}
	if (events_pending(vm, e))
		deliver_events(vm, e);
}
