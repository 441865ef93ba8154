/*
 * Decoding MOV to/from CR and DR, INVLPG, CLTS, LMSW, SMSW, CPUID, HLT, INT1
 * and MOV between memory and a register or an immediate, in 16-bit and
 * 32-bit code: prefixes here, memory operands in kernel/modrm.c.
 * SDM Vol2A 2.1.1 (Instruction Prefixes), 3.6 (Operand-Size and Address-Size
 * Attributes); Vol2B MOV (Control Registers) and MOV (Debug Registers): "the
 * mod field is ignored", the operand is 32 bits whatever the operand size;
 * INVLPG, CLTS, LMSW, SMSW; MOV (Move): 88, 89, 8A, 8B, A0-A3, C6 /0, C7 /0.
 */
#include "kernel/modrm.h"

#define GROUP7_SMSW  4 /* 0F 01 /4 */
#define GROUP7_LMSW  6 /* 0F 01 /6 */
#define GROUP7_INVLPG 7 /* 0F 01 /7 (memory operand only) */
#define REG_EAX      0 /* AL, AX or EAX: the register of the moffs forms */
#define MOV_IMM_REG  0 /* C6 /0, C7 /0: MOV r/m, imm */
#define OPCODE_WIDE  1 /* in 88-8B, A0-A3, C6-C7: 0 a byte operand, 1 a word or doubleword */
#define PREFIX_OPSIZE   0x66
#define PREFIX_ADDRSIZE 0x67
#define PREFIX_LOCK     0xF0
#define PREFIX_REPNE    0xF2
#define PREFIX_REP      0xF3
#define NO_SEGMENT   (-1)

/* The prefixes before the opcode. */
struct prefixes {
	int seg;       /* the last segment override (enum seg_reg), else NO_SEGMENT */
	bool opsize;   /* 66: the operand size other than the code segment's */
	bool addrsize; /* 67: the address size other than the code segment's */
	uint8_t rep;   /* F2 or F3, else 0 */
	bool lock;     /* F0 */
};

/* Each instruction's name, for the reasons the decoder gives. */
static const char *const kind_names[] = {
	[INSN_MOV_FROM_CR] = "MOV from CR", [INSN_MOV_TO_CR] = "MOV to CR",
	[INSN_INVLPG] = "INVLPG",           [INSN_CPUID] = "CPUID",
	[INSN_MOV_FROM_DR] = "MOV from DR", [INSN_MOV_TO_DR] = "MOV to DR",
	[INSN_ICEBP] = "INT1",              [INSN_HLT] = "HLT",
	[INSN_CLTS] = "CLTS",               [INSN_LMSW] = "LMSW",
	[INSN_SMSW] = "SMSW",               [INSN_MOV_LOAD] = "MOV",
	[INSN_MOV_STORE] = "MOV",
};

/* The segment an override prefix names, else NO_SEGMENT. */
static int segment_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: return SEG_ES;
	case 0x2E: return SEG_CS;
	case 0x36: return SEG_SS;
	case 0x3E: return SEG_DS;
	case 0x64: return SEG_FS;
	case 0x65: return SEG_GS;
	default: return NO_SEGMENT;
	}
}

/* Note every prefix in *p, and read the opcode byte after them into *op. */
static bool read_prefixes(struct cursor *c, struct prefixes *p, uint8_t *op)
{
	for (;;) {
		if (!decode_byte(c, op))
			return false;
		if (segment_prefix(*op) != NO_SEGMENT)
			p->seg = segment_prefix(*op);
		else if (*op == PREFIX_OPSIZE)
			p->opsize = true;
		else if (*op == PREFIX_ADDRSIZE)
			p->addrsize = true;
		else if (*op == PREFIX_REP || *op == PREFIX_REPNE)
			p->rep = *op;
		else if (*op == PREFIX_LOCK)
			p->lock = true;
		else
			return true;
	}
}

/* The one-byte opcodes of MOV with a memory operand. */
static bool is_mov_memory(uint8_t op)
{
	return (op >= 0x88 && op <= 0x8B) || (op >= 0xA0 && op <= 0xA3) || op == 0xC6 || op == 0xC7;
}

/* MOV between memory and a register or an immediate, of opsize bytes (1 for
 * the even opcodes). SDM Vol2B MOV (Move) */
static bool decode_mov(struct cursor *c, uint8_t op, int opsize, const uint64_t *gpr, struct insn *out)
{
	uint8_t modrm;

	out->opsize = op & OPCODE_WIDE ? opsize : 1;
	out->mem = true;
	if (op >= 0xA0 && op <= 0xA3) { /* moffs: an offset of the address size in DS, with AL/AX/EAX */
		out->kind = op <= 0xA1 ? INSN_MOV_LOAD : INSN_MOV_STORE;
		out->gpr = REG_EAX;
		out->seg = SEG_DS;
		return decode_le(c, out->addrsize, &out->addr);
	}
	if (!decode_byte(c, &modrm))
		return false;
	if (MODRM_MOD(modrm) == MOD_REGISTER)
		return decode_fail(c, "MOV without a memory operand");
	if (op == 0xC6 || op == 0xC7) {
		if (MODRM_REG(modrm) != MOV_IMM_REG)
			return decode_fail(c, "C6/C7 with a reg field other than 0 (not MOV)");
		out->kind = INSN_MOV_STORE;
		out->has_imm = true;
		return decode_memory_operand(c, modrm, out->addrsize, gpr, &out->addr, &out->seg) &&
		       decode_le(c, out->opsize, &out->imm);
	}
	out->kind = op <= 0x89 ? INSN_MOV_STORE : INSN_MOV_LOAD;
	out->gpr = MODRM_REG(modrm);
	return decode_memory_operand(c, modrm, out->addrsize, gpr, &out->addr, &out->seg);
}

/* The 0F 01 group: INVLPG m, LMSW r/m16, SMSW r/m (opsize bytes into a
 * register, 2 into memory). SDM Vol2A Table A-6 (Opcode Extensions), group 7 */
static bool decode_group7(struct cursor *c, int opsize, const uint64_t *gpr, struct insn *out)
{
	uint8_t modrm;

	if (!decode_byte(c, &modrm))
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
	default: /* with F3, /5 is RSTORSSP, SETSSBSY or SAVEPREVSSP */
		return decode_fail(c, "0F 01 /%d is not INVLPG, LMSW or SMSW", MODRM_REG(modrm));
	}
	out->opsize = opsize;
	if (MODRM_MOD(modrm) == MOD_REGISTER) {
		if (out->kind == INSN_INVLPG)
			return decode_fail(c, "0F 01 /7 with a register operand is not INVLPG (it is SWAPGS, RDTSCP, MCOMMIT, PSMASH, ...)");
		out->gpr = MODRM_RM(modrm);
		return true;
	}
	out->mem = true;
	return decode_memory_operand(c, modrm, out->addrsize, gpr, &out->addr, &out->seg);
}

/* MOV to or from a control or debug register (0F 20-23): the register
 * operand whatever mod says, 32 bits whatever the operand size. */
static bool decode_mov_cr_dr(struct cursor *c, uint8_t op2, struct insn *out)
{
	static const enum insn_kind kinds[] = { INSN_MOV_FROM_CR, INSN_MOV_FROM_DR, INSN_MOV_TO_CR, INSN_MOV_TO_DR };
	uint8_t modrm;

	if (!decode_byte(c, &modrm))
		return false;
	out->kind = kinds[op2 - 0x20];
	if (out->kind == INSN_MOV_FROM_CR || out->kind == INSN_MOV_TO_CR)
		out->cr = MODRM_REG(modrm);
	else
		out->dr = MODRM_REG(modrm);
	out->gpr = MODRM_RM(modrm);
	return true;
}

/* The two-byte opcodes 0F xx the decoder knows. */
static bool decode_0f(struct cursor *c, int opsize, const uint64_t *gpr, struct insn *out)
{
	uint8_t op2;

	if (!decode_byte(c, &op2))
		return false;
	switch (op2) {
	case 0xA2:
		out->kind = INSN_CPUID;
		return true;
	case 0x06:
		out->kind = INSN_CLTS;
		return true;
	case 0x01:
		return decode_group7(c, opsize, gpr, out);
	case 0x20: case 0x21: case 0x22: case 0x23:
		return decode_mov_cr_dr(c, op2, out);
	default:
		return decode_fail(c, "0F %02x is not MOV CR, MOV DR, INVLPG, CLTS, LMSW, SMSW or CPUID", op2);
	}
}

/* The instruction whose opcode byte is op, after its prefixes p. */
static bool decode_opcode(struct cursor *c, uint8_t op, const struct prefixes *p, int opsize,
			  const uint64_t *gpr, struct insn *out)
{
	if (op == 0xF1 || op == 0xF4) {
		out->kind = op == 0xF1 ? INSN_ICEBP : INSN_HLT;
		return true;
	}
	if (is_mov_memory(op))
		return decode_mov(c, op, opsize, gpr, out);
	if (op == 0x0F)
		return decode_0f(c, opsize, gpr, out);
	if (p->rep)
		return decode_fail(c, "REP prefix on opcode %02x (string instructions are not emulated)", op);
	return decode_fail(c, "opcode %02x is not a two-byte (0F) opcode, nor MOV to or from memory", op);
}

/*
 * Refuse, naming it, a prefix that makes the CPU do something else. LOCK on
 * any of these raises #UD: it is for read-modify-write instructions with a
 * memory destination only (SDM Vol2A 2.1.1). REP and REPNE on the system
 * instructions are reserved (ibid.) but ignored by CPUs and emulators (the
 * encodings they change are 0F 01 forms refused above); on MOV they are the
 * XACQUIRE/XRELEASE hints, not emulated here.
 */
static bool check_prefixes(struct cursor *c, const struct prefixes *p, const struct insn *in)
{
	bool mov_cr = in->kind == INSN_MOV_FROM_CR || in->kind == INSN_MOV_TO_CR;

	if (p->lock && mov_cr)
		return decode_fail(c, "LOCK prefix on %s: the CPU raises #UD (AMD CPUs read LOCK MOV CR0 as MOV CR8, which is not emulated)",
				   kind_names[in->kind]);
	if (p->lock)
		return decode_fail(c, "LOCK prefix on %s: the CPU raises #UD", kind_names[in->kind]);
	if (p->rep && (in->kind == INSN_MOV_LOAD || in->kind == INSN_MOV_STORE))
		return decode_fail(c, "%s prefix on MOV (an XACQUIRE/XRELEASE hint): not emulated",
				   p->rep == PREFIX_REP ? "REP" : "REPNE");
	return true;
}

bool insn_decode(const uint8_t *bytes, size_t n, bool code32, const uint64_t *gpr, struct insn *out,
		 char *err, size_t err_size)
{
	struct cursor c = { bytes, n < INSN_MAX_LEN ? n : INSN_MAX_LEN, 0, err, err_size };
	struct prefixes p = { .seg = NO_SEGMENT };
	uint8_t op;

	*out = (struct insn){ 0 };
	if (!read_prefixes(&c, &p, &op))
		return false;
	out->addrsize = code32 != p.addrsize ? 4 : 2;
	if (!decode_opcode(&c, op, &p, code32 != p.opsize ? 4 : 2, gpr, out) || !check_prefixes(&c, &p, out))
		return false;
	if (out->mem && p.seg != NO_SEGMENT)
		out->seg = (enum seg_reg)p.seg;
	out->len = (int)c.pos;
	return true;
}
