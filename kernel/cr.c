/*
 * MOV to and from CR0, CR3 and CR4, and CLTS, LMSW and SMSW, the older
 * instructions that read or write CR0's low bits. The guest sees the values it wrote
 * (struct vcpu keeps them); the CPU runs with what the hypervisor needs:
 * always paging, through the virtual TLB, which hears of every change.
 */
#include "kernel/dispatch.h"
#include "kernel/mmu.h"
#include "kernel/vectors.h"
#include "kernel/x86.h"

#define CR4_CONTRACT (CR4_PSE | CR4_PGE) /* CR4 bits the guest contract offers */
#define MSW_BITS (CR0_PE | CR0_MP | CR0_EM | CR0_TS) /* what LMSW loads */

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

/* The CR0 that CLTS or LMSW writes. SDM Vol2A CLTS; Vol2A LMSW: bits 3:0 from
 * the source, but PE can only be set. */
static uint32_t msw_write(const struct vcpu *v, const struct vm_exit *e)
{
	uint32_t cr0 = (uint32_t)v->cr0;

	if (e->form == CR_CLTS)
		return cr0 & ~CR0_TS;
	return (cr0 & ~MSW_BITS) | (e->msw & MSW_BITS) | (cr0 & CR0_PE);
}

/* SMSW: CR0 into a 32-bit register (the SDM leaves bits 31:16 undefined; CPUs
 * store all of CR0), its low half into a 16-bit register or memory. SDM Vol2B SMSW */
static enum resume msw_read(struct vm *vm, const struct vm_exit *e)
{
	uint32_t cr0 = (uint32_t)vm->vcpu.cr0;
	uint16_t msw = (uint16_t)cr0;
	uint64_t *r;

	if (e->gpr == EXIT_MEMORY)
		return mmu_access(vm, (uint32_t)e->addr, &msw, sizeof(msw), true) ? RESUME_NEXT : RESUME_SAME;
	r = &vm->vcpu.gpr[e->gpr];
	*r = e->size == 2 ? (*r & ~0xFFFFull) | msw : cr0;
	return RESUME_NEXT;
}

enum resume cr_access(struct vm *vm, const struct vm_exit *e)
{
	struct vcpu *v = &vm->vcpu;
	uint64_t *cr = guest_cr(v, e->cr);

	if (!cr || (e->form != CR_CLTS && e->form != CR_LMSW && e->gpr == EXIT_UNKNOWN)) {
		vm_stop(vm, "MOV %s CR%d: %s", e->kind == EXIT_CR_READ ? "from" : "to", e->cr,
			cr ? "operand not decoded" : "outside the guest contract (CR0, CR3, CR4)");
		return RESUME_SAME;
	}
	if (e->kind == EXIT_CR_READ && e->form == CR_SMSW)
		return msw_read(vm, e);
	if (e->kind == EXIT_CR_READ) {
		v->gpr[e->gpr] = (uint32_t)*cr; /* 32-bit guest: upper half zero */
		return RESUME_NEXT;
	}
	uint32_t value = e->form == CR_MOV ? (uint32_t)v->gpr[e->gpr] : msw_write(v, e);
	struct guest_mode old = mmu_mode(vm);
	bool ok = e->cr == 0 ? guest_write_cr0(vm, value) : e->cr == 4 ? guest_write_cr4(vm, value) : true;

	if (!ok)
		return RESUME_SAME;
	if (e->cr == 3)
		v->cr3 = value;
	mmu_paging_changed(vm, &old, e->cr);
	return RESUME_NEXT;
}
