/*
 * The instruction decoder against a table of encodings: every GPR of MOV
 * to/from CR0/CR3/CR4, and the 32-bit addressing forms of INVLPG a compiler
 * emits (register, disp8, disp32, SIB with and without base, absolute);
 * CLTS, LMSW and SMSW with register and memory operands; MOV between memory
 * and a register or an immediate (8, 16 and 32 bits, moffs, prefixes); 16-bit
 * code and the 16-bit addressing forms, the operand- and address-size
 * prefixes in both code sizes, every segment override and default segment,
 * REP ignored and LOCK refused by name, truncated bytes.
 * Encodings checked against `objdump -d` of gas output.
 */
#include <criterion/criterion.h>

#include "kernel/decode.h"
#include "kernel/vcpu.h"

static uint64_t regs[GPR_COUNT];
static struct insn in;
static char err[120];

static void setup(void)
{
	for (int i = 0; i < GPR_COUNT; i++)
		regs[i] = 0x1000u * (i + 1); /* eax 0x1000, ecx 0x2000, ... edi 0x8000 */
}

TestSuite(decode, .init = setup);

/* Decode the bytes of a string literal; the length is sizeof - 1. */
#define DECODE(bytes) insn_decode((const uint8_t *)(bytes), sizeof(bytes) - 1, true, regs, &in, err, sizeof(err))
/* The same in 16-bit code (CS.D = 0). */
#define DECODE16(bytes) insn_decode((const uint8_t *)(bytes), sizeof(bytes) - 1, false, regs, &in, err, sizeof(err))

Test(decode, cpuid)
{
	cr_assert(DECODE("\x0f\xa2"), "%s", err);
	cr_assert_eq(in.kind, INSN_CPUID);
	cr_assert_eq(in.len, 2);
}

Test(decode, mov_from_cr_every_register)
{
	static const int crs[] = { 0, 3, 4 };

	for (int c = 0; c < 3; c++)
		for (int r = 0; r < 8; r++) {
			uint8_t b[3] = { 0x0f, 0x20, (uint8_t)(0xC0 | crs[c] << 3 | r) };

			cr_assert(insn_decode(b, 3, true, regs, &in, err, sizeof(err)), "%s", err);
			cr_assert_eq(in.kind, INSN_MOV_FROM_CR);
			cr_assert_eq(in.cr, crs[c]);
			cr_assert_eq(in.gpr, r);
			cr_assert_eq(in.len, 3);
		}
}

Test(decode, mov_to_cr3_from_eax)
{
	cr_assert(DECODE("\x0f\x22\xd8"), "%s", err); /* mov %eax,%cr3 */
	cr_assert_eq(in.kind, INSN_MOV_TO_CR);
	cr_assert_eq(in.cr, 3);
	cr_assert_eq(in.gpr, GPR_RAX);
}

Test(decode, mov_to_cr0_from_edi)
{
	cr_assert(DECODE("\x0f\x22\xc7"), "%s", err); /* mov %edi,%cr0 */
	cr_assert_eq(in.cr, 0);
	cr_assert_eq(in.gpr, GPR_RDI);
}

Test(decode, mov_cr_ignores_mod_bits)
{
	cr_assert(DECODE("\x0f\x20\x20"), "%s", err); /* mod 00: still a register */
	cr_assert_eq(in.cr, 4);
	cr_assert_eq(in.gpr, GPR_RAX);
	cr_assert_eq(in.len, 3);
}

Test(decode, invlpg_register_indirect)
{
	cr_assert(DECODE("\x0f\x01\x38"), "%s", err); /* invlpg (%eax) */
	cr_assert_eq(in.kind, INSN_INVLPG);
	cr_assert_eq(in.addr, 0x1000);
	cr_assert_eq(in.len, 3);
}

Test(decode, invlpg_disp8_negative)
{
	cr_assert(DECODE("\x0f\x01\x7b\xf0"), "%s", err); /* invlpg -0x10(%ebx) */
	cr_assert_eq(in.addr, 0x4000 - 0x10);
	cr_assert_eq(in.len, 4);
}

Test(decode, invlpg_disp32)
{
	cr_assert(DECODE("\x0f\x01\xbe\x00\x00\x40\x00"), "%s", err); /* invlpg 0x400000(%esi) */
	cr_assert_eq(in.addr, 0x7000 + 0x400000);
	cr_assert_eq(in.len, 7);
}

Test(decode, invlpg_absolute)
{
	cr_assert(DECODE("\x0f\x01\x3d\x00\x30\x80\x00"), "%s", err); /* invlpg 0x803000 */
	cr_assert_eq(in.addr, 0x803000);
	cr_assert_eq(in.len, 7);
}

Test(decode, invlpg_sib_base_index_scale)
{
	cr_assert(DECODE("\x0f\x01\x3c\x8b"), "%s", err); /* invlpg (%ebx,%ecx,4) */
	cr_assert_eq(in.addr, 0x4000 + 4 * 0x2000);
	cr_assert_eq(in.len, 4);
}

Test(decode, invlpg_sib_esp_base)
{
	cr_assert(DECODE("\x0f\x01\x7c\x24\x08"), "%s", err); /* invlpg 0x8(%esp) */
	cr_assert_eq(in.addr, 0x5000 + 8);
	cr_assert_eq(in.len, 5);
}

Test(decode, invlpg_sib_no_base_disp32)
{
	cr_assert(DECODE("\x0f\x01\x3c\xbd\x00\x10\x00\x00"), "%s", err); /* invlpg 0x1000(,%edi,4) */
	cr_assert_eq(in.addr, 0x1000 + 4 * 0x8000);
	cr_assert_eq(in.len, 8);
}

Test(decode, invlpg_ebp_disp8)
{
	cr_assert(DECODE("\x0f\x01\x7d\x00"), "%s", err); /* invlpg 0x0(%ebp) */
	cr_assert_eq(in.addr, 0x6000);
}

Test(decode, segment_prefix_is_skipped)
{
	cr_assert(DECODE("\x3e\x0f\x01\x38"), "%s", err); /* invlpg %ds:(%eax) */
	cr_assert_eq(in.addr, 0x1000);
	cr_assert_eq(in.len, 4);
}

Test(decode, address_wraps_at_32_bits)
{
	regs[GPR_RAX] = 0xFFFFF000u;
	cr_assert(DECODE("\x0f\x01\xb8\x00\x20\x00\x00"), "%s", err); /* invlpg 0x2000(%eax) */
	cr_assert_eq(in.addr, 0x1000);
}

Test(decode, segment_override_names_the_segment)
{
	cr_assert(DECODE("\x64\x0f\x01\x38")); /* invlpg %fs:(%eax) */
	cr_assert_eq(in.seg, SEG_FS);
	cr_assert_eq(in.len, 4);
	cr_assert(DECODE("\x65\x0f\x01\x38"));
	cr_assert_eq(in.seg, SEG_GS);
	cr_assert(DECODE("\x26\x0f\x01\x38"));
	cr_assert_eq(in.seg, SEG_ES);
}

Test(decode, esp_and_ebp_bases_default_to_ss)
{
	cr_assert(DECODE("\x0f\x01\x38")); /* invlpg (%eax) */
	cr_assert_eq(in.seg, SEG_DS);
	cr_assert(DECODE("\x0f\x01\x7d\x08")); /* invlpg 8(%ebp) */
	cr_assert_eq(in.seg, SEG_SS);
	cr_assert(DECODE("\x0f\x01\x3c\x24")); /* invlpg (%esp) */
	cr_assert_eq(in.seg, SEG_SS);
	cr_assert(DECODE("\x0f\x01\x3d\x00\x10\x00\x00")); /* invlpg 0x1000: no base */
	cr_assert_eq(in.seg, SEG_DS);
	cr_assert(DECODE("\x3e\x0f\x01\x7d\x08")); /* invlpg %ds:8(%ebp) */
	cr_assert_eq(in.seg, SEG_DS);
}

Test(decode, truncated_instruction_is_refused)
{
	cr_assert_not(DECODE("\x0f\x01\xbe\x00\x00"));
	cr_assert(strstr(err, "past the readable bytes"), "%s", err);
}

Test(decode, other_instruction_is_refused)
{
	cr_assert_not(DECODE("\x01\xd8")); /* add %ebx,%eax */
	cr_assert(strstr(err, "not a two-byte"), "%s", err);
	cr_assert_not(DECODE("\x0f\x01\xf8")); /* swapgs (0F 01 /7 with mod 11) */
	cr_assert(strstr(err, "with a register operand is not INVLPG"), "%s", err);
	cr_assert_not(DECODE("\x0f\x01\xc1")); /* vmcall (0F 01 /0) */
	cr_assert(strstr(err, "0F 01 /0 is not INVLPG, LMSW or SMSW"), "%s", err);
}

Test(decode, clts)
{
	cr_assert(DECODE("\x0f\x06"), "%s", err);
	cr_assert_eq(in.kind, INSN_CLTS);
	cr_assert_eq(in.len, 2);
}

Test(decode, lmsw_register_and_memory)
{
	cr_assert(DECODE("\x0f\x01\xf6"), "%s", err); /* lmsw %si */
	cr_assert_eq(in.kind, INSN_LMSW);
	cr_assert_not(in.mem);
	cr_assert_eq(in.gpr, GPR_RSI);
	cr_assert_eq(in.len, 3);
	cr_assert(DECODE("\x0f\x01\x33"), "%s", err); /* lmsw (%ebx) */
	cr_assert(in.mem);
	cr_assert_eq(in.addr, 0x4000);
	cr_assert_eq(in.seg, SEG_DS);
	cr_assert(DECODE("\x0f\x01\x75\x08"), "%s", err); /* lmsw 0x8(%ebp) */
	cr_assert_eq(in.addr, 0x6008);
	cr_assert_eq(in.seg, SEG_SS);
	cr_assert_eq(in.len, 4);
}

Test(decode, smsw_register_sizes_and_memory)
{
	cr_assert(DECODE("\x0f\x01\xe0"), "%s", err); /* smsw %eax */
	cr_assert_eq(in.kind, INSN_SMSW);
	cr_assert_not(in.mem);
	cr_assert_eq(in.gpr, GPR_RAX);
	cr_assert_eq(in.opsize, 4);
	cr_assert(DECODE("\x66\x0f\x01\xe7"), "%s", err); /* smsw %di */
	cr_assert_eq(in.gpr, GPR_RDI);
	cr_assert_eq(in.opsize, 2);
	cr_assert_eq(in.len, 4);
	cr_assert(DECODE("\x64\x0f\x01\x60\x04"), "%s", err); /* smsw %fs:0x4(%eax) */
	cr_assert(in.mem);
	cr_assert_eq(in.addr, 0x1004);
	cr_assert_eq(in.seg, SEG_FS);
	cr_assert_eq(in.len, 5);
	cr_assert(DECODE("\x0f\x01\x25\x34\x12\x00\x00"), "%s", err); /* smsw 0x1234 */
	cr_assert_eq(in.addr, 0x1234);
	cr_assert_eq(in.len, 7);
}

Test(decode, mov_dr_every_register_both_directions)
{
	for (int d = 0; d < 8; d++)
		for (int r = 0; r < 8; r++)
			for (int to = 0; to < 2; to++) {
				uint8_t b[3] = { 0x0f, (uint8_t)(to ? 0x23 : 0x21), (uint8_t)(0xC0 | d << 3 | r) };

				cr_assert(insn_decode(b, 3, true, regs, &in, err, sizeof(err)), "%s", err);
				cr_assert_eq(in.kind, to ? INSN_MOV_TO_DR : INSN_MOV_FROM_DR);
				cr_assert_eq(in.dr, d);
				cr_assert_eq(in.gpr, r);
				cr_assert_eq(in.len, 3);
			}
}

Test(decode, mov_to_dr7_from_ecx)
{
	cr_assert(DECODE("\x0f\x23\xf9"), "%s", err); /* mov %ecx,%db7 */
	cr_assert_eq(in.kind, INSN_MOV_TO_DR);
	cr_assert_eq(in.dr, 7);
	cr_assert_eq(in.gpr, GPR_RCX);
}

Test(decode, int1_is_one_byte)
{
	cr_assert(DECODE("\xf1"), "%s", err); /* int1 (icebp) */
	cr_assert_eq(in.kind, INSN_ICEBP);
	cr_assert_eq(in.len, 1);
}

Test(decode, int1_counts_its_prefixes)
{
	cr_assert(DECODE("\x3e\xf1"), "%s", err); /* ds int1 */
	cr_assert_eq(in.kind, INSN_ICEBP);
	cr_assert_eq(in.len, 2);
}

/* Decode a MOV with a memory operand and check what every caller reads. */
static void check_mov(enum insn_kind kind, int opsize, int reg, uint32_t addr, enum seg_reg seg, int len)
{
	cr_assert_eq(in.kind, kind);
	cr_assert_eq(in.opsize, opsize);
	cr_assert(in.mem);
	cr_assert_eq(in.gpr, reg);
	cr_assert_eq(in.addr, addr, "address %#x", in.addr);
	cr_assert_eq(in.seg, seg);
	cr_assert_eq(in.len, len);
}

Test(decode, mov_load_and_store_32_bits)
{
	cr_assert(DECODE("\x8b\x43\x20"), "%s", err); /* mov 0x20(%ebx),%eax */
	check_mov(INSN_MOV_LOAD, 4, GPR_RAX, 0x4020, SEG_DS, 3);
	cr_assert_not(in.has_imm);
	cr_assert(DECODE("\x89\x8e\x80\x00\x00\x00"), "%s", err); /* mov %ecx,0x80(%esi) */
	check_mov(INSN_MOV_STORE, 4, GPR_RCX, 0x7080, SEG_DS, 6);
	cr_assert(DECODE("\x89\x45\xfc"), "%s", err); /* mov %eax,-0x4(%ebp): SS */
	check_mov(INSN_MOV_STORE, 4, GPR_RAX, 0x5ffc, SEG_SS, 3);
	cr_assert(DECODE("\x8b\x14\x8d\x00\x00\xe0\xfe"), "%s", err); /* mov 0xfee00000(,%ecx,4),%edx */
	check_mov(INSN_MOV_LOAD, 4, GPR_RDX, 0xfee08000u, SEG_DS, 7);
}

Test(decode, mov_8_bits_names_the_byte_register)
{
	cr_assert(DECODE("\x8a\x23"), "%s", err); /* mov (%ebx),%ah */
	check_mov(INSN_MOV_LOAD, 1, 4, 0x4000, SEG_DS, 2); /* 4 is AH with opsize 1 */
	cr_assert(DECODE("\x88\x0f"), "%s", err); /* mov %cl,(%edi) */
	check_mov(INSN_MOV_STORE, 1, GPR_RCX, 0x8000, SEG_DS, 2);
	cr_assert(DECODE("\x66\x88\x0f"), "%s", err); /* the operand-size prefix does not widen a byte */
	check_mov(INSN_MOV_STORE, 1, GPR_RCX, 0x8000, SEG_DS, 3);
}

Test(decode, mov_16_bits_with_the_operand_size_prefix)
{
	cr_assert(DECODE("\x66\x8b\x06"), "%s", err); /* mov (%esi),%ax */
	check_mov(INSN_MOV_LOAD, 2, GPR_RAX, 0x7000, SEG_DS, 3);
	cr_assert(DECODE("\x66\x89\x1d\x80\x00\xe0\xfe"), "%s", err); /* mov %bx,0xfee00080 */
	check_mov(INSN_MOV_STORE, 2, GPR_RBX, 0xfee00080u, SEG_DS, 7);
}

Test(decode, mov_immediate_to_memory)
{
	cr_assert(DECODE("\xc7\x05\xf0\x00\xe0\xfe\xff\x01\x00\x00"), "%s", err); /* movl $0x1ff,0xfee000f0 */
	check_mov(INSN_MOV_STORE, 4, 0, 0xfee000f0u, SEG_DS, 10);
	cr_assert(in.has_imm);
	cr_assert_eq(in.imm, 0x1ff);
	cr_assert(DECODE("\x66\xc7\x40\x10\x34\x12"), "%s", err); /* movw $0x1234,0x10(%eax) */
	check_mov(INSN_MOV_STORE, 2, 0, 0x1010, SEG_DS, 6);
	cr_assert_eq(in.imm, 0x1234);
	cr_assert(DECODE("\xc6\x02\x80"), "%s", err); /* movb $0x80,(%edx) */
	check_mov(INSN_MOV_STORE, 1, 0, 0x3000, SEG_DS, 3);
	cr_assert_eq(in.imm, 0x80);
	cr_assert_not(DECODE("\xc7\x08\x01\x00\x00\x00")); /* C7 /1 is not MOV */
	cr_assert(strstr(err, "not MOV"), "%s", err);
}

Test(decode, mov_moffs_forms)
{
	cr_assert(DECODE("\xa1\x30\x00\xe0\xfe"), "%s", err); /* mov 0xfee00030,%eax */
	check_mov(INSN_MOV_LOAD, 4, GPR_RAX, 0xfee00030u, SEG_DS, 5);
	cr_assert(DECODE("\xa0\x30\x00\xe0\xfe"), "%s", err); /* mov 0xfee00030,%al */
	check_mov(INSN_MOV_LOAD, 1, GPR_RAX, 0xfee00030u, SEG_DS, 5);
	cr_assert(DECODE("\x66\xa3\x80\x00\xe0\xfe"), "%s", err); /* mov %ax,0xfee00080 */
	check_mov(INSN_MOV_STORE, 2, GPR_RAX, 0xfee00080u, SEG_DS, 6);
	cr_assert(DECODE("\x64\xa2\x00\x00\x00\x00"), "%s", err); /* mov %al,%fs:0 */
	check_mov(INSN_MOV_STORE, 1, GPR_RAX, 0, SEG_FS, 6);
}

Test(decode, mov_segment_override)
{
	cr_assert(DECODE("\x26\x8b\x45\x00"), "%s", err); /* mov %es:0x0(%ebp),%eax */
	check_mov(INSN_MOV_LOAD, 4, GPR_RAX, 0x6000, SEG_ES, 4);
}

Test(decode, what_mmio_refuses)
{
	cr_assert_not(DECODE("\x89\xd8")); /* mov %ebx,%eax */
	cr_assert(strstr(err, "without a memory operand"), "%s", err);
	cr_assert_not(DECODE("\xf3\xa5")); /* rep movsl */
	cr_assert(strstr(err, "REP prefix"), "%s", err);
	cr_assert_not(DECODE("\xa5")); /* movsl */
	cr_assert(strstr(err, "nor MOV to or from memory"), "%s", err);
	cr_assert_not(DECODE("\x8b\x05\x00\xe0")); /* truncated disp32 */
	cr_assert(strstr(err, "past the readable bytes"), "%s", err);
	cr_assert_not(DECODE("\xf3\x89\x03")); /* xrelease mov %eax,(%ebx) */
	cr_assert(strstr(err, "REP prefix on MOV"), "%s", err);
	cr_assert_not(DECODE("\xf0\x89\x03")); /* lock mov: #UD */
	cr_assert(strstr(err, "LOCK prefix on MOV: the CPU raises #UD"), "%s", err);
}

/* Table 2-1: the registers each 16-bit rm adds (with the setup's values) and its default segment. */
static const uint32_t rm16_sum[8] = {
	0x4000 + 0x7000, 0x4000 + 0x8000, 0x6000 + 0x7000, 0x6000 + 0x8000, /* [BX+SI] [BX+DI] [BP+SI] [BP+DI] */
	0x7000, 0x8000, 0x6000, 0x4000,                                     /* [SI] [DI] [BP] [BX] */
};
static const enum seg_reg rm16_seg[8] = { SEG_DS, SEG_DS, SEG_SS, SEG_SS, SEG_DS, SEG_DS, SEG_SS, SEG_DS };

Test(decode, invlpg_16_bit_code_every_addressing_form)
{
	for (int mod = 0; mod < 3; mod++)
		for (int rm = 0; rm < 8; rm++) {
			uint8_t b[5] = { 0x0f, 0x01, (uint8_t)(mod << 6 | 7 << 3 | rm), 0xf0, 0x12 };
			bool disp16_alone = mod == 0 && rm == 6;
			int disp_len = disp16_alone || mod == 2 ? 2 : mod;
			uint32_t disp = disp16_alone || mod == 2 ? 0x12f0 : mod == 1 ? (uint32_t)-0x10 : 0;
			uint32_t want = disp16_alone ? 0x12f0 : (rm16_sum[rm] + disp) & 0xFFFF;

			cr_assert(insn_decode(b, sizeof(b), false, regs, &in, err, sizeof(err)), "%s", err);
			cr_assert_eq(in.kind, INSN_INVLPG);
			cr_assert_eq(in.addrsize, 2);
			cr_assert_eq(in.addr, want, "mod %d rm %d: %#x, not %#x", mod, rm, in.addr, want);
			cr_assert_eq(in.seg, disp16_alone ? SEG_DS : rm16_seg[rm], "mod %d rm %d", mod, rm);
			cr_assert_eq(in.len, 3 + disp_len, "mod %d rm %d", mod, rm);
		}
}

Test(decode, address_16_wraps_at_64k_and_ignores_high_bits)
{
	regs[GPR_RBX] = 0x1234FFF0u;
	regs[GPR_RSI] = 0xABCD0020u;
	cr_assert(DECODE16("\x0f\x01\x38"), "%s", err); /* invlpg [bx+si] */
	cr_assert_eq(in.addr, 0x10, "%#x", in.addr);
	cr_assert(DECODE16("\x0f\x01\xbf\x20\x00"), "%s", err); /* invlpg [bx+0x20] */
	cr_assert_eq(in.addr, 0x10, "%#x", in.addr);
	cr_assert(DECODE16("\x0f\x01\x7f\xe0"), "%s", err); /* invlpg [bx-0x20] */
	cr_assert_eq(in.addr, 0xffd0, "%#x", in.addr);
}

Test(decode, the_reported_invlpg_bx_in_16_bit_code)
{
	regs[GPR_RBX] = 0x00380fa0u; /* BX 0xfa0: the address the CPU invalidates */
	cr_assert(DECODE16("\x0f\x01\x3f"), "%s", err); /* invlpg [bx] */
	cr_assert_eq(in.addr, 0xfa0, "%#x", in.addr);
	cr_assert_eq(in.seg, SEG_DS);
	cr_assert_eq(in.len, 3);
}

Test(decode, address_size_prefix_in_32_bit_code)
{
	cr_assert(DECODE("\x67\x0f\x01\x3f"), "%s", err); /* invlpg [bx] */
	cr_assert_eq(in.addrsize, 2);
	cr_assert_eq(in.addr, 0x4000);
	cr_assert_eq(in.seg, SEG_DS);
	cr_assert_eq(in.len, 4);
	cr_assert(DECODE("\x67\x0f\x01\x7a\x08"), "%s", err); /* invlpg [bp+si+8] */
	cr_assert_eq(in.addr, 0xd008);
	cr_assert_eq(in.seg, SEG_SS);
	cr_assert_eq(in.len, 5);
	cr_assert(DECODE("\x67\x0f\x01\x3e\x34\x12"), "%s", err); /* invlpg [0x1234] */
	cr_assert_eq(in.addr, 0x1234);
	cr_assert_eq(in.len, 6);
}

Test(decode, address_size_prefix_in_16_bit_code)
{
	cr_assert(DECODE16("\x67\x0f\x01\x38"), "%s", err); /* invlpg [eax] */
	cr_assert_eq(in.addrsize, 4);
	cr_assert_eq(in.addr, 0x1000);
	cr_assert_eq(in.len, 4);
	cr_assert(DECODE16("\x67\x0f\x01\x3c\x8b"), "%s", err); /* invlpg [ebx+ecx*4] */
	cr_assert_eq(in.addr, 0x4000 + 4 * 0x2000);
	cr_assert_eq(in.seg, SEG_DS);
	cr_assert(DECODE16("\x67\x0f\x01\x7c\x24\x08"), "%s", err); /* invlpg [esp+8] */
	cr_assert_eq(in.addr, 0x5008);
	cr_assert_eq(in.seg, SEG_SS);
	cr_assert_eq(in.len, 6);
	cr_assert(DECODE16("\x67\x0f\x01\x3d\x00\x00\x40\x00"), "%s", err); /* invlpg [0x400000] */
	cr_assert_eq(in.addr, 0x400000);
	cr_assert_eq(in.len, 8);
}

Test(decode, operand_size_in_16_bit_code)
{
	cr_assert(DECODE16("\x0f\x01\xe0"), "%s", err); /* smsw ax */
	cr_assert_eq(in.opsize, 2);
	cr_assert(DECODE16("\x66\x0f\x01\xe0"), "%s", err); /* smsw eax */
	cr_assert_eq(in.opsize, 4);
	cr_assert_eq(in.len, 4);
	cr_assert(DECODE16("\x8b\x07"), "%s", err); /* mov ax, [bx] */
	check_mov(INSN_MOV_LOAD, 2, GPR_RAX, 0x4000, SEG_DS, 2);
	cr_assert(DECODE16("\x66\x89\x4e\xfc"), "%s", err); /* mov [bp-4], ecx */
	check_mov(INSN_MOV_STORE, 4, GPR_RCX, 0x5ffc, SEG_SS, 4);
	cr_assert(DECODE16("\xa1\x34\x12"), "%s", err); /* mov ax, [0x1234]: moffs16 */
	check_mov(INSN_MOV_LOAD, 2, GPR_RAX, 0x1234, SEG_DS, 3);
	cr_assert(DECODE16("\x66\x67\xa3\x80\x00\xe0\xfe"), "%s", err); /* mov [0xfee00080], eax */
	check_mov(INSN_MOV_STORE, 4, GPR_RAX, 0xfee00080u, SEG_DS, 7);
	cr_assert(DECODE16("\xc7\x07\x34\x12"), "%s", err); /* mov word [bx], 0x1234 */
	check_mov(INSN_MOV_STORE, 2, 0, 0x4000, SEG_DS, 4);
	cr_assert_eq(in.imm, 0x1234);
	cr_assert(DECODE16("\x66\xc7\x07\x78\x56\x34\x12"), "%s", err); /* mov dword [bx], 0x12345678 */
	check_mov(INSN_MOV_STORE, 4, 0, 0x4000, SEG_DS, 7);
	cr_assert_eq(in.imm, 0x12345678);
	cr_assert(DECODE("\x67\xa1\x34\x12"), "%s", err); /* 32-bit code, moffs16 */
	check_mov(INSN_MOV_LOAD, 4, GPR_RAX, 0x1234, SEG_DS, 4);
}

/* The six segment override prefixes, in enum seg_reg order. */
static const char overrides[SEG_COUNT] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };

Test(decode, every_segment_override_in_both_sizes)
{
	for (int s = 0; s < SEG_COUNT; s++)
		for (int code32 = 0; code32 < 2; code32++) {
			/* [bp+si] and [ebp+8]: both default to SS; the override wins */
			uint8_t b16[4] = { (uint8_t)overrides[s], 0x0f, 0x01, 0x3a };
			uint8_t b32[5] = { (uint8_t)overrides[s], 0x0f, 0x01, 0x7d, 0x08 };

			cr_assert(insn_decode(code32 ? b32 : b16, code32 ? 5 : 4, code32, regs, &in, err, sizeof(err)),
				  "%s", err);
			cr_assert_eq(in.seg, (enum seg_reg)s, "prefix %02x, code32 %d", overrides[s] & 0xff, code32);
			cr_assert_eq(in.addr, code32 ? 0x6008u : 0xd000u);
			cr_assert_eq(in.len, code32 ? 5 : 4);
		}
}

Test(decode, default_segment_32_bit_sib)
{
	cr_assert(DECODE("\x0f\x01\x3c\x24"), "%s", err); /* invlpg (%esp): SIB base ESP */
	cr_assert_eq(in.seg, SEG_SS);
	cr_assert(DECODE("\x0f\x01\x7c\x0d\x04"), "%s", err); /* invlpg 4(%ebp,%ecx): SIB base EBP */
	cr_assert_eq(in.addr, 0x8004);
	cr_assert_eq(in.seg, SEG_SS);
	cr_assert(DECODE("\x0f\x01\x3c\x0d\x00\x10\x00\x00"), "%s", err); /* invlpg 0x1000(,%ecx): no base */
	cr_assert_eq(in.addr, 0x3000);
	cr_assert_eq(in.seg, SEG_DS);
	cr_assert_eq(in.len, 8);
	cr_assert(DECODE("\x0f\x01\x3c\x2b"), "%s", err); /* invlpg (%ebx,%ebp): EBP as index is DS */
	cr_assert_eq(in.addr, 0xa000);
	cr_assert_eq(in.seg, SEG_DS);
}

Test(decode, mov_cr_dr_ignore_mod_and_operand_size)
{
	cr_assert(DECODE16("\x0f\x22\x1e"), "%s", err); /* mov cr3, esi: mod 00 rm 110 reads no disp16 */
	cr_assert_eq(in.kind, INSN_MOV_TO_CR);
	cr_assert_eq(in.cr, 3);
	cr_assert_eq(in.gpr, GPR_RSI);
	cr_assert_eq(in.len, 3);
	cr_assert(DECODE("\x67\x0f\x20\x05"), "%s", err); /* mov eax, cr0: mod 00 rm 101 reads no disp32 */
	cr_assert_eq(in.gpr, GPR_RBP);
	cr_assert_eq(in.len, 4);
	cr_assert(DECODE("\x66\x0f\x22\xd8"), "%s", err); /* 66 mov cr3, eax: still 32 bits */
	cr_assert_eq(in.gpr, GPR_RAX);
	cr_assert_eq(in.len, 4);
	cr_assert(DECODE16("\x0f\x23\x7c"), "%s", err); /* mov dr7, esp with mod 01: no disp8 */
	cr_assert_eq(in.kind, INSN_MOV_TO_DR);
	cr_assert_eq(in.dr, 7);
	cr_assert_eq(in.gpr, GPR_RSP);
	cr_assert_eq(in.len, 3);
}

Test(decode, rep_is_ignored_on_system_instructions)
{
	cr_assert(DECODE16("\xf3\x0f\x01\x3f"), "%s", err); /* rep invlpg [bx] */
	cr_assert_eq(in.kind, INSN_INVLPG);
	cr_assert_eq(in.addr, 0x4000);
	cr_assert_eq(in.len, 4);
	cr_assert(DECODE("\xf2\x0f\x01\x38"), "%s", err); /* repne invlpg (%eax) */
	cr_assert_eq(in.kind, INSN_INVLPG);
	cr_assert_eq(in.len, 4);
	cr_assert(DECODE("\xf3\x0f\x22\xd8"), "%s", err);
	cr_assert_eq(in.kind, INSN_MOV_TO_CR);
	cr_assert(DECODE("\xf3\x0f\x21\xc0"), "%s", err);
	cr_assert_eq(in.kind, INSN_MOV_FROM_DR);
	cr_assert(DECODE("\xf3\x0f\xa2"), "%s", err);
	cr_assert_eq(in.kind, INSN_CPUID);
	cr_assert(DECODE("\xf2\x0f\x06"), "%s", err);
	cr_assert_eq(in.kind, INSN_CLTS);
	cr_assert(DECODE("\xf3\x0f\x01\xe0"), "%s", err);
	cr_assert_eq(in.kind, INSN_SMSW);
	cr_assert(DECODE("\xf3\x0f\x01\x33"), "%s", err);
	cr_assert_eq(in.kind, INSN_LMSW);
	cr_assert(DECODE("\xf3\xf4"), "%s", err);
	cr_assert_eq(in.kind, INSN_HLT);
	cr_assert_eq(in.len, 2);
}

Test(decode, rep_forms_that_are_other_instructions_are_refused)
{
	cr_assert_not(DECODE("\xf3\x0f\x01\x28")); /* rstorssp (%eax) */
	cr_assert(strstr(err, "0F 01 /5 is not INVLPG"), "%s", err);
	cr_assert_not(DECODE("\xf3\x0f\x01\xe8")); /* setssbsy */
	cr_assert(strstr(err, "0F 01 /5 is not INVLPG"), "%s", err);
	cr_assert_not(DECODE("\xf3\x0f\x01\xff")); /* psmash */
	cr_assert(strstr(err, "register operand is not INVLPG"), "%s", err);
}

Test(decode, lock_is_refused_by_name)
{
	cr_assert_not(DECODE("\xf0\x0f\x01\x38"));
	cr_assert(strstr(err, "LOCK prefix on INVLPG: the CPU raises #UD"), "%s", err);
	cr_assert_not(DECODE16("\x3e\xf0\x0f\x01\x3f"));
	cr_assert(strstr(err, "LOCK prefix on INVLPG"), "%s", err);
	cr_assert_not(DECODE("\xf0\x0f\x22\xc0"));
	cr_assert(strstr(err, "LOCK prefix on MOV to CR: the CPU raises #UD (AMD CPUs read LOCK MOV CR0 as MOV CR8"), "%s", err);
	cr_assert_not(DECODE("\xf0\x0f\x23\xf8"));
	cr_assert(strstr(err, "LOCK prefix on MOV to DR"), "%s", err);
	cr_assert_not(DECODE("\xf0\x0f\xa2"));
	cr_assert(strstr(err, "LOCK prefix on CPUID"), "%s", err);
	cr_assert_not(DECODE("\xf0\x0f\x01\xf0"));
	cr_assert(strstr(err, "LOCK prefix on LMSW"), "%s", err);
	cr_assert_not(DECODE("\xf0\xf4"));
	cr_assert(strstr(err, "LOCK prefix on HLT"), "%s", err);
}

Test(decode, truncated_forms_are_refused)
{
	static const struct {
		const char *bytes;
		size_t n;
		bool code32;
	} cut[] = {
		{ "", 0, true },
		{ "\x66\x67", 2, false },              /* prefixes only */
		{ "\x0f", 1, true },
		{ "\x0f\x01", 2, false },               /* no ModR/M */
		{ "\x0f\x01\x3c", 3, true },            /* no SIB */
		{ "\x0f\x01\x3e\x12", 4, false },       /* half a disp16 */
		{ "\x0f\x01\xbf\x34", 4, false },       /* [bx+disp16], half of it */
		{ "\x67\x0f\x01\xb8\x00\x00\x10", 7, false }, /* [eax+disp32], 3 of 4 */
		{ "\xa1\x12", 2, false },               /* half a moffs16 */
		{ "\xc7\x07\x34", 3, false },           /* half an imm16 */
		{ "\x0f\x22", 2, true },                /* MOV CR without its ModR/M */
		/* 13 prefixes and invlpg (%eax): 16 bytes, over the 15 the CPU decodes */
		{ "\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x3e\x0f\x01\x38", 16, true },
	};

	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		cr_assert_not(insn_decode((const uint8_t *)cut[i].bytes, cut[i].n, cut[i].code32, regs, &in, err,
					  sizeof(err)), "case %zu decoded", i);
		cr_assert(strstr(err, "past the readable bytes"), "case %zu: %s", i, err);
	}
}
