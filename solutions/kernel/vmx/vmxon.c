/*
 * Lab 1: entering VMX operation.
 * SDM Vol3C 23.7 (Enabling and Entering VMX Operation)
 */
#include "kernel/console.h"
#include "kernel/palloc.h"
#include "kernel/vmx/vmx.h"
#include "kernel/x86.h"

/* Allow VMXON outside SMX in IA32_FEATURE_CONTROL, locking it if the firmware did not. */
static bool feature_control_allows_vmx(void)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (!(fc & FEATURE_CONTROL_LOCK)) {
		fc |= FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
	}
	if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		hv_log("VT-x: disabled by the firmware (IA32_FEATURE_CONTROL %#lx is locked)", fc);
		return false;
	}
	return true;
}

/* Set CR0 and CR4 to values VMX operation allows. SDM Vol3D A.7, A.8 */
static void apply_fixed_bits(void)
{
	uint64_t cr0 = read_cr0(), cr4 = read_cr4() | CR4_VMXE;

	cr0 = (cr0 | rdmsr(MSR_IA32_VMX_CR0_FIXED0)) & rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	cr4 = (cr4 | rdmsr(MSR_IA32_VMX_CR4_FIXED0)) & rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	write_cr0(cr0);
	write_cr4(cr4);
}

bool vmx_cpu_enable(void)
{
	if (!feature_control_allows_vmx())
		return false;
	apply_fixed_bits();

	/* SDM Vol3C 24.11.5 (VMXON Region): revision identifier in the first 31 bits. */
	uint32_t *region = palloc();
	if (!region) {
		hv_log("VT-x: no memory for the VMXON region");
		return false;
	}
	region[0] = (uint32_t)rdmsr(MSR_IA32_VMX_BASIC) & 0x7FFFFFFF;

	if (!vmxon((uint64_t)region)) {
		hv_log("VT-x: VMXON failed (is VMX already on?)");
		return false;
	}
	return true;
}
