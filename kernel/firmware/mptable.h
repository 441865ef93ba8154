/**
 * @file mptable.h
 * @brief The MP floating pointer and configuration table the hypervisor
 * writes into each VM's EBDA: one processor, an ISA bus, one IOAPIC, ISA
 * IRQ 0-15 and LINT0/LINT1.
 *
 * MP: Intel MultiProcessor Specification 1.4, 4.1 (MP Floating Pointer
 * Structure), 4.2 (MP Configuration Table Header), 4.3 (Base MP
 * Configuration Table Entries). The structures below are the spec's figures,
 * field for field.
 */
#ifndef KERNEL_FIRMWARE_MPTABLE_H
#define KERNEL_FIRMWARE_MPTABLE_H

#include "kernel/firmware/bios.h"
#include "kernel/pc/platform.h"

#define MPTABLE_POINTER_GPA (BIOS_EBDA_GPA + 16) /**< the floating pointer: in the EBDA's first KiB, after its size byte */
#define MPTABLE_CONFIG_GPA  (MPTABLE_POINTER_GPA + 16) /**< the configuration table, right after it */
#define MPTABLE_SPEC_REV    4    /**< version 1.4. MP 4.1, 4.2 */
#define MPTABLE_ISA_BUS     0    /**< the ISA bus's ID, the only bus */
#define MPTABLE_LINTS       2    /**< local interrupt entries: LINT0 and LINT1 */
#define MPTABLE_ALL_APICS   0xFF /**< a local interrupt's destination: every local APIC. MP 4.3.5 */

/** @brief Entry types, in the order the table holds them. MP 4.3, Table 4-3 */
enum mp_entry_type {
	MP_PROCESSOR,       /**< one per processor, 20 bytes */
	MP_BUS,             /**< one per bus, 8 bytes */
	MP_IOAPIC,          /**< one per IOAPIC, 8 bytes */
	MP_IO_INTERRUPT,    /**< a bus's interrupt on an IOAPIC pin, 8 bytes */
	MP_LOCAL_INTERRUPT, /**< a source on a local APIC's LINT pin, 8 bytes */
};

/** @brief Interrupt types. MP 4.3.4, Table 4-7 */
enum mp_interrupt_type {
	MP_INT,    /**< vectored: the APIC's redirection entry gives the vector */
	MP_NMI,    /**< a nonmaskable interrupt */
	MP_SMI,    /**< a system management interrupt */
	MP_EXTINT, /**< an 8259A-compatible controller supplies the vector */
};

#define MP_CPU_ENABLED    0x01 /**< processor entry flags: usable. MP 4.3.1 */
#define MP_CPU_BOOTSTRAP  0x02 /**< processor entry flags: the bootstrap processor */
#define MP_IOAPIC_ENABLED 0x01 /**< IOAPIC entry flags: usable. MP 4.3.3 */
#define MP_FLAGS_CONFORM  0x0000 /**< polarity and trigger as the bus's (ISA: high, edge). MP 4.3.4 */

/** @brief The floating pointer structure. MP 4.1, Figure 4-2 */
struct mp_floating_pointer {
	char signature[4];   /**< "_MP_" */
	uint32_t config;     /**< the configuration table's guest-physical address */
	uint8_t length;      /**< in 16-byte units: 1 */
	uint8_t spec_rev;    /**< MPTABLE_SPEC_REV */
	uint8_t checksum;    /**< makes the 16 bytes sum to 0 */
	uint8_t features[5]; /**< 1: 0, a table follows; 2 bit 7 (IMCRP): 0, virtual wire mode */
} __attribute__((packed));

/** @brief The configuration table header. MP 4.2, Figure 4-3 */
struct mp_config_header {
	char signature[4];       /**< "PCMP" */
	uint16_t length;         /**< the base table's bytes, this header included */
	uint8_t spec_rev;        /**< MPTABLE_SPEC_REV */
	uint8_t checksum;        /**< makes the base table's bytes sum to 0 */
	char oem[8];             /**< OEM ID, space-padded */
	char product[12];        /**< product ID, space-padded */
	uint32_t oem_table;      /**< 0: none */
	uint16_t oem_table_size; /**< 0 */
	uint16_t entries;        /**< entries in the base table */
	uint32_t lapic;          /**< the local APICs' address */
	uint16_t ext_length;     /**< 0: no extended table */
	uint8_t ext_checksum;    /**< 0 */
	uint8_t reserved;        /**< 0 */
} __attribute__((packed));

/** @brief A processor entry. MP 4.3.1, Figure 4-4 */
struct mp_processor {
	uint8_t type;           /**< MP_PROCESSOR */
	uint8_t lapic_id;       /**< its local APIC's ID */
	uint8_t lapic_version;  /**< its local APIC's version (bits 7:0 of the version register) */
	uint8_t flags;          /**< MP_CPU_ENABLED, MP_CPU_BOOTSTRAP */
	uint32_t signature;     /**< stepping, model, family: CPUID leaf 1's EAX */
	uint32_t features;      /**< CPUID leaf 1's EDX */
	uint32_t reserved[2];   /**< 0 */
} __attribute__((packed));

/** @brief A bus entry. MP 4.3.2, Figure 4-5 */
struct mp_bus {
	uint8_t type;        /**< MP_BUS */
	uint8_t id;          /**< the bus's ID */
	char bus_type[6];    /**< "ISA   " (Table 4-8) */
} __attribute__((packed));

/** @brief An IOAPIC entry. MP 4.3.3, Figure 4-6 */
struct mp_ioapic {
	uint8_t type;     /**< MP_IOAPIC */
	uint8_t id;       /**< its ID register's ID */
	uint8_t version;  /**< bits 7:0 of its version register */
	uint8_t flags;    /**< MP_IOAPIC_ENABLED */
	uint32_t address; /**< its registers' address */
} __attribute__((packed));

/** @brief An I/O or a local interrupt assignment entry. MP 4.3.4, Figure 4-7; 4.3.5, Figure 4-8 */
struct mp_interrupt {
	uint8_t type;     /**< MP_IO_INTERRUPT or MP_LOCAL_INTERRUPT */
	uint8_t int_type; /**< enum mp_interrupt_type */
	uint16_t flags;   /**< polarity (bits 1:0), trigger mode (bits 3:2): MP_FLAGS_CONFORM */
	uint8_t src_bus;  /**< the source bus's ID */
	uint8_t src_irq;  /**< the source bus's IRQ */
	uint8_t dst_apic; /**< the IOAPIC's ID, or a local APIC's (MPTABLE_ALL_APICS: all) */
	uint8_t dst_pin;  /**< the IOAPIC's pin (INTINn), or LINTn */
} __attribute__((packed));

/** @brief What the table says of the VM's processor and IOAPIC, as the hypervisor shows them to the guest. */
struct mptable_facts {
	uint8_t lapic_id;        /**< the local APIC's ID */
	uint8_t lapic_version;   /**< bits 7:0 of the local APIC's version register */
	uint32_t cpu_signature;  /**< CPUID leaf 1's EAX as the guest reads it */
	uint32_t cpu_features;   /**< CPUID leaf 1's EDX as the guest reads it */
	uint8_t ioapic_id;       /**< the IOAPIC's ID */
	uint8_t ioapic_version;  /**< bits 7:0 of the IOAPIC's version register */
	uint32_t lapic_address;  /**< the local APIC's registers */
	uint32_t ioapic_address; /**< the IOAPIC's registers */
};

/** @brief The configuration table's bytes: the header and every entry mptable_build() writes. */
#define MPTABLE_ISA_ENTRIES (PC_ISA_IRQS - 1) /**< I/O interrupt entries: every ISA IRQ but the cascade's (pc_ioapic_pin) */
#define MPTABLE_CONFIG_SIZE (sizeof(struct mp_config_header) + sizeof(struct mp_processor) + \
			     sizeof(struct mp_bus) + sizeof(struct mp_ioapic) + \
			     (MPTABLE_ISA_ENTRIES + MPTABLE_LINTS) * sizeof(struct mp_interrupt))

/**
 * @brief Write the floating pointer at MPTABLE_POINTER_GPA and the
 * configuration table at MPTABLE_CONFIG_GPA into @p ram (a VM's RAM from
 * guest-physical 0), saying @p facts. Each ISA IRQ goes to the IOAPIC pin
 * pc_ioapic_pin names, as kernel/pc/platform.c wires it.
 */
void mptable_build(uint8_t *ram, const struct mptable_facts *facts);

#endif
