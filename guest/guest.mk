# Teaching guests (Multiboot v1, ELF32, freestanding) and the malformed
# images the loader tests use. Included by the top-level Makefile.

GUEST_CFLAGS := -m32 -march=i586 -std=gnu11 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-builtin -nostdlib -mno-sse -mno-mmx -mno-80387 \
	-fno-asynchronous-unwind-tables -O2 -g -Wall -Wextra -Werror \
	-I. -Iguest/lib -MMD -MP
GUEST_LDBASE := -m elf_i386 -nostdlib -z max-page-size=0x1000 -z noexecstack
GUEST_LDFLAGS := $(GUEST_LDBASE) -T guest/lib/guest.ld

GUEST_PROGRAMS := lab1 triple crs outside ports access os spin hostile spy events fuzz stale aspace aging pcports lastpage apics mptable echo legacy irqs badpc
GUEST_LIB_SRCS := guest/lib/crt0.S guest/lib/console.c guest/lib/format.c guest/lib/multiboot.c \
	guest/lib/string.c guest/lib/cpu.c guest/lib/trap.S guest/lib/kjmp.S guest/lib/ring3.S guest/lib/apic.c guest/lib/rtc.c
GUEST_LIB_OBJS := $(patsubst %,$(BUILD)/guest/obj/%.o,$(basename $(GUEST_LIB_SRCS)))
GUEST_ELFS := $(patsubst %,$(BUILD)/guest/%.elf,$(GUEST_PROGRAMS))

$(BUILD)/guest/obj/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/obj/%.o: %.S | deps
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

# A program is every .c and .S in guest/<name>/, plus the runtime. Each
# program is linked again when any program's object changes.
guest_objs = $(patsubst %,$(BUILD)/guest/obj/%.o,$(basename $(wildcard guest/$(1)/*.c guest/$(1)/*.S)))
GUEST_PROGRAM_OBJS := $(foreach p,$(GUEST_PROGRAMS),$(call guest_objs,$(p)))

$(BUILD)/guest/%.elf: $(GUEST_PROGRAM_OBJS) $(GUEST_LIB_OBJS) guest/lib/guest.ld
	$(LD) $(GUEST_LDFLAGS) -o $@ $(call guest_objs,$*) $(GUEST_LIB_OBJS)

# guest/os: a higher-half kernel with its own boot code (no crt0.S) and linker
# script, and the user program it loads: guest/os/user, linked on its own at
# 0x08048000 with the runtime's formatter, and embedded whole with .incbin.
OS_USER_OBJS := $(patsubst %,$(BUILD)/guest/obj/%.o,$(basename $(wildcard guest/os/user/*.c guest/os/user/*.S)))
OS_USER_ELF := $(BUILD)/guest/os/user.elf

$(OS_USER_ELF): $(OS_USER_OBJS) $(BUILD)/guest/obj/guest/lib/format.o $(BUILD)/guest/obj/guest/lib/string.o \
		guest/os/user/user.ld
	@mkdir -p $(@D)
	$(LD) $(GUEST_LDBASE) -T guest/os/user/user.ld -o $@ $(filter %.o,$^)

$(BUILD)/guest/obj/guest/os/user_image.o: guest/os/user_image.S $(OS_USER_ELF) | deps
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -DUSER_ELF='"$(OS_USER_ELF)"' -c $< -o $@

$(BUILD)/guest/os.elf: $(call guest_objs,os) $(filter-out %/crt0.o,$(GUEST_LIB_OBJS)) guest/os/kernel.ld
	$(LD) $(GUEST_LDBASE) -T guest/os/kernel.ld -o $@ $(filter %.o,$^)

GUEST_OBJS := $(GUEST_LIB_OBJS) $(OS_USER_OBJS) $(GUEST_PROGRAM_OBJS)

# Malformed images: each breaks one check of the guest loader (kernel/loader.c).
GUEST_BAD_NAMES := notelf elf64 nomultiboot badchecksum outside truncated badphdr lowmem entry
BAD_GUESTS := $(patsubst %,$(BUILD)/guest/bad/%.elf,$(GUEST_BAD_NAMES))
GUEST_MKBAD := $(BUILD)/tools/mkbad

$(GUEST_MKBAD): guest/malformed/mkbad.c | deps
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

$(BAD_GUESTS) &: $(GUEST_MKBAD) $(BUILD)/guest/lab1.elf
	@mkdir -p $(BUILD)/guest/bad
	$(GUEST_MKBAD) $(BUILD)/guest/lab1.elf $(BUILD)/guest/bad

.PHONY: guests bad-guests
## guests: build the teaching guests
guests: $(GUEST_ELFS)
## bad-guests: build the malformed guest images
bad-guests: $(BAD_GUESTS)

-include $(GUEST_OBJS:.o=.d)
