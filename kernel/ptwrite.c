/*
 * Lab 6's emulated writes to guest page tables: a write that faulted on a
 * write-protected guest table (VTLB_PT_WRITE) is carried out here when it is
 * a 4-byte MOV to one aligned entry, the shadows filled from that entry are
 * brought in line (vtlb_pt_write_done), and the guest goes on after the
 * instruction; the table stays protected. Any other instruction is left to
 * the guest: the table goes unsync (vtlb_pt_write_refused) and the write is
 * executed again. Xen's shadow code emulates single PTE writes the same way.
 * SDM Vol2B MOV (Move).
 */
#include "kernel/complete.h"
#include "kernel/ptwrite.h"

#define ENTRY_BYTES 4 /* a 32-bit paging entry */

enum resume ptwrite_emulate(struct vm *vm, struct vm_exit *e, uint32_t gpa)
{
	uint8_t bytes[INSN_MAX_LEN];
	char err[160];
	struct insn in;
	uint32_t *entry;
	size_t n;

	if (!decode_at_rip(vm, &in, bytes, &n, err, sizeof(err)) || in.kind != INSN_MOV_STORE ||
	    in.opsize != ENTRY_BYTES || operand_linear(vm, &in) != (uint32_t)e->addr || gpa % ENTRY_BYTES ||
	    !(entry = vm_gpa(vm, gpa, ENTRY_BYTES))) {
		vtlb_pt_write_refused(&vm->vtlb, gpa);
		return RESUME_SAME;
	}
	*entry = insn_store_value(vm, &in);
	vtlb_pt_write_done(&vm->vtlb, gpa);
	e->insn_len = in.len;
	return RESUME_NEXT;
}
