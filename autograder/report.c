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
			fprintf(f, "<failure message=\"%.1f of %.1f points\">", tests[i].score, tests[i].points);
			xml_text(f, tests[i].output);
			fputs("</failure>", f);
		}
		fputs("</testcase>\n", f);
	}
	fputs("</testsuite>\n", f);
	fclose(f);
}

static void write_json(const char *path, const struct test *tests, int count, double total,
		       double seconds)
{
	cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "tests");
	FILE *f;
	char *text, name[128];

	cJSON_AddNumberToObject(root, "score", total);
	cJSON_AddNumberToObject(root, "execution_time", seconds);
	for (int i = 0; i < count; i++) {
		cJSON *t = cJSON_CreateObject();

		snprintf(name, sizeof(name), "lab%d/%s", tests[i].lab, tests[i].name);
		cJSON_AddStringToObject(t, "name", name);
		cJSON_AddNumberToObject(t, "score", tests[i].score);
		cJSON_AddNumberToObject(t, "max_score", tests[i].points);
		cJSON_AddStringToObject(t, "status", tests[i].passed ? "passed" : "failed");
		cJSON_AddStringToObject(t, "output", tests[i].output);
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
		printf("\n--- lab%d/%s: %.1f of %.1f points\n%s", t->lab, t->name, t->score, t->points, t->output);
		if (t->evidence[0])
			printf("see: %s (all logs: %s*)\n", t->evidence, t->log);
		else if (t->log[0]) /* a test not run has none */
			printf("full log: %s*\n", t->log);
		printf("what to look at: %s\n", t->hint);
	}
	snprintf(path, sizeof(path), "%s/results.json", cfg->out);
	write_json(path, tests, count, total, seconds);
	snprintf(path, sizeof(path), "%s/junit.xml", cfg->out);
	write_junit(path, tests, count, failed);
	printf("\nresults: %s/results.json, %s/junit.xml\n", cfg->out, cfg->out);
	printf("%d passed, %d failed\n", count - failed, failed);
}
