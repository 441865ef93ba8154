/*
 * The jobs of the user program (syscall.h: JOB_*): process 1 runs one and exits with its result.
 */
#ifndef OS_USER_JOBS_H
#define OS_USER_JOBS_H

#include <stdint.h>

int apps_job(uint32_t seed);  /* app.c: JOB_APPS */
int spin_job(uint32_t seed);  /* spin.c: JOB_SPIN (the seed unused) */
int forks_job(uint32_t seed); /* forks.c: JOB_FORKS */

#endif
