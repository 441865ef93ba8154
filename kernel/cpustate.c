/*
 * Switching the state VM entry and exit do not switch (kernel/cpustate.h),
 * lazily: only when another vCPU runs than the one whose state the CPU holds.
 */
#include "kernel/cpustate.h"
#include "kernel/x86.h"

/* SDM Vol1 10.5.1 (FXSAVE Area), Table 10-2: offsets in the area */
#define FX_FCW     0      /* x87 control word */
#define FX_MXCSR   24     /* SSE control and status */
#define FCW_FNINIT 0x037F /* all exceptions masked, 64-bit precision, round to nearest */
#define MXCSR_INIT 0x1F80 /* all SSE exceptions masked */

static struct vcpu *owner; /* whose registers the CPU holds, NULL at boot */

void cpustate_cpu_init(void)
{
	write_cr4(read_cr4() | CR4_OSFXSR);
	write_cr0((read_cr0() & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP);
}

void cpustate_init(struct vcpu *v)
{
	/* An all-zero area is empty registers (abridged tag word 0) and a zero status word. */
	memset(v->fpu, 0, sizeof(v->fpu));
	*(uint16_t *)(v->fpu + FX_FCW) = FCW_FNINIT;
	*(uint32_t *)(v->fpu + FX_MXCSR) = MXCSR_INIT;
	memset(v->dr, 0, sizeof(v->dr));
	v->dr6 = DR6_FIXED1; /* the reset values, SDM Vol3A 17.2 */
	v->dr7 = DR7_FIXED1;
}

void cpustate_load(struct vcpu *v)
{
	if (owner == v)
		return;
	if (owner)
		fxsave(owner->fpu);
	fxrstor(v->fpu);
	write_dr0_3(v->dr);
	owner = v;
}

void cpustate_dr_changed(struct vcpu *v)
{
	if (owner == v)
		write_dr0_3(v->dr);
}
