/*
 * The grader's report: a table on the terminal with what to look at for
 * each failure, results.json in Gradescope's schema (written with cJSON),
 * junit.xml for CI systems, and the closing line "N passed, N failed".
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"

/* Write text to f with XML's five special characters escaped. */
static void xml_text(FILE *f, const char *text)
{
	for (; *text; text++) {
		switch (*text) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if ((unsigned char)*text >= 0x20 || *text == '\n' || *text == '\t')
				fputc(*text, f);
		}
	}
}

/*
 * A failed test as the student reads it, in a new string: what happened (the
 * stop line, the first differing line, or the output's first line), what to
 * look at, where its logs are, then the rest of the output.
 */
static char *failure_text(const struct test *t)
{
	const char *first = t->happened, *rest = t->output;
	int first_len = (int)strlen(first);
	size_t size = sizeof(t->happened) + sizeof(t->output) + sizeof(t->hint) + sizeof(t->evidence) +
		      sizeof(t->log) + 128, n;
	char *out = malloc(size);

	if (!out)
		return NULL;
	if (!*first) { /* the output says it in its first line */
		first = t->output;
		first_len = (int)strcspn(first, "\n");
		rest = first + first_len + (first[first_len] == '\n');
	}
	n = (size_t)snprintf(out, size, "%.*s\nwhat to look at: %s\n", first_len, first, t->hint);
	if (t->evidence[0])
		n += (size_t)snprintf(out + n, size - n, "see: %s (all logs: %s*)\n", t->evidence, t->log);
	else if (t->log[0]) /* a test not run has none */
		n += (size_t)snprintf(out + n, size - n, "full log: %s*\n", t->log);
	snprintf(out + n, size - n, "%s%s", rest, *rest && rest[strlen(rest) - 1] != '\n' ? "\n" : "");
	return out;
}

static void write_junit(const char *path, const struct test *tests, int count, int failed)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "grade: cannot write %s\n", path);
		return;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"autograder\" tests=\"%d\" failures=\"%d\">\n",
		count, failed);
	for (int i = 0; i < count; i++) {
		fprintf(f, "  <testcase classname=\"lab%d\" name=\"", tests[i].lab);
		xml_text(f, tests[i].name);
		fprintf(f, "\" time=\"%.2f\">", tests[i].seconds);
		if (!tests[i].passed) {
			char *text = failure_text(&tests[i]);

			fprintf(f, "<failure message=\"%.1f of %.1f points\">", tests[i].score, tests[i].points);
			xml_text(f, text ? text : tests[i].output);
			fputs("</failure>", f);
			free(text);
		}
		fputs("</testcase>\n", f);
	}
	fputs("</testsuite>\n", f);
	fclose(f);
}

/* A test's output as results.json gives it: a failure as failure_text says it, with the
 * grade directory left out of every path in it ("DIR/logs/x" -> "logs/x"). */
static char *json_output(const struct grade_config *cfg, const struct test *t)
{
	size_t dlen = strlen(cfg->out);
	char *text = t->passed ? strdup(t->output) : failure_text(t), *o = text;

	for (const char *p = text; text && *p; ) {
		if (!strncmp(p, cfg->out, dlen) && p[dlen] == '/')
			p += dlen + 1;
		else
			*o++ = *p++;
	}
	if (text)
		*o = '\0';
	return text;
}

/* results.json's own output: the --intro file (what was taken from the submission), the
 * seed, each lab's points, where the logs the tests name are. */
static char *json_summary(const struct grade_config *cfg, const double *lab_score, const double *lab_max)
{
	char *intro = cfg->intro ? file_read(cfg->intro, TEXT_MAX) : NULL;
	size_t size = TEXT_MAX + 1024, n;
	char *out = malloc(size);

	if (!out)
		return NULL;
	n = (size_t)snprintf(out, size, "%s", intro ? intro : "");
	for (int lab = 1; lab <= NUM_LABS && n < size; lab++)
		if (lab_max[lab] > 0)
			n += (size_t)snprintf(out + n, size - n, "lab %d: %.1f of %.0f points\n", lab, lab_score[lab],
					      lab_max[lab]);
	if (n < size)
		snprintf(out + n, size - n,
			 "Seed %u: make grade SEED=%u runs the same guests. The logs the tests name (logs/...) "
			 "are in the grade directory, build/grade/ when you run make grade yourself.\n",
			 cfg->seed, cfg->seed);
	free(intro);
	return out;
}

static void write_json(const char *path, const struct grade_config *cfg, const struct test *tests, int count,
		       double total, double seconds, const double *lab_score, const double *lab_max)
{
	cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "tests");
	FILE *f;
	char *text, *output, name[128];

	cJSON_AddNumberToObject(root, "score", total);
	cJSON_AddNumberToObject(root, "execution_time", seconds);
	output = json_summary(cfg, lab_score, lab_max);
	cJSON_AddStringToObject(root, "output", output ? output : "");
	free(output);
	for (int i = 0; i < count; i++) {
		cJSON *t = cJSON_CreateObject();

		snprintf(name, sizeof(name), "lab%d/%s", tests[i].lab, tests[i].name);
		cJSON_AddStringToObject(t, "name", name);
		cJSON_AddNumberToObject(t, "score", tests[i].score);
		cJSON_AddNumberToObject(t, "max_score", tests[i].points);
		cJSON_AddStringToObject(t, "status", tests[i].passed ? "passed" : "failed");
		output = json_output(cfg, &tests[i]);
		cJSON_AddStringToObject(t, "output", output ? output : tests[i].output);
		free(output);
		cJSON_AddStringToObject(t, "visibility", tests[i].hidden ? "after_published" : "visible");
		cJSON_AddItemToArray(list, t);
	}
	text = cJSON_Print(root);
	f = fopen(path, "w");
	if (!f || !text || fputs(text, f) < 0)
		fprintf(stderr, "grade: cannot write %s\n", path);
	if (f)
		fclose(f);
	free(text);
	cJSON_Delete(root);
}

void report_write(const struct grade_config *cfg, struct test *tests, int count, double seconds)
{
	double total = 0, max = 0, lab_score[NUM_LABS + 1] = { 0 }, lab_max[NUM_LABS + 1] = { 0 };
	int failed = 0;
	char path[600];

	printf("\n%-4s %-40s %8s  %-6s %6s\n", "lab", "test", "points", "result", "time");
	for (int i = 0; i < count; i++) {
		const struct test *t = &tests[i];

		printf("%-4d %-40s %4.1f/%-3.0f  %-6s %5.1fs\n", t->lab, t->name, t->score, t->points,
		       t->passed ? "pass" : "FAIL", t->seconds);
		total += t->score;
		max += t->points;
		lab_score[t->lab] += t->score;
		lab_max[t->lab] += t->points;
		failed += !t->passed;
	}
	printf("\n");
	for (int lab = 1; lab <= NUM_LABS; lab++)
		if (lab_max[lab] > 0)
			printf("lab %d: %.1f of %.0f points\n", lab, lab_score[lab], lab_max[lab]);
	printf("total: %.1f of %.0f points (seed %u; repeat with SEED=%u)\n", total, max, cfg->seed, cfg->seed);
	for (int i = 0; i < count; i++) {
		const struct test *t = &tests[i];

		if (t->passed)
			continue;
		char *text = failure_text(t);

		printf("\n--- lab%d/%s: %.1f of %.1f points\n%s", t->lab, t->name, t->score, t->points,
		       text ? text : t->output);
		free(text);
	}
	snprintf(path, sizeof(path), "%s/results.json", cfg->out);
	write_json(path, cfg, tests, count, total, seconds, lab_score, lab_max);
	snprintf(path, sizeof(path), "%s/junit.xml", cfg->out);
	write_junit(path, tests, count, failed);
	printf("\nresults: %s/results.json, %s/junit.xml\n", cfg->out, cfg->out);
	printf("%d passed, %d failed\n", count - failed, failed);
}
