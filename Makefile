# The teaching hypervisor. `make help` lists the targets.
#
#   make run                 boot the demo (Bochs, VT-x)
#   make run GUEST="a.elf" GUEST_ARGS="seed=7" EMU=bochs
#   make test                everything the project checks about itself
#   make SOLUTION=0 ...      build the student hand-out instead of the reference
#
# Every tool the build needs is a Debian package; tools/install-deps installs
# whatever is missing before anything is built.

.DEFAULT_GOAL := all
BUILD ?= build
# With a solutions/ directory (the instructor's tree) the reference is built
# by default; a student's tree has none and builds the hand-out.
SOLUTION ?= $(if $(wildcard solutions),1,0)
VARIANT := $(if $(filter 1,$(SOLUTION)),solution,handout)
KBUILD := $(BUILD)/$(VARIANT)

EMU ?= bochs
TIMEOUT ?= 60
# One gdb port per user, so that students sharing a machine do not collide.
GDB_PORT ?= $(shell echo $$((20000 + $$(id -u) % 10000)))
GUEST_ARGS ?=
# The hypervisor's own command line, e.g. HV_ARGS="slice=20000".
HV_ARGS ?=
# DETERMINISTIC=1: QEMU counts instructions, so a run replays exactly (Bochs always does).
DETERMINISTIC ?= 0
HVRUN_FLAGS := $(if $(filter 1,$(DETERMINISTIC)),--deterministic)
CC := gcc
LD := ld

# src_for(path): the reference file under solutions/ when SOLUTION=1 and it exists.
src_for = $(if $(and $(filter 1,$(SOLUTION)),$(wildcard solutions/$(1))),solutions/$(1),$(1))

# Prerequisites like $$(call src_for,...) are expanded per target.
.SECONDEXPANSION:
# Keep every object file: none is an intermediate to delete after the build.
.SECONDARY:

include kernel/kernel.mk
include guest/guest.mk
include autograder/tests.mk

# The default demo is the patent's Fig. 1: two VMs, each an OS running two applications.
GUEST ?= $(BUILD)/guest/os.elf seed=1 $(BUILD)/guest/os.elf seed=2

.PHONY: all deps run test help clean qemu-gdb gdb docs bench

all: $(KERNEL_ELF) $(KERNEL_ELF32) $(GUEST_ELFS)

deps:
	@tools/install-deps

## run: boot GUEST (default: two guest OSes, Fig. 1) under the hypervisor in EMU (bochs)
run: all
	@tools/hvrun $(HVRUN_FLAGS) --emu $(EMU) --kernel $(KERNEL_ELF32) --timeout $(TIMEOUT) --hvargs "$(HV_ARGS)" \
		--out $(BUILD)/run --guest-list "$(GUEST)" --guest-args "$(GUEST_ARGS)"

## qemu-gdb: start GUEST under the hypervisor in QEMU, paused, with a gdb server on GDB_PORT
qemu-gdb: all
	@echo "qemu-gdb: QEMU waits for gdb on 127.0.0.1:$(GDB_PORT); in another terminal run: make gdb"
	@tools/hvrun $(HVRUN_FLAGS) --emu qemu --kernel $(KERNEL_ELF32) --timeout 3600 --gdb $(GDB_PORT) --hvargs "$(HV_ARGS)" \
		--out $(BUILD)/run --guest-list "$(GUEST)" --guest-args "$(GUEST_ARGS)"

## gdb: attach gdb to make qemu-gdb, with the hypervisor's and GUEST's symbols
gdb: all
	gdb -q -ex 'set architecture i386:x86-64' -ex 'file $(KERNEL_ELF)' \
		$(foreach g,$(filter %.elf,$(GUEST)),-ex 'add-symbol-file $(g)') \
		-ex 'target remote 127.0.0.1:$(GDB_PORT)'

## test: unit tests and emulator scenarios, then "N passed, N failed"
test: deps
	@tools/selftest

## bench: exits, hidden faults per page and exit costs of each guest, Bochs and QEMU
bench: all
	@tools/bench

## docs: the Doxygen reference in build/docs/html (any warning is an error)
docs: deps
	DOXYGEN_OUT=$(BUILD)/docs doxygen docs/Doxyfile

clean:
	rm -rf $(BUILD)

help:
	@sed -n 's/^## //p' Makefile
