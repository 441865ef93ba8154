/*
 * Macro information for gdb (tools/gdb/hv.py). Link-time optimisation drops
 * the macro tables of the files it compiles (kernel/kernel.mk), so this file
 * is compiled without it: it includes the headers whose constants the gdb
 * helpers read (page-table bits, exit kinds, AMD-V exit codes, vectors), and
 * the helpers look them up at debug_macros_scope.
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
