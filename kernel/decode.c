/*
 * Decoding MOV to/from CR and DR, INVLPG, CLTS, LMSW, SMSW, CPUID, INT1 and
 * MOV between memory and a register or an immediate, in 32-bit code.
 * SDM Vol2A 2.1 (Instruction Format), Table 2-2 (32-Bit Addressing Forms
 * with the ModR/M Byte), Table 2-3 (with the SIB Byte); Vol2B MOV (Control
 * Registers) and MOV (Debug Registers): "the mod field is ignored"; INVLPG,
 * CLTS, LMSW, SMSW; MOV (Move): 88, 89, 8A, 8B, A0-A3, C6 /0, C7 /0.
 */
#include "kernel/decode.h"

#define MODRM_MOD(b) ((b) >> 6)
#define MODRM_REG(b) (((b) >> 3) & 7)
#define MODRM_RM(b)  ((b) & 7)
#define SIB_SCALE(b) ((b) >> 6)
#define SIB_INDEX(b) (((b) >> 3) & 7)
#define SIB_BASE(b)  ((b) & 7)
#define RM_SIB       4 /* rm = 100: a SIB byte follows */
#define RM_DISP32    5 /* mod = 00, rm = 101: disp32 alone */
#define NO_INDEX     4 /* SIB index = 100: no index */
#define REG_ESP      4 /* base registers whose memory operands default to SS */
#define REG_EBP      5
#define GROUP7_SMSW  4 /* 0F 01 /4 */
#define GROUP7_LMSW  6 /* 0F 01 /6 */
#define GROUP7_INVLPG 7 /* 0F 01 /7 (memory operand only) */
#define REG_EAX      0 /* AL, AX or EAX: the register of the moffs forms */
#define MOV_IMM_REG  0 /* C6 /0, C7 /0: MOV r/m, imm */
#define OPCODE_WIDE  1 /* in 88-8B, A0-A3, C6-C7: 0 a byte operand, 1 a word or doubleword */

/* Decoding state: the bytes and how far we have read. */
struct cursor {
	const uint8_t *bytes;
	size_t n, pos;
	char *err;
	size_t err_size;
};

static bool fail(struct cursor *c, const char *why)
{
	snprintf(c->err, c->err_size, "%s", why);
	return false;
}

/* Read the next byte; false at the end of the readable bytes. */
static bool next(struct cursor *c, uint8_t *b)
{
	if (c->pos >= c->n)
		return fail(c, "instruction runs past the readable bytes");
	*b = c->bytes[c->pos++];
	return true;
}

/* Read a little-endian signed displacement of 1 or 4 bytes. */
static bool displacement(struct cursor *c, int size, uint32_t *disp)
{
	uint8_t b;

	if (size == 1) {
		if (!next(c, &b))
			return false;
		*disp = (uint32_t)(int32_t)(int8_t)b;
		return true;
	}
	*disp = 0;
	for (int i = 0; i < 4; i++) {
		if (!next(c, &b))
			return false;
		*disp |= (uint32_t)b << (8 * i);
	}
	return true;
}

/* The effective address of a memory ModR/M operand (mod != 11), and its default
 * segment: SS when the base register is EBP or ESP, else DS. SDM Vol1 3.7.5 */
static bool effective_address(struct cursor *c, uint8_t modrm, const uint64_t *gpr, uint32_t *ea,
			      enum seg_reg *seg)
{
	uint32_t base = 0, disp = 0;
	int mod = MODRM_MOD(modrm), rm = MODRM_RM(modrm), base_reg = -1;

	if (rm == RM_SIB) {
		uint8_t sib;

		if (!next(c, &sib))
			return false;
		if (SIB_BASE(sib) == RM_DISP32 && mod == 0) {
			if (!displacement(c, 4, &base))
				return false;
		} else {
			base_reg = SIB_BASE(sib);
			base = (uint32_t)gpr[base_reg];
		}
		if (SIB_INDEX(sib) != NO_INDEX)
			base += (uint32_t)gpr[SIB_INDEX(sib)] << SIB_SCALE(sib);
	} else if (rm == RM_DISP32 && mod == 0) {
		if (!displacement(c, 4, &base))
			return false;
	} else {
		base_reg = rm;
		base = (uint32_t)gpr[rm];
	}
	if (mod == 1 && !displacement(c, 1, &disp))
		return false;
	if (mod == 2 && !displacement(c, 4, &disp))
		return false;
	*ea = base + disp;
	*seg = base_reg == REG_ESP || base_reg == REG_EBP ? SEG_SS : SEG_DS;
	return true;
}

/* A little-endian unsigned immediate of 1, 2 or 4 bytes. */
static bool immediate(struct cursor *c, int size, uint32_t *imm)
{
	uint8_t b;

	*imm = 0;
	for (int i = 0; i < size; i++) {
		if (!next(c, &b))
			return false;
		*imm |= (uint32_t)b << (8 * i);
	}
	return true;
}

/* The one-byte opcodes of MOV with a memory operand. */
static bool is_mov_memory(uint8_t op)
{
	return (op >= 0x88 && op <= 0x8B) || (op >= 0xA0 && op <= 0xA3) || op == 0xC6 || op == 0xC7;
}

/* MOV between memory and a register or an immediate; opsize is 2 with the
 * operand-size prefix, else 4 (bytes for the even opcodes). SDM Vol2B MOV (Move) */
static bool decode_mov(struct cursor *c, uint8_t op, int opsize, const uint64_t *gpr, struct insn *out)
{
	uint8_t modrm;

	out->opsize = op & OPCODE_WIDE ? opsize : 1;
	out->mem = true;
	if (op >= 0xA0 && op <= 0xA3) { /* moffs: a 32-bit offset in DS, with AL/AX/EAX */
		out->kind = op <= 0xA1 ? INSN_MOV_LOAD : INSN_MOV_STORE;
		out->gpr = REG_EAX;
		out->seg = SEG_DS;
		return immediate(c, 4, &out->addr);
	}
	if (!next(c, &modrm))
		return false;
	if (MODRM_MOD(modrm) == 3)
		return fail(c, "MOV without a memory operand");
	if (op == 0xC6 || op == 0xC7) {
		if (MODRM_REG(modrm) != MOV_IMM_REG)
			return fail(c, "C6/C7 with a reg field other than 0 (not MOV)");
		out->kind = INSN_MOV_STORE;
		out->has_imm = true;
		return effective_address(c, modrm, gpr, &out->addr, &out->seg) &&
		       immediate(c, out->opsize, &out->imm);
	}
	out->kind = op <= 0x89 ? INSN_MOV_STORE : INSN_MOV_LOAD;
	out->gpr = MODRM_REG(modrm);
	return effective_address(c, modrm, gpr, &out->addr, &out->seg);
}

/* Skip the prefixes that do not change these instructions, noting a segment
 * override in *seg and an operand-size prefix in *opsize; refuse the rest. */
static bool prefixes(struct cursor *c, uint8_t *op, int *seg, int *opsize)
{
	for (;;) {
		if (!next(c, op))
			return false;
		switch (*op) {
		case 0x26: *seg = SEG_ES; continue;
		case 0x2E: *seg = SEG_CS; continue;
		case 0x36: *seg = SEG_SS; continue;
		case 0x3E: *seg = SEG_DS; continue;
		case 0x64: *seg = SEG_FS; continue;
		case 0x65: *seg = SEG_GS; continue;
		case 0x66: /* operand size: 16 bits */
			*opsize = 2;
			continue;
		case 0x67:
			return fail(c, "address-size prefix (16-bit addressing is not supported)");
		case 0xF0: case 0xF2: case 0xF3:
			return fail(c, "LOCK/REP prefix (string instructions and locked accesses are not emulated)");
		default:
			return true;
		}
	}
}

/* The 0F 01 group: INVLPG m, LMSW r/m16, SMSW r/m. SDM Vol2A Table A-6 (group 7) */
static bool decode_group7(struct cursor *c, const uint64_t *gpr, struct insn *out)
{
	uint8_t modrm;

	if (!next(c, &modrm))
		return false;
	switch (MODRM_REG(modrm)) {
	case GROUP7_INVLPG:
		out->kind = INSN_INVLPG;
		break;
	case GROUP7_LMSW:
		out->kind = INSN_LMSW;
		break;
	case GROUP7_SMSW:
		out->kind = INSN_SMSW;
		break;
	default:
		return fail(c, "0F 01 group instruction other than INVLPG, LMSW or SMSW");
	}
	if (MODRM_MOD(modrm) == 3) {
		if (out->kind == INSN_INVLPG) /* 0F 01 /7 with mod 11 is SWAPGS or RDTSCP */
			return fail(c, "INVLPG with a register operand");
		out->gpr = MODRM_RM(modrm);
		return true;
	}
	out->mem = true;
	return effective_address(c, modrm, gpr, &out->addr, &out->seg);
}

bool insn_decode(const uint8_t *bytes, size_t n, const uint64_t *gpr, struct insn *out,
		 char *err, size_t err_size)
{
	struct cursor c = { bytes, n < INSN_MAX_LEN ? n : INSN_MAX_LEN, 0, err, err_size };
	uint8_t op, op2, modrm;
	int override = -1, opsize = 4;

	*out = (struct insn){ 0 };
	if (!prefixes(&c, &op, &override, &opsize))
		return false;
	if (op == 0xF1 || op == 0xF4) {
		out->kind = op == 0xF1 ? INSN_ICEBP : INSN_HLT;
		out->len = (int)c.pos;
		return true;
	}
	if (is_mov_memory(op)) {
		if (!decode_mov(&c, op, opsize, gpr, out))
			return false;
		if (override >= 0)
			out->seg = (enum seg_reg)override;
		out->len = (int)c.pos;
		return true;
	}
	if (op != 0x0F)
		return fail(&c, "not a two-byte (0F) opcode, nor MOV to or from memory");
	if (!next(&c, &op2))
		return false;
	switch (op2) {
	case 0xA2:
		out->kind = INSN_CPUID;
		break;
	case 0x20:
	case 0x22:
		if (!next(&c, &modrm))
			return false;
		out->kind = op2 == 0x20 ? INSN_MOV_FROM_CR : INSN_MOV_TO_CR;
		out->cr = MODRM_REG(modrm);
		out->gpr = MODRM_RM(modrm); /* mod is ignored: always a register */
		break;
	case 0x21:
	case 0x23:
		if (!next(&c, &modrm))
			return false;
		out->kind = op2 == 0x21 ? INSN_MOV_FROM_DR : INSN_MOV_TO_DR;
		out->dr = MODRM_REG(modrm);
		out->gpr = MODRM_RM(modrm);
		break;
	case 0x06:
		out->kind = INSN_CLTS;
		break;
	case 0x01:
		if (!decode_group7(&c, gpr, out))
			return false;
		if (override >= 0)
			out->seg = (enum seg_reg)override;
		out->opsize = opsize;
		break;
	default:
		return fail(&c, "not MOV CR, MOV DR, INVLPG, CLTS, LMSW, SMSW or CPUID");
	}
	out->len = (int)c.pos;
	return true;
}
