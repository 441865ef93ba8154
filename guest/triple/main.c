/*
 * A guest that triple-faults: with an empty IDT, a breakpoint cannot be
 * delivered (#GP), neither can the #GP (#DF), nor the #DF: the CPU shuts
 * down. Natively QEMU -no-reboot then exits with status 0; the hypervisor
 * must stop this VM and say it triple-faulted.
 */
#include "guest.h"

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	static const struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	(void)magic;
	(void)mbi;
	console_init();
	gprintf("triple: about to triple-fault\n");
	__asm__ volatile("lidt %0; int3" : : "m"(empty_idt));
	gprintf("triple: still alive (wrong)\n");
	return 1;
}
