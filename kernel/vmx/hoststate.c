/*
 * Where a VM exit lands, checked before the first entry. The host-state area
 * of the VMCS (lab 1's vmcs_setup) must describe this kernel as it runs now:
 * a field that differs may go unnoticed until the first exception after an
 * exit, which then cannot even be reported. Each field that differs from the
 * live register stops the run with its name. SDM Vol3C 24.5 (Host-State
 * Area), 27.5 (Loading Host State).
 */
#include "kernel/console.h"
#include "kernel/trap.h"
#include "kernel/vmx/vmx.h"
#include "kernel/x86.h"

/* One host-state field and the value the running kernel has. */
struct host_field {
	uint32_t field;
	const char *name;
	uint64_t live;
};

static uint16_t read_selector(int which)
{
	uint16_t s = 0;

	switch (which) {
	case 0: __asm__ volatile("mov %%cs, %0" : "=r"(s)); break;
	case 1: __asm__ volatile("mov %%ss, %0" : "=r"(s)); break;
	case 2: __asm__ volatile("mov %%ds, %0" : "=r"(s)); break;
	case 3: __asm__ volatile("mov %%es, %0" : "=r"(s)); break;
	case 4: __asm__ volatile("mov %%fs, %0" : "=r"(s)); break;
	case 5: __asm__ volatile("mov %%gs, %0" : "=r"(s)); break;
	default: __asm__ volatile("str %0" : "=r"(s)); break;
	}
	return s;
}

bool vmx_check_host_state(void)
{
	bool ok = true;
	const struct host_field fields[] = {
		{ HOST_CR0, "HOST_CR0", read_cr0() },
		{ HOST_CR3, "HOST_CR3", read_cr3() },
		{ HOST_CR4, "HOST_CR4", read_cr4() },
		{ HOST_CS_SELECTOR, "HOST_CS_SELECTOR", read_selector(0) },
		{ HOST_SS_SELECTOR, "HOST_SS_SELECTOR", read_selector(1) },
		{ HOST_DS_SELECTOR, "HOST_DS_SELECTOR", read_selector(2) },
		{ HOST_ES_SELECTOR, "HOST_ES_SELECTOR", read_selector(3) },
		{ HOST_FS_SELECTOR, "HOST_FS_SELECTOR", read_selector(4) },
		{ HOST_GS_SELECTOR, "HOST_GS_SELECTOR", read_selector(5) },
		{ HOST_TR_SELECTOR, "HOST_TR_SELECTOR", read_selector(6) },
		{ HOST_FS_BASE, "HOST_FS_BASE", rdmsr(MSR_FS_BASE) },
		{ HOST_GS_BASE, "HOST_GS_BASE", rdmsr(MSR_GS_BASE) },
		{ HOST_SYSENTER_CS, "HOST_SYSENTER_CS", rdmsr(MSR_SYSENTER_CS) },
		{ HOST_SYSENTER_ESP, "HOST_SYSENTER_ESP", rdmsr(MSR_SYSENTER_ESP) },
		{ HOST_SYSENTER_EIP, "HOST_SYSENTER_EIP", rdmsr(MSR_SYSENTER_EIP) },
		{ HOST_TR_BASE, "HOST_TR_BASE", tss_base() },
		{ HOST_GDTR_BASE, "HOST_GDTR_BASE", gdt_base() },
		{ HOST_IDTR_BASE, "HOST_IDTR_BASE", idt_base() },
		{ HOST_RIP, "HOST_RIP", (uint64_t)vmx_exit_entry },
	};

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		uint64_t value = vmread(fields[i].field);

		if (value == fields[i].live)
			continue;
		hv_log("VT-x: vmcs_setup wrote %#lx to %s, but this kernel runs with %#lx: an exit would land in a broken host (labs/lab1-vmx-entry.md, \"3. The VMCS\", host state)",
		       value, fields[i].name, fields[i].live);
		ok = false;
	}
	return ok;
}
