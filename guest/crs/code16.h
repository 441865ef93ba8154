/*
 * crs's 16-bit code: its GDT's selectors (segments.c builds the GDT) and the
 * call into the code (code16.S).
 */
#ifndef GUEST_CRS_CODE16_H
#define GUEST_CRS_CODE16_H

#define SEL_CODE32    0x08 /* flat 32-bit code */
#define SEL_DATA32    0x10 /* flat 32-bit data and stack */
#define SEL_CODE16    0x18 /* 16-bit code (D clear): code16_start, 64 KiB */
#define SEL_DATA_HIGH 0x20 /* data at ES_HIGH_BASE, 64 KiB: a segment base the operand's linear address adds */
#define ES_HIGH_BASE  0x00100000

#ifndef __ASSEMBLER__
#include <stdint.h>

/* What the 16-bit code leaves in two registers. */
struct code16_result {
	uint32_t smsw_dx;  /* EDX after SMSW DX: CR0's low half, EDX's high half kept */
	uint32_t cr0_ecx;  /* ECX after MOV ECX, CR0: all of CR0 */
};

/* Far-call the 16-bit code through SEL_CODE16, with ES = SEL_DATA_HIGH (code16.S). */
void code16_call(struct code16_result *r);

/* Load crs's GDT, run the 16-bit code and print what it left (segments.c). */
void code16_forms(void);
#endif

#endif
