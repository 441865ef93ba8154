/*
 * INVLPG in 16-bit code (a code segment with D clear), where the CPU uses
 * 16-bit addressing: every form of SDM Vol2A Table 2-1 ([BX+SI], [BX+DI],
 * [BP+SI], [BP+DI], [SI], [DI], disp16, [BX], with disp8 and disp16; BP's
 * default to SS), segment overrides (ES with a base), REP (ignored), and
 * 32-bit forms through the address-size prefix 67. Then SMSW DX (16 bits:
 * EDX's high half stays) and MOV ECX, CR0 (32 bits in any code).
 * Every register's high half differs from its low half, so decoding these
 * as 32-bit addressing would name other pages than the CPU invalidates.
 */
#include "guest/crs/code16.h"

	.text
	.code32
/* void code16_call(struct code16_result *r) */
	.global code16_call
code16_call:
	push %ebp
	push %ebx
	push %esi
	push %edi
	mov %es, %eax
	push %eax
	mov $SEL_DATA_HIGH, %eax
	mov %eax, %es
	mov $0x00380fa0, %ebx      /* BX 0x0fa0 */
	mov $0x00510020, %esi      /* SI 0x0020 */
	mov $0x00620040, %edi      /* DI 0x0040 */
	mov $0x00733000, %ebp      /* BP 0x3000 */
	mov $0x00200000, %eax      /* for the 32-bit forms */
	mov $0xaaaa5555, %edx
	xor %ecx, %ecx
	lcall $SEL_CODE16, $0
	pop %eax
	mov %eax, %es
	mov 20(%esp), %eax         /* r, above the four saved registers and the return address */
	mov %edx, 0(%eax)
	mov %ecx, 4(%eax)
	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
	ret

/* The 16-bit code: SEL_CODE16's base, offset 0. */
	.global code16_start
	.code16
code16_start:
	invlpg (%bx)               /* the form a hostile guest ran: 0x0fa0, not 0x380fa0 */
	invlpg (%bx,%si)
	invlpg (%bx,%di)
	invlpg (%bp,%si)           /* SS */
	invlpg (%bp,%di)
	invlpg (%si)
	invlpg (%di)
	invlpg 0x1234              /* disp16 alone */
	invlpg 0x10(%bp)           /* [BP+disp8]: SS */
	invlpg -0x10(%bx,%si)
	invlpg 0x1000(%bx,%di)     /* disp16 */
	invlpg 0x2000(%bp)         /* [BP+disp16]: SS */
	invlpg 0xf000(%bx,%si)     /* wraps at 64 KiB: 0x0fb0 */
	invlpg %es:(%bp,%si)       /* ES: base ES_HIGH_BASE */
	invlpg %ds:0x20(%bp)
	invlpg %es:0x1234
	.byte 0xf3                 /* REP: ignored */
	invlpg (%bx)
	addr32 invlpg (%eax)       /* 67: 32-bit addressing */
	addr32 invlpg 8(%esp)
	addr32 invlpg 0x10(%ebx,%esi,2)
	addr32 invlpg %es:0x400000
	data32 invlpg (%bx)        /* 66: no operand to size */
	smsw %dx
	mov %cr0, %ecx
	lretl
	.code32
