/*
 * ksetjmp / klongjmp (cpu.h): setjmp and longjmp for ring 0, so that a trap
 * handler can abandon the trapped code and resume a saved context.
 * struct kjmp: ebx, esi, edi, ebp, esp, eip at offsets 0, 4, ..., 20.
 */
	.text
/* int ksetjmp(struct kjmp *j) */
	.global ksetjmp
ksetjmp:
	movl 4(%esp), %eax
	movl %ebx, 0(%eax)
	movl %esi, 4(%eax)
	movl %edi, 8(%eax)
	movl %ebp, 12(%eax)
	leal 4(%esp), %ecx          /* the stack pointer once we have returned */
	movl %ecx, 16(%eax)
	movl (%esp), %ecx           /* our return address */
	movl %ecx, 20(%eax)
	xorl %eax, %eax
	ret

/* void klongjmp(const struct kjmp *j, int value) */
	.global klongjmp
klongjmp:
	movl 4(%esp), %edx
	movl 8(%esp), %eax
	testl %eax, %eax
	jnz 1f
	incl %eax                   /* ksetjmp never returns 0 a second time */
1:	movl 0(%edx), %ebx
	movl 4(%edx), %esi
	movl 8(%edx), %edi
	movl 12(%edx), %ebp
	movl 16(%edx), %esp
	jmp *20(%edx)
