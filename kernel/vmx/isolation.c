/*
 * What keeps a guest away from the host on VT-x, whatever lab 1's code wrote
 * (and the two exits the virtual TLB and the run loop cannot do without).
 * After vmcs_setup, the given code reads the controls back: an intercept a
 * guest could slip past stops the run with its name, and the intercepts that
 * isolation needs beyond lab 1's (#DB, #AC, the guest's own DR7) are added
 * here. docs/architecture.md, "What a guest can reach".
 */
#include "kernel/console.h"
#include "kernel/vectors.h"
#include "kernel/vmx/vmx.h"

#define GUEST_CR_BITS 0xFFFFFFFFull /* every bit of a 32-bit guest's CR0 and CR4 */
#define EVERY_BIT     (~0ull)

/* A processor-based control that must be on (or off) for isolation. SDM Vol3C 24.6.2 */
struct isolating_control {
	uint32_t bit;
	bool on;
	const char *name;
	const char *otherwise; /* what a guest could do */
};

static const struct isolating_control isolating_controls[] = {
	{ CPU_HLT_EXITING, true, "HLT exiting (bit 7)", "halt the CPU, with no interrupt to wake it" },
	{ CPU_INVLPG_EXITING, true, "INVLPG exiting (bit 9)", "drop a translation without the virtual TLB hearing of it" },
	{ CPU_CR3_LOAD_EXITING, true, "CR3-load exiting (bit 15)", "load its own CR3 into the CPU" },
	{ CPU_CR3_STORE_EXITING, true, "CR3-store exiting (bit 16)", "read the host-physical address of its shadow tables" },
	{ CPU_MOV_DR_EXITING, true, "MOV-DR exiting (bit 23)", "set the CPU's debug registers" },
	{ CPU_UNCOND_IO_EXITING, true, "unconditional I/O exiting (bit 24)", "reach the host's I/O ports" },
	{ CPU_USE_IO_BITMAPS, false, "use I/O bitmaps (bit 25)", "reach the ports the bitmaps leave open" },
	{ CPU_USE_MSR_BITMAPS, false, "use MSR bitmaps (bit 28)", "reach the MSRs the bitmaps leave open" },
	{ CPU_ACTIVATE_SECONDARY, false, "activate secondary controls (bit 31)", "run under controls the hypervisor does not check" },
};

/* A VMCS field whose checked @c bits must hold @c value. Fields a VMCS holds before any
 * VMWRITE are undefined (SDM Vol3C 25.11.3): read back, an unwritten one that
 * is not 0 is named here, whatever the CPU left in it. Only @c bits are
 * compared: a guest/host mask wider than the guest's 32 bits owns more, not
 * less (SDM Vol3C 24.6.6). */
struct isolating_field {
	uint32_t field;
	uint64_t bits;
	uint64_t value;
	const char *name;
	const char *otherwise;
};

static const struct isolating_field isolating_fields[] = {
	{ CR0_GUEST_HOST_MASK, GUEST_CR_BITS, GUEST_CR_BITS, "the CR0 guest/host mask", "change CR0 bits (PG, WP) without an exit" },
	{ CR4_GUEST_HOST_MASK, GUEST_CR_BITS, GUEST_CR_BITS, "the CR4 guest/host mask", "change CR4 bits without an exit" },
	{ CR3_TARGET_COUNT, EVERY_BIT, 0, "the CR3-target count", "load a CR3-target value into the CPU without an exit" },
	{ PAGE_FAULT_ERROR_CODE_MASK, EVERY_BIT, 0, "the #PF error-code mask", "take page faults the virtual TLB never sees" },
	{ PAGE_FAULT_ERROR_CODE_MATCH, EVERY_BIT, 0, "the #PF error-code match", "take page faults the virtual TLB never sees" },
	{ VM_EXIT_MSR_STORE_COUNT, EVERY_BIT, 0, "the VM-exit MSR-store count", "have MSRs stored into memory at a guessed address" },
	{ VM_EXIT_MSR_LOAD_COUNT, EVERY_BIT, 0, "the VM-exit MSR-load count", "have the host's MSRs loaded from memory at a guessed address" },
	{ VM_ENTRY_MSR_LOAD_COUNT, EVERY_BIT, 0, "the VM-entry MSR-load count", "run with MSRs loaded from memory at a guessed address" },
	{ VM_ENTRY_INTR_INFO, EVERY_BIT, 0, "the VM-entry interruption information", "receive an event nobody raised at its first entry" },
};

bool vmx_check_isolation(void)
{
	uint32_t proc = (uint32_t)vmread(CPU_BASED_VM_EXEC_CONTROL);
	bool ok = true;

	for (size_t i = 0; i < ARRAY_SIZE(isolating_controls); i++) {
		const struct isolating_control *c = &isolating_controls[i];

		if (!!(proc & c->bit) == c->on)
			continue;
		hv_log("VT-x: vmcs_setup left the processor-based control %s %s: a guest could %s (labs/lab1-vmx-entry.md, \"3. The VMCS\")",
		       c->name, c->on ? "off" : "on", c->otherwise);
		ok = false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(isolating_fields); i++) {
		const struct isolating_field *f = &isolating_fields[i];
		uint64_t value = vmread(f->field);

		if ((value & f->bits) == f->value)
			continue;
		hv_log("VT-x: vmcs_setup wrote %#lx to %s, not %#lx: a guest could %s (labs/lab1-vmx-entry.md, \"3. The VMCS\")",
		       value, f->name, f->value, f->otherwise);
		ok = false;
	}
	if (!ok)
		return false;
	/* #DB, #AC and the contributory exceptions exit (kernel/vectors.h says why);
	 * the guest's DR7 and an empty IA32_DEBUGCTL are loaded at each entry. */
	vmwrite(EXCEPTION_BITMAP, vmread(EXCEPTION_BITMAP) | VEC_INTERCEPTED);
	vmwrite(VM_ENTRY_CONTROLS, vmread(VM_ENTRY_CONTROLS) | ENTRY_LOAD_DEBUG_CONTROLS);
	vmwrite(GUEST_IA32_DEBUGCTL, 0);
	return true;
}
