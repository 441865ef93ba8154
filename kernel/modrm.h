/**
 * @file modrm.h
 * @brief The decoder's reading of instruction bytes and of a ModR/M memory
 * operand in 16-bit and 32-bit addressing (kernel/decode.c's helpers).
 */
#ifndef KERNEL_MODRM_H
#define KERNEL_MODRM_H

#include "kernel/decode.h"

#define MODRM_MOD(b) ((b) >> 6)        /**< ModR/M bits 7:6: 11 is a register operand */
#define MODRM_REG(b) (((b) >> 3) & 7)  /**< ModR/M bits 5:3: a register, or an opcode extension */
#define MODRM_RM(b)  ((b) & 7)         /**< ModR/M bits 2:0: the register or memory form */
#define MOD_REGISTER 3                 /**< mod = 11: the r/m operand is a register */

/** @brief Decoding state: the bytes, how far they were read, where a reason goes. */
struct cursor {
	const uint8_t *bytes; /**< the instruction's bytes */
	size_t n;             /**< how many are readable */
	size_t pos;           /**< how many were read */
	char *err;            /**< receives the reason of a failure */
	size_t err_size;      /**< bytes of @c err */
};

/** @brief Write the reason (printf format) into the cursor's error buffer; returns false. */
bool decode_fail(struct cursor *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** @brief Read the next byte into @p b; false past the readable bytes. */
bool decode_byte(struct cursor *c, uint8_t *b);

/** @brief Read a little-endian unsigned value of @p size (1, 2 or 4) bytes into @p value. */
bool decode_le(struct cursor *c, int size, uint32_t *value);

/**
 * @brief The effective address of the memory operand of ModR/M byte @p modrm
 * (mod != 11), reading its SIB byte and displacement, in @p addrsize (2 or
 * 4) byte addressing; @p seg receives its default segment (SS for a
 * BP/EBP/ESP base, else DS). The address wraps at the address size.
 */
bool decode_memory_operand(struct cursor *c, uint8_t modrm, int addrsize, const uint64_t *gpr,
			   uint32_t *ea, enum seg_reg *seg);

#endif
