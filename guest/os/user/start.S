/* Process 1 starts here with the seed in EAX: exit(main(seed)). */
	.text
	.global _start
_start:
	pushl %eax
	call main
	pushl %eax
	call exit
