/**
 * @file vmx.h
 * @brief The VT-x backend's internals: VMREAD/VMWRITE and the lab 1 functions.
 *
 * Only files in kernel/vmx/ include this header.
 */
#ifndef KERNEL_VMX_VMX_H
#define KERNEL_VMX_VMX_H

#include "kernel/vcpu.h"
#include "kernel/vmexit.h"
#include "kernel/vmx/vmcs.h"

/** @brief Per-vCPU VT-x state. */
struct vmx_vcpu {
	void *vmcs;    /**< the 4 KiB VMCS region */
	bool launched; /**< VMLAUNCH done: the next entry is VMRESUME */
	uint32_t timer_value; /**< the VMX-preemption timer value in the VMCS */
};

/** @brief A VMREAD, VMWRITE (of @p field), VMCLEAR or VMPTRLD failed: panic naming it and the VM-instruction error. */
void vmx_access_failed(const char *insn, uint32_t field) __attribute__((noreturn));

/**
 * @brief VMWRITE @p value to @p field; panics naming the field on failure
 * (CF or ZF set). The instruction's C name, inline like the wrappers in
 * kernel/x86.h.
 * SDM Vol3C 31.3 (VMX Instructions: VMWRITE)
 */
static inline void vmwrite(uint32_t field, uint64_t value)
{
	__asm__ goto("vmwrite %1, %0; jbe %l[failed]"
		     : : "r"((uint64_t)field), "rm"(value) : "cc", "memory" : failed);
	return;
failed:
	vmx_access_failed("VMWRITE", field);
}

/** @brief VMREAD @p field; panics naming the field on failure. SDM Vol3C 31.3 */
static inline uint64_t vmread(uint32_t field)
{
	uint64_t value;

	__asm__ goto("vmread %1, %0; jbe %l[failed]"
		     : "=r"(value) : "r"((uint64_t)field) : "cc" : failed);
	return value;
failed:
	vmx_access_failed("VMREAD", field);
}

/**
 * @brief VMXON with the VMXON region at host-physical @p pa; false if it
 * failed (CF or ZF set). SDM Vol3C 31.3 (VMXON)
 */
bool vmxon(uint64_t pa);

/** @brief VMCLEAR the VMCS at host-physical @p pa; panics on failure. SDM Vol3C 31.3 */
void vmclear(uint64_t pa);

/** @brief VMPTRLD: make the VMCS at @p pa current; panics on failure. SDM Vol3C 31.3 */
void vmptrld(uint64_t pa);

/** @brief Meaning of a VM-instruction error number. SDM Vol3C 31.4 */
const char *vmx_instruction_error_name(uint32_t error);

/**
 * @brief Enter the guest: load GPRs from @p gpr, VMLAUNCH (or VMRESUME when
 * @p launched), and on the next VM exit save them back (kernel/vmx/entry.S).
 * @return 0 after a VM exit, 1 when the instruction failed (VMfail).
 */
int vmx_enter(uint64_t *gpr, int launched);

/** @brief Where VM exits land (entry.S); the VMCS host RIP. */
void vmx_exit_entry(void);

/**
 * @brief Check the current VMCS for every intercept isolation needs and add
 * those lab 1 does not write (\#DB, \#AC, loading the guest's DR7).
 * @return false, having printed each missing intercept, when a guest could reach the host
 */
bool vmx_check_isolation(void);

/**
 * @brief Compare the host-state fields of the current VMCS with the running
 * kernel's registers (CR0, CR3, CR4, selectors, TR, GDTR and IDTR bases, RIP).
 * @return false, having printed each field that differs
 */
bool vmx_check_host_state(void);

struct vm;

/**
 * @brief VT-x's struct backend complete_exit: stop @p vm, naming the field to
 * read, when lab 1's vmx_decode_exit left @p e's instruction length unknown or
 * reported an INVLPG address the instruction does not name
 * (kernel/vmx/lab1check.c). False when it stopped the VM.
 */
bool vmx_check_exit(struct vm *vm, struct vm_exit *e);

/* ---- Lab 1: the functions the student writes ---- */

/**
 * @brief Enter VMX operation on this CPU: IA32_FEATURE_CONTROL, the CR0/CR4
 * fixed bits, a VMXON region with the revision identifier, VMXON.
 * @return false, having printed why, when VMX cannot be turned on.
 */
bool vmx_cpu_enable(void);

/**
 * @brief Fit the control bits @p wanted to capability MSR value @p cap.
 *
 * Bits the CPU requires to be 1 (the low half of @p cap, allowed-0 settings)
 * are added; a wanted bit the CPU does not allow (the high half, allowed-1
 * settings) makes the result fail. SDM Vol3D A.3 (VM-Execution Controls).
 * @param wanted the controls the hypervisor needs
 * @param cap    the capability MSR's value
 * @param result receives the value to write to the VMCS
 * @return true when every wanted bit is allowed
 */
bool vmx_adjust_controls(uint32_t wanted, uint64_t cap, uint32_t *result);

/**
 * @brief Build the VMCS of @p v: allocate, VMCLEAR, VMPTRLD, write the
 * controls, host state and guest state (from the registers in @p v).
 * @return false, having printed why, on failure.
 */
bool vmcs_setup(struct vcpu *v);

/**
 * @brief Run @p v until its next VM exit and describe that exit in @p e.
 *
 * Copies the guest state kept in struct vcpu into the VMCS, enters with
 * VMLAUNCH or VMRESUME, copies the state back and decodes the exit
 * (a failed entry becomes EXIT_ENTRY_FAILED).
 */
void vmx_run(struct vcpu *v, struct vm_exit *e);

/** @brief Turn the current VMCS's exit information into @p e. SDM Vol3C 27.2 */
void vmx_decode_exit(struct vm_exit *e);

#endif
