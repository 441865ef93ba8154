/*
 * Building the VMCB: what the guest may do without the hypervisor seeing it
 * (intercepts, I/O and MSR permission maps) and the Multiboot machine state.
 * APM Vol2 15.5 (VMRUN Instruction), 15.14-15.11 (intercepts), Appendix B.
 */
#include "kernel/console.h"
#include "kernel/palloc.h"
#include "kernel/svm/svm.h"
#include "kernel/vectors.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

#define IOPM_PAGES   3   /* 12 KiB: one bit per port, plus 4 bits of overrun */
#define MSRPM_PAGES  2   /* 8 KiB: two bits per MSR of three ranges */
#define CR_READ(n)   (1u << (n))
#define CR_WRITE(n)  (1u << (16 + (n)))
#define ATTR_CODE32  0xC9B   /* G, D, present, code, execute/read, accessed */
#define ATTR_DATA32  0xC93   /* G, B, present, data, read/write, accessed */
#define ATTR_TSS32_BUSY 0x08B
#define PAT_DEFAULT  0x0007040600070406ull

/* A permission map of all ones: every port or MSR access exits. Shared by all VMs. */
static uint64_t intercept_all_map(size_t pages)
{
	uint8_t *map = palloc_pages(pages, PAGE_SIZE);

	if (map)
		memset(map, 0xFF, pages * PAGE_SIZE);
	return (uint64_t)map;
}

/* The intercepts: everything the guest contract lets the hypervisor see. */
static bool setup_control(struct vmcb_control *c, int asid)
{
	static uint64_t iopm, msrpm;

	if (!iopm)
		iopm = intercept_all_map(IOPM_PAGES);
	if (!msrpm)
		msrpm = intercept_all_map(MSRPM_PAGES);
	if (!iopm || !msrpm) {
		hv_log("AMD-V: no memory for the permission maps");
		return false;
	}
	/* SVM has no read shadows: reads of CR0/3/4 exit too, and return the guest's view. */
	c->intercept_cr = CR_READ(0) | CR_READ(3) | CR_READ(4) |
			  CR_WRITE(0) | CR_WRITE(3) | CR_WRITE(4);
	/* The debug registers are the vCPU's own: every access exits (kernel/dr.c). */
	c->intercept_dr = INTERCEPT_DR0_7_ALL;
	/* #PF for the virtual TLB; #DB, #AC and the contributory exceptions: kernel/vectors.h */
	c->intercept_exceptions = 1u << VEC_PAGE_FAULT | VEC_INTERCEPTED;
	/* A task switch would load the new TSS's CR3 into the CPU: never let one happen. */
	c->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_CPUID | INTERCEPT_INVD | INTERCEPT_HLT |
			     INTERCEPT_INVLPG | INTERCEPT_INVLPGA | INTERCEPT_IOIO | INTERCEPT_MSR |
			     INTERCEPT_TASK_SWITCH | INTERCEPT_SHUTDOWN;
	c->intercept_misc2 = INTERCEPT_SVM_INSNS | INTERCEPT_ICEBP;
	c->iopm_base_pa = iopm;
	c->msrpm_base_pa = msrpm;
	c->guest_asid = asid;
	c->tlb_control = TLB_CONTROL_FLUSH_ALL; /* the ASID may have been used before */
	c->v_intr = V_INTR_MASKING;
	return true;
}

/* The Multiboot state's segments: flat 4 GiB code and data, and a 32-bit TSS
 * (104 bytes); the selectors are any the guest's own GDT replaces. */
#define GUEST_SEL_CODE 0x08
#define GUEST_SEL_DATA 0x10
#define GUEST_SEL_TSS  0x18
#define LIMIT_4GIB     0xFFFFFFFFu
#define LIMIT_TSS32    0x67u

/* The Multiboot state, except RIP, RSP, RFLAGS, RAX and CRs, which the run loop writes. */
static void setup_save(struct vmcb_save *s)
{
	struct vmcb_segment code = { GUEST_SEL_CODE, ATTR_CODE32, LIMIT_4GIB, 0 };
	struct vmcb_segment data = { GUEST_SEL_DATA, ATTR_DATA32, LIMIT_4GIB, 0 };

	s->cs = code;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->tr = (struct vmcb_segment){ GUEST_SEL_TSS, ATTR_TSS32_BUSY, LIMIT_TSS32, 0 };
	s->ldtr = (struct vmcb_segment){ 0, 0, 0, 0 };
	s->gdtr = (struct vmcb_segment){ 0, 0, 0, 0 };
	s->idtr = (struct vmcb_segment){ 0, 0, 0, 0 };
	s->cpl = 0;
	s->efer = EFER_SVME; /* APM Vol2 15.5.1: VMRUN requires guest EFER.SVME */
	s->dr6 = DR6_FIXED1; /* the reset values */
	s->dr7 = DR7_FIXED1;
	s->g_pat = PAT_DEFAULT;
}

/* Nested paging as a fence around the VM's memory (kernel/svm/npt.c), where the CPU has it. */
static bool setup_fence(struct vmcb_control *c, struct vcpu *v)
{
	if (!(cpuid(CPUID_LEAF_SVM, 0).edx & CPUID_SVM_EDX_NP)) {
		hv_log("AMD-V: no nested paging: vm%d runs without the fence around its memory", v->vm->id);
		return true;
	}
	c->n_cr3 = svm_fence_build(v->vm);
	c->np_enable = NP_ENABLE;
	return c->n_cr3 != 0;
}

bool svm_vmcb_setup(struct vcpu *v, int asid)
{
	struct svm_vcpu *s = v->backend;

	s->vmcb = palloc();
	if (!s->vmcb) {
		hv_log("AMD-V: no memory for a VMCB");
		return false;
	}
	setup_save(&s->vmcb->save);
	if (!setup_control(&s->vmcb->control, asid))
		return false;
	return setup_fence(&s->vmcb->control, v);
}
