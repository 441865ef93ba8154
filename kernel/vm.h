/**
 * @file vm.h
 * @brief A virtual machine: its guest-physical RAM, its vCPU, its console and its fate.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include "kernel/bootinfo.h"
#include "kernel/cost.h"
#include "kernel/pc/pc.h"
#include "kernel/vcpu.h"
#include "kernel/vmexit.h"
#include "shadow/vtlb.h"

#define VM_MAX           4          /**< VMs at once */
#define VM_RAM_DEFAULT   (16 * MiB) /**< guest-physical RAM per VM without option mem= (docs/guest-contract.md, "Memory") */
#define VM_RAM_MIN       (2 * MiB)  /**< the least RAM option mem= gives: the low MiB and one above it */
#define VM_RAM_MAX       (3072 * MiB) /**< the most: a PC's device memory begins at 3 GiB */
#define VM_LINE_MAX      200        /**< a longer guest line is split */
#define VM_LINE_WAIT     2000       /**< exits without a console byte after which a VM with input is taken to wait (vm_console_wait) */
#define VM_WARNED_PORTS  8          /**< unknown ports reported, once each; later ones are not */
#define VM_CONSOLE_KIB   256        /**< console KiB printed per VM by default (option console=) */
#define VM_SUCCESS_CODE  0x10       /**< the guest contract's "success" exit value */

/** @brief Where a VM is in its life. */
enum vm_state {
	VM_RUNNING, /**< runs or waits for its turn */
	VM_EXITED,  /**< wrote its exit code to port 0xF4 */
	VM_STOPPED, /**< stopped by the hypervisor; stop_reason says why */
};

/** @brief Counters printed when the VM ends. */
struct vm_stats {
	uint64_t exits[EXIT_KIND_COUNT]; /**< exits by kind */
	uint64_t interrupts;             /**< external interrupts injected (kernel/irq_deliver.c) */
	uint64_t device_accesses;        /**< page-fault exits that were device-memory accesses, not shadow fills (kernel/mmio.c) */
	uint64_t parks;                  /**< times it parked in HLT: not entered until a vector woke it (kernel/runloop.c) */
};

/** @brief One virtual machine. */
struct vm {
	int id;                         /**< 0, 1, ...: the console prefix [vmN] */
	uint8_t *ram;                   /**< guest-physical 0, as a host pointer */
	uint64_t ram_size;              /**< bytes of guest-physical RAM */
	struct vcpu vcpu;               /**< its one virtual CPU */
	enum vm_state state;            /**< running, exited or stopped */
	uint32_t exit_code;             /**< VM_EXITED: the value written to port 0xF4 */
	char stop_reason[320];          /**< VM_STOPPED: why */
	char line[VM_LINE_MAX];         /**< console bytes not yet ended by a newline */
	size_t line_len;                /**< bytes in @c line */
	size_t line_shown;              /**< bytes of @c line already on the host console (vm_console_wait) */
	uint64_t quiet_exits;           /**< its exits since its last console byte (vm_console_wait) */
	uint16_t warned_ports[VM_WARNED_PORTS]; /**< unknown ports already reported */
	int warned_count;               /**< entries in @c warned_ports */
	bool warned_more_ports;         /**< said that further unknown ports go unreported */
	bool warned_unchecked;          /**< said that an INVLPG address lab 1 reported could not be checked (kernel/vmx/lab1check.c) */
	uint64_t console_bytes;         /**< bytes the guest wrote to COM1 */
	uint64_t console_max;           /**< bytes of it printed; the rest is dropped */
	struct vm_stats stats;          /**< exit statistics */
	struct vtlb vtlb;               /**< its virtual TLB (shadow page tables) */
	bool trace_faults;              /**< print a walk trace for every page-fault exit */
	bool report_cost;               /**< print the exit costs at the end (option bench) */
	struct cost cost;               /**< what its exits cost the hypervisor */
	uint64_t slice_start;           /**< TSC when its current time slice began */
	uint64_t clock;                 /**< its clock, in ticks (kernel/vclock.h) */
	bool halted;                    /**< parked after HLT until its controllers present a vector (kernel/irq.c) */
	struct pc_chips pc;             /**< its PC chips (kernel/pc/) */
	const char *until;              /**< option until=: the console text that ends it as a success, or NULL */
	bool until_shown;               /**< its console showed @c until: it ended so */
	bool has_input;                 /**< option input= gives it console input: vm_console_wait shows its prompts */
};

/**
 * @brief Create VM @p id from the guest image in @p module, in the Multiboot state.
 * @return the VM, or NULL after printing why (malformed image, no memory)
 */
struct vm *vm_create(int id, const struct boot_module *module, uint64_t ram_size);

/**
 * @brief The host pointer for guest-physical [@p gpa, @p gpa + @p len), or
 * NULL when any of it lies outside the VM's RAM. The only way the host
 * touches guest memory.
 */
void *vm_gpa(struct vm *vm, uint64_t gpa, size_t len);

/**
 * @brief Copy up to @p n bytes of guest code at linear address @p linear
 * into @p buf, stopping where guest RAM ends.
 * @return the number of bytes copied
 */
size_t vm_read_code(struct vm *vm, uint64_t linear, uint8_t *buf, size_t n);

/** @brief Stop @p vm; the formatted reason is printed when it is reported. */
void vm_stop(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** @brief Record that @p vm ended through port 0xF4 with @p code. */
void vm_exit_with(struct vm *vm, uint32_t code);

/** @brief Take one byte the guest wrote to COM1; prints whole lines as "[vmN] text". */
void vm_console_byte(struct vm *vm, uint8_t byte);

/**
 * @brief After each exit of @p vm, a VM with console input: show its
 * unfinished console line once the guest waits, parked in HLT or
 * VM_LINE_WAIT exits past its last console byte (a shell's prompt, waiting
 * for a key). Exits, not time: in Bochs the VM's clock counts the guest's
 * own instructions, few in a loop that exits all the time (xv6's scheduler),
 * and in QEMU without DETERMINISTIC=1 the host's load stretches it. The rest
 * of the line follows on the same console line, or under a new "[vmN] "
 * prefix if other output came between (console_vm_text). A VM without
 * input has only whole lines printed, as no one types at it.
 */
void vm_console_wait(struct vm *vm);

/** @brief Print how @p vm ended and its exit statistics. */
void vm_report(struct vm *vm);

#endif
