/**
 * @file decode.h
 * @brief The one instruction decoder: the few guest instructions the hypervisor emulates.
 *
 * Used when a backend cannot tell what the exiting instruction was (AMD-V
 * without decode assists, as QEMU's TCG emulates it), and on both backends
 * for an access to device memory (kernel/mmio.c), which no exit describes. Pure code, unit-tested
 * on the host against a table of encodings.
 *
 * 16-bit and 32-bit code, as the code segment's D flag says (struct backend
 * code32), the operand-size (66) and address-size (67) prefixes taking the
 * other size; both ModR/M addressing forms (kernel/modrm.c). It names the
 * segment of a memory operand (an override, else the default: SS for a BP,
 * EBP or ESP base, DS otherwise), and the dispatcher adds that segment's
 * base (and CS's to RIP), which the backend reports. REP and REPNE are
 * ignored on the system instructions, as the CPU does; a prefix that makes
 * the CPU do something else (LOCK: \#UD) is refused by name.
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
	INSN_HLT,         /**< HLT (F4) */
	INSN_CLTS,        /**< CLTS (0F 06) */
	INSN_LMSW,        /**< LMSW r/m16 (0F 01 /6) */
	INSN_SMSW,        /**< SMSW r/m (0F 01 /4) */
	INSN_MOV_LOAD,    /**< MOV r, m (8A /r, 8B /r) or MOV AL/AX/EAX, moffs (A0, A1) */
	INSN_MOV_STORE,   /**< MOV m, r (88 /r, 89 /r), MOV m, imm (C6 /0, C7 /0) or MOV moffs, AL/AX/EAX (A2, A3) */
};

/** @brief Segment registers, in the order of the VMCS and VMCB encodings. */
enum seg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

/** @brief A decoded instruction. */
struct insn {
	enum insn_kind kind; /**< which instruction */
	int len;             /**< its length in bytes, prefixes included */
	int cr;              /**< MOV CR: the control register number */
	int dr;              /**< MOV DR: the debug register number */
	int gpr;             /**< MOV CR, MOV DR, a register operand of LMSW/SMSW or of a MOV to or from
				  memory: the general register (enum gpr); with @c opsize 1, 0-3 are AL, CL,
				  DL, BL and 4-7 AH, CH, DH, BH (SDM Vol2A Table 2-2, r8) */
	bool mem;            /**< LMSW, SMSW: the operand is in memory at @c seg : @c addr (INVLPG, MOV: always) */
	int opsize;          /**< SMSW into a register: 2 or 4 bytes (the operand size); MOV: 1, 2 or 4 */
	int addrsize;        /**< the address size: 2 (16-bit addressing) or 4 bytes */
	bool has_imm;        /**< MOV m, imm: the value stored is @c imm, not a register */
	uint32_t imm;        /**< that immediate (@c opsize bytes) */
	uint32_t addr;       /**< a memory operand's effective address (an offset into @c seg, below 64 KiB
				  with @c addrsize 2) */
	enum seg_reg seg;    /**< a memory operand's segment (an override prefix, else DS or SS) */
};

/**
 * @brief Decode the instruction starting at @p bytes.
 *
 * @param bytes    the guest's instruction bytes
 * @param n        how many were readable (at most INSN_MAX_LEN)
 * @param code32   the code segment is a 32-bit one (CS.D = 1): 32-bit operands and addresses
 *                 unless a prefix says otherwise; false: 16-bit ones
 * @param gpr      the guest's registers (enum gpr order), for a memory operand's address
 * @param out      receives the instruction
 * @param err      receives a reason when the bytes are none of these instructions
 * @param err_size bytes of @p err
 * @return true when decoded
 */
bool insn_decode(const uint8_t *bytes, size_t n, bool code32, const uint64_t *gpr, struct insn *out,
		 char *err, size_t err_size);

#endif
