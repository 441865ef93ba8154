/**
 * @file vmcs.h
 * @brief VT-x names: VMCS field encodings, control bits, exit reasons, capability MSRs.
 *
 * Only what this hypervisor uses. Encodings: SDM Vol3D Appendix B (Field
 * Encoding in VMCS); exit reasons: SDM Vol3D Appendix C (VMX Basic Exit Reasons).
 */
#ifndef KERNEL_VMX_VMCS_H
#define KERNEL_VMX_VMCS_H

/* Capability MSRs. SDM Vol3D Appendix A (VMX Capability Reporting Facility) */
#define MSR_IA32_FEATURE_CONTROL   0x03A
#define FEATURE_CONTROL_LOCK       (1u << 0) /**< writes fault once set */
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1u << 2)
#define MSR_IA32_VMX_BASIC         0x480
#define VMX_BASIC_TRUE_CONTROLS    (1ull << 55) /**< the TRUE_* MSRs exist */
#define MSR_IA32_VMX_PINBASED      0x481
#define MSR_IA32_VMX_PROCBASED     0x482
#define MSR_IA32_VMX_EXIT          0x483
#define MSR_IA32_VMX_ENTRY         0x484
#define MSR_IA32_VMX_MISC          0x485
#define VMX_MISC_TIMER_RATE        0x1Fu /**< bits 4:0: the preemption timer counts every 2^X TSC ticks */
#define MSR_IA32_VMX_CR0_FIXED0    0x486
#define MSR_IA32_VMX_CR0_FIXED1    0x487
#define MSR_IA32_VMX_CR4_FIXED0    0x488
#define MSR_IA32_VMX_CR4_FIXED1    0x489
#define MSR_IA32_VMX_TRUE_PINBASED  0x48D
#define MSR_IA32_VMX_TRUE_PROCBASED 0x48E
#define MSR_IA32_VMX_TRUE_EXIT      0x48F
#define MSR_IA32_VMX_TRUE_ENTRY     0x490

/* Guest segment fields: segment i (ES=0 ... TR=7) is at base encoding + 2*i. */
#define GUEST_ES_SELECTOR       0x0800
#define GUEST_ES_LIMIT          0x4800
#define GUEST_ES_AR_BYTES       0x4814
#define GUEST_CS_AR_BYTES       0x4816
#define GUEST_SS_AR_BYTES       0x4818
#define AR_DB                   (1u << 14) /**< access rights: D/B, a 32-bit code segment. SDM Vol3C 24.4.1, Table 24-2 */
#define AR_DPL_SHIFT            5 /**< access rights: DPL in bits 6:5. SDM Vol3C 24.4.1, Table 24-2 */
#define AR_DPL_MASK             3u /**< the DPL's two bits, after the shift */
#define GUEST_ES_BASE           0x6806
#define GUEST_CS_SELECTOR       0x0802
#define GUEST_TR_SELECTOR       0x080E

#define HOST_ES_SELECTOR        0x0C00
#define HOST_CS_SELECTOR        0x0C02
#define HOST_SS_SELECTOR        0x0C04
#define HOST_DS_SELECTOR        0x0C06
#define HOST_FS_SELECTOR        0x0C08
#define HOST_GS_SELECTOR        0x0C0A
#define HOST_TR_SELECTOR        0x0C0C

/* 64-bit fields */
#define VMCS_LINK_POINTER       0x2800
#define GUEST_IA32_DEBUGCTL     0x2802

/* 32-bit control fields */
#define PIN_BASED_VM_EXEC_CONTROL  0x4000
#define CPU_BASED_VM_EXEC_CONTROL  0x4002
#define EXCEPTION_BITMAP           0x4004
#define PAGE_FAULT_ERROR_CODE_MASK 0x4006
#define PAGE_FAULT_ERROR_CODE_MATCH 0x4008
#define CR3_TARGET_COUNT           0x400A
#define VM_EXIT_CONTROLS           0x400C
#define VM_EXIT_MSR_STORE_COUNT    0x400E
#define VM_EXIT_MSR_LOAD_COUNT     0x4010
#define VM_ENTRY_CONTROLS          0x4012
#define VM_ENTRY_MSR_LOAD_COUNT    0x4014
#define VM_ENTRY_INTR_INFO         0x4016
#define VM_ENTRY_EXCEPTION_ERROR_CODE 0x4018
#define VM_ENTRY_INSTRUCTION_LEN 0x401A

/* 32-bit read-only data fields */
#define VM_INSTRUCTION_ERROR    0x4400
#define VM_EXIT_REASON          0x4402
#define VM_EXIT_INTR_INFO       0x4404
#define VM_EXIT_INTR_ERROR_CODE 0x4406
#define IDT_VECTORING_INFO      0x4408
#define IDT_VECTORING_ERROR_CODE 0x440A
#define VM_EXIT_INSTRUCTION_LEN 0x440C

/* 32-bit guest and host fields */
#define GUEST_GDTR_LIMIT        0x4810
#define GUEST_IDTR_LIMIT        0x4812
#define GUEST_INTERRUPTIBILITY  0x4824
#define GUEST_ACTIVITY_STATE    0x4826
#define GUEST_SYSENTER_CS       0x482A
#define VMX_PREEMPTION_TIMER_VALUE 0x482E
#define HOST_SYSENTER_CS        0x4C00

/* Natural-width fields */
#define CR0_GUEST_HOST_MASK     0x6000
#define CR4_GUEST_HOST_MASK     0x6002
#define CR0_READ_SHADOW         0x6004
#define CR4_READ_SHADOW         0x6006
#define EXIT_QUALIFICATION      0x6400
#define GUEST_CR0               0x6800
#define GUEST_CR3               0x6802
#define GUEST_CR4               0x6804
#define GUEST_GDTR_BASE         0x6816
#define GUEST_IDTR_BASE         0x6818
#define GUEST_DR7               0x681A
#define GUEST_RSP               0x681C
#define GUEST_RIP               0x681E
#define GUEST_RFLAGS            0x6820
#define GUEST_PENDING_DBG_EXCEPTIONS 0x6822
#define GUEST_SYSENTER_ESP      0x6824
#define GUEST_SYSENTER_EIP      0x6826
#define HOST_CR0                0x6C00
#define HOST_CR3                0x6C02
#define HOST_CR4                0x6C04
#define HOST_FS_BASE            0x6C06
#define HOST_GS_BASE            0x6C08
#define HOST_TR_BASE            0x6C0A
#define HOST_GDTR_BASE          0x6C0C
#define HOST_IDTR_BASE          0x6C0E
#define HOST_SYSENTER_ESP       0x6C10
#define HOST_SYSENTER_EIP       0x6C12
#define HOST_RSP                0x6C14
#define HOST_RIP                0x6C16

/* Pin-based controls. SDM Vol3C 24.6.1 */
#define PIN_PREEMPTION_TIMER    (1u << 6)

/* Primary processor-based controls. SDM Vol3C 24.6.2 */
#define CPU_INTR_WINDOW_EXITING (1u << 2) /**< exit when the guest can take an interrupt. SDM Vol3C 26.6.5 */
#define CPU_HLT_EXITING         (1u << 7)
#define CPU_INVLPG_EXITING      (1u << 9)
#define CPU_CR3_LOAD_EXITING    (1u << 15)
#define CPU_CR3_STORE_EXITING   (1u << 16)
#define CPU_MOV_DR_EXITING      (1u << 23)
#define CPU_UNCOND_IO_EXITING   (1u << 24)
#define CPU_USE_IO_BITMAPS      (1u << 25)
#define CPU_USE_MSR_BITMAPS     (1u << 28)
#define CPU_ACTIVATE_SECONDARY  (1u << 31)

/* VM-exit controls. SDM Vol3C 24.7.1 */
#define EXIT_HOST_ADDR_SPACE_SIZE (1u << 9) /**< return to a 64-bit host */
#define EXIT_SAVE_PREEMPTION_TIMER (1u << 22) /**< store the timer's value at exit (kept off: a full slice per entry) */
#define ENTRY_LOAD_DEBUG_CONTROLS (1u << 2) /**< load DR7 and IA32_DEBUGCTL from the guest-state area */

/* Guest interruptibility state. SDM Vol3C 24.4.2, Table 24-3 */
#define INTERRUPTIBILITY_STI      (1u << 0) /**< blocking by STI */
#define INTERRUPTIBILITY_MOV_SS   (1u << 1) /**< blocking by MOV SS */

/* VM-entry interruption information. SDM Vol3C 24.8.3 (VM-Entry Controls for Event Injection) */
#define INTR_INFO_VALID           (1u << 31)
#define INTR_INFO_DELIVER_ERROR   (1u << 11)
#define INTR_TYPE_SHIFT           8         /**< bits 10:8: the event's type */
#define INTR_TYPE_HW_EXCEPTION    (3u << 8)
#define INTR_TYPE_MASK            (7u << 8)
#define INTR_TYPE_SW_INTERRUPT    (4u << 8) /**< INT n: delivery needs the instruction length */
#define INTR_TYPE_PRIV_SW_EXCEPTION (5u << 8) /**< INT1 (ICEBP) */
#define INTR_TYPE_SW_EXCEPTION    (6u << 8) /**< INT3, INTO */
#define INTR_INFO_NMI_UNBLOCKING  (1u << 12) /**< in exit information only */
#define INTR_INFO_VECTOR_MASK     0xFFu

/* Exit reasons. SDM Vol3D Appendix C */
#define EXIT_REASON_EXCEPTION_NMI   0
#define EXIT_REASON_EXTERNAL_INTR   1
#define EXIT_REASON_TRIPLE_FAULT    2
#define EXIT_REASON_INTR_WINDOW     7
#define EXIT_REASON_TASK_SWITCH     9
#define EXIT_REASON_CPUID           10
#define EXIT_REASON_HLT             12
#define EXIT_REASON_INVD            13
#define EXIT_REASON_INVLPG          14
#define EXIT_REASON_VMCALL          18
#define EXIT_REASON_VMXON           27
#define EXIT_REASON_CR_ACCESS       28
#define EXIT_REASON_DR_ACCESS       29
#define EXIT_REASON_IO              30
#define EXIT_REASON_RDMSR           31
#define EXIT_REASON_WRMSR           32
#define EXIT_REASON_INVALID_GUEST   33
#define EXIT_REASON_MSR_LOADING     34
#define EXIT_REASON_MACHINE_CHECK   41
#define EXIT_REASON_INVEPT          50
#define EXIT_REASON_PREEMPT_TIMER   52
#define EXIT_REASON_INVVPID         53
#define EXIT_REASON_ENTRY_FAILED    (1u << 31) /**< bit 31: VM entry failed */
#define EXIT_REASON_BASIC_MASK      0xFFFFu

/* Exit qualification for CR accesses. SDM Vol3C 27.2.1, Table 27-3 */
#define CRQ_CR_NUMBER(q)  ((q) & 0xF)
#define CRQ_ACCESS(q)     (((q) >> 4) & 0x3)
#define CRQ_GPR(q)        (((q) >> 8) & 0xF)
#define CRQ_MOV_TO_CR     0
#define CRQ_MOV_FROM_CR   1
#define CRQ_CLTS          2
#define CRQ_LMSW          3
#define CRQ_LMSW_DATA(q)  (((q) >> 16) & 0xFFFF) /**< LMSW: the source operand, register or memory */

/* Exit qualification for a \#DB. SDM Vol3C 27.2.1, Table 27-1 */
#define DBQ_EVENT_BITS    0x600Fu   /**< B0-B3, BD, BS: the DR6 bits of this \#DB */

/* Exit qualification for task switches. SDM Vol3C 27.2.1, Table 27-2 */
#define TSQ_SELECTOR(q)   ((q) & 0xFFFF) /**< the new task's TSS selector */
#define TSQ_SOURCE(q)     (((q) >> 30) & 0x3) /**< enum task_source: CALL, IRET, JMP, IDT gate */

/* Exit qualification for MOV DR. SDM Vol3C 27.2.1, Table 27-4 */
#define DRQ_DR_NUMBER(q)  ((q) & 0x7) /**< the debug register */
#define DRQ_FROM_DR       (1u << 4) /**< MOV from DR (0: MOV to DR) */
#define DRQ_GPR(q)        (((q) >> 8) & 0xF) /**< the general register (enum gpr) */

/* Exit qualification for I/O. SDM Vol3C 27.2.1, Table 27-5 */
#define IOQ_SIZE(q)       (((q) & 0x7) + 1)
#define IOQ_IN            (1u << 3)
#define IOQ_STRING        (1u << 4)
#define IOQ_PORT(q)       (((q) >> 16) & 0xFFFF)

#endif
