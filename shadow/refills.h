/*
 * The refill statistics, for shadow/ only: shadow/refills.c counts each new
 * shadow entry, and of those the refills, pages filled again since the last
 * invalidation that could have dropped them (vtlb_new_epoch() starts one).
 */
#ifndef SHADOW_REFILLS_H
#define SHADOW_REFILLS_H

#include "shadow/vtlb.h"

/* A shadow entry spte is installed where none was, for the page of gva: count it, and count it as a refill if it is one. */
void vtlb_count_new_entry(struct vtlb *v, uint32_t gva, uint32_t spte);

#endif
