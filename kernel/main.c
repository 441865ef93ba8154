/*
 * kmain: from boot to the end of the run.
 *
 * Boot the host (console, traps, memory), pick the backend this CPU offers,
 * build one VM per guest image, run them until each has ended, report, and
 * end the emulator run with success only when every VM ended through port
 * 0xF4 with the success code.
 */
#include "kernel/backend.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/cpustate.h"
#include "kernel/input_options.h"
#include "kernel/machine.h"
#include "kernel/mmu.h"
#include "kernel/palloc.h"
#include "kernel/runloop.h"
#include "kernel/sched.h"
#include "kernel/show.h"
#include "kernel/trap.h"
#include "kernel/vm.h"

#define VM_CONTROL_PAGES 32 /* host pages of a VM beside RAM and pool: VMCS or VMCB, bitmaps, top nested tables */

const struct backend *active_backend;
uint64_t tsc_at_entry, tsc_at_exit;

static const struct backend *const backends[] = { &vmx_backend, &svm_backend };

/* The first backend this CPU supports, or NULL. */
static const struct backend *choose_backend(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(backends); i++)
		if (backends[i]->probe())
			return backends[i];
	return NULL;
}

/* The decimal number at the start of s (up to a space), 0 when there is none or it overflows. */
static uint64_t parse_number(const char *s)
{
	uint64_t v = 0;

	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return (*s == '\0' || *s == ' ') ? v : 0;
}

/* Copy the option value at text, up to its end (a space), into word. */
static void option_word(const char *text, char *word, size_t size)
{
	size_t n = 0;

	while (text[n] && text[n] != ' ' && n + 1 < size) {
		word[n] = text[n];
		n++;
	}
	word[n] = '\0';
}

/* The option key=N as a number, def when absent; false (printed) when malformed or not in [min, max]. */
static bool number_option(const struct bootinfo *bi, const char *key, uint64_t def, uint64_t min,
			  uint64_t max, uint64_t *out)
{
	const char *text = bootinfo_option(bi, key);
	char word[32];

	*out = text ? parse_number(text) : def;
	if (text && (*out < min || *out > max)) {
		option_word(text, word, sizeof(word));
		hv_log("%s=%s: must be a number from %lu to %lu", key, word, min, max);
		return false;
	}
	return true;
}

/* Host pages a VM with ram bytes of RAM takes: the RAM, its shadow pool, the nested page
 * tables that map both (AMD-V: 1/512 of them; 1/256 counted) and its control pages. */
static uint64_t vm_host_pages(uint64_t ram)
{
	uint64_t pages = ram / PAGE_SIZE + VTLB_POOL_PAGES;

	return pages + pages / 256 + VM_CONTROL_PAGES;
}

/* The option mem=MiB as each VM's RAM in bytes, VM_RAM_DEFAULT when absent; false (printed)
 * when malformed, out of range, or when count such VMs do not fit in the host's free memory. */
static bool ram_option(const struct bootinfo *bi, int count, uint64_t *ram)
{
	uint64_t mib, most, free_pages = palloc_free_count();

	if (!number_option(bi, "mem", VM_RAM_DEFAULT / MiB, VM_RAM_MIN / MiB, VM_RAM_MAX / MiB, &mib))
		return false;
	*ram = mib * MiB;
	if (vm_host_pages(*ram) * count > free_pages) {
		for (most = mib; most > VM_RAM_MIN / MiB && vm_host_pages(most * MiB) * count > free_pages; most--)
			;
		hv_log("mem=%lu: %d VMs of %lu MiB (and their shadow pools) do not fit in the host's %lu MiB "
		       "of free memory: at most mem=%lu", mib, count, mib, free_pages * PAGE_SIZE / MiB, most);
		return false;
	}
	if (bootinfo_option(bi, "mem"))
		hv_log("%lu MiB of RAM per VM", mib);
	return true;
}

/* Build a VM for every guest image; false (reasons printed) if any is refused. */
static bool create_vms(const struct bootinfo *bi, struct vm **vms, uint64_t console_kib, uint64_t ram)
{
	const char *trace = bootinfo_option(bi, "trace");
	bool trace_faults = trace && !strncmp(trace, "pf", 2);
	bool report_cost = bootinfo_flag(bi, "bench");

	for (int i = 0; i < bi->module_count; i++) {
		vms[i] = vm_create(i, &bi->modules[i], ram);
		if (!vms[i])
			return false;
		hv_log("vm%d: \"%s\" loaded, entry %#lx", i, bi->modules[i].cmdline, vms[i]->vcpu.rip);
		vms[i]->trace_faults = trace_faults;
		vms[i]->console_max = console_kib * KiB;
		vms[i]->report_cost = report_cost;
		if (bootinfo_flag(bi, "cache"))
			mmu_enable_cache(vms[i]); /* lab 6 */
	}
	return true;
}

/* Turn the backend on, arm the time slice, give every VM its vCPU; false (printed) on failure. */
static bool start_backend(int count, struct vm **vms, uint32_t slice)
{
	if (!active_backend->cpu_enable() || !active_backend->set_time_slice(slice))
		return false;
	for (int i = 0; i < count; i++)
		if (!active_backend->vcpu_init(&vms[i]->vcpu))
			return false;
	return true;
}

/* Every VM ended through port 0xF4 with the success code. */
static bool all_succeeded(struct vm **vms, int count)
{
	bool ok = true;

	for (int i = 0; i < count; i++)
		ok &= vms[i]->state == VM_EXITED && vms[i]->exit_code == VM_SUCCESS_CODE;
	return ok;
}

void kmain(uint32_t magic, uint64_t mbi_addr)
{
	static struct bootinfo bi;
	struct vm *vms[VM_MAX] = { 0 };
	uint64_t slice, budget, console_kib, ram;

	console_init();
	trap_init();
	cpustate_cpu_init();
	bootinfo_parse(magic, mbi_addr, &bi);
	palloc_init(&bi);
	hv_log("teaching hypervisor: %lu MiB free, %d guest image(s)",
	       palloc_free_count() * PAGE_SIZE / MiB, bi.module_count);

	active_backend = choose_backend();
	if (!active_backend) {
		hv_log("this CPU offers neither VT-x nor AMD-V: run in Bochs (VT-x) or QEMU TCG (AMD-V)");
		machine_exit(false);
	}
	hv_log("backend: %s", active_backend->name);
	if (bi.module_count == 0) {
		hv_log("no guest image: pass guests as Multiboot modules (make run GUEST=...)");
		machine_exit(false);
	}
	if (bi.module_count > VM_MAX) {
		hv_log("%d guest images, at most %d VMs", bi.module_count, VM_MAX);
		machine_exit(false);
	}
	if (!number_option(&bi, "slice", SCHED_SLICE_DEFAULT, 1, UINT32_MAX, &slice) ||
	    !number_option(&bi, "budget", 0, 1, UINT64_MAX, &budget) ||
	    !number_option(&bi, "console", VM_CONSOLE_KIB, 1, 1024 * 1024, &console_kib) ||
	    !ram_option(&bi, bi.module_count, &ram) || !show_configure(&bi) ||
	    !create_vms(&bi, vms, console_kib, ram) || !input_configure(&bi, vms, bi.module_count) ||
	    !start_backend(bi.module_count, vms, (uint32_t)slice))
		machine_exit(false);
	hv_log("time slice %lu ticks%s", slice, budget ? ", with a budget" : "");
	runloop_run(vms, bi.module_count, slice, budget);
	machine_exit(all_succeeded(vms, bi.module_count));
}
