/*
 * Lab 1: vmx_cpu_enable against a fake CPU (fake_cpu.c) whose VMXON checks
 * what the SDM says a real one checks: IA32_FEATURE_CONTROL, the CR0/CR4
 * fixed bits, CR4.VMXE and the VMXON region's revision identifier. Bochs'
 * BIOS state hides most of these; here each is tested alone.
 */
#include <criterion/criterion.h>

#include "autograder/tests/fake_cpu.h"
#include "kernel/vmx/vmx.h"
#include "kernel/x86.h"

TestSuite(vmxon, .init = fake_cpu_reset, .fini = fake_cpu_free);

Test(vmxon, unlocked_feature_control_is_locked_with_vmx_outside_smx)
{
	cr_assert(vmx_cpu_enable());
	cr_assert_eq(cpu.feature_control & (FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX),
		     FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX, "IA32_FEATURE_CONTROL %#lx",
		     cpu.feature_control);
	cr_assert_eq(cpu.vmxon_calls, 1);
}

Test(vmxon, locked_feature_control_that_allows_vmx_is_left_alone)
{
	cpu.feature_control = FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
	cr_assert(vmx_cpu_enable()); /* a write would fail in fake_cpu.c: it is locked */
}

Test(vmxon, locked_feature_control_without_vmx_refuses_and_says_so)
{
	cpu.feature_control = FEATURE_CONTROL_LOCK;
	cr_assert_not(vmx_cpu_enable());
	cr_assert_eq(cpu.vmxon_calls, 0, "VMXON was executed although the firmware disabled VMX");
	cr_assert_gt(cpu.messages, 0, "returned false without a message for the student");
}

Test(vmxon, cr0_and_cr4_get_the_fixed_bits)
{
	cr_assert(vmx_cpu_enable());
	cr_assert_eq(cpu.cr0, 0x80000031, "CR0 %#lx: FIXED0 adds NE (bit 5)", cpu.cr0);
	cr_assert_eq(cpu.cr4, 0x000026A0, "CR4 %#lx: VMXE (bit 13) added, the rest kept", cpu.cr4);
}

Test(vmxon, bits_fixed1_forbids_are_cleared)
{
	cpu.cr0 |= 1u << 30; /* CD, on a CPU that needs caching on in VMX operation */
	cpu.cr0_fixed1 = ~(1u << 30) & 0xFFFFFFFF;
	cpu.cr4 |= 1u << 18; /* OSXSAVE, which this CPU's FIXED1 does not allow */
	cpu.cr4_fixed1 &= ~(1u << 18);
	cr_assert(vmx_cpu_enable());
	cr_assert_not(cpu.cr0 & (1u << 30), "CR0 %#lx", cpu.cr0);
	cr_assert_not(cpu.cr4 & (1u << 18), "CR4 %#lx", cpu.cr4);
}

Test(vmxon, region_carries_the_revision_identifier)
{
	cpu.vmx_basic = 0x00DA04000000BEEFull;
	cr_assert(vmx_cpu_enable()); /* fake_cpu.c checks the region at VMXON */
	cr_assert_eq(*(uint32_t *)cpu.vmxon_region, 0xBEEF);
}

Test(vmxon, failing_vmxon_returns_false_and_says_so)
{
	cpu.vmxon_fails = true;
	cr_assert_not(vmx_cpu_enable());
	cr_assert_gt(cpu.messages, 0, "returned false without a message for the student");
}

Test(vmxon, no_memory_for_the_region_returns_false)
{
	cpu.out_of_memory = true;
	cr_assert_not(vmx_cpu_enable());
	cr_assert_eq(cpu.vmxon_calls, 0);
}
