# The host kernel. Included by the top-level Makefile.
#
# A lab's file is compiled from solutions/<path> when the variant's
# SOLUTION_SRCS (Makefile) name it, from <path> otherwise.

# The virtual TLB: backend-neutral, so the unit tests (autograder/tests.mk) build it too.
SHADOW_SRCS := \
	shadow/vtlb.c \
	shadow/pool.c \
	shadow/guest_mem.c \
	shadow/refills.c \
	shadow/fault.c \
	shadow/device.c \
	shadow/events.c \
	shadow/trace.c \
	shadow/walk.c \
	shadow/fill.c \
	shadow/invalidate.c \
	shadow/roots.c \
	shadow/prefetch.c \
	shadow/cache.c

KERNEL_SRCS := \
	kernel/boot.S \
	kernel/trapentry.S \
	kernel/vmx/entry.S \
	kernel/svm/entry.S \
	kernel/main.c \
	kernel/console.c \
	kernel/printf.c \
	kernel/string.c \
	kernel/machine.c \
	kernel/trap.c \
	kernel/bootinfo.c \
	kernel/palloc.c \
	kernel/lab.c \
	kernel/lapic.c \
	kernel/vm.c \
	kernel/loader.c \
	kernel/mbinfo.c \
	kernel/firmware/firmware.c \
	kernel/firmware/bios.c \
	kernel/firmware/mptable.c \
	kernel/mmu.c \
	kernel/mmio.c \
	kernel/ptwrite.c \
	kernel/vclock.c \
	kernel/pc/platform.c \
	kernel/pc/wiring.c \
	kernel/pc/vlapic.c \
	kernel/pc/vlapic_priority.c \
	kernel/pc/vecreg.c \
	kernel/pc/vioapic.c \
	kernel/cost.c \
	kernel/runloop.c \
	kernel/irq.c \
	kernel/irq_deliver.c \
	kernel/sched.c \
	kernel/show.c \
	kernel/show_record.c \
	kernel/show_cache.c \
	kernel/show_options.c \
	kernel/input_options.c \
	kernel/dispatch.c \
	kernel/complete.c \
	kernel/devices.c \
	kernel/pc/uart.c \
	kernel/pc/crtc.c \
	kernel/pc/ps2.c \
	kernel/pc/pic.c \
	kernel/pc/pit.c \
	kernel/pc/rtc.c \
	kernel/cr.c \
	kernel/dr.c \
	kernel/event.c \
	kernel/cpustate.c \
	kernel/decode.c \
	kernel/modrm.c \
	kernel/svm/backend.c \
	kernel/svm/vmcb.c \
	kernel/svm/exit.c \
	kernel/svm/npt.c \
	kernel/vmx/backend.c \
	kernel/vmx/isolation.c \
	kernel/vmx/hoststate.c \
	kernel/vmx/vmxinsn.c \
	kernel/vmx/vmxon.c \
	kernel/vmx/controls.c \
	kernel/vmx/vmcs.c \
	kernel/vmx/run.c \
	kernel/vmx/lab1check.c \
	$(SHADOW_SRCS)

# Built for the debugger: gcc inlines only functions declared inline (the
# instructions' C names in kernel/x86.h), so every other function is one gdb
# breaks on, steps into and finishes, with its own lines and locals; and no
# call becomes a jump, so every caller is in a backtrace. -g3 keeps the macros
# that tools/gdb/hv.py reads. make bench shows what this costs.
KERNEL_CFLAGS := -std=gnu11 -m64 -mcmodel=small -mno-red-zone -mgeneral-regs-only \
	-ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -O2 -fno-inline-small-functions -fno-inline-functions-called-once \
	-fno-optimize-sibling-calls -g3 -Wall -Wextra -Werror -I. -MMD -MP
KERNEL_LDFLAGS := -nostdlib -static -no-pie -Wl,-m,elf_x86_64,-z,max-page-size=0x1000,-z,noexecstack,--build-id=none \
	-T kernel/kernel.ld

# An object is named after the source it is compiled from (kernel/x.c or
# solutions/kernel/x.c), and every variant (SOLUTION=0/1, STUDENT_LABS) links
# from the one object directory: a variant compiles only what no other has.
KERNEL_OBJ_DIR := $(BUILD)/obj
KERNEL_OBJS := $(patsubst %,$(KERNEL_OBJ_DIR)/%.o,$(basename $(call src_for,$(KERNEL_SRCS))))
KERNEL_ELF := $(KBUILD)/hv.elf
KERNEL_ELF32 := $(KBUILD)/hv.elf32

$(KERNEL_OBJ_DIR)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KERNEL_OBJ_DIR)/%.o: %.S | deps
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

# The ELF64 keeps the debug information for gdb; QEMU's -kernel and tools/mkdisk get an ELF32 copy.
$(KERNEL_ELF): $(KERNEL_OBJS) kernel/kernel.ld
	@mkdir -p $(@D)
	$(CC) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

$(KERNEL_ELF32): $(KERNEL_ELF)
	objcopy -I elf64-x86-64 -O elf32-i386 --strip-debug $< $@

# New compiler flags must rebuild everything.
$(KERNEL_OBJS): kernel/kernel.mk

-include $(KERNEL_OBJS:.o=.d)
