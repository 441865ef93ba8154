/* Process 1: the job the kernel asked for (start.S passes it with the seed). */
#include "guest/os/syscall.h"
#include "jobs.h"
#include "ulib.h"

int main(uint32_t seed, uint32_t job)
{
	switch (job) {
	case JOB_APPS:
		return apps_job(seed);
	case JOB_SPIN:
		return spin_job();
	case JOB_FORKS:
		return forks_job(seed);
	}
	uprintf("user: no job %u\n", job);
	return 1;
}
