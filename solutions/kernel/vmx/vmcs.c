/*
 * Lab 1: building the VMCS.
 *
 * Three groups of fields, one function each: the controls (what makes the
 * guest exit), the host state (where an exit lands), the guest state (the
 * Multiboot machine state: 32-bit protected mode, flat segments).
 * SDM Vol3C 24 (Virtual Machine Control Structures), 26.2-26.3 (the checks
 * VM entry makes on them).
 */
#include "kernel/console.h"
#include "kernel/palloc.h"
#include "kernel/trap.h"
#include "kernel/vmx/vmx.h"
#include "kernel/x86.h"

#define VEC_PAGE_FAULT 14
#define HOST_OWNS_EVERY_BIT 0xFFFFFFFFu /* a CR0/CR4 guest/host mask: bits 31:0, the 32-bit guest's */

/* The exits the hypervisor needs; everything else runs natively. */
#define WANTED_PIN   0u
#define WANTED_PROC  (CPU_HLT_EXITING | CPU_INVLPG_EXITING | CPU_CR3_LOAD_EXITING | \
		      CPU_CR3_STORE_EXITING | CPU_MOV_DR_EXITING | CPU_UNCOND_IO_EXITING)
#define WANTED_EXIT  EXIT_HOST_ADDR_SPACE_SIZE
#define WANTED_ENTRY 0u

/* One VMCS control field and the capability MSRs that say what it may hold. */
struct control_field {
	const char *name;
	uint32_t field;
	uint32_t wanted;
	uint32_t cap_msr;      /* IA32_VMX_*  */
	uint32_t true_cap_msr; /* IA32_VMX_TRUE_* (when IA32_VMX_BASIC bit 55 is set) */
};

static const struct control_field control_fields[] = {
	{ "pin-based", PIN_BASED_VM_EXEC_CONTROL, WANTED_PIN,
	  MSR_IA32_VMX_PINBASED, MSR_IA32_VMX_TRUE_PINBASED },
	{ "processor-based", CPU_BASED_VM_EXEC_CONTROL, WANTED_PROC,
	  MSR_IA32_VMX_PROCBASED, MSR_IA32_VMX_TRUE_PROCBASED },
	{ "VM-exit", VM_EXIT_CONTROLS, WANTED_EXIT,
	  MSR_IA32_VMX_EXIT, MSR_IA32_VMX_TRUE_EXIT },
	{ "VM-entry", VM_ENTRY_CONTROLS, WANTED_ENTRY,
	  MSR_IA32_VMX_ENTRY, MSR_IA32_VMX_TRUE_ENTRY },
};

/* One guest segment register in the Multiboot state. */
struct guest_segment {
	uint16_t selector;
	uint32_t limit;
	uint32_t access_rights; /* SDM Vol3C 24.4.1, Table 24-2 */
};

#define AR_CODE32   0xC09B  /* G, D, present, code, execute/read, accessed */
#define AR_DATA32   0xC093  /* G, B, present, data, read/write, accessed */
#define AR_UNUSABLE 0x10000 /* bit 16: segment unusable */
#define AR_TSS32_BUSY 0x008B /* present, system, 32-bit busy TSS */

/* ES, CS, SS, DS, FS, GS, LDTR, TR: the order of the VMCS encodings. */
static const struct guest_segment multiboot_segments[8] = {
	{ 0x10, 0xFFFFFFFF, AR_DATA32 }, { 0x08, 0xFFFFFFFF, AR_CODE32 },
	{ 0x10, 0xFFFFFFFF, AR_DATA32 }, { 0x10, 0xFFFFFFFF, AR_DATA32 },
	{ 0x10, 0xFFFFFFFF, AR_DATA32 }, { 0x10, 0xFFFFFFFF, AR_DATA32 },
	{ 0x00, 0, AR_UNUSABLE },        { 0x18, 0x67, AR_TSS32_BUSY },
};

/* Write the four control fields, fitted to this CPU, and the exit filters. */
static bool setup_controls(void)
{
	bool use_true = rdmsr(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CONTROLS;

	for (size_t i = 0; i < ARRAY_SIZE(control_fields); i++) {
		const struct control_field *c = &control_fields[i];
		uint64_t cap = rdmsr(use_true ? c->true_cap_msr : c->cap_msr);
		uint32_t value;

		if (!vmx_adjust_controls(c->wanted, cap, &value)) {
			hv_log("VT-x: this CPU does not allow the %s controls %#x (allowed-1 mask %#x)",
			       c->name, c->wanted, (uint32_t)(cap >> 32));
			return false;
		}
		vmwrite(c->field, value);
	}
	vmwrite(EXCEPTION_BITMAP, 1u << VEC_PAGE_FAULT);
	vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0); /* with match 0: every #PF exits */
	vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmwrite(CR3_TARGET_COUNT, 0);
	vmwrite(VM_EXIT_MSR_STORE_COUNT, 0);
	vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmwrite(VM_ENTRY_INTR_INFO, 0);
	/* SDM Vol3C 25.3 (Changes to Instruction Behavior): with every bit owned by
	 * the host, guest reads of CR0/CR4 see the read shadows and writes exit. */
	vmwrite(CR0_GUEST_HOST_MASK, HOST_OWNS_EVERY_BIT);
	vmwrite(CR4_GUEST_HOST_MASK, HOST_OWNS_EVERY_BIT);
	vmwrite(VMCS_LINK_POINTER, ~0ull);
	return true;
}

/* Where a VM exit lands: this kernel's own segments, tables and control registers. */
static void setup_host(void)
{
	vmwrite(HOST_CR0, read_cr0());
	vmwrite(HOST_CR3, read_cr3());
	vmwrite(HOST_CR4, read_cr4());
	vmwrite(HOST_CS_SELECTOR, SEL_CODE64);
	vmwrite(HOST_SS_SELECTOR, SEL_DATA);
	vmwrite(HOST_DS_SELECTOR, SEL_DATA);
	vmwrite(HOST_ES_SELECTOR, SEL_DATA);
	vmwrite(HOST_FS_SELECTOR, 0);
	vmwrite(HOST_GS_SELECTOR, 0);
	vmwrite(HOST_TR_SELECTOR, SEL_TSS);
	vmwrite(HOST_FS_BASE, 0);
	vmwrite(HOST_GS_BASE, 0);
	vmwrite(HOST_TR_BASE, tss_base());
	vmwrite(HOST_GDTR_BASE, gdt_base());
	vmwrite(HOST_IDTR_BASE, idt_base());
	vmwrite(HOST_SYSENTER_CS, 0);
	vmwrite(HOST_SYSENTER_ESP, 0);
	vmwrite(HOST_SYSENTER_EIP, 0);
	vmwrite(HOST_RIP, (uint64_t)vmx_exit_entry); /* HOST_RSP: written by vmx_enter */
}

/* The Multiboot state, except RIP, RSP, RFLAGS and CRs, which vmx_run writes. */
static void setup_guest(void)
{
	for (int i = 0; i < 8; i++) {
		const struct guest_segment *s = &multiboot_segments[i];

		vmwrite(GUEST_ES_SELECTOR + 2 * i, s->selector);
		vmwrite(GUEST_ES_LIMIT + 2 * i, s->limit);
		vmwrite(GUEST_ES_AR_BYTES + 2 * i, s->access_rights);
		vmwrite(GUEST_ES_BASE + 2 * i, 0);
	}
	vmwrite(GUEST_GDTR_BASE, 0);
	vmwrite(GUEST_GDTR_LIMIT, 0);
	vmwrite(GUEST_IDTR_BASE, 0);
	vmwrite(GUEST_IDTR_LIMIT, 0);
	vmwrite(GUEST_DR7, 0x400);          /* its reset value */
	vmwrite(GUEST_IA32_DEBUGCTL, 0);
	vmwrite(GUEST_INTERRUPTIBILITY, 0);
	vmwrite(GUEST_ACTIVITY_STATE, 0);   /* active */
	vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmwrite(GUEST_SYSENTER_CS, 0);
	vmwrite(GUEST_SYSENTER_ESP, 0);
	vmwrite(GUEST_SYSENTER_EIP, 0);
}

bool vmcs_setup(struct vcpu *v)
{
	struct vmx_vcpu *x = v->backend;
	uint32_t *vmcs = palloc();

	if (!vmcs) {
		hv_log("VT-x: no memory for a VMCS");
		return false;
	}
	/* SDM Vol3C 24.2 (Format of the VMCS Region): revision identifier first. */
	vmcs[0] = (uint32_t)rdmsr(MSR_IA32_VMX_BASIC) & 0x7FFFFFFF;
	x->vmcs = vmcs;
	x->launched = false;
	vmclear((uint64_t)vmcs);
	vmptrld((uint64_t)vmcs);
	if (!setup_controls())
		return false;
	setup_host();
	setup_guest();
	return true;
}
