/**
 * @file decode.h
 * @brief The one instruction decoder: the few guest instructions the hypervisor emulates.
 *
 * Used when a backend cannot tell what the exiting instruction was (AMD-V
 * without decode assists, as QEMU's TCG emulates it). Pure code, unit-tested
 * on the host against a table of encodings. 32-bit code, 32-bit addressing;
 * it names the segment of INVLPG's operand, and the dispatcher adds that
 * segment's base (and CS's to RIP), which the backend reports.
 */
#ifndef KERNEL_DECODE_H
#define KERNEL_DECODE_H

#include "kernel/lib.h"

#define INSN_MAX_LEN 15 /**< the longest x86 instruction */

/** @brief What the decoder recognised. */
enum insn_kind {
	INSN_MOV_FROM_CR, /**< MOV r32, CRn (0F 20 /r) */
	INSN_MOV_TO_CR,   /**< MOV CRn, r32 (0F 22 /r) */
	INSN_INVLPG,      /**< INVLPG m (0F 01 /7) */
	INSN_CPUID,       /**< CPUID (0F A2) */
	INSN_MOV_FROM_DR, /**< MOV r32, DRn (0F 21 /r) */
	INSN_MOV_TO_DR,   /**< MOV DRn, r32 (0F 23 /r) */
	INSN_ICEBP,       /**< INT1, also called ICEBP (F1) */
};

/** @brief Segment registers, in the order of the VMCS and VMCB encodings. */
enum seg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

/** @brief A decoded instruction. */
struct insn {
	enum insn_kind kind; /**< which instruction */
	int len;             /**< its length in bytes, prefixes included */
	int cr;              /**< MOV CR: the control register number */
	int dr;              /**< MOV DR: the debug register number */
	int gpr;             /**< MOV CR, MOV DR: the general register (enum gpr) */
	uint32_t addr;       /**< INVLPG: the effective address (an offset into @c seg) */
	enum seg_reg seg;    /**< INVLPG: the segment of @c addr (an override prefix, else DS or SS) */
};

/**
 * @brief Decode the instruction starting at @p bytes.
 *
 * @param bytes    the guest's instruction bytes
 * @param n        how many were readable (at most INSN_MAX_LEN)
 * @param gpr      the guest's registers (enum gpr order), for INVLPG's address
 * @param out      receives the instruction
 * @param err      receives a reason when the bytes are none of these instructions
 * @param err_size bytes of @p err
 * @return true when decoded
 */
bool insn_decode(const uint8_t *bytes, size_t n, const uint64_t *gpr, struct insn *out,
		 char *err, size_t err_size);

#endif
