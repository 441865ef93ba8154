/**
 * @file cpustate.h
 * @brief The CPU state that VM entry and VM exit leave alone: x87/MMX/SSE and DR0-DR3.
 *
 * Both backends switch the guest's control registers, segments, RIP, RSP and
 * RFLAGS at every world switch (and DR7, on AMD-V DR6 too), but not the
 * floating-point registers or the breakpoint addresses (SDM Vol3C 27.5
 * (Loading Host State), APM Vol2 15.5.1 (Basic Operation)). Each vCPU keeps
 * its own copy in struct vcpu; cpustate_load() makes the CPU hold that copy
 * before the vCPU runs, so nothing one VM leaves in them reaches another.
 * The host itself never uses them (-mgeneral-regs-only, DR7 disabled).
 */
#ifndef KERNEL_CPUSTATE_H
#define KERNEL_CPUSTATE_H

#include "kernel/vcpu.h"

/** @brief Let the host save and load SSE state: CR4.OSFXSR on, CR0.EM and CR0.TS off. Once, at boot. */
void cpustate_cpu_init(void);

/** @brief Give @p v the state a CPU has after FNINIT, and DR0-DR7 at their reset values. */
void cpustate_init(struct vcpu *v);

/**
 * @brief Make the CPU hold @p v's x87/MMX/SSE registers and DR0-DR3, saving
 * those of the vCPU that ran before. Cheap when @p v ran last: call it before every run.
 */
void cpustate_load(struct vcpu *v);

/** @brief @p v's DR0-DR3 changed (an emulated MOV to DR): load them again if the CPU holds @p v's. */
void cpustate_dr_changed(struct vcpu *v);

#endif
