/*
 * MOV to and from CR0, CR3 and CR4. The guest sees the values it wrote
 * (struct vcpu keeps them); the CPU runs with what the hypervisor needs:
 * always paging, through the virtual TLB, which hears of every change.
 */
#include "kernel/dispatch.h"
#include "kernel/mmu.h"
#include "kernel/vectors.h"
#include "kernel/x86.h"

#define CR4_CONTRACT (CR4_PSE | CR4_PGE) /* CR4 bits the guest contract offers */

/* The guest's view of control register cr. */
static uint64_t *guest_cr(struct vcpu *v, int cr)
{
	switch (cr) {
	case 0:
		return &v->cr0;
	case 3:
		return &v->cr3;
	case 4:
		return &v->cr4;
	default:
		return NULL;
	}
}

/* A new CR0: the architecture's #GP cases, then protected mode must stay on. */
static bool guest_write_cr0(struct vm *vm, uint32_t value)
{
	/* SDM Vol2B MOV (to control registers): #GP(0) for NW without CD, or PG without PE. */
	if (((value & CR0_NW) && !(value & CR0_CD)) || ((value & CR0_PG) && !(value & CR0_PE))) {
		vm->vcpu.raised = event_exception(VEC_GENERAL_PROTECTION, true, 0);
		return false;
	}
	if (!(value & CR0_PE)) {
		vm_stop(vm, "CR0.PE cleared: real mode is outside the guest contract");
		return false;
	}
	vm->vcpu.cr0 = value | CR0_ET;
	return true;
}

/* A new CR4: only the bits the guest contract offers. */
static bool guest_write_cr4(struct vm *vm, uint32_t value)
{
	if (value & CR4_PAE) {
		vm_stop(vm, "CR4.PAE set: PAE paging is outside the guest contract");
		return false;
	}
	if (value & ~CR4_CONTRACT) {
		vm_stop(vm, "CR4 bits %#x set: outside the guest contract (PSE and PGE only)",
			value & ~CR4_CONTRACT);
		return false;
	}
	vm->vcpu.cr4 = value;
	return true;
}

enum resume cr_access(struct vm *vm, const struct vm_exit *e)
{
	struct vcpu *v = &vm->vcpu;
	uint64_t *cr = guest_cr(v, e->cr);

	if (!cr || e->gpr == EXIT_UNKNOWN) {
		vm_stop(vm, "MOV %s CR%d: %s", e->kind == EXIT_CR_READ ? "from" : "to", e->cr,
			cr ? "operand not decoded" : "outside the guest contract (CR0, CR3, CR4)");
		return RESUME_SAME;
	}
	if (e->kind == EXIT_CR_READ) {
		v->gpr[e->gpr] = (uint32_t)*cr; /* 32-bit guest: upper half zero */
		return RESUME_NEXT;
	}
	uint32_t value = (uint32_t)v->gpr[e->gpr];
	struct guest_mode old = mmu_mode(vm);
	bool ok = e->cr == 0 ? guest_write_cr0(vm, value) : e->cr == 4 ? guest_write_cr4(vm, value) : true;

	if (!ok)
		return RESUME_SAME;
	if (e->cr == 3)
		v->cr3 = value;
	mmu_paging_changed(vm, &old, e->cr);
	return RESUME_NEXT;
}
