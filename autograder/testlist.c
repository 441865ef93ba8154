/*
 * The test list: one test per line, fields separated by '|':
 *
 *     LAB|NAME|POINTS|KIND|ARG...|HINT
 *
 * KIND is unit, same, fails, pair or precise (grade.h); '#' starts a comment.
 * A test of lab n runs with labs 1 to n only, so that a student's own tree
 * scores what the instructor's isolated grading does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"

static const char *const kind_names[] = {
	[TEST_UNIT] = "unit", [TEST_SAME] = "same", [TEST_FAILS] = "fails",
	[TEST_PAIR] = "pair", [TEST_PRECISE] = "precise",
};

/* Split line at '|' into at most max fields; returns how many. */
static int split(char *line, char **fields, int max)
{
	int n = 0;

	for (char *p = line; n < max; ) {
		fields[n++] = p;
		p = strchr(p, '|');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* Parse one line into t; false (with a message naming the place) if malformed. */
static bool parse(char *line, const char *path, int lineno, bool hidden, struct test *t)
{
	char *f[MAX_ARGS + 5];
	int n = split(line, f, MAX_ARGS + 5), k;

	memset(t, 0, sizeof(*t));
	if (n < 6) {
		fprintf(stderr, "grade: %s:%d: need LAB|NAME|POINTS|KIND|ARG...|HINT\n", path, lineno);
		return false;
	}
	t->lab = atoi(f[0]);
	t->points = atof(f[2]);
	for (k = 0; k < (int)(sizeof(kind_names) / sizeof(kind_names[0])); k++)
		if (!strcmp(f[3], kind_names[k]))
			break;
	if (t->lab < 1 || t->lab > NUM_LABS || t->points <= 0 || k == (int)(sizeof(kind_names) / sizeof(kind_names[0]))) {
		fprintf(stderr, "grade: %s:%d: bad lab '%s', points '%s' or kind '%s'\n", path, lineno,
			f[0], f[2], f[3]);
		return false;
	}
	t->kind = (enum test_kind)k;
	snprintf(t->name, sizeof(t->name), "%s", f[1]);
	snprintf(t->hint, sizeof(t->hint), "%s", f[n - 1]);
	t->hidden = hidden;
	for (int i = 4; i < n - 1; i++) {
		if (!strncmp(f[i], "needs=", 6)) {
			fprintf(stderr, "grade: %s:%d: %s: a test of lab %d may need labs 1 to %d only, so that a student's tree runs it\n",
				path, lineno, f[i], t->lab, t->lab);
			return false;
		}
		t->args[t->nargs++] = strdup(f[i]);
	}
	return true;
}

int testlist_read(const char *path, bool hidden, struct test *tests, int max, int count)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0, added = 0;

	if (!f) {
		fprintf(stderr, "grade: cannot read the test list %s\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (count + added == max || !parse(line, path, lineno, hidden, &tests[count + added])) {
			fclose(f);
			return -1;
		}
		added++;
	}
	fclose(f);
	return added;
}
