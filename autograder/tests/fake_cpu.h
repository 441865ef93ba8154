/*
 * A fake CPU for lab code that touches MSRs and control registers
 * (kernel/x86.h declares the accessors for host tests). VMXON checks what
 * SDM Vol3C 31.3 (VMXON) checks, so a test fails naming the rule a real CPU
 * would have enforced with #GP or VMfailInvalid.
 */
#ifndef AUTOGRADER_TESTS_FAKE_CPU_H
#define AUTOGRADER_TESTS_FAKE_CPU_H

#include <stdbool.h>
#include <stdint.h>

/** The fake CPU's registers and what the code under test did to it. */
struct fake_cpu {
	uint64_t cr0, cr4;
	uint64_t feature_control, vmx_basic;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool vmxon_fails;      /* VMXON reports VMfailInvalid anyway (VMX already on) */
	bool out_of_memory;    /* palloc() returns NULL */
	int vmxon_calls;       /* VMXON executed (and passed the checks) */
	uint64_t vmxon_region; /* its operand */
	int messages;          /* hv_log() calls */
	char last_message[300];
};

extern struct fake_cpu cpu;

/** A CPU as Bochs' corei7_skylake_x boots: IA32_FEATURE_CONTROL unlocked, CR4.VMXE clear. */
void fake_cpu_reset(void);
/** Free the pages palloc() handed out. */
void fake_cpu_free(void);

#endif
