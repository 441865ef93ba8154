/*
 * VMXON, VMCLEAR and VMPTRLD, the failure report of every VMX instruction
 * (VMREAD and VMWRITE are inline in kernel/vmx/vmx.h), and the table of
 * VM-instruction error numbers. SDM Vol3C 31.2 (Conventions), 31.4
 * (VM Instruction Error Numbers).
 */
#include "kernel/console.h"
#include "kernel/machine.h"
#include "kernel/vmx/vmx.h"

static const char *const instruction_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

const char *vmx_instruction_error_name(uint32_t error)
{
	if (error < ARRAY_SIZE(instruction_errors) && instruction_errors[error])
		return instruction_errors[error];
	return "unknown VM-instruction error";
}

/* CF=1 is VMfailInvalid, ZF=1 is VMfailValid. SDM Vol3C 31.2. @p field is 0 for
 * VMCLEAR and VMPTRLD. */
void vmx_access_failed(const char *insn, uint32_t field)
{
	uint64_t error = 0;

	/* VMfailValid leaves an error number; reading it may itself fail. */
	__asm__ volatile("vmread %1, %0" : "=r"(error) : "r"((uint64_t)VM_INSTRUCTION_ERROR) : "cc");
	panic("%s (field %#x) failed: VM-instruction error %lu (%s)", insn, field, error,
	      vmx_instruction_error_name((uint32_t)error));
}

bool vmxon(uint64_t pa)
{
	bool failed;

	__asm__ volatile("vmxon %1; setbe %0" : "=qm"(failed) : "m"(pa) : "cc", "memory");
	return !failed;
}

void vmclear(uint64_t pa)
{
	bool failed;

	__asm__ volatile("vmclear %1; setbe %0" : "=qm"(failed) : "m"(pa) : "cc", "memory");
	if (failed)
		vmx_access_failed("VMCLEAR", 0);
}

void vmptrld(uint64_t pa)
{
	bool failed;

	__asm__ volatile("vmptrld %1; setbe %0" : "=qm"(failed) : "m"(pa) : "cc", "memory");
	if (failed)
		vmx_access_failed("VMPTRLD", 0);
}
