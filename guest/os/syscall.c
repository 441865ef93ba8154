/*
 * System calls: `int $0x80` from ring 3 (a DPL-3 gate, cpu.c), number in
 * EAX, arguments in EBX and ECX, result in EAX. See syscall.h.
 */
#include "guest.h"
#include "os.h"

#define WRITE_CHUNK 128

/* write(buf, len): print user bytes. A page of buf not yet touched faults in here and is mapped. */
static uint32_t sys_write(uint32_t buf, uint32_t len)
{
	char chunk[WRITE_CHUNK + 1];

	if (buf >= KERNEL_BASE || len > KERNEL_BASE - buf)
		return (uint32_t)-1;
	for (uint32_t done = 0; done < len;) {
		uint32_t n = len - done < WRITE_CHUNK ? len - done : WRITE_CHUNK;

		memcpy(chunk, (const void *)(buf + done), n);
		chunk[n] = '\0';
		gprintf("%s", chunk);
		done += n;
	}
	return len;
}

static void on_syscall(struct trap_frame *tf)
{
	uint32_t nr = tf->eax;

	if (nr >= SYS_COUNT || nr == 0) {
		tf->eax = (uint32_t)-1;
		return;
	}
	stats.syscalls[nr]++;
	switch (nr) {
	case SYS_WRITE:
		tf->eax = sys_write(tf->ebx, tf->ecx);
		break;
	case SYS_YIELD:
		tf->eax = 0;
		proc_yield(tf); /* tf now holds the next process */
		break;
	case SYS_EXIT:
		proc_exit(tf, (int)tf->ebx);
		break;
	case SYS_FORK:
		tf->eax = (uint32_t)proc_fork(tf);
		break;
	case SYS_SBRK:
		tf->eax = proc_sbrk(tf->ebx);
		break;
	case SYS_SWAP:
		tf->eax = (uint32_t)vm_swap(current->pgdir, tf->ebx, tf->ecx);
		break;
	case SYS_GETPID:
		tf->eax = (uint32_t)current->pid;
		break;
	case SYS_SHARE:
		tf->eax = vm_share(current->pgdir);
		break;
	case SYS_ALIVE:
		tf->eax = (uint32_t)proc_alive((int)tf->ebx);
		break;
	}
}

void syscall_init(void)
{
	trap_set_handler(T_SYSCALL, on_syscall);
}
