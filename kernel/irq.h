/**
 * @file irq.h
 * @brief Virtual interrupts: whether the interrupt a VM's controllers present
 * can be injected at the next entry, and doing it before every entry.
 *
 * The decision is one function over a narrow view of the CPU (irq_decide,
 * kernel/irq.c): everything it needs is in struct irq_view, so it can be
 * tested and taught on its own. irq_deliver() (kernel/irq_deliver.c) gathers that view from the VM's chips
 * (kernel/pc/platform.h) and its backend, and carries out the answer:
 * inject the vector now, or have the CPU exit as soon as the guest can take
 * it (an interrupt window), and inject it then.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include "kernel/lib.h"

struct vm;

#define IRQ_NO_VECTOR (-1) /**< irq_view.vector: the controllers present nothing */

/** @brief Bits of the interrupt shadow a backend reports (struct backend interrupt_shadow). */
enum irq_shadow {
	IRQ_SHADOW_STI = 1u << 0,    /**< blocking by STI: the instruction after STI runs first. SDM Vol3A 6.8.3 */
	IRQ_SHADOW_MOV_SS = 1u << 1, /**< blocking by MOV SS or POP SS: the instruction after it runs first */
};

/** @brief What the CPU and the controllers look like at one VM entry: all irq_decide() sees. */
struct irq_view {
	int vector;           /**< the vector the interrupt controllers present, or IRQ_NO_VECTOR */
	bool interrupt_flag;  /**< RFLAGS.IF: maskable interrupts enabled */
	bool sti_blocking;    /**< blocking by STI (SDM Vol3C 24.4.2, Table 24-3, bit 0) */
	bool mov_ss_blocking; /**< blocking by MOV SS (SDM Vol3C 24.4.2, Table 24-3, bit 1) */
	bool injecting;       /**< this entry already delivers another event (kernel/event.c) */
};

/** @brief What to do about the presented vector at this entry. */
enum irq_action {
	IRQ_NOTHING,     /**< nothing is presented: no injection, no window */
	IRQ_INJECT,      /**< inject the vector as an external interrupt at this entry */
	IRQ_OPEN_WINDOW, /**< the guest cannot take it now: exit as soon as it can, and decide again */
};

/**
 * @brief Decide about the vector @p v presents: inject it now when the guest
 * could take a real interrupt at this instruction boundary (IF set, no STI or
 * MOV SS shadow, no other event delivered by this entry), otherwise open an
 * interrupt window; nothing when no vector is presented.
 *
 * SDM Vol3A 6.8.3 (Masking Exceptions and Interrupts When Switching Stacks),
 * SDM Vol3C 24.4.2 (Guest Non-Register State), 24.8.3 (VM-Entry Controls for
 * Event Injection), 26.6.5 (Interrupt-Window Exiting);
 * APM Vol2 15.20 (Event Injection), 15.21 (Interrupt and Local APIC Support: V_IRQ, VINTR).
 */
enum irq_action irq_decide(const struct irq_view *v);

/**
 * @brief Before every entry of @p vm: fire its due timers, wake it from HLT
 * when its controllers present a vector, and inject that vector (and
 * acknowledge it to the controllers) or open or close the interrupt window,
 * as irq_decide() answers.
 */
void irq_deliver(struct vm *vm);

/** @brief Fire @p vm's due timers (pc_update); a VM parked in HLT wakes when a vector is then presented. */
void irq_update(struct vm *vm);

#endif
