/*
 * The fake CPU of fake_cpu.h: MSRs, CR0/CR4, palloc, hv_log and VMXON with
 * the checks of SDM Vol3C 31.3 (VMXON) and 23.7 (Enabling and Entering VMX
 * Operation).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "autograder/tests/fake_cpu.h"
#include "kernel/console.h"
#include "kernel/palloc.h"
#include "kernel/vmx/vmx.h"
#include "kernel/x86.h"

#define MAX_PAGES 8

struct fake_cpu cpu;
static void *pages[MAX_PAGES];
static int npages;
static uint64_t cr2, cr3;

void fake_cpu_reset(void)
{
	fake_cpu_free();
	cpu = (struct fake_cpu){
		.cr0 = 0x80000011,           /* PE, ET, PG: no NE yet */
		.cr4 = 0x000006A0,           /* PAE, PGE, OSFXSR, OSXMMEXCPT */
		.feature_control = 0,        /* unlocked, as firmware may leave it (Bochs' BIOS locks it, VMX on) */
		.vmx_basic = 0x00DA040000000004ull, /* revision 4, 4 KiB regions */
		.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xFFFFFFFF,
		.cr4_fixed0 = 0x00002000, .cr4_fixed1 = 0x003727FF,
	};
}

void fake_cpu_free(void)
{
	while (npages)
		free(pages[--npages]);
}

uint64_t rdmsr(uint32_t msr)
{
	switch (msr) {
	case MSR_IA32_FEATURE_CONTROL: return cpu.feature_control;
	case MSR_IA32_VMX_BASIC: return cpu.vmx_basic;
	case MSR_IA32_VMX_CR0_FIXED0: return cpu.cr0_fixed0;
	case MSR_IA32_VMX_CR0_FIXED1: return cpu.cr0_fixed1;
	case MSR_IA32_VMX_CR4_FIXED0: return cpu.cr4_fixed0;
	case MSR_IA32_VMX_CR4_FIXED1: return cpu.cr4_fixed1;
	}
	cr_assert_fail("RDMSR %#x: vmx_cpu_enable needs no such MSR (a real CPU may raise #GP)", msr);
	return 0;
}

void wrmsr(uint32_t msr, uint64_t v)
{
	cr_assert_eq(msr, MSR_IA32_FEATURE_CONTROL, "WRMSR %#x: vmx_cpu_enable writes only IA32_FEATURE_CONTROL", msr);
	cr_assert_not(cpu.feature_control & FEATURE_CONTROL_LOCK,
		      "WRMSR to IA32_FEATURE_CONTROL while its lock bit is set raises #GP (SDM Vol3C 23.7)");
	cpu.feature_control = v;
}

uint64_t read_cr0(void) { return cpu.cr0; }
void write_cr0(uint64_t v) { cpu.cr0 = v; }
uint64_t read_cr2(void) { return cr2; }
void write_cr2(uint64_t v) { cr2 = v; }
uint64_t read_cr3(void) { return cr3; }
void write_cr3(uint64_t v) { cr3 = v; }
uint64_t read_cr4(void) { return cpu.cr4; }
void write_cr4(uint64_t v) { cpu.cr4 = v; }

void *palloc(void)
{
	if (cpu.out_of_memory || npages == MAX_PAGES)
		return NULL;
	pages[npages] = aligned_alloc(4096, 4096);
	memset(pages[npages], 0xCC, 4096); /* a page as palloc leaves it: not zeroed for you */
	return pages[npages++];
}

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cpu.last_message, sizeof(cpu.last_message), fmt, ap);
	va_end(ap);
	cpu.messages++;
}

/* Bits of cr that the fixed MSRs do not allow, or 0. SDM Vol3D A.7, A.8 */
static uint64_t fixed_violation(uint64_t cr, uint64_t fixed0, uint64_t fixed1)
{
	return (~cr & fixed0) | (cr & ~fixed1 & 0xFFFFFFFF);
}

bool vmxon(uint64_t pa)
{
	uint64_t bad0 = fixed_violation(cpu.cr0, cpu.cr0_fixed0, cpu.cr0_fixed1);
	uint64_t bad4 = fixed_violation(cpu.cr4, cpu.cr4_fixed0, cpu.cr4_fixed1);

	cr_assert(cpu.cr4 & CR4_VMXE, "VMXON with CR4.VMXE clear raises #UD (SDM Vol3C 31.3 VMXON)");
	cr_assert_eq(bad0, 0, "VMXON with CR0 %#lx raises #GP: bits %#lx break IA32_VMX_CR0_FIXED0/1 (SDM Vol3D A.7)",
		     cpu.cr0, bad0);
	cr_assert_eq(bad4, 0, "VMXON with CR4 %#lx raises #GP: bits %#lx break IA32_VMX_CR4_FIXED0/1 (SDM Vol3D A.8)",
		     cpu.cr4, bad4);
	cr_assert((cpu.feature_control & FEATURE_CONTROL_LOCK) &&
		  (cpu.feature_control & FEATURE_CONTROL_VMX_OUTSIDE_SMX),
		  "VMXON with IA32_FEATURE_CONTROL %#lx raises #GP: it must be locked with VMX outside SMX allowed (SDM Vol3C 23.7)",
		  cpu.feature_control);
	cr_assert(pa && pa % 4096 == 0, "VMXON region %#lx is not 4 KiB aligned: VMfailInvalid", pa);
	cr_assert_eq(*(uint32_t *)pa, (uint32_t)cpu.vmx_basic & 0x7FFFFFFF,
		     "VMXON region starts with %#x, not the revision identifier %#x of IA32_VMX_BASIC: VMfailInvalid (SDM Vol3C 24.11.5)",
		     *(uint32_t *)pa, (uint32_t)cpu.vmx_basic & 0x7FFFFFFF);
	cpu.vmxon_calls++;
	cpu.vmxon_region = pa;
	return !cpu.vmxon_fails;
}
