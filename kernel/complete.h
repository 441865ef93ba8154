/**
 * @file complete.h
 * @brief Completing an exit from the guest's instruction bytes, for a backend
 * whose exits do not name the instruction's length, register or operands
 * (AMD-V without decode assists).
 */
#ifndef KERNEL_COMPLETE_H
#define KERNEL_COMPLETE_H

#include "kernel/decode.h"
#include "kernel/vm.h"

/**
 * @brief Exit @p e's handler may emulate its instruction, so the exit must
 * name its length: CPUID, I/O, CR and DR accesses, INVLPG, HLT (a VM parks after it), and INT1.
 */
bool exit_needs_length(const struct vm_exit *e);

/**
 * @brief Decode the guest's instruction at CS:RIP into @p in, its @p n bytes
 * read into @p bytes; false, with @p err filled, when it is none the decoder knows.
 * Also used on both backends for a device access (kernel/mmio.c), which no exit describes.
 */
bool decode_at_rip(struct vm *vm, struct insn *in, uint8_t bytes[INSN_MAX_LEN], size_t *n,
		   char *err, size_t err_size);

#define INSN_BYTES_QUOTED 6 /**< the instruction bytes a message about an undecoded instruction quotes */

/**
 * @brief The first of the @p n bytes at @p bytes as hex ("0f 01 38 "), three
 * characters each, as many as @p out (of @p size bytes) holds: for the messages
 * that quote a guest's instruction.
 */
void insn_bytes_hex(const uint8_t *bytes, size_t n, char *out, size_t size);

/** @brief The value decoded MOV to memory @p in stores: its immediate, or its register at its operand size. */
uint32_t insn_store_value(const struct vm *vm, const struct insn *in);

/** @brief The linear address of @p in's memory operand: its segment's base plus the effective address. */
uint32_t operand_linear(struct vm *vm, const struct insn *in);

/**
 * @brief AMD-V's struct backend complete_exit: when @p e needs its length and
 * has none, fill the length, the GPR and the operands from the guest's bytes.
 * False when the exit is over: the VM stopped (the bytes are not the
 * instruction that exited), or reading LMSW's memory operand raised a \#PF.
 */
bool complete_from_instruction(struct vm *vm, struct vm_exit *e);

#endif
