/*
 * Lab 1: the world switch and the exit decoder.
 *
 * vmx_run copies the guest state the rest of the hypervisor keeps in struct
 * vcpu into the VMCS, enters the guest, and turns the VM exit into the
 * backend-neutral struct vm_exit (kernel/vmexit.h).
 */
#include "kernel/vmx/vmx.h"
#include "kernel/x86.h"

#define VEC_DEBUG      1
#define VEC_PAGE_FAULT 14
#define INTR_INFO_ERROR_VALID (1u << 11)

/* The CR0 and CR4 the CPU really runs the guest with. SDM Vol3C 26.3.1.1 */
static uint64_t real_cr0(const struct vcpu *v)
{
	/* Without unrestricted guest the CPU must page and be in protected mode:
	 * a guest with paging "off" runs on the hypervisor's identity tables. */
	return v->cr0 | CR0_PE | CR0_PG | CR0_NE | CR0_WP;
}

static uint64_t real_cr4(const struct vcpu *v)
{
	(void)v;
	return CR4_VMXE; /* the hypervisor's tables use 4 KiB pages only */
}

void vmx_run(struct vcpu *v, struct vm_exit *e)
{
	struct vmx_vcpu *x = v->backend;

	vmwrite(GUEST_RIP, v->rip);
	vmwrite(GUEST_RSP, v->gpr[GPR_RSP]);
	vmwrite(GUEST_RFLAGS, v->rflags);
	vmwrite(CR0_READ_SHADOW, v->cr0);
	vmwrite(CR4_READ_SHADOW, v->cr4);
	vmwrite(GUEST_CR0, real_cr0(v));
	vmwrite(GUEST_CR4, real_cr4(v));
	vmwrite(GUEST_CR3, v->shadow_root);
	write_cr2(v->cr2); /* VT-x does not switch CR2: the guest sees the CPU's */

	if (vmx_enter(v->gpr, x->launched)) {
		uint32_t error = (uint32_t)vmread(VM_INSTRUCTION_ERROR);

		*e = (struct vm_exit){ .kind = EXIT_ENTRY_FAILED, .raw = error,
				       .detail = vmx_instruction_error_name(error) };
		return;
	}
	x->launched = true;
	v->cr2 = read_cr2();
	v->rip = vmread(GUEST_RIP);
	v->gpr[GPR_RSP] = vmread(GUEST_RSP);
	v->rflags = vmread(GUEST_RFLAGS);
	vmx_decode_exit(e);
}

/* An exception or NMI exit: #PF gets its own kind, the rest are named by vector. */
static void decode_exception(struct vm_exit *e, uint64_t qualification)
{
	uint32_t info = (uint32_t)vmread(VM_EXIT_INTR_INFO);
	uint32_t type = info & INTR_TYPE_MASK;

	e->vector = info & INTR_INFO_VECTOR_MASK;
	if (info & INTR_INFO_ERROR_VALID)
		e->error_code = (uint32_t)vmread(VM_EXIT_INTR_ERROR_CODE);
	/* INT1, INT3, INTO: the exit comes before the instruction completes. */
	e->from_insn = type == INTR_TYPE_PRIV_SW_EXCEPTION || type == INTR_TYPE_SW_EXCEPTION;
	if (e->vector == VEC_DEBUG)
		e->debug_bits = (uint32_t)qualification & DBQ_EVENT_BITS; /* DR6 is left alone */
	if (e->vector == VEC_PAGE_FAULT) {
		e->kind = EXIT_PAGE_FAULT;
		e->addr = qualification; /* SDM Vol3C 27.2.1: the linear address */
	} else {
		e->kind = EXIT_EXCEPTION;
	}
}

/* MOV to or from CR0/3/4, CLTS, LMSW (its source is in the qualification, even from memory). */
static void decode_cr_access(struct vm_exit *e, uint64_t q)
{
	e->cr = CRQ_CR_NUMBER(q);
	switch (CRQ_ACCESS(q)) {
	case CRQ_MOV_TO_CR:
		e->kind = EXIT_CR_WRITE;
		e->gpr = CRQ_GPR(q);
		break;
	case CRQ_MOV_FROM_CR:
		e->kind = EXIT_CR_READ;
		e->gpr = CRQ_GPR(q);
		break;
	case CRQ_CLTS:
		e->kind = EXIT_CR_WRITE;
		e->form = CR_CLTS;
		break;
	case CRQ_LMSW:
		e->kind = EXIT_CR_WRITE;
		e->form = CR_LMSW;
		e->msw = CRQ_LMSW_DATA(q);
		break;
	}
}

/* MOV to or from DR0-DR7. */
static void decode_dr_access(struct vm_exit *e, uint64_t q)
{
	e->kind = q & DRQ_FROM_DR ? EXIT_DR_READ : EXIT_DR_WRITE;
	e->dr = DRQ_DR_NUMBER(q);
	e->gpr = DRQ_GPR(q);
}

/* Exits of a failed VM entry (exit reason bit 31). SDM Vol3C 26.8 */
static const char *entry_failure_name(uint32_t basic)
{
	switch (basic) {
	case EXIT_REASON_INVALID_GUEST:
		return "invalid guest state";
	case EXIT_REASON_MSR_LOADING:
		return "MSR loading";
	case EXIT_REASON_MACHINE_CHECK:
		return "machine-check event";
	default:
		return "unknown reason";
	}
}

void vmx_decode_exit(struct vm_exit *e)
{
	uint32_t reason = (uint32_t)vmread(VM_EXIT_REASON);
	uint32_t basic = reason & EXIT_REASON_BASIC_MASK;
	uint64_t q = vmread(EXIT_QUALIFICATION);

	*e = (struct vm_exit){ .raw = reason, .gpr = EXIT_UNKNOWN,
			       .insn_len = (int)vmread(VM_EXIT_INSTRUCTION_LEN) };
	if (reason & EXIT_REASON_ENTRY_FAILED) {
		e->kind = EXIT_ENTRY_FAILED;
		e->detail = entry_failure_name(basic);
		return;
	}
	switch (basic) {
	case EXIT_REASON_EXCEPTION_NMI:
		decode_exception(e, q);
		break;
	case EXIT_REASON_TRIPLE_FAULT:
		e->kind = EXIT_SHUTDOWN;
		break;
	case EXIT_REASON_TASK_SWITCH:
		e->kind = EXIT_TASK_SWITCH;
		e->selector = TSQ_SELECTOR(q);
		e->task_source = (enum task_source)TSQ_SOURCE(q);
		break;
	case EXIT_REASON_CPUID:
		e->kind = EXIT_CPUID;
		break;
	case EXIT_REASON_HLT:
		e->kind = EXIT_HLT;
		break;
	case EXIT_REASON_INVLPG:
		e->kind = EXIT_INVLPG;
		e->addr = q;
		break;
	case EXIT_REASON_CR_ACCESS:
		decode_cr_access(e, q);
		break;
	case EXIT_REASON_DR_ACCESS:
		decode_dr_access(e, q);
		break;
	case EXIT_REASON_IO:
		e->kind = EXIT_IO;
		e->port = IOQ_PORT(q);
		e->size = IOQ_SIZE(q);
		e->in = q & IOQ_IN;
		e->string = q & IOQ_STRING;
		break;
	case EXIT_REASON_RDMSR:
	case EXIT_REASON_WRMSR:
		e->kind = EXIT_MSR;
		break;
	case EXIT_REASON_VMCALL ... EXIT_REASON_VMXON:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
		e->kind = EXIT_VIRT_INSN;
		break;
	case EXIT_REASON_PREEMPT_TIMER:
		e->kind = EXIT_PREEMPT;
		break;
	default:
		e->kind = EXIT_UNHANDLED;
		e->detail = "VT-x exit reason without a handler";
	}
}
