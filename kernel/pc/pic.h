/**
 * @file pic.h
 * @brief The PC's pair of 8259A programmable interrupt controllers: the
 * master at 0x20/0x21 takes ISA IRQ 0-7, the slave at 0xA0/0xA1 takes IRQ
 * 8-15 and drives the master's input 2 (cascade).
 *
 * 8259A: Intel 8259A datasheet (Programmable Interrupt Controller),
 * Functional Description, Programming the 8259A (Initialization Command
 * Words, Operation Command Words), Cascade Mode; the edge/level control
 * registers (ELCR) at 0x4D0/0x4D1 as the PC's chipsets add them
 * (ELCR: Intel 82371SB PIIX3 datasheet, ELCR1/ELCR2).
 */
#ifndef KERNEL_PC_PIC_H
#define KERNEL_PC_PIC_H

#include "kernel/lib.h"

struct vm;

#define PIC_MASTER_CMD   0x20  /**< master: ICW1, OCW2, OCW3 (OUT); IRR, ISR or poll word (IN) */
#define PIC_MASTER_DATA  0x21  /**< master: ICW2-ICW4, OCW1 (OUT); the mask (IN) */
#define PIC_SLAVE_CMD    0xA0  /**< slave: as PIC_MASTER_CMD */
#define PIC_SLAVE_DATA   0xA1  /**< slave: as PIC_MASTER_DATA */
#define PIC_ELCR_MASTER  0x4D0 /**< edge/level control of IRQ 0-7 (bit n: IRQ n level-triggered) */
#define PIC_ELCR_SLAVE   0x4D1 /**< edge/level control of IRQ 8-15 */
#define PIC_CASCADE_IR   2     /**< the master's input the slave's INT drives */
#define PIC_SPURIOUS_IR  7     /**< the IR an INTA with no request left names (IRQ 7, IRQ 15) */

/** @brief One 8259A. */
struct pic_chip {
	uint8_t irr;          /**< interrupt request register */
	uint8_t isr;          /**< in-service register */
	uint8_t imr;          /**< interrupt mask register (OCW1) */
	uint8_t lines;        /**< the level of each IR input now */
	uint8_t elcr;         /**< edge/level control: bit n, input n is level-triggered */
	uint8_t vector_base;  /**< ICW2's T7-T3: the vector of IR0 */
	uint8_t icw3;         /**< ICW3: master, the inputs with a slave; slave, its ID */
	uint8_t icw_next;     /**< the ICW the next data-port write is (2-4), 0 once initialised */
	uint8_t highest;      /**< the IR with the highest priority (0 until rotated) */
	bool need_icw4;       /**< ICW1's IC4: an ICW4 follows */
	bool single;          /**< ICW1's SNGL: no cascade */
	bool level_mode;      /**< ICW1's LTIM: every input level-triggered */
	bool auto_eoi;        /**< ICW4's AEOI */
	bool fully_nested;    /**< ICW4's SFNM: special fully nested mode */
	uint8_t icw4;         /**< ICW4 as written (buffered mode and M/S stored only) */
	bool rotate_on_aeoi;  /**< OCW2 "rotate in automatic EOI mode" set */
	bool special_mask;    /**< OCW3's special mask mode */
	bool read_isr;        /**< OCW3's RR/RIS: the command port reads ISR, not IRR */
	bool poll;            /**< OCW3's P: the next read is the poll word */
};

/** @brief The master and slave 8259A of one VM. */
struct pic {
	struct pic_chip chip[2]; /**< [0] the master, [1] the slave */
};

/** @brief The state PC firmware leaves: initialised, vectors 0x08 and 0x70, every IRQ masked but the cascade. */
void pic_reset(struct vm *vm);

/** @brief An IN of one byte from one of the PICs' ports (kernel/devices.c). */
uint32_t pic_read(struct vm *vm, uint16_t port, unsigned size);

/** @brief An OUT of the byte @p value to one of the PICs' ports (kernel/devices.c). */
void pic_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value);

/** @brief Drive ISA IRQ @p irq (0-15, but not the cascade's 2) of @p vm's PICs @p high or low. */
void pic_set_irq(struct vm *vm, unsigned irq, bool high);

/** @brief The vector the master's INT output asks the CPU for now, or PC_NO_VECTOR. Changes nothing. */
int pic_pending(const struct vm *vm);

/**
 * @brief The INTA cycle: the vector the PICs give the CPU, marking it in
 * service; with no request left, the spurious IR7 (or IR15) vector.
 */
uint8_t pic_ack(struct vm *vm);

#endif
