/**
 * @file vmcb.h
 * @brief AMD-V names: the VMCB layout, intercept bits, exit codes, event injection.
 *
 * Only what this hypervisor uses. Layout: APM Vol2 Appendix B (Layout of
 * VMCB); exit codes: APM Vol2 Appendix C (SVM Intercept Exit Codes).
 */
#ifndef KERNEL_SVM_VMCB_H
#define KERNEL_SVM_VMCB_H

#include <stdint.h>

/* MSRs. APM Vol2 15.4 (Enabling SVM), 15.30 (SVM-Related MSRs) */
#define MSR_VM_CR          0xC0010114
#define VM_CR_SVMDIS       (1u << 4)  /**< SVM disabled by the firmware */
#define MSR_VM_HSAVE_PA    0xC0010117

/* Intercept vector 3 (offset 0x0C). APM Vol2 Table B-1 */
#define INTERCEPT_INTR     (1u << 0)
#define INTERCEPT_VINTR    (1u << 4)  /**< the guest is about to take the virtual interrupt V_IRQ asks for */
#define INTERCEPT_CPUID    (1u << 18)
#define INTERCEPT_INVD     (1u << 22)
#define INTERCEPT_HLT      (1u << 24)
#define INTERCEPT_INVLPG   (1u << 25)
#define INTERCEPT_INVLPGA  (1u << 26) /**< an SVM instruction, usable with guest EFER.SVME */
#define INTERCEPT_IOIO     (1u << 27)
#define INTERCEPT_MSR      (1u << 28)
#define INTERCEPT_TASK_SWITCH (1u << 29)
#define INTERCEPT_SHUTDOWN (1u << 31)
/* Intercept vector 4 (offset 0x10): every SVM instruction */
#define INTERCEPT_VMRUN    (1u << 0)  /**< must be set, or VMRUN fails */
#define INTERCEPT_SVM_INSNS 0x7Fu     /**< VMRUN VMMCALL VMLOAD VMSAVE STGI CLGI SKINIT */
#define INTERCEPT_ICEBP    (1u << 8)  /**< INT1: its \#DB, delivered after the instruction */
/* DR intercepts (offset 0x004): bits 0-15 reads of DR0-DR15, 16-31 writes */
#define INTERCEPT_DR0_7_ALL 0x00FF00FFu

#define TLB_CONTROL_FLUSH_ALL 1       /**< flush every ASID's entries at VMRUN */
#define NP_ENABLE          (1ull << 0) /**< nested paging: guest-physical goes through n_cr3 */
#define V_INTR_MASKING     (1ull << 24) /**< guest IF does not mask physical interrupts */
/* V_INTR fields (offset 0x060). APM Vol2 15.21.4 (Injecting Virtual (INTR) Interrupts) */
#define V_IRQ              (1ull << 8)  /**< a virtual interrupt is pending */
#define V_INTR_PRIO_MAX    (0xFull << 16) /**< bits 19:16: its priority, here the highest */
#define V_IGN_TPR          (1ull << 20) /**< the guest's V_TPR does not hold it back */
#define INTERRUPT_SHADOW   (1ull << 0)  /**< offset 0x068: the guest is in an STI or MOV SS shadow. APM Vol2 15.21.5 */

/* EVENTINJ and EXITINTINFO. APM Vol2 15.20 (Event Injection) */
#define SVM_EVENT_VALID          (1ull << 31) /**< an event is present */
#define SVM_EVENT_ERROR_VALID    (1ull << 11) /**< bits 63:32 hold its error code */
#define SVM_EVENT_TYPE_MASK      (7ull << 8)  /**< bits 10:8: its type */
#define SVM_EVENT_TYPE_INTR      (0ull << 8)  /**< external interrupt */
#define SVM_EVENT_TYPE_NMI       (2ull << 8)  /**< non-maskable interrupt */
#define SVM_EVENT_TYPE_EXCEPTION (3ull << 8)  /**< an exception, also INT3 and INTO */
#define SVM_EVENT_TYPE_SOFT_INT  (4ull << 8)  /**< INT n */
#define SVM_EVENT_VECTOR_MASK    0xFFull      /**< bits 7:0: its vector */
#define SVM_EVENT_ERROR_SHIFT    32           /**< bits 63:32: its error code */
#define EXITINFO2_TASK_IRET     (1ull << 36) /**< task switch by IRET. APM Vol2 15.14.? */
#define EXITINFO2_TASK_JMP      (1ull << 38) /**< task switch by JMP */

/* Exit codes. APM Vol2 Appendix C */
#define SVM_EXIT_CR0_READ   0x000
#define SVM_EXIT_CR15_READ  0x00F
#define SVM_EXIT_CR0_WRITE  0x010
#define SVM_EXIT_CR15_WRITE 0x01F
#define SVM_EXIT_DR0_READ   0x020
#define SVM_EXIT_DR7_READ   0x027
#define SVM_EXIT_DR0_WRITE  0x030
#define SVM_EXIT_DR7_WRITE  0x037
#define SVM_EXIT_EXCP_BASE  0x040
#define SVM_EXIT_EXCP_LAST  0x05F
#define SVM_EXIT_INTR       0x060
#define SVM_EXIT_VINTR      0x064     /**< the VINTR intercept: the interrupt window opened */
#define SVM_EXIT_CPUID      0x072
#define SVM_EXIT_INVD       0x076
#define SVM_EXIT_HLT        0x078
#define SVM_EXIT_INVLPG     0x079
#define SVM_EXIT_INVLPGA    0x07A
#define SVM_EXIT_IOIO       0x07B
#define SVM_EXIT_MSR        0x07C
#define SVM_EXIT_TASK_SWITCH 0x07D
#define SVM_EXIT_SHUTDOWN   0x07F
#define SVM_EXIT_VMRUN      0x080
#define SVM_EXIT_SKINIT     0x086
#define SVM_EXIT_ICEBP      0x088
#define SVM_EXIT_NPF        0x400     /**< nested page fault: EXITINFO2 the address */
#define SVM_EXIT_NPF        0x400       /**< nested page fault: EXITINFO2 is the address */
#define SVM_EXIT_INVALID    0xFFFFFFFFu /**< VMRUN's consistency checks failed */

/* EXITINFO1 of an IOIO exit. APM Vol2 15.10.2, Figure 15-2 */
#define IOIO_IN            (1u << 0)
#define IOIO_STRING        (1u << 2)
#define IOIO_SIZE_SHIFT    4          /**< bits 4-6: one-hot 1, 2, 4 bytes */
#define IOIO_SIZE_MASK     0x7u       /**< the three size bits, after the shift */
#define IOIO_PORT_SHIFT    16

/** @brief A segment register in the VMCB save area. */
struct vmcb_segment {
	uint16_t selector; /**< selector */
	uint16_t attrib;   /**< packed attributes: descriptor bits 40-47 and 52-55 */
	uint32_t limit;    /**< expanded limit */
	uint64_t base;     /**< base */
} __attribute__((packed));

#define VMCB_ATTR_D (1u << 10) /**< attrib: the D/B flag (descriptor bit 54): a 32-bit code segment */

/** @brief The VMCB control area (offsets 0x000-0x3FF). APM Vol2 Table B-1 */
struct vmcb_control {
	uint32_t intercept_cr;        /**< 0x000: bits 0-15 reads, 16-31 writes */
	uint32_t intercept_dr;        /**< 0x004 */
	uint32_t intercept_exceptions;/**< 0x008: one bit per vector */
	uint32_t intercept_misc1;     /**< 0x00C: INTERCEPT_* */
	uint32_t intercept_misc2;     /**< 0x010: INTERCEPT_VMRUN ... */
	uint8_t reserved1[0x03C - 0x014];
	uint16_t pause_filter_threshold; /**< 0x03C */
	uint16_t pause_filter_count;  /**< 0x03E */
	uint64_t iopm_base_pa;        /**< 0x040: I/O permission map */
	uint64_t msrpm_base_pa;       /**< 0x048: MSR permission map */
	uint64_t tsc_offset;          /**< 0x050 */
	uint32_t guest_asid;          /**< 0x058: non-zero */
	uint8_t tlb_control;          /**< 0x05C */
	uint8_t reserved2[3];
	uint64_t v_intr;              /**< 0x060: V_TPR, V_IRQ, V_INTR_MASKING ... */
	uint64_t interrupt_shadow;    /**< 0x068 */
	uint64_t exitcode;            /**< 0x070 */
	uint64_t exitinfo1;           /**< 0x078 */
	uint64_t exitinfo2;           /**< 0x080 */
	uint64_t exitintinfo;         /**< 0x088: an event interrupted by the exit */
	uint64_t np_enable;           /**< 0x090 */
	uint8_t reserved3[0x0A8 - 0x098];
	uint64_t eventinj;            /**< 0x0A8: event to inject at VMRUN */
	uint64_t n_cr3;               /**< 0x0B0 */
	uint64_t lbr_virtualization;  /**< 0x0B8 */
	uint32_t vmcb_clean;          /**< 0x0C0 */
	uint32_t reserved4;
	uint64_t next_rip;            /**< 0x0C8: only with NRIPS (not in QEMU TCG) */
	uint8_t reserved5[0x400 - 0x0D0];
} __attribute__((packed));

/** @brief The VMCB state-save area (offsets 0x400-0xFFF). APM Vol2 Table B-2 */
struct vmcb_save {
	struct vmcb_segment es;   /**< 0x400 */
	struct vmcb_segment cs;   /**< 0x410 */
	struct vmcb_segment ss;   /**< 0x420 */
	struct vmcb_segment ds;   /**< 0x430 */
	struct vmcb_segment fs;   /**< 0x440 */
	struct vmcb_segment gs;   /**< 0x450 */
	struct vmcb_segment gdtr; /**< 0x460: base and limit only */
	struct vmcb_segment ldtr; /**< 0x470 */
	struct vmcb_segment idtr; /**< 0x480: base and limit only */
	struct vmcb_segment tr;   /**< 0x490 */
	uint8_t reserved1[0x4CB - 0x4A0];
	uint8_t cpl;                  /**< 0x4CB */
	uint32_t reserved2;
	uint64_t efer;                /**< 0x4D0 */
	uint8_t reserved3[0x548 - 0x4D8];
	uint64_t cr4;                 /**< 0x548 */
	uint64_t cr3;                 /**< 0x550 */
	uint64_t cr0;                 /**< 0x558 */
	uint64_t dr7;                 /**< 0x560 */
	uint64_t dr6;                 /**< 0x568 */
	uint64_t rflags;              /**< 0x570 */
	uint64_t rip;                 /**< 0x578 */
	uint8_t reserved4[0x5D8 - 0x580];
	uint64_t rsp;                 /**< 0x5D8 */
	uint8_t reserved5[0x5F8 - 0x5E0];
	uint64_t rax;                 /**< 0x5F8 */
	uint64_t star;            /**< 0x600 */
	uint64_t lstar;           /**< 0x608 */
	uint64_t cstar;           /**< 0x610 */
	uint64_t sfmask;          /**< 0x618 */
	uint64_t kernel_gs_base;  /**< 0x620 */
	uint64_t sysenter_cs;     /**< 0x628 */
	uint64_t sysenter_esp;    /**< 0x630 */
	uint64_t sysenter_eip;    /**< 0x638 */
	uint64_t cr2;                 /**< 0x640 */
	uint8_t reserved6[0x668 - 0x648];
	uint64_t g_pat;               /**< 0x668 */
	uint8_t reserved7[0x1000 - 0x670];
} __attribute__((packed));

/** @brief A whole VMCB: one 4 KiB page. */
struct vmcb {
	struct vmcb_control control; /**< what to intercept, what happened */
	struct vmcb_save save;       /**< the guest's state */
};

_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");
_Static_assert(__builtin_offsetof(struct vmcb, control.eventinj) == 0x0A8, "EVENTINJ");
_Static_assert(__builtin_offsetof(struct vmcb, save.cpl) == 0x4CB, "CPL");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr4) == 0x548, "CR4");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5F8, "RAX");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr2) == 0x640, "CR2");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668, "G_PAT");

#endif
