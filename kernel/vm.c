/*
 * VM objects: creation from a guest image, the guest-physical accessor,
 * the per-VM console and the end-of-life report.
 */
#include "kernel/console.h"
#include "kernel/cpustate.h"
#include "kernel/firmware/firmware.h"
#include "kernel/loader.h"
#include "kernel/mbinfo.h"
#include "kernel/mmio.h"
#include "kernel/mmu.h"
#include "kernel/palloc.h"
#include "kernel/pc/platform.h"
#include "kernel/show.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

#define MB_BOOT_MAGIC_EAX 0x2BADB002u
#define RFLAGS_RESERVED1  0x2u /* bit 1 is always set */

static struct vm vms[VM_MAX];

/* Set the registers a Multiboot loader leaves. Multiboot 3.2 (Machine state) */
static void vcpu_reset_multiboot(struct vcpu *v, const struct guest_image *g)
{
	memset(v->gpr, 0, sizeof(v->gpr));
	v->gpr[GPR_RAX] = MB_BOOT_MAGIC_EAX;
	v->gpr[GPR_RBX] = MBINFO_GPA;
	v->rip = g->entry;
	v->rflags = RFLAGS_RESERVED1;
	v->cr0 = CR0_PE | CR0_ET;
	v->cr2 = 0;
	v->cr3 = 0;
	v->cr4 = 0;
	cpustate_init(v);
}

struct vm *vm_create(int id, const struct boot_module *module, uint64_t ram_size)
{
	struct vm *vm = &vms[id];
	struct guest_image g = { 0 };
	char err[160];

	memset(vm, 0, sizeof(*vm));
	vm->id = id;
	vm->ram_size = ram_size;
	vm->console_max = VM_CONSOLE_KIB * KiB;
	vm->ram = palloc_pages(ram_size / PAGE_SIZE, PAGE_SIZE);
	if (!vm->ram) {
		hv_log("vm%d: no memory for %lu MiB of guest RAM", id, ram_size / MiB);
		return NULL;
	}
	if (!load_guest_elf(module->image, module->size, vm->ram, ram_size, &g, err, sizeof(err)) ||
	    !mbinfo_build(vm->ram, ram_size, module->cmdline, err, sizeof(err))) {
		hv_log("vm%d: guest image \"%s\" refused: %s", id, module->cmdline, err);
		return NULL;
	}
	vm->vcpu.vm = vm;
	vcpu_reset_multiboot(&vm->vcpu, &g);
	if (!mmu_init(vm) || !mmio_init(vm))
		return NULL;
	pc_reset(vm);
	firmware_build(vm); /* after pc_reset: its tables quote the chips' registers */
	return vm;
}

void *vm_gpa(struct vm *vm, uint64_t gpa, size_t len)
{
	if (gpa >= vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	return vm->ram + gpa;
}

size_t vm_read_code(struct vm *vm, uint64_t linear, uint8_t *buf, size_t n)
{
	/* Through the guest's own tables, one walk per page the bytes lie on. */
	size_t done = 0;

	while (done < n) {
		uint32_t la = (uint32_t)(linear + done), gpa;
		size_t chunk = PAGE_SIZE - la % PAGE_SIZE;
		const uint8_t *p;

		if (chunk > n - done)
			chunk = n - done;
		if (!mmu_translate(vm, la, &gpa) || !(p = vm_gpa(vm, gpa, chunk)))
			break;
		memcpy(buf + done, p, chunk);
		done += chunk;
	}
	return done;
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
	va_end(ap);
	vm->state = VM_STOPPED;
}

void vm_exit_with(struct vm *vm, uint32_t code)
{
	vm->exit_code = code;
	vm->state = VM_EXITED;
}

/* Print the buffered line (what vm_console_wait has not shown of it) and end it. */
static void console_flush_line(struct vm *vm)
{
	console_vm_text(vm->id, vm->line + vm->line_shown, vm->line_len - vm->line_shown, true);
	vm->line_len = 0;
	vm->line_shown = 0;
}

/* The line so far ends with the text of option until= (which holds no newline). */
static bool until_shown(const struct vm *vm)
{
	size_t n = strlen(vm->until);

	return vm->line_len >= n && !memcmp(vm->line + vm->line_len - n, vm->until, n);
}

void vm_console_byte(struct vm *vm, uint8_t byte)
{
	/* A guest that prints without end may not fill the console: the run's
	 * log is shared by every VM (and the runner stops a flood of it). */
	if (vm->console_bytes++ >= vm->console_max) {
		if (vm->console_bytes == vm->console_max + 1) {
			if (vm->line_len > vm->line_shown)
				console_flush_line(vm);
			hv_log("vm%d: console output passed %lu KiB: the rest of it is dropped (console= option)",
			       vm->id, vm->console_max / KiB);
		}
		return;
	}
	if (byte == '\n') {
		console_flush_line(vm);
		return;
	}
	vm->line[vm->line_len++] = (char)byte;
	vm->quiet_exits = 0;
	if (vm->until && vm->state == VM_RUNNING && until_shown(vm)) { /* option until= */
		vm->until_shown = true;
		vm_exit_with(vm, VM_SUCCESS_CODE);
	}
	if (vm->line_len == VM_LINE_MAX)
		console_flush_line(vm);
}

void vm_console_wait(struct vm *vm)
{
	vm->quiet_exits++;
	if (!vm->has_input || vm->line_len == vm->line_shown || (!vm->halted && vm->quiet_exits < VM_LINE_WAIT))
		return;
	console_vm_text(vm->id, vm->line + vm->line_shown, vm->line_len - vm->line_shown, false);
	vm->line_shown = vm->line_len;
}

/* One line: the exit count by kind, then interrupts injected, device accesses and parks; zero counts left out. */
static void report_stats(const struct vm *vm)
{
	char buf[400];
	size_t n = 0;
	uint64_t total = 0;

	for (int k = 0; k < EXIT_KIND_COUNT; k++)
		total += vm->stats.exits[k];
	n += snprintf(buf + n, sizeof(buf) - n, "vm%d exits: %lu total", vm->id, total);
	for (int k = 0; k < EXIT_KIND_COUNT && n < sizeof(buf); k++)
		if (vm->stats.exits[k])
			n += snprintf(buf + n, sizeof(buf) - n, ", %s %lu",
				      exit_kind_name((enum exit_kind)k), vm->stats.exits[k]);
	if (vm->stats.interrupts && n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, "; %lu interrupts injected", vm->stats.interrupts);
	if (vm->stats.device_accesses && n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, "; %lu device accesses", vm->stats.device_accesses);
	if (vm->stats.parks && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, "; %lu parks in HLT", vm->stats.parks);
	hv_log("%s", buf);
}

void vm_report(struct vm *vm)
{
	if (vm->line_len > vm->line_shown) /* an unfinished line not all shown yet */
		console_flush_line(vm);
	if (vm->until_shown)
		hv_log("vm%d showed the until= text \"%s\": it ends as a success", vm->id, vm->until);
	else if (vm->state == VM_EXITED)
		hv_log("vm%d exited with code %#x", vm->id, vm->exit_code);
	else
		hv_log("vm%d stopped at rip %#lx: %s", vm->id, vm->vcpu.rip, vm->stop_reason);
	report_stats(vm);
	mmu_report(vm);
	if (vm->report_cost)
		cost_report(&vm->cost, vm->id);
	show_vm_end(vm);
}
