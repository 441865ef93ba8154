/*
 * Decoding a #VMEXIT into the normalised struct vm_exit. QEMU's TCG offers
 * neither NRIPS nor decode assists, so only IOIO tells the instruction length
 * (EXITINFO2 is the next RIP); CR accesses, INVLPG and CPUID are decoded by
 * the backend-neutral decoder (kernel/decode.c) from the guest's own bytes.
 * APM Vol2 15.6 (#VMEXIT), 15.8-15.13 (the intercepts and their EXITINFO).
 */
#include "kernel/svm/svm.h"
#include "kernel/vectors.h"
#include "kernel/x86.h"

#define DR6_EVENT_BITS (DR6_B0_B3 | DR6_BD | DR6_BS) /* what one #DB reports */

/* EXITINFO1 of an IOIO exit into port, size and direction. */
static void decode_ioio(const struct vmcb *vmcb, uint64_t rip, struct vm_exit *e)
{
	uint64_t info = vmcb->control.exitinfo1;

	e->kind = EXIT_IO;
	e->port = (uint16_t)(info >> IOIO_PORT_SHIFT);
	e->size = (info >> IOIO_SIZE_SHIFT) & IOIO_SIZE_MASK; /* one-hot 1, 2, 4 is the size itself */
	e->in = info & IOIO_IN;
	e->string = info & IOIO_STRING;
	e->insn_len = (int)(vmcb->control.exitinfo2 - rip);
}

/* An intercepted exception: #PF has its own kind (EXITINFO1 error code, EXITINFO2 address).
 * A #DB has already written the guest's DR6 in the VMCB. APM Vol2 15.12 (Exception Intercepts) */
static void decode_exception(const struct vmcb *vmcb, uint32_t code, struct vm_exit *e)
{
	e->vector = (uint8_t)(code - SVM_EXIT_EXCP_BASE);
	e->error_code = (uint32_t)vmcb->control.exitinfo1;
	if (e->vector == VEC_DEBUG)
		e->debug_bits = (uint32_t)vmcb->save.dr6 & DR6_EVENT_BITS;
	if (e->vector == VEC_PAGE_FAULT) {
		e->kind = EXIT_PAGE_FAULT;
		e->addr = vmcb->control.exitinfo2;
	} else {
		e->kind = EXIT_EXCEPTION;
	}
}

/* A task switch: EXITINFO1 holds the new TSS selector, EXITINFO2 says IRET or JMP;
 * one that interrupted an event's delivery went through a task gate. */
static void decode_task_switch(const struct vmcb *vmcb, struct vm_exit *e)
{
	uint64_t info2 = vmcb->control.exitinfo2;

	e->kind = EXIT_TASK_SWITCH;
	e->selector = (uint16_t)vmcb->control.exitinfo1;
	if (info2 & EXITINFO2_TASK_IRET)
		e->task_source = TASK_BY_IRET;
	else if (info2 & EXITINFO2_TASK_JMP)
		e->task_source = TASK_BY_JMP;
	else if (vmcb->control.exitintinfo & SVM_EVENT_VALID)
		e->task_source = TASK_BY_IDT_GATE;
	else
		e->task_source = TASK_BY_CALL;
}

/* The event whose delivery the exit interrupted, in the exit interface's
 * terms: INT3 and INTO come as exceptions, but are the instruction's own.
 * APM Vol2 15.7.2 (Intercepts During IDT Interrupt Delivery) */
static struct event interrupted_event(uint64_t info)
{
	struct event ev = { .valid = info & SVM_EVENT_VALID, .vector = info & SVM_EVENT_VECTOR_MASK,
			    .has_error = info & SVM_EVENT_ERROR_VALID, .error_code = (uint32_t)(info >> SVM_EVENT_ERROR_SHIFT) };

	switch (info & SVM_EVENT_TYPE_MASK) {
	case SVM_EVENT_TYPE_INTR: ev.type = EVENT_EXTERNAL; break;
	case SVM_EVENT_TYPE_NMI: ev.type = EVENT_NMI; break;
	case SVM_EVENT_TYPE_SOFT_INT: ev.type = EVENT_SW_INTERRUPT; break;
	default:
		ev.type = ev.vector == VEC_BREAKPOINT || ev.vector == VEC_OVERFLOW ? EVENT_SW_EXCEPTION
										   : EVENT_HW_EXCEPTION;
	}
	return ev;
}

void svm_decode_exit(const struct vmcb *vmcb, uint64_t rip, struct vm_exit *e)
{
	uint32_t code = (uint32_t)vmcb->control.exitcode;

	*e = (struct vm_exit){ .raw = code, .gpr = EXIT_UNKNOWN, .insn_len = EXIT_UNKNOWN,
			       .interrupted = interrupted_event(vmcb->control.exitintinfo) };
	if (code <= SVM_EXIT_CR15_READ) {
		e->kind = EXIT_CR_READ;
		e->cr = code - SVM_EXIT_CR0_READ;
	} else if (code <= SVM_EXIT_CR15_WRITE) {
		e->kind = EXIT_CR_WRITE;
		e->cr = code - SVM_EXIT_CR0_WRITE;
	} else if (code >= SVM_EXIT_DR0_READ && code <= SVM_EXIT_DR7_READ) {
		e->kind = EXIT_DR_READ; /* the register comes from the decoder */
		e->dr = code - SVM_EXIT_DR0_READ;
	} else if (code >= SVM_EXIT_DR0_WRITE && code <= SVM_EXIT_DR7_WRITE) {
		e->kind = EXIT_DR_WRITE;
		e->dr = code - SVM_EXIT_DR0_WRITE;
	} else if (code >= SVM_EXIT_EXCP_BASE && code <= SVM_EXIT_EXCP_LAST) {
		decode_exception(vmcb, code, e);
	} else if (code >= SVM_EXIT_VMRUN && code <= SVM_EXIT_SKINIT) {
		e->kind = EXIT_VIRT_INSN;
	} else {
		switch (code) {
		case SVM_EXIT_INTR:
			e->kind = EXIT_PREEMPT;
			break;
		case SVM_EXIT_VINTR:
			e->kind = EXIT_INTR_WINDOW;
			break;
		case SVM_EXIT_CPUID:
			e->kind = EXIT_CPUID;
			break;
		case SVM_EXIT_HLT:
			e->kind = EXIT_HLT;
			break;
		case SVM_EXIT_INVLPG:
			e->kind = EXIT_INVLPG; /* the address comes from the decoder */
			break;
		case SVM_EXIT_INVLPGA:
			e->kind = EXIT_VIRT_INSN;
			break;
		case SVM_EXIT_ICEBP: /* INT1 raises a #DB after itself; its length comes from the decoder */
			e->kind = EXIT_EXCEPTION;
			e->vector = VEC_DEBUG;
			e->from_insn = true;
			break;
		case SVM_EXIT_TASK_SWITCH:
			decode_task_switch(vmcb, e);
			break;
		case SVM_EXIT_NPF:
			e->kind = EXIT_FENCE;
			e->addr = vmcb->control.exitinfo2;
			break;
		case SVM_EXIT_INVD:
			e->kind = EXIT_UNHANDLED;
			e->detail = "INVD would drop the host's unwritten cache lines";
			break;
		case SVM_EXIT_IOIO:
			decode_ioio(vmcb, rip, e);
			break;
		case SVM_EXIT_MSR:
			e->kind = EXIT_MSR;
			break;
		case SVM_EXIT_SHUTDOWN:
			e->kind = EXIT_SHUTDOWN;
			break;
		case SVM_EXIT_INVALID:
			e->kind = EXIT_ENTRY_FAILED;
			e->detail = "VMRUN found an invalid guest state (VMEXIT_INVALID)";
			break;
		default:
			e->kind = EXIT_UNHANDLED;
			e->detail = "AMD-V exit code without a handler";
		}
	}
}
