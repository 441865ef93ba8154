/**
 * @file cpu.h
 * @brief Protected-mode set-up for OS-like guests: GDT, TSS, IDT, traps, ring 3.
 *
 * cpu_init() loads
 * - a flat GDT: ring-0 and ring-3 code and data segments (base 0, limit 4 GiB) and a 32-bit TSS;
 * - the TSS, whose esp0 is a trap stack of the runtime's own: every trap from ring 3 starts
 *   on an empty trap stack, whatever ring 0 was doing before;
 * - an IDT with the 32 exceptions (DPL 0), the IRQ_VECTORS hardware interrupt vectors from
 *   T_IRQ0 (DPL 0) and the system call vector 0x80 (DPL 3, so that `int $0x80` works from ring 3).
 *
 * Every trap saves a struct trap_frame and calls the handler registered for its vector with
 * trap_set_handler(); a vector without a handler prints the frame and ends the guest with
 * GUEST_FAILURE. When the handler returns, the trap frame (possibly changed) is restored and
 * IRET resumes it. Every gate is an interrupt gate: ring 0 runs with interrupts disabled, so a
 * hardware interrupt comes only where a guest enables them (EFLAGS_IF in a ring-3 frame, or an
 * STI of its own) and its interrupt controller sends one of the vectors from T_IRQ0.
 */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

/* Segment selectors: GDT index * 8 | requested privilege level. */
/* Constants first: trap.S includes them. */
#define SEG_KCODE 0x08 /**< ring-0 code */
#define SEG_KDATA 0x10 /**< ring-0 data and stack */
#define SEG_UCODE 0x1B /**< ring-3 code (GDT entry 3, RPL 3) */
#define SEG_UDATA 0x23 /**< ring-3 data and stack (GDT entry 4, RPL 3) */
#define SEG_TSS   0x28 /**< the 32-bit TSS */

/* Vectors, SDM Vol3A 6.2 (Exception and Interrupt Vectors), table 6-1. */
#define T_DE      0    /**< divide error */
#define T_BP      3    /**< breakpoint (int3) */
#define T_UD      6    /**< invalid opcode */
#define T_DF      8    /**< double fault */
#define T_GP      13   /**< general protection */
#define T_PF      14   /**< page fault: error code pushed, address in CR2 */
#define T_SYSCALL 0x80 /**< system call gate, callable from ring 3 */
#define T_IRQ0      0x20 /**< the first hardware interrupt vector, above the exceptions */
#define IRQ_VECTORS 16   /**< hardware interrupt vectors T_IRQ0 .. T_IRQ0 + 15 */

#define EFLAGS_RESERVED 0x00000002 /**< bit 1, always set */
#define EFLAGS_IF       0x00000200 /**< interrupts enabled */

#ifndef __ASSEMBLER__
#include <stdint.h>

/**
 * @brief The registers a trap saves, lowest address first (trap.S builds it).
 *
 * Segment registers and CS are pushed as 32-bit slots whose upper 16 bits are undefined
 * (PUSH in SDM Vol2B; SDM Vol3A 6.12.1): use their low 16 bits only.
 */
struct trap_frame {
	/* pushal */
	uint32_t edi;         /**< EDI */
	uint32_t esi;         /**< ESI */
	uint32_t ebp;         /**< EBP */
	uint32_t esp_ignored; /**< ESP at pushal (not restored) */
	uint32_t ebx;         /**< EBX */
	uint32_t edx;         /**< EDX */
	uint32_t ecx;         /**< ECX */
	uint32_t eax;         /**< EAX: system call number and result */
	/* data segment registers, pushed by trap.S */
	uint32_t gs;          /**< GS (low 16 bits) */
	uint32_t fs;          /**< FS (low 16 bits) */
	uint32_t es;          /**< ES (low 16 bits) */
	uint32_t ds;          /**< DS (low 16 bits) */
	/* pushed by the vector's stub */
	uint32_t vector;      /**< T_* */
	uint32_t error;       /**< error code, 0 for vectors without one */
	/* pushed by the CPU, SDM Vol3A 6.12.1 (Exception- or Interrupt-Handler Procedures) */
	uint32_t eip;         /**< the faulting instruction, or the one after int/trap */
	uint32_t cs;          /**< CS (low 16 bits); CS & 3 is the CPL the trap came from */
	uint32_t eflags;      /**< EFLAGS */
	uint32_t user_esp;    /**< ring 3's ESP: only when coming from ring 3 */
	uint32_t user_ss;     /**< ring 3's SS: only when coming from ring 3 */
};

/** @brief A 32-bit task-state segment. SDM Vol3A 7.2.1 (Task-State Segment (TSS)) */
struct tss32 {
	uint32_t prev_task;  /**< back link to the previous task's TSS selector */
	uint32_t esp0;       /**< ring-0 stack pointer */
	uint32_t ss0;        /**< ring-0 stack segment */
	uint32_t esp1;       /**< ring-1 stack pointer */
	uint32_t ss1;        /**< ring-1 stack segment */
	uint32_t esp2;       /**< ring-2 stack pointer */
	uint32_t ss2;        /**< ring-2 stack segment */
	uint32_t cr3;        /**< the task's page directory, loaded by a task switch */
	uint32_t eip;        /**< EIP */
	uint32_t eflags;     /**< EFLAGS */
	uint32_t eax;        /**< EAX */
	uint32_t ecx;        /**< ECX */
	uint32_t edx;        /**< EDX */
	uint32_t ebx;        /**< EBX */
	uint32_t esp;        /**< ESP */
	uint32_t ebp;        /**< EBP */
	uint32_t esi;        /**< ESI */
	uint32_t edi;        /**< EDI */
	uint32_t es;         /**< ES (low 16 bits) */
	uint32_t cs;         /**< CS (low 16 bits) */
	uint32_t ss;         /**< SS (low 16 bits) */
	uint32_t ds;         /**< DS (low 16 bits) */
	uint32_t fs;         /**< FS (low 16 bits) */
	uint32_t gs;         /**< GS (low 16 bits) */
	uint32_t ldt;        /**< LDT selector (low 16 bits) */
	uint16_t trap;       /**< bit 0: \#DB on a switch to this task */
	uint16_t iomap_base; /**< offset of the I/O permission bitmap */
} __attribute__((packed));

/** @brief The operand of LGDT, LIDT, SGDT and SIDT. */
struct table_reg {
	uint16_t limit; /**< size of the table in bytes, minus one */
	uint32_t base;  /**< linear address of the table */
} __attribute__((packed));

/** @brief A trap handler; it may change @p tf, which IRET then resumes. */
typedef void (*trap_handler)(struct trap_frame *tf);

/** @brief Load the GDT, TSS and IDT described above; traps go to the handlers afterwards. */
void cpu_init(void);

/** @brief Call @p handler for traps through @p vector (0-31, T_IRQ0 + 0-15, or T_SYSCALL); NULL restores the default. */
void trap_set_handler(uint8_t vector, trap_handler handler);

/** @brief Whether @p tf was saved at CPL 3. */
static inline int trap_from_user(const struct trap_frame *tf)
{
	return (tf->cs & 3) == 3;
}

/** @brief The exception's name ("page fault"), "system call", or "vector" for others. */
const char *trap_name(uint32_t vector);

/** @brief Print @p tf on the console: vector, error code, CS:EIP, EFLAGS, CR2, registers. */
void trap_print(const struct trap_frame *tf);

/** @brief Fill @p tf for a start at ring 3: user selectors, @p eip, @p esp, EFLAGS with IF=0, zero registers. */
void trap_frame_user(struct trap_frame *tf, uint32_t eip, uint32_t esp);

/**
 * @brief Load the registers of @p tf and IRET to them; does not return.
 *
 * Meant for ring-3 frames (from trap_frame_user() or saved by a trap): the CPU then also
 * loads ring 3's SS:ESP, and the next trap from ring 3 starts on the empty trap stack.
 */
void trap_return(const struct trap_frame *tf) __attribute__((noreturn));

/** @brief Ring-3 code (ring3.S) for trap_frame_user(): a read of the address in EBX, then
 *  `int $0x80` with the value in EAX. */
extern const char ring3_read[];
/** @brief Ring-3 code (ring3.S): a store of ECX at the address in EBX, then `int $0x80`. */
extern const char ring3_write[];
/** @brief Ring-3 code (ring3.S): a call of the address in EBX, then `int $0x80`. */
extern const char ring3_fetch[];

/** @brief A ring-0 context saved by ksetjmp(): callee-saved registers, stack and resume point. */
struct kjmp {
	uint32_t ebx; /**< EBX */
	uint32_t esi; /**< ESI */
	uint32_t edi; /**< EDI */
	uint32_t ebp; /**< EBP */
	uint32_t esp; /**< ESP after ksetjmp() returns */
	uint32_t eip; /**< where ksetjmp() returns to */
};

/**
 * @brief Save the calling ring-0 context in @p j; returns 0, and later the value given to klongjmp().
 *
 * A trap handler that cannot resume the trapped code (a probe that faulted, a ring-3 program
 * that asked to return) klongjmp()s back here instead; the trap frame is abandoned.
 */
int ksetjmp(struct kjmp *j) __attribute__((returns_twice));

/** @brief Resume the context saved in @p j, making its ksetjmp() return @p value (1 if 0). */
void klongjmp(const struct kjmp *j, int value) __attribute__((noreturn));

#endif /* !__ASSEMBLER__ */
#endif
