/* Process 1 starts here with the seed in EAX and the job in EBX: exit(main(seed, job)). */
	.text
	.global _start
_start:
	pushl %ebx
	pushl %eax
	call main
	pushl %eax
	call exit
