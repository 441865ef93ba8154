/* Running commands for the grader: output to a log, status back, as a given user. */
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grade.h"

/* In a child: become user (no supplementary groups), or say why not and exit 126. */
static void become(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw || setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0 ||
	    getuid() != pw->pw_uid) {
		fprintf(stderr, "grade: cannot run as the user %s (the grader must be root, and setup.sh creates it)\n",
			user);
		_exit(126);
	}
	setenv("HOME", "/", 1);
	setenv("USER", user, 1);
	umask(022);
}

int proc_run(const char *log, const char *user, char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644) : -1;

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		close(STDIN_FILENO);
		if (user)
			become(user);
		execvp(argv[0], argv);
		fprintf(stderr, "grade: cannot run %s\n", argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void proc_kill_user(const char *user)
{
	pid_t pid = fork();

	if (pid == 0) {
		become(user);
		kill(-1, SIGKILL); /* every process of user's but this one (kill(2)) */
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

char *file_read(const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}
