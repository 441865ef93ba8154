/*
 * The exit dispatcher: the backend completes the exit (struct backend
 * complete_exit), then one switch on the normalised exit kind calls one
 * small handler per kind, and RIP is advanced in exactly one place. Nothing
 * here knows which backend produced the exit.
 */
#include "kernel/console.h"
#include "kernel/dispatch.h"
#include "kernel/mmu.h"
#include "kernel/show.h"
#include "kernel/vectors.h"
#include "kernel/x86.h"

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
	[EXIT_INTR_WINDOW] = "intr-window",
};

const char *exit_kind_name(enum exit_kind kind)
{
	return kind < EXIT_KIND_COUNT ? exit_kind_names[kind] : "?";
}

struct cpuid_regs guest_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r = cpuid(leaf, subleaf);

	if (leaf == CPUID_LEAF_FEATURES) {
		r.ecx = (r.ecx & ~CPUID_1_ECX_VMX) | CPUID_1_ECX_HYPERVISOR;
		r.edx &= ~(CPUID_1_EDX_PAE | CPUID_1_EDX_PSE36);
	} else if (leaf == CPUID_LEAF_EXT_FEATURES) {
		r.ecx &= ~CPUID_EXT_ECX_SVM;
		r.edx &= ~CPUID_EXT_EDX_LM;
	}
	return r;
}

/* CPUID: the guest's view of it (guest_cpuid). */
static enum resume handle_cpuid(struct vm *vm)
{
	uint64_t *gpr = vm->vcpu.gpr;
	struct cpuid_regs r = guest_cpuid((uint32_t)gpr[GPR_RAX], (uint32_t)gpr[GPR_RCX]);

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

/*
 * HLT: with interrupts enabled the VM parks after it until its controllers
 * present a vector (kernel/irq.c wakes it, kernel/runloop.c never enters it
 * meanwhile). With them disabled nothing can ever wake it. SDM Vol2A HLT
 */
static enum resume handle_hlt(struct vm *vm)
{
	if (!(vm->vcpu.rflags & RFLAGS_IF)) {
		vm_stop(vm, "HLT with interrupts disabled: no interrupt will ever wake the guest (end with a write to port 0xF4)");
		return RESUME_SAME;
	}
	vm->halted = true;
	return RESUME_NEXT;
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
	case EXIT_INTR_WINDOW: /* kernel/irq.c decides again before the entry */
		return RESUME_SAME;
	case EXIT_HLT:
		return handle_hlt(vm);
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

/* Hand the backend the one event the next entry delivers (kernel/event.c);
 * called only when there is one to decide about. */
static void deliver_events(struct vm *vm, const struct vm_exit *e)
{
	struct vcpu *v = &vm->vcpu;
	struct event next;

	switch (event_next(&e->interrupted, &v->raised, &next)) {
	case EVENT_INJECT:
		active_backend->inject(v, &next);
		v->injecting = true; /* no external interrupt with it (kernel/irq.c) */
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
static bool events_pending(const struct vm *vm, const struct vm_exit *e)
{
	return e->interrupted.valid || vm->vcpu.raised.valid;
}

void dispatch_exit(struct vm *vm, struct vm_exit *e)
{
	vm->stats.exits[e->kind < EXIT_KIND_COUNT ? e->kind : EXIT_UNHANDLED]++;
	show_exit(vm, e);
	if (active_backend->complete_exit(vm, e)) {
		enum resume resume = handle(vm, e);

		if (vm->state != VM_RUNNING)
			return;
		if (resume == RESUME_NEXT) {
			if (e->insn_len == EXIT_UNKNOWN) {
				vm_stop(vm, "%s exit without an instruction length", exit_kind_name(e->kind));
				return;
			}
			vm->vcpu.rip += (uint32_t)e->insn_len;
			active_backend->end_interrupt_shadow(&vm->vcpu);
			if (vm->vcpu.rflags & RFLAGS_TF)
				dr_single_step(&vm->vcpu);
		}
	}
	if (vm->state == VM_RUNNING && events_pending(vm, e))
		deliver_events(vm, e);
}
