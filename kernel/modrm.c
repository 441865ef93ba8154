/*
 * Reading instruction bytes, and the memory operand a ModR/M byte names, in
 * both address sizes of non-64-bit code. SDM Vol2A 2.1.5 (Addressing-Mode
 * Encoding of ModR/M and SIB Bytes): Table 2-1 (16-Bit Addressing Forms with
 * the ModR/M Byte), Table 2-2 (32-Bit Addressing Forms with the ModR/M Byte),
 * Table 2-3 (32-Bit Addressing Forms with the SIB Byte). The default segment:
 * SDM Vol1 3.7.5 (Specifying an Offset), Table 3-5.
 */
#include "kernel/modrm.h"
#include "kernel/vcpu.h"

#define SIB_SCALE(b) ((b) >> 6)
#define SIB_INDEX(b) (((b) >> 3) & 7)
#define SIB_BASE(b)  ((b) & 7)
#define MOD_NO_DISP  0 /* mod = 00: no displacement (but see RM_DISP32, RM16_DISP16) */
#define MOD_DISP8    1 /* mod = 01: an 8-bit displacement, sign-extended */
#define MOD_DISP_FULL 2 /* mod = 10: a 16-bit or 32-bit displacement, as the address size */
#define RM_SIB       4 /* 32-bit, rm = 100: a SIB byte follows */
#define RM_DISP32    5 /* 32-bit, mod = 00 and rm (or SIB base) = 101: disp32, no base */
#define NO_INDEX     4 /* SIB index = 100: no index */
#define RM16_DISP16  6 /* 16-bit, mod = 00 and rm = 110: disp16 alone */
#define NO_REG       (-1) /* a 16-bit form without its second register */
#define ADDR16_MASK  0xFFFFu /* 16-bit addressing wraps at 64 KiB */

bool decode_fail(struct cursor *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->err_size, fmt, ap);
	va_end(ap);
	return false;
}

bool decode_byte(struct cursor *c, uint8_t *b)
{
	if (c->pos >= c->n)
		return decode_fail(c, "instruction runs past the readable bytes");
	*b = c->bytes[c->pos++];
	return true;
}

bool decode_le(struct cursor *c, int size, uint32_t *value)
{
	uint8_t b;

	*value = 0;
	for (int i = 0; i < size; i++) {
		if (!decode_byte(c, &b))
			return false;
		*value |= (uint32_t)b << (8 * i);
	}
	return true;
}

/* The displacement mod asks for, sign-extended: none, 8 bits, or the address size. */
static bool displacement(struct cursor *c, int mod, int addrsize, uint32_t *disp)
{
	uint32_t raw;

	*disp = 0;
	if (mod == MOD_DISP8) {
		if (!decode_le(c, 1, &raw))
			return false;
		*disp = (uint32_t)(int32_t)(int8_t)raw;
	} else if (mod == MOD_DISP_FULL) {
		return decode_le(c, addrsize, disp);
	}
	return true;
}

/* Table 2-1: the registers each rm adds ([BX+SI], [BX+DI], [BP+SI], [BP+DI],
 * [SI], [DI], [BP], [BX]); a form with BP defaults to SS. */
static bool address16(struct cursor *c, uint8_t modrm, const uint64_t *gpr, uint32_t *ea,
		      enum seg_reg *seg)
{
	static const int first[8] = { GPR_RBX, GPR_RBX, GPR_RBP, GPR_RBP, GPR_RSI, GPR_RDI, GPR_RBP, GPR_RBX };
	static const int second[8] = { GPR_RSI, GPR_RDI, GPR_RSI, GPR_RDI, NO_REG, NO_REG, NO_REG, NO_REG };
	int mod = MODRM_MOD(modrm), rm = MODRM_RM(modrm);
	uint32_t disp;

	if (mod == MOD_NO_DISP && rm == RM16_DISP16) {
		*seg = SEG_DS;
		return decode_le(c, 2, ea);
	}
	if (!displacement(c, mod, 2, &disp))
		return false;
	*ea = (uint32_t)gpr[first[rm]] + disp;
	if (second[rm] != NO_REG)
		*ea += (uint32_t)gpr[second[rm]];
	*ea &= ADDR16_MASK;
	*seg = first[rm] == GPR_RBP ? SEG_SS : SEG_DS;
	return true;
}

/* Tables 2-2 and 2-3: a base register (or disp32), a scaled index, a
 * displacement; an ESP or EBP base defaults to SS. */
static bool address32(struct cursor *c, uint8_t modrm, const uint64_t *gpr, uint32_t *ea,
		      enum seg_reg *seg)
{
	int mod = MODRM_MOD(modrm), base_reg = MODRM_RM(modrm);
	uint32_t index = 0, disp;
	uint8_t sib = 0;

	if (base_reg == RM_SIB) {
		if (!decode_byte(c, &sib))
			return false;
		base_reg = SIB_BASE(sib);
		if (SIB_INDEX(sib) != NO_INDEX)
			index = (uint32_t)gpr[SIB_INDEX(sib)] << SIB_SCALE(sib);
	}
	if (mod == MOD_NO_DISP && base_reg == RM_DISP32) {
		*seg = SEG_DS;
		if (!decode_le(c, 4, &disp))
			return false;
		*ea = disp + index;
		return true;
	}
	if (!displacement(c, mod, 4, &disp))
		return false;
	*ea = (uint32_t)gpr[base_reg] + index + disp;
	*seg = base_reg == GPR_RSP || base_reg == GPR_RBP ? SEG_SS : SEG_DS;
	return true;
}

bool decode_memory_operand(struct cursor *c, uint8_t modrm, int addrsize, const uint64_t *gpr,
			   uint32_t *ea, enum seg_reg *seg)
{
	return addrsize == 2 ? address16(c, modrm, gpr, ea, seg) : address32(c, modrm, gpr, ea, seg);
}
