/*
 * The VT-x backend as the rest of the hypervisor sees it (kernel/backend.h).
 * The lab 1 functions it calls live in vmxon.c, vmcs.c and run.c.
 */
#include "kernel/backend.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/palloc.h"
#include "kernel/vclock.h"
#include "kernel/vm.h"
#include "kernel/vmx/vmx.h"
#include "kernel/x86.h"

static struct vmx_vcpu vmx_vcpus[VM_MAX];
static int vmx_vcpu_count;
static struct vmx_vcpu *current; /* whose VMCS is loaded */
static uint32_t time_slice;       /* VMX-preemption timer start value (timer units), 0: none */
static unsigned timer_rate;       /* the timer counts down once every 2^timer_rate TSC ticks */
static bool window_allowed;       /* the CPU offers interrupt-window exiting */

/* VMX is CPUID.1:ECX bit 5. SDM Vol3C 23.6 */
static bool vmx_probe(void)
{
	return cpuid(CPUID_LEAF_FEATURES, 0).ecx & CPUID_1_ECX_VMX;
}

/* The VMX-preemption timer counts down in guest mode and exits at zero. SDM Vol3C 25.5.1 */
static bool vmx_set_time_slice(uint32_t ticks)
{
	bool true_ctls = rdmsr(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CONTROLS;
	uint64_t cap = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED : MSR_IA32_VMX_PINBASED);

	if (!(cap >> 32 & PIN_PREEMPTION_TIMER)) {
		hv_log("VT-x: this CPU has no VMX-preemption timer: no time slices");
		return false;
	}
	/* SDM Vol3C 25.5.1: it counts down once every 2^X TSC ticks, X = IA32_VMX_MISC[4:0]. */
	timer_rate = rdmsr(MSR_IA32_VMX_MISC) & VMX_MISC_TIMER_RATE;
	time_slice = ticks >> timer_rate;
	if (!time_slice)
		time_slice = 1;
	return true;
}

/* Whether vmcs_setup left x's VMCS current, as every VMREAD and VMWRITE after it
 * assumes, and recorded where it is, for switching VMs. SDM Vol3C 30.3 (VMPTRST) */
static bool vmcs_made_current(const struct vmx_vcpu *x)
{
	uint64_t pa = 0;

	__asm__ volatile("vmptrst %0" : "=m"(pa));
	if (x->vmcs && pa == (uint64_t)x->vmcs)
		return true;
	hv_log("VT-x: after vmcs_setup the current VMCS is %#lx, but x->vmcs is %p: vmcs_setup must record its VMCS there and load it with VMPTRLD (labs/lab1-vmx-entry.md, \"3. The VMCS\")",
	       pa, (void *)x->vmcs);
	return false;
}

/* Whether the CPU lets the primary processor-based controls have
 * interrupt-window exiting set (allowed-1 bit). SDM Vol3D A.3.2 */
static bool window_control_allowed(void)
{
	bool true_ctls = rdmsr(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CONTROLS;
	uint64_t cap = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED : MSR_IA32_VMX_PROCBASED);

	window_allowed = cap >> 32 & CPU_INTR_WINDOW_EXITING;
	if (!window_allowed)
		hv_log("VT-x: this CPU has no interrupt-window exiting: no virtual interrupts");
	return window_allowed;
}

static bool vmx_vcpu_init(struct vcpu *v)
{
	bool ok;

	if (vmx_vcpu_count == VM_MAX) {
		hv_log("VT-x: more than %d vCPUs", VM_MAX);
		return false;
	}
	v->backend = &vmx_vcpus[vmx_vcpu_count++];
	current = v->backend;
	palloc_poison(true); /* the pages vmcs_setup takes are not zeroed: every field it forgets shows */
	ok = vmcs_setup(v);
	palloc_poison(false);
	if (!ok || !vmcs_made_current(v->backend) || !vmx_check_host_state() || !vmx_check_isolation())
		return false;
	if (time_slice) {
		/* A full slice at every entry: without the exit control "save VMX-preemption
		 * timer value" the CPU never changes this field. SDM Vol3C 25.5.1 */
		vmwrite(PIN_BASED_VM_EXEC_CONTROL,
			vmread(PIN_BASED_VM_EXEC_CONTROL) | PIN_PREEMPTION_TIMER);
		vmwrite(VM_EXIT_CONTROLS, vmread(VM_EXIT_CONTROLS) & ~EXIT_SAVE_PREEMPTION_TIMER);
		vmwrite(VMX_PREEMPTION_TIMER_VALUE, time_slice);
		((struct vmx_vcpu *)v->backend)->timer_value = time_slice;
	}
	return window_control_allowed();
}

/* VMREAD and VMWRITE act on the current VMCS: make it v's. */
static void make_current(struct vcpu *v)
{
	struct vmx_vcpu *x = v->backend;

	if (x != current) {
		vmptrld((uint64_t)x->vmcs);
		current = x;
	}
}

/* The event whose delivery the exit interrupted (a #PF on the guest's stack
 * while it delivers INT 0x80, say), for kernel/event.c to decide about.
 * SDM Vol3C 27.2.4 (Information for VM Exits During Event Delivery) */
static void read_interrupted_event(struct event *ev)
{
	uint32_t info = (uint32_t)vmread(IDT_VECTORING_INFO);

	ev->valid = info & INTR_INFO_VALID;
	if (!ev->valid)
		return; /* most exits */
	ev->type = (enum event_type)((info & INTR_TYPE_MASK) >> INTR_TYPE_SHIFT);
	ev->vector = info & INTR_INFO_VECTOR_MASK;
	ev->has_error = info & INTR_INFO_DELIVER_ERROR;
	ev->error_code = ev->has_error ? (uint32_t)vmread(IDT_VECTORING_ERROR_CODE) : 0;
}

/* Name exits lab 1's decoder may leave unmapped: INVD (outside the guest
 * contract, it exits unconditionally), CLTS and LMSW, and the timer the given
 * code enables. */
static void name_unhandled_exit(struct vm_exit *e)
{
	switch (e->raw & EXIT_REASON_BASIC_MASK) {
	case EXIT_REASON_INVD:
		e->detail = "INVD would drop the host's unwritten cache lines";
		break;
	case EXIT_REASON_CR_ACCESS:
		if (CRQ_ACCESS(vmread(EXIT_QUALIFICATION)) >= CRQ_CLTS)
			e->detail = "CLTS or LMSW (a CR-access exit of access type 2 or 3): lab 1's vmx_decode_exit must map it to EXIT_CR_WRITE with form CR_CLTS or CR_LMSW (labs/lab1-vmx-entry.md, \"4. Running and decoding\")";
		break;
	case EXIT_REASON_PREEMPT_TIMER:
		e->detail = "the VMX-preemption timer (reason 52) that the given code enables: lab 1's vmx_decode_exit must map it to EXIT_PREEMPT (labs/lab1-vmx-entry.md, \"4. Running and decoding\")";
		break;
	}
}

static void vmx_backend_run(struct vcpu *v, struct vm_exit *e)
{
	make_current(v);
	/* The guest's own DR7 (kernel/dr.c); a VM exit sets the CPU's to 0x400. SDM Vol3C 27.5.1 */
	vmwrite(GUEST_DR7, v->dr7);
	vmx_run(v, e);
	if (e->kind != EXIT_ENTRY_FAILED)
		read_interrupted_event(&e->interrupted);
	else
		e->interrupted.valid = false;
	/* The given code's control, which lab 1's decoder leaves unhandled. SDM Vol3C 26.6.5.
	 * A failed entry's raw is the VM-instruction error, whose 7 is not this reason. */
	if (e->kind == EXIT_UNHANDLED && e->raw == EXIT_REASON_INTR_WINDOW)
		*e = (struct vm_exit){ .kind = EXIT_INTR_WINDOW, .raw = e->raw, .insn_len = EXIT_UNKNOWN,
				       .gpr = EXIT_UNKNOWN, .interrupted = e->interrupted };
	if (e->kind == EXIT_UNHANDLED)
		name_unhandled_exit(e);
}

/* Without VPIDs every VM entry and exit flushes the linear mappings the CPU
 * cached for the guest (SDM Vol3C 28.3.3.3): nothing to do. */
static void vmx_flush_tlb(struct vcpu *v)
{
	(void)v;
}

/* SDM Vol3C 24.8.3 (VM-Entry Controls for Event Injection) */
static void vmx_inject(struct vcpu *v, const struct event *e)
{
	uint32_t info = INTR_INFO_VALID | (uint32_t)e->type << INTR_TYPE_SHIFT | e->vector;

	make_current(v);
	if (e->has_error) {
		info |= INTR_INFO_DELIVER_ERROR;
		vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, e->error_code);
	}
	vmwrite(VM_ENTRY_INTR_INFO, info);
}

static uint32_t vmx_segment_base(struct vcpu *v, int seg)
{
	make_current(v);
	return (uint32_t)vmread(GUEST_ES_BASE + 2 * (uint32_t)seg); /* ES, CS, SS, DS, FS, GS */
}

/* CS's D/B access-rights bit; VM entry makes it clear in virtual-8086 mode
 * (SDM Vol3C 26.3.1.2 (Checks on Guest Segment Registers)). */
static bool vmx_code32(struct vcpu *v)
{
	make_current(v);
	return vmread(GUEST_CS_AR_BYTES) & AR_DB;
}

/* SS.DPL is the CPL. SDM Vol3C 26.3.1.2 (Checks on Guest Segment Registers) */
static int vmx_cpl(struct vcpu *v)
{
	make_current(v);
	return (int)(vmread(GUEST_SS_AR_BYTES) >> AR_DPL_SHIFT & AR_DPL_MASK);
}

/* Blocking by STI and by MOV SS. SDM Vol3C 24.4.2, Table 24-3 */
static unsigned vmx_interrupt_shadow(struct vcpu *v)
{
	uint32_t state;

	make_current(v);
	state = (uint32_t)vmread(GUEST_INTERRUPTIBILITY);
	return (state & INTERRUPTIBILITY_STI ? IRQ_SHADOW_STI : 0) |
	       (state & INTERRUPTIBILITY_MOV_SS ? IRQ_SHADOW_MOV_SS : 0);
}

/*
 * The shadow covers one instruction (SDM Vol3A 6.8.3): once the hypervisor
 * emulated it, the next entry must not keep it. Besides, VM entry refuses
 * blocking by STI with RFLAGS.IF=0 and either blocking with an injected
 * external interrupt (SDM Vol3C 26.3.1.5): the hypervisor never changes IF,
 * and kernel/irq.c injects only outside a shadow.
 */
static void vmx_end_interrupt_shadow(struct vcpu *v)
{
	uint32_t state;

	make_current(v);
	state = (uint32_t)vmread(GUEST_INTERRUPTIBILITY);
	if (state & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmwrite(GUEST_INTERRUPTIBILITY, state & ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/* The primary processor-based control "interrupt-window exiting": exit
 * reason 7 before any instruction with IF=1 and no shadow. SDM Vol3C 26.6.5 */
static void vmx_interrupt_window(struct vcpu *v, bool open)
{
	uint32_t proc;

	make_current(v);
	proc = (uint32_t)vmread(CPU_BASED_VM_EXEC_CONTROL);
	vmwrite(CPU_BASED_VM_EXEC_CONTROL, open ? proc | CPU_INTR_WINDOW_EXITING : proc & ~CPU_INTR_WINDOW_EXITING);
}

/* The VMX-preemption timer starts at the slice, or at the deadline when that
 * is sooner, rounded up to the timer's rate: the exit comes at most
 * 2^timer_rate TSC ticks after the deadline. SDM Vol3C 25.5.1 */
static void vmx_set_deadline(struct vcpu *v, uint64_t ticks)
{
	struct vmx_vcpu *x = v->backend;
	uint64_t units = ticks == VCLOCK_NEVER ? time_slice : (ticks + (1ull << timer_rate) - 1) >> timer_rate;
	uint32_t value = units < time_slice ? (uint32_t)units : time_slice;

	if (!time_slice || value == x->timer_value)
		return;
	make_current(v);
	vmwrite(VMX_PREEMPTION_TIMER_VALUE, value);
	x->timer_value = value;
}

const struct backend vmx_backend = {
	.name = "VT-x",
	.complete_exit = vmx_check_exit,
	.probe = vmx_probe,
	.cpu_enable = vmx_cpu_enable,
	.set_time_slice = vmx_set_time_slice,
	.vcpu_init = vmx_vcpu_init,
	.flush_tlb = vmx_flush_tlb,
	.switch_to = make_current,
	.run = vmx_backend_run,
	.inject = vmx_inject,
	.segment_base = vmx_segment_base,
	.code32 = vmx_code32,
	.cpl = vmx_cpl,
	.interrupt_shadow = vmx_interrupt_shadow,
	.end_interrupt_shadow = vmx_end_interrupt_shadow,
	.interrupt_window = vmx_interrupt_window,
	.set_deadline = vmx_set_deadline,
};
