/**
 * @file input_options.h
 * @brief The hypervisor options of console input: input= (how many bytes
 * each VM's COM1 receives, kernel/console.c) and until= (the text whose
 * appearance on a VM's console ends it as a success, kernel/vm.c).
 * kernel/input_options.c parses them; tools/hvrun writes both for make run's
 * INPUT= and UNTIL=.
 */
#ifndef KERNEL_INPUT_OPTIONS_H
#define KERNEL_INPUT_OPTIONS_H

#include "kernel/bootinfo.h"
#include "kernel/vm.h"

#define INPUT_UNTIL_MAX 64 /**< bytes of until='s text at most, once decoded */

/**
 * @brief Apply input= and until= of the command line in @p bi to the @p count
 * VMs in @p vms; false after printing why when either is malformed.
 *
 * input=E0,E1,...: one entry per VM from vm0, each a byte count (that many
 * bytes come on the VM's host serial port) or "tty" (input without end, a
 * terminal); VMs without an entry get no input. until=TEXT: TEXT with %XX
 * for a byte in hex (%20 a space, %25 a percent sign), since an option ends
 * at a space.
 */
bool input_configure(const struct bootinfo *bi, struct vm **vms, int count);

#endif
