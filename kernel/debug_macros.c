/*
 * Macro information for gdb (tools/gdb/hv.py). gdb knows a macro only where
 * the compilation unit defined or included it, so this file includes every
 * header whose constants the gdb helpers read (page-table bits, exit kinds,
 * AMD-V exit codes, vectors), and the helpers look them up at
 * debug_macros_scope.
 */
#include "kernel/svm/vmcb.h"
#include "kernel/vectors.h"
#include "kernel/vmexit.h"
#include "shadow/pool.h"
#include "shadow/pte.h"
#include "shadow/vtlb.h"

/** @brief Nothing: gdb's "info macros debug_macros_scope" lists the macros above. */
void debug_macros_scope(void);

void debug_macros_scope(void)
{
}
