# The teaching hypervisor. `make help` lists the targets.
#
#   make run                 boot the demo (Bochs, VT-x)
#   make run GUEST="a.elf" GUEST_ARGS="seed=7" EMU=bochs
#   make run GUEST=build/guest/echo.elf INPUT=lines.txt     (the terminal is vm0's input without INPUT)
#   make run GUEST="a.elf b.elf" INPUT="in0.txt in1.txt" UNTIL='$$ '
#   make run GUEST=xv6.elf HV_ARGS=mem=256 INPUT=cmds.txt PROMPT='$$ ' UNTIL=...   (one line per prompt)
#   make test                the project's quick checks of itself (make test-all: all of them)
#   make SOLUTION=0 ...      build the student hand-out instead of the reference
#
# Every tool the build needs is a Debian package; tools/install-deps installs
# whatever is missing before anything is built.

.DEFAULT_GOAL := all
BUILD ?= build
# With a solutions/ directory (the instructor's tree) the reference is built
# by default; a student's tree has none and builds the hand-out.
SOLUTION ?= $(if $(wildcard solutions),1,0)
# The labs: a line for each file a student writes, "lab:file". The file's
# reference is solutions/<file>. make print-student-files lists them.
LABS := \
	1:kernel/vmx/vmxon.c \
	1:kernel/vmx/controls.c \
	1:kernel/vmx/vmcs.c \
	1:kernel/vmx/run.c \
	2:shadow/walk.c \
	3:shadow/fill.c \
	4:shadow/invalidate.c \
	5:kernel/sched.c \
	6:shadow/cache.c \
	7:kernel/irq.c \
	7:kernel/irq_deliver.c \
	7:kernel/pc/vlapic_priority.c
# LAB_FILES: every lab's files; lab_files(n ...): those of labs n ... ("1 3").
LAB_FILES := $(filter %.c %.S,$(subst :, ,$(LABS)))
lab_files = $(filter %.c %.S,$(subst :, ,$(filter $(addsuffix :%,$(1)),$(LABS))))

# The variant built. STUDENT_SRCS are the lab files compiled from the tree:
# all of them in the hand-out; with SOLUTION=1 those of STUDENT_LABS ("2": the
# grader's stage isolation, so one broken lab does not fail the others), none
# by default. SOLUTION_SRCS, the others, are compiled from solutions/<file>.
STUDENT_LABS ?=
STUDENT_SRCS := $(if $(filter 1,$(SOLUTION)),$(call lab_files,$(STUDENT_LABS)),$(LAB_FILES))
SOLUTION_SRCS := $(filter-out $(STUDENT_SRCS),$(LAB_FILES))
ifneq ($(SOLUTION_SRCS),)
ifeq ($(wildcard solutions),)
$(error SOLUTION=1 builds the reference, and this tree has no solutions/: a student's tree builds SOLUTION=0)
endif
endif
# src_for(path ...): where each path is compiled from: solutions/<path> for one of SOLUTION_SRCS.
src_for = $(foreach path,$(1),$(if $(filter $(path),$(SOLUTION_SRCS)),solutions/)$(path))

# build/solution, build/handout; STUDENT_LABS="1 3" builds build/solution-lab13.
EMPTY :=
SPACE := $(EMPTY) $(EMPTY)
VARIANT := $(if $(filter 1,$(SOLUTION)),solution,handout)$(if $(STUDENT_LABS),-lab$(subst $(SPACE),,$(STUDENT_LABS)))
KBUILD := $(BUILD)/$(VARIANT)

EMU ?= bochs
TIMEOUT ?= 60
# One gdb port per user, so that students sharing a machine do not collide.
GDB_PORT ?= $(shell echo $$((20000 + $$(id -u) % 10000)))
GUEST_ARGS ?=
# The hypervisor's own command line, e.g. HV_ARGS="slice=20000".
HV_ARGS ?=
# INPUT="F0 F1...": console input, file N for vm N's COM1; without it make run's
# terminal is vm0's input. UNTIL=TEXT: each VM ends as a success once its console
# has shown TEXT (for guests that never exit). PROMPT=TEXT: each INPUT file is fed
# one line each time its VM's console shows TEXT (a shell's prompt). tools/hvrun's
# --input, --until and --prompt.
INPUT ?=
UNTIL ?=
PROMPT ?=
# DETERMINISTIC=1: QEMU counts instructions, so a run replays exactly (Bochs always does).
DETERMINISTIC ?= 0
HVRUN_FLAGS := $(if $(filter 1,$(DETERMINISTIC)),--deterministic)
CC := gcc
LD := ld

# Keep every object file: none is an intermediate to delete after the build.
.SECONDARY:

include kernel/kernel.mk
include guest/guest.mk
include autograder/tests.mk

# The default demo is the patent's Fig. 1: two VMs, each an OS running two applications.
GUEST ?= $(BUILD)/guest/os.elf seed=1 $(BUILD)/guest/os.elf seed=2

.PHONY: all deps run show test test-all help clean qemu-gdb gdb gdb-demo bochs-debug docs bench grade classroom mutants fuzz \
	handout gradescope print-student-files

## all: the kernel of this variant (build/solution or build/handout) and the guests; the default
all: $(KERNEL_ELF) $(KERNEL_ELF32) $(GUEST_ELFS)

## deps: install the Debian packages the build needs (tools/install-deps); every build runs it first
deps:
	@tools/install-deps

## run: boot GUEST (default: two guest OSes, Fig. 1) under the hypervisor in EMU (bochs); the terminal, or INPUT="F0 F1", is the VMs' console input; UNTIL=TEXT ends each VM once it printed TEXT
run: all
	@tools/hvrun $(HVRUN_FLAGS) --emu $(EMU) --kernel $(KERNEL_ELF32) --timeout $(TIMEOUT) --hvargs "$(HV_ARGS)" \
		--out $(BUILD)/run --guest-list "$(GUEST)" --guest-args "$(GUEST_ARGS)" \
		$(if $(INPUT),--input "$(INPUT)",--terminal) $(if $(UNTIL),--until '$(subst ','\'',$(UNTIL))') \
		$(if $(PROMPT),--prompt '$(subst ','\'',$(PROMPT))')

## show: make run with the hypervisor option show, drawn as the patent's Fig. 1 and Fig. 6 in build/show/index.html
SHOW_DIR := $(BUILD)/show
# Unless HV_ARGS names snap=: each VM at its first page fault with paging on, and at its end (docs/show.md).
SHOW_SNAP_DEFAULT := snap=end,paging
show: all
	@rm -f $(SHOW_DIR)/index.html
	@tools/hvrun $(HVRUN_FLAGS) --quiet --emu $(EMU) --kernel $(KERNEL_ELF32) --timeout $(TIMEOUT) \
		--hvargs "show $(if $(findstring snap=,$(HV_ARGS)),,$(SHOW_SNAP_DEFAULT)) $(HV_ARGS)" \
		--out $(SHOW_DIR) --guest-list "$(GUEST)" --guest-args "$(GUEST_ARGS)"; \
	tools/show --out $(SHOW_DIR)/index.html $(SHOW_DIR)/serial.txt

## qemu-gdb: start GUEST under the hypervisor in QEMU, paused, with a gdb server on GDB_PORT
qemu-gdb: all
	@echo "qemu-gdb: QEMU waits for gdb on 127.0.0.1:$(GDB_PORT); in another terminal run: make gdb"
	@tools/hvrun $(HVRUN_FLAGS) --emu qemu --kernel $(KERNEL_ELF32) --timeout 3600 --gdb $(GDB_PORT) --hvargs "$(HV_ARGS)" \
		--out $(BUILD)/run --guest-list "$(GUEST)" --guest-args "$(GUEST_ARGS)"

## gdb: attach gdb to make qemu-gdb, with the hypervisor's and GUEST's symbols and the helpers of tools/gdb/hv.py
# No (y or n) question and no "--Type <RET> for more": either would take the
# commands a student types next as its answer.
gdb: all
	gdb -q -ex 'set confirm off' -ex 'set pagination off' \
		-ex 'set architecture i386:x86-64' -ex 'file $(KERNEL_ELF)' \
		$(foreach g,$(filter %.elf,$(GUEST)),-ex 'add-symbol-file $(g)') \
		-ex 'source tools/gdb/hv.py' \
		-ex 'target remote 127.0.0.1:$(GDB_PORT)'

## gdb-demo: the gdb sessions of docs/debugging.md, run and checked as written (QEMU, AMD-V)
gdb-demo:
	@tools/gdb-demo --out $(BUILD)/gdb-demo

## bochs-debug: GUEST under the hypervisor in Bochs (VT-x), in Bochs' own debugger with the kernel's symbols
bochs-debug: all
	@tools/bochs-debug --kernel $(KERNEL_ELF) --out $(BUILD)/bochs-debug --hvargs "$(HV_ARGS)" \
		--guest-list "$(GUEST)" --guest-args "$(GUEST_ARGS)" $(BOCHS_DEBUG_FLAGS)

## test: the quick suite (a few minutes): unit tests and emulator scenarios, then "N passed, N failed"
test: deps
	@tools/install-deps --test
	@tools/selftest

## test-all: the full suite (what CI runs): every scenario, broken tree, handout block and mutant sample
test-all: deps
	@tools/install-deps --test
	@tools/selftest --all

## bench: exits, hidden faults per page and exit costs of each guest, Bochs and QEMU
bench: all
	@HV=$(KERNEL_ELF32) tools/bench

## grade: score the tree lab by lab (LAB="n ..." those labs; TEST="lab1/NAME ..." those tests; ISOLATE=1 other labs from solutions/; HIDDEN=dir; SANDBOX=student,emu users, as root; INTRO=file heads results.json's output)
GRADE_DIR ?= $(BUILD)/grade
GRADER := $(BUILD)/tools/grade
GRADE_MODE = $(if $(filter 1,$(ISOLATE)),isolate,$(if $(filter 1,$(SOLUTION)),reference,student))
$(GRADER): $(wildcard autograder/*.c autograder/*.h) | deps
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-format-truncation -o $@ $(filter %.c,$^) -lcjson

grade: $(GRADER)
	@$(GRADER) --tree . --out $(GRADE_DIR) --mode $(GRADE_MODE) --lab "$(or $(LAB),0)" --test "$(TEST)" \
		--hidden "$(HIDDEN)" --seed $(or $(SEED),0) --sandbox "$(SANDBOX)" --intro "$(INTRO)"

## classroom: make grade (LAB="n ..."), then GitHub Classroom's result line appended to CLASSROOM_OUT (its $GITHUB_OUTPUT)
CLASSROOM_OUT ?= /dev/stdout
classroom: $(GRADER)
	-@$(MAKE) --no-print-directory grade
	@tools/classroom-result $(GRADE_DIR)/results.json >>"$(CLASSROOM_OUT)"

## mutants: grade every single-point mutant of the reference lab files (LAB=n: one lab); the mutation score per lab
mutants: all $(GRADER)
	@tools/mutants $(if $(LAB),--lab $(LAB))

## fuzz: guest/fuzz beside the guest OS on both backends, SEEDS=n seeds (default 8); a line per run
fuzz: deps
	@$(MAKE) --no-print-directory SOLUTION=1 all >/dev/null
	@tools/fuzz --seeds $(or $(SEEDS),8) --kernel $(BUILD)/solution/hv.elf32

## handout: the student tree (no solutions/) in build/package/handout/ and handout.tar.gz (LAB=n: Classroom grades lab n alone)
handout:
	@tools/package handout $(BUILD)/package "" "$(LAB)"

## gradescope: build/package/gradescope.zip, Gradescope's autograder for labs 1-5 (LAB=n: gradescope-labn.zip, lab n alone; HIDDEN=dir adds hidden tests)
gradescope:
	@tools/package gradescope $(BUILD)/package "$(HIDDEN)" "$(LAB)"

## print-student-files: the files students write, one lab's after another (LAB="n ...": those labs')
print-student-files:
	@echo $(if $(LAB),$(call lab_files,$(LAB)),$(LAB_FILES))

## docs: the Doxygen reference in build/docs/html (any warning is an error)
docs: deps
	DOXYGEN_OUT=$(BUILD)/docs doxygen docs/Doxyfile

## clean: remove build/, everything made
clean:
	rm -rf $(BUILD)

## help: this list: every target named by a word (the files under build/ are targets too, not listed)
help:
	@sed -n 's/^## //p' $(filter %Makefile %.mk,$(MAKEFILE_LIST))
