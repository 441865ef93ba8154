/* Process 1: the job the kernel asked for (start.S passes it with the seed). */
#include "guest/os/syscall.h"
#include "jobs.h"
#include "ulib.h"

/* Each job's function, by its number (syscall.h: JOB_*). */
static int (*const jobs[])(uint32_t seed) = {
	[JOB_APPS] = apps_job,
	[JOB_SPIN] = spin_job,
	[JOB_FORKS] = forks_job,
};

int main(uint32_t seed, uint32_t job)
{
	if (job < sizeof(jobs) / sizeof(jobs[0]))
		return jobs[job](seed);
	uprintf("user: no job %u\n", job);
	return 1;
}
