/*
 * The end of a run. Emulators offer no common way to return a status, so
 * this does what each one understands: QEMU's isa-debug-exit port, Bochs'
 * shutdown port, and for a success in Bochs a breakpoint tools/hvrun sets on
 * machine_success_stop.
 */
#include "kernel/console.h"
#include "kernel/machine.h"
#include "kernel/x86.h"

#define QEMU_DEBUG_EXIT_PORT  0xF4   /* isa-debug-exit: status (v << 1) | 1 */
#define QEMU_CODE_SUCCESS     0x10   /* QEMU exits with 33 */
#define QEMU_CODE_FAILURE     0x11   /* QEMU exits with 35 */
#define BOCHS_SHUTDOWN_PORT   0x8900 /* "Shutdown" here ends Bochs with status 1 */

/*
 * The end of a successful run in Bochs. tools/hvrun's debugger script puts a
 * physical-address breakpoint here and quits with status 0 when it is hit: a
 * guest can never fetch from the hypervisor's own pages, so unlike Bochs'
 * magic breakpoint (XCHG BX,BX, which any guest may execute) no guest can
 * end the run. Not static, and noinline (the one function attribute kept
 * that is not a contract): the runner finds it by name and must stop at
 * every call.
 */
__attribute__((noinline)) void machine_success_stop(void)
{
	__asm__ volatile("" ::: "memory");
}

void machine_exit(bool success)
{
	hv_log("end: %s", success ? "success" : "failure");
	console_drain();
	outl(QEMU_DEBUG_EXIT_PORT, success ? QEMU_CODE_SUCCESS : QEMU_CODE_FAILURE);
	if (success) {
		machine_success_stop();
	} else {
		for (const char *s = "Shutdown"; *s; s++)
			outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
	}
	halt_forever();
}

void print_backtrace(uint64_t rbp)
{
	/* Each frame: [rbp] = caller's rbp, [rbp+8] = return address. */
	for (int depth = 0; rbp && depth < 16; depth++) {
		const uint64_t *frame = (const uint64_t *)rbp;

		if (rbp & 7 || rbp < 1 * MiB) /* misaligned, or below the kernel */
			break;
		kprintf("hv:   #%d return address %p\n", depth, (void *)frame[1]);
		rbp = frame[0];
	}
}

void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hv_log("PANIC at %s:%d (%s): %s", file, line, func, msg);
	print_backtrace((uint64_t)__builtin_frame_address(0));
	machine_exit(false);
}
