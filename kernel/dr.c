/*
 * The debug registers. Every MOV to or from DR0-DR7 exits on both backends
 * (VT-x: MOV-DR exiting; AMD-V: the DR intercepts), and every #DB too, so
 * the guest's values live in struct vcpu and reach the CPU only as that
 * vCPU's: DR0-DR3 through kernel/cpustate.c, DR7 (and on AMD-V DR6) through
 * the VMCS or VMCB at each entry. Nothing one VM writes is seen by another.
 * SDM Vol3A 17.2 (Debug Registers), 17.3 (Debug Exceptions).
 */
#include "kernel/backend.h"
#include "kernel/cpustate.h"
#include "kernel/dispatch.h"
#include "kernel/vectors.h"
#include "kernel/x86.h"

#define DR6_WRITABLE (DR6_B0_B3 | DR6_BD | DR6_BS | DR6_BT)

/* The guest's value of DRn, n from 0 to 7 with DR4 and DR5 already mapped. */
static uint32_t dr_value(const struct vcpu *v, int n)
{
	return n < 4 ? v->dr[n] : n == 6 ? v->dr6 : v->dr7;
}

/* Give the guest a #DB with the DR6 bits @p bits, as the CPU delivers one. */
static void deliver_debug(struct vcpu *v, uint32_t bits)
{
	/* B0-B3 say which breakpoints this #DB found; BD, BS, BT stay until the guest clears them. */
	v->dr6 = (v->dr6 & ~DR6_B0_B3) | (bits & DR6_WRITABLE) | DR6_FIXED1;
	if (bits & DR6_BD)
		v->dr7 &= ~DR7_GD; /* so that the handler may use the debug registers */
	v->raised = event_exception(VEC_DEBUG, false, 0);
}

enum resume dr_access(struct vm *vm, const struct vm_exit *e)
{
	struct vcpu *v = &vm->vcpu;
	/* CR4.DE is 0 in the guest contract: DR4 and DR5 are DR6 and DR7. SDM Vol3A 17.2.2 */
	int n = e->dr == 4 || e->dr == 5 ? e->dr + 2 : e->dr;

	if (e->gpr == EXIT_UNKNOWN || n < 0 || n > 7) {
		vm_stop(vm, "MOV %s DR%d: operand not decoded", e->kind == EXIT_DR_READ ? "from" : "to", e->dr);
		return RESUME_SAME;
	}
	if (v->dr7 & DR7_GD) { /* general detect: a fault before the MOV. SDM Vol3A 17.2.4 */
		deliver_debug(v, DR6_BD);
		return RESUME_SAME;
	}
	if (e->kind == EXIT_DR_READ) {
		v->gpr[e->gpr] = dr_value(v, n); /* 32-bit guest: upper half zero */
		return RESUME_NEXT;
	}
	uint32_t value = (uint32_t)v->gpr[e->gpr];

	if (n < 4) {
		v->dr[n] = value;
		cpustate_dr_changed(v);
	} else if (n == 6) {
		v->dr6 = (value & DR6_WRITABLE) | DR6_FIXED1;
	} else {
		v->dr7 = (value & ~DR7_FIXED0) | DR7_FIXED1;
	}
	return RESUME_NEXT;
}

void dr_single_step(struct vcpu *v)
{
	/* SDM Vol3A 17.3.1.4: after an instruction that completes with TF set, unless it faulted. */
	if ((v->rflags & RFLAGS_TF) && !v->raised.valid)
		deliver_debug(v, DR6_BS);
}

enum resume dr_debug_exception(struct vm *vm, const struct vm_exit *e)
{
	if (e->from_insn && (e->debug_bits & (DR6_B0_B3 | DR6_BD | DR6_BS))) {
		vm_stop(vm, "a #DB exit names a debug condition (DR6 bits %#x) but says INT1 raised it: lab 1's vmx_decode_exit must take the interruption type from bits 10:8 of VM_EXIT_INTR_INFO (only INT1 is a privileged software exception)",
			e->debug_bits);
		return RESUME_SAME;
	}
	deliver_debug(&vm->vcpu, e->debug_bits);
	/* INT1 is a trap: the guest's handler returns after it, as natively. */
	return e->from_insn ? RESUME_NEXT : RESUME_SAME;
}
