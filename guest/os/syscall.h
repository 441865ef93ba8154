/*
 * System call numbers of the guest OS, shared by the kernel and the user
 * program. `int $0x80` with the number in EAX, arguments in EBX, ECX;
 * the result comes back in EAX (-1 for an error). Also the jobs the user
 * program runs.
 */
#ifndef OS_SYSCALL_H
#define OS_SYSCALL_H

#define SYS_WRITE  1 /* write(buf, len): print len bytes; returns len */
#define SYS_YIELD  2 /* yield(): let the next process run */
#define SYS_EXIT   3 /* exit(code): end this process */
#define SYS_FORK   4 /* fork(): copy this process (copy-on-write); 0 in the child, its pid in the parent */
#define SYS_SBRK   5 /* sbrk(n): grow the heap by n bytes (mapped on first touch); returns the old end */
#define SYS_SWAP   6 /* swap(a, b): exchange the frames behind two mapped pages; 0 or -1 */
#define SYS_GETPID 7 /* getpid(): this process's id */
#define SYS_SHARE  8 /* share(): a fresh zeroed page at SHARE_VA that fork shares instead of copying; its address or -1 */
#define SYS_ALIVE  9 /* alive(pid): 1 while process pid exists, else 0 */
#define SYS_COUNT  10

#define SHARE_VA 0x08000000 /* where share() maps its page: below every program (0x08048000) */

/* The job process 1 runs, in EBX at its start (the seed is in EAX). */
#define JOB_APPS 0 /* App1 and App2 of Fig. 1: fork, copy-on-write, demand paging, swap; they yield */
#define JOB_SPIN 1 /* a process that spins in ring 3 without system calls until a child sets a flag */
#define JOB_FORKS 2 /* four processes on copy-on-write pages, a heap that grows, hundreds of yields */

#endif
