# Criterion unit tests on the host. Included by the top-level Makefile.
#
# The pure parts of the hypervisor (the guest loader, the Multiboot info
# builder, the VMX control fitting, later the virtual TLB) are compiled for
# the host with -DHOST_TEST, against fake guest memory, each lab's file from
# where the kernel's comes (src_for): the binary of the hand-out tests the
# student's code, the one of SOLUTION=1 the reference.

# HIDDEN=dir (relative to the tree) adds the instructor's unit tests in dir/unit/.
UNIT_TEST_SRCS := $(wildcard autograder/tests/*.c) $(if $(HIDDEN),$(wildcard $(HIDDEN)/unit/*.c))
UNIT_CODE_SRCS := \
	kernel/loader.c \
	kernel/mbinfo.c \
	kernel/firmware/bios.c \
	kernel/firmware/mptable.c \
	kernel/pc/wiring.c \
	kernel/decode.c \
	kernel/modrm.c \
	kernel/complete.c \
	kernel/vmx/lab1check.c \
	kernel/event.c \
	kernel/irq.c \
	kernel/irq_deliver.c \
	kernel/vmx/controls.c \
	kernel/vmx/vmxon.c \
	kernel/sched.c \
	kernel/vclock.c \
	kernel/pc/vlapic.c \
	kernel/pc/vlapic_priority.c \
	kernel/pc/vecreg.c \
	kernel/pc/vioapic.c \
	kernel/pc/uart.c \
	kernel/pc/pic.c \
	kernel/pc/pit.c \
	kernel/pc/rtc.c \
	kernel/pc/platform.c \
	$(SHADOW_SRCS)
# An index past an array's end (a student's "<=" for "<") stops the test with the
# index and the array's type, instead of corrupting the field after the array.
UNIT_SANITIZE := -fsanitize=bounds -fno-sanitize-recover=bounds
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -DHOST_TEST -MMD -MP $(UNIT_SANITIZE)
# Objects named after their sources and shared by the variants, as the kernel's.
UNIT_OBJ_DIR := $(BUILD)/unit-obj
UNIT_OBJS := $(patsubst %.c,$(UNIT_OBJ_DIR)/%.o,$(UNIT_TEST_SRCS) $(call src_for,$(UNIT_CODE_SRCS)))
UNIT_BIN := $(KBUILD)/unit-tests

$(UNIT_OBJ_DIR)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -c $< -o $@

# The chips' calls of pc_set_irq reach pc_fixture.c's __wrap_pc_set_irq, which
# records each line's level and passes it on to platform.c's (__real_pc_set_irq).
UNIT_LDFLAGS := -Wl,--wrap=pc_set_irq

$(UNIT_BIN): $(UNIT_OBJS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_SANITIZE) $(UNIT_LDFLAGS) -o $@ $(UNIT_OBJS) -lcriterion

# LAB=n: only lab n's suites, as autograder/tests.list names them ("controls/*" -> controls).
UNIT_SUITES = $(shell awk -F'|' -v lab=$(LAB) '$$1 == lab && $$4 == "unit" { sub(/\/\*$$/, "", $$5); printf "%s%s", sep, $$5; sep = "|" }' autograder/tests.list)
UNIT_FILTER = $(if $(LAB),--filter '@($(UNIT_SUITES))/*')

.PHONY: unit-tests
## unit-tests: build and run the Criterion unit tests of this variant (LAB=n: lab n's only)
unit-tests: $(UNIT_BIN)
	$(UNIT_BIN) $(UNIT_FILTER)

-include $(UNIT_OBJS:.o=.d)
