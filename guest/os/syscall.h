/*
 * System call numbers of the guest OS, shared by the kernel and the user
 * program. `int $0x80` with the number in EAX, arguments in EBX, ECX;
 * the result comes back in EAX (-1 for an error).
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
#define SYS_COUNT  8

#endif
