/*
 * The guest's I/O APIC: two memory-mapped registers, IOREGSEL and IOWIN,
 * reach the chip's own registers indirectly; 24 input pins send interrupt
 * messages to the local APIC as their redirection entries say.
 * 82093AA: Intel 82093AA I/O Advanced Programmable Interrupt Controller
 * (IOAPIC) datasheet, 3.1 (Memory Mapped Registers for Accessing IOAPIC
 * Registers), 3.2.1 (IOAPICID), 3.2.2 (IOAPICVER), 3.2.3 (IOAPICARB),
 * 3.2.4 (IOREDTBL[23:0]).
 *
 * There is one local APIC: a message reaches it or nobody. Fixed and
 * lowest-priority messages go to it when the destination names it
 * (vlapic_is_destination: physical with the xAPIC's 8-bit IDs, as QEMU's
 * IOAPIC, rather than the 82093AA's 4 bits); an SMI, NMI, INIT or ExtINT
 * entry, which the hypervisor does not deliver, stops the VM by name when
 * its pin fires. A message goes out when its pin fires, so delivery status
 * reads idle. Register numbers beyond the table (pins past 23) read 0 and
 * take no writes.
 */
#include "kernel/pc/vioapic.h"
#include "kernel/pc/vlapic.h"
#include "kernel/vm.h"

/* The memory-mapped registers. 82093AA: 3.1 */
#define MMIO_REGSEL     0x00
#define MMIO_WINDOW     0x10
#define MMIO_EOI        0x40 /* version 0x20 chips only (see VIOAPIC_VERSION) */

/* The registers IOREGSEL selects. 82093AA: 3.2 */
#define REG_ID          0x00
#define REG_VERSION     0x01
#define REG_ARBITRATION 0x02
#define REG_REDIR_FIRST 0x10 /* IOREDTBL[n]: low half at 0x10 + 2n, high half at 0x11 + 2n */
#define REG_REDIR_LAST  (REG_REDIR_FIRST + 2 * VIOAPIC_PINS - 1)

#define REGSEL_BITS     0x000000FFu /* the register address. 82093AA: 3.1 */
#define ID_BITS         0x0F000000u /* 82093AA: 3.2.1 */
/* Writable bits of a redirection entry: vector, delivery mode, destination mode,
 * polarity, trigger mode, mask (low half), destination (high half); delivery
 * status (bit 12) and remote IRR (bit 14) are the chip's; bits 55:17 are
 * reserved, keep nothing and read 0 (Bochs' IOAPIC and KVM's keep them: only a
 * guest that reads them back sees it). 82093AA: 3.2.4 (IOREDTBL) */
#define REDIR_LOW_BITS  0x0001AFFFu
#define REDIR_HIGH_BITS 0xFF000000u
#define REDIR_VECTOR    0x000000FFu
#define REDIR_MODE_SHIFT 8          /* delivery mode, bits 10:8 */
#define REDIR_MODE_BITS 0x7u
#define MODE_FIXED      0x0u
#define MODE_LOWEST     0x1u
#define REDIR_LOGICAL   0x00000800u /* destination mode: logical (else physical) */
#define REDIR_LOW_ACTIVE 0x00002000u /* polarity: the pin is asserted when low */
#define REDIR_REMOTE_IRR 0x00004000u /* read-only: a level-triggered interrupt is in service */
#define REDIR_LEVEL     0x00008000u /* trigger mode: level (else edge) */
#define REDIR_MASKED    0x00010000u
#define REDIR_DEST_SHIFT 56         /* destination, bits 63:56 */

/* The name of each delivery mode, for the message that stops the VM. 82093AA: 3.2.4 */
static const char *const mode_names[] = {
	"fixed", "lowest priority", "SMI", "reserved (011b)", "NMI", "INIT", "reserved (110b)", "ExtINT",
};

void vioapic_reset(struct vm *vm)
{
	struct vioapic *io = &vm->pc.ioapic;

	*io = (struct vioapic){ 0 };
	for (int pin = 0; pin < VIOAPIC_PINS; pin++)
		io->redirection[pin] = REDIR_MASKED;
}

/* Whether pin's input is asserted: its line at the level its polarity names. 82093AA: 3.2.4 */
static bool asserted(const struct vioapic *io, unsigned pin)
{
	bool high = (io->high >> pin) & 1;

	return (io->redirection[pin] & REDIR_LOW_ACTIVE) ? !high : high;
}

/* Send pin's interrupt message to the local APIC as its entry says; a level-triggered one
 * accepted sets remote IRR. 82093AA: 3.2.4 */
static void send(struct vm *vm, unsigned pin)
{
	struct vioapic *io = &vm->pc.ioapic;
	uint64_t entry = io->redirection[pin];
	uint32_t mode = (uint32_t)(entry >> REDIR_MODE_SHIFT) & REDIR_MODE_BITS;
	bool level = entry & REDIR_LEVEL;

	if (mode != MODE_FIXED && mode != MODE_LOWEST) {
		vm_stop(vm, "IOAPIC pin %u: delivery mode %s (redirection entry %#llx), which the hypervisor does not deliver",
			pin, mode_names[mode], (unsigned long long)entry);
		return;
	}
	if (!vlapic_is_destination(vm, (uint8_t)(entry >> REDIR_DEST_SHIFT), entry & REDIR_LOGICAL))
		return; /* addressed to a local APIC this machine does not have */
	if (vlapic_accept(vm, (uint8_t)(entry & REDIR_VECTOR), level) && level)
		io->remote_irr |= 1u << pin;
}

/* Send a level-triggered pin's interrupt if it is asserted, unmasked and not in service. */
static void resend_level(struct vm *vm, unsigned pin)
{
	struct vioapic *io = &vm->pc.ioapic;
	uint64_t entry = io->redirection[pin];

	if ((entry & REDIR_LEVEL) && !(entry & REDIR_MASKED) && asserted(io, pin) && !((io->remote_irr >> pin) & 1))
		send(vm, pin);
}

void vioapic_set_pin(struct vm *vm, unsigned pin, bool high)
{
	struct vioapic *io = &vm->pc.ioapic;
	bool was;

	if (pin >= VIOAPIC_PINS)
		return;
	was = asserted(io, pin);
	if (high)
		io->high |= 1u << pin;
	else
		io->high &= ~(1u << pin);
	if (io->redirection[pin] & REDIR_LEVEL)
		resend_level(vm, pin);
	else if (!was && asserted(io, pin) && !(io->redirection[pin] & REDIR_MASKED))
		send(vm, pin); /* edge: the rising edge only */
}

void vioapic_eoi(struct vm *vm, uint8_t vector)
{
	struct vioapic *io = &vm->pc.ioapic;

	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		if ((io->redirection[pin] & REDIR_VECTOR) != vector || !((io->remote_irr >> pin) & 1))
			continue;
		io->remote_irr &= ~(1u << pin);
		resend_level(vm, pin);
	}
}

/* Register reg of the redirection table is an entry's high half (else its low half). */
static bool is_high_half(uint32_t reg)
{
	return (reg - REG_REDIR_FIRST) % 2;
}

/* The register IOREGSEL selects; 0 for an unused register number. */
static uint32_t read_selected(const struct vioapic *io)
{
	uint32_t reg = io->regsel;

	if (reg >= REG_REDIR_FIRST && reg <= REG_REDIR_LAST) {
		unsigned pin = (reg - REG_REDIR_FIRST) / 2;
		uint64_t entry = io->redirection[pin];

		if (is_high_half(reg))
			return (uint32_t)(entry >> 32);
		return (uint32_t)entry | (((io->remote_irr >> pin) & 1) ? REDIR_REMOTE_IRR : 0);
	}
	switch (reg) {
	case REG_ID:
	case REG_ARBITRATION: /* the arbitration ID is loaded from the ID. 82093AA: 3.2.3 */
		return io->id;
	case REG_VERSION:
		return VIOAPIC_VERSION;
	default:
		return 0; /* no register there, pins beyond 23 included */
	}
}

/* Write a redirection entry's half; an unmasked level-triggered pin still asserted sends again.
 * An edge-triggered pin has no remote IRR. 82093AA: 3.2.4 */
static void write_redirection(struct vm *vm, uint32_t reg, uint32_t value)
{
	struct vioapic *io = &vm->pc.ioapic;
	unsigned pin = (reg - REG_REDIR_FIRST) / 2;
	uint64_t *entry = &io->redirection[pin];

	if (is_high_half(reg)) {
		*entry = (uint32_t)*entry | (uint64_t)(value & REDIR_HIGH_BITS) << 32;
		return;
	}
	*entry = (*entry & ~0xFFFFFFFFull) | (value & REDIR_LOW_BITS);
	if (!(value & REDIR_LEVEL))
		io->remote_irr &= ~(1u << pin);
	resend_level(vm, pin);
}

/* Write the register IOREGSEL selects; version, arbitration and unused numbers take nothing. */
static void write_selected(struct vm *vm, uint32_t value)
{
	struct vioapic *io = &vm->pc.ioapic;
	uint32_t reg = io->regsel;

	if (reg >= REG_REDIR_FIRST && reg <= REG_REDIR_LAST)
		write_redirection(vm, reg, value);
	else if (reg == REG_ID)
		io->id = value & ID_BITS;
}

bool vioapic_read(struct vm *vm, uint32_t offset, uint32_t *value)
{
	struct vioapic *io = &vm->pc.ioapic;

	switch (offset) {
	case MMIO_REGSEL:
		*value = io->regsel;
		return true;
	case MMIO_WINDOW:
		*value = read_selected(io);
		return true;
	default:
		return false;
	}
}

bool vioapic_write(struct vm *vm, uint32_t offset, uint32_t value)
{
	switch (offset) {
	case MMIO_REGSEL:
		vm->pc.ioapic.regsel = value & REGSEL_BITS;
		return true;
	case MMIO_WINDOW:
		write_selected(vm, value);
		return true;
	case MMIO_EOI:
		vioapic_eoi(vm, (uint8_t)value); /* the vector in bits 7:0 */
		return true;
	default:
		return false;
	}
}
