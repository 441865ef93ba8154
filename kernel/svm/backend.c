/*
 * The AMD-V backend as the rest of the hypervisor sees it (kernel/backend.h).
 * It runs in QEMU's TCG on any machine, so the shadow-paging labs and GDB
 * work without nested virtualisation.
 */
#include "kernel/backend.h"
#include "kernel/complete.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/lapic.h"
#include "kernel/palloc.h"
#include "kernel/svm/svm.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

static struct svm_vcpu svm_vcpus[VM_MAX];
static int svm_vcpu_count;
static uint64_t host_save_pa; /* VMSAVE area for the host's own state */

static uint32_t slice_ticks;  /* the host LAPIC timer's period for a time slice */
static bool deadline_armed;   /* the host LAPIC timer counts to a deadline, not a slice */

/* SVM is CPUID 8000_0001h ECX bit 2, unless the firmware disabled it. APM Vol2 15.4 */
static bool svm_probe(void)
{
	if (cpuid(CPUID_LEAF_EXT_MAX, 0).eax < CPUID_LEAF_EXT_FEATURES ||
	    !(cpuid(CPUID_LEAF_EXT_FEATURES, 0).ecx & CPUID_EXT_ECX_SVM))
		return false;
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		hv_log("AMD-V: present but disabled by the firmware (VM_CR.SVMDIS)");
		return false;
	}
	return true;
}

/* EFER.SVME on, and a host save area for VMRUN. APM Vol2 15.4, 15.30.4 */
static bool svm_cpu_enable(void)
{
	void *hsave = palloc(), *vmsave_area = palloc();

	if (!hsave || !vmsave_area) {
		hv_log("AMD-V: no memory for the host save areas");
		return false;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (uint64_t)hsave);
	host_save_pa = (uint64_t)vmsave_area;
	return true;
}

/* The host LAPIC timer interrupts the guest: an INTR exit (entry.S). */
static bool svm_set_time_slice(uint32_t ticks)
{
	slice_ticks = ticks;
	lapic_timer_start(ticks);
	return true;
}

static bool svm_vcpu_init(struct vcpu *v)
{
	if (svm_vcpu_count == VM_MAX) {
		hv_log("AMD-V: more than %d vCPUs", VM_MAX);
		return false;
	}
	v->backend = &svm_vcpus[svm_vcpu_count];
	svm_vcpu_count++;
	return svm_vmcb_setup(v, svm_vcpu_count); /* ASID 0 is the host's */
}

/* Copy the guest state kept in struct vcpu into the VMCB. */
static void load_guest_state(struct vcpu *v, struct vmcb *vmcb)
{
	vmcb->save.rip = v->rip;
	vmcb->save.rsp = v->gpr[GPR_RSP];
	vmcb->save.rax = v->gpr[GPR_RAX];
	vmcb->save.rflags = v->rflags;
	vmcb->save.cr2 = v->cr2;
	/* The CPU always pages, through the hypervisor's tables; WP keeps ring-0
	 * guest writes off read-only entries. The guest sees v->cr0 on reads. */
	vmcb->save.cr0 = v->cr0 | CR0_PE | CR0_PG | CR0_WP;
	vmcb->save.cr3 = v->shadow_root;
	vmcb->save.cr4 = 0; /* 32-bit paging with 4 KiB pages */
	vmcb->save.dr6 = v->dr6; /* VMRUN switches DR6 and DR7; DR0-DR3 are kernel/cpustate.c's */
	vmcb->save.dr7 = v->dr7;
}

/* Copy the guest state back after the #VMEXIT. */
static void save_guest_state(struct vcpu *v, const struct vmcb *vmcb)
{
	v->rip = vmcb->save.rip;
	v->gpr[GPR_RSP] = vmcb->save.rsp;
	v->gpr[GPR_RAX] = vmcb->save.rax;
	v->rflags = vmcb->save.rflags;
	v->cr2 = vmcb->save.cr2;
}

/* V_IRQ at the highest priority, V_TPR ignored, with the VINTR intercept: the
 * guest exits (code 0x64) where it would take a virtual interrupt, that is
 * with IF=1 and outside an interrupt shadow. The intercept leaves V_IRQ set:
 * kernel/irq_deliver.c closes the window before the next VMRUN unless it
 * still waits for one. APM Vol2 15.21.4 */
static void svm_interrupt_window(struct vcpu *v, bool open)
{
	struct vmcb_control *c = &((struct svm_vcpu *)v->backend)->vmcb->control;

	if (open) {
		c->v_intr |= V_IRQ | V_INTR_PRIO_MAX | V_IGN_TPR;
		c->intercept_misc1 |= INTERCEPT_VINTR;
	} else {
		c->v_intr &= ~(V_IRQ | V_INTR_PRIO_MAX | V_IGN_TPR);
		c->intercept_misc1 &= ~INTERCEPT_VINTR;
	}
}

static void svm_run(struct vcpu *v, struct vm_exit *e)
{
	struct svm_vcpu *s = v->backend;
	struct vmcb *vmcb = s->vmcb;

	load_guest_state(v, vmcb);
	if (s->flush_tlb) {
		/* Real hardware keeps this ASID's translations across VMRUN; TCG
		 * flushes at every world switch and would never show a missing flush. */
		vmcb->control.tlb_control = TLB_CONTROL_FLUSH_ALL;
		s->flush_tlb = false;
	}
	svm_enter((uint64_t)vmcb, v->gpr, host_save_pa);
	vmcb->control.tlb_control = 0;
	save_guest_state(v, vmcb);
	vmcb->control.eventinj = 0; /* kernel/event.c decides what the next VMRUN injects */
	svm_decode_exit(vmcb, v->rip, e);
	if (vmcb->save.cr3 != v->shadow_root) {
		/* Only a task switch loads CR3 without a CR3 intercept; QEMU's TCG
		 * performs one despite INTERCEPT_TASK_SWITCH. Never run the guest again. */
		bool fenced = e->kind == EXIT_FENCE;

		*e = (struct vm_exit){ .kind = EXIT_TASK_SWITCH, .raw = (uint32_t)vmcb->control.exitcode,
				       .selector = vmcb->save.tr.selector, .task_source = TASK_UNINTERCEPTED,
				       .detail = fenced ? "the nested-paging fence stopped its first access outside the VM"
							: "the guest ran on the new CR3 until this exit" };
	}
	if (e->kind == EXIT_PREEMPT)
		__asm__ volatile("sti; nop; cli"); /* take the pending host interrupt now */
}

/* The guest's ASID keeps its translations across VMRUN on real hardware:
 * flush them at the next VMRUN. APM Vol2 15.16 (TLB Control) */
static void svm_flush_tlb(struct vcpu *v)
{
	struct svm_vcpu *s = v->backend;

	s->flush_tlb = true;
}

/* Nothing to load: VMRUN names the VMCB, and each VM has its own ASID, so
 * no translation of one VM is ever used for another. */
static void svm_switch_to(struct vcpu *v)
{
	(void)v;
}

/* APM Vol2 15.20 (Event Injection) */
static void svm_inject(struct vcpu *v, const struct event *e)
{
	struct svm_vcpu *s = v->backend;
	uint64_t type = e->type == EVENT_EXTERNAL ? SVM_EVENT_TYPE_INTR
			: e->type == EVENT_NMI    ? SVM_EVENT_TYPE_NMI
						  : SVM_EVENT_TYPE_EXCEPTION;
	uint64_t event = SVM_EVENT_VALID | type | e->vector;

	if (e->has_error)
		event |= SVM_EVENT_ERROR_VALID | (uint64_t)e->error_code << SVM_EVENT_ERROR_SHIFT;
	s->vmcb->control.eventinj = event;
}

static uint32_t svm_segment_base(struct vcpu *v, int seg)
{
	struct svm_vcpu *s = v->backend;

	return (uint32_t)(&s->vmcb->save.es)[seg].base; /* ES, CS, SS, DS, FS, GS in a row */
}

/* CS's D attribute (descriptor bit 54); in virtual-8086 mode the CPU ignores
 * CS's attributes and runs 16-bit code. APM Vol2 Table B-2 (VMCB Layout, State Save Area) */
static bool svm_code32(struct vcpu *v)
{
	struct svm_vcpu *s = v->backend;

	return !(v->rflags & RFLAGS_VM) && (s->vmcb->save.cs.attrib & VMCB_ATTR_D);
}

static int svm_cpl(struct vcpu *v)
{
	struct svm_vcpu *s = v->backend;

	return s->vmcb->save.cpl;
}

/* The VMCB's interrupt shadow: one bit for STI and MOV SS. APM Vol2 15.21.5 */
static unsigned svm_interrupt_shadow(struct vcpu *v)
{
	struct svm_vcpu *s = v->backend;

	return s->vmcb->control.interrupt_shadow & INTERRUPT_SHADOW ? IRQ_SHADOW_STI : 0;
}

static void svm_end_interrupt_shadow(struct vcpu *v)
{
	struct svm_vcpu *s = v->backend;

	s->vmcb->control.interrupt_shadow &= ~INTERRUPT_SHADOW;
}

/*
 * The host LAPIC timer fires once at the deadline when that is sooner than a
 * slice, and is periodic at a full slice again
 * afterwards. It counts bus clocks, which the slice already takes for TSC
 * ticks: where they differ (QEMU without -icount: a 1 GHz bus, the host's
 * TSC) the exit comes early, and the next entry arms it again, or late, by
 * less than one slice.
 */
static void svm_set_deadline(struct vcpu *v, uint64_t ticks)
{
	(void)v;
	if (ticks < slice_ticks) {
		lapic_timer_set((uint32_t)ticks, false);
		deadline_armed = true;
	} else if (deadline_armed) {
		lapic_timer_set(slice_ticks, true);
		deadline_armed = false;
	}
}

const struct backend svm_backend = {
	.name = "AMD-V",
	.complete_exit = complete_from_instruction,
	.probe = svm_probe,
	.cpu_enable = svm_cpu_enable,
	.set_time_slice = svm_set_time_slice,
	.vcpu_init = svm_vcpu_init,
	.flush_tlb = svm_flush_tlb,
	.switch_to = svm_switch_to,
	.run = svm_run,
	.inject = svm_inject,
	.segment_base = svm_segment_base,
	.code32 = svm_code32,
	.cpl = svm_cpl,
	.interrupt_shadow = svm_interrupt_shadow,
	.end_interrupt_shadow = svm_end_interrupt_shadow,
	.interrupt_window = svm_interrupt_window,
	.set_deadline = svm_set_deadline,
};
