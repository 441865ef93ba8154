/*
 * What a failed emulator test says first, and what it points at. The
 * hypervisor's stop line comes first when a VM was stopped (the differences
 * that follow from it are details), else a line of the hypervisor's that names
 * the cause (a given check, a stub), else the checks' own first words (the
 * first differing line); the hint is chosen from what failed: the
 * stop reason, the hypervisor's other lines, the runner's, and the first line
 * the guest printed differently, each mapped to the lab function that makes
 * it. The list's own hint stays only when none of them says anything known.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"

#define CONSOLE_MAX (1u << 20) /* read at most 1 MiB of a console */
#define STOP_WORDS " stopped at rip " /* kernel/vm.c vm_report: "hv: vmN stopped at rip R: REASON" */
#define HV_PREFIX "hv: "              /* the hypervisor's own lines on the console */
#define WORD_HERE "%s"                /* in a hint: the identifier after what was said */
#define STUB "not implemented: "      /* kernel/lab.c: "lab N: not implemented: F (FILE)" */
#define STAND_IN "): "                /* ... and, when a stand-in runs, ": what runs instead" */
#define STUB_HINT "%.*s is not written yet: write it as its lab's hand-out says (the console's next line names the hand-out)"

#define LAB1_DECODE "(labs/lab1-vmx-entry.md, \"4. Running and decoding\")"
#define LAB1_VMCS "(labs/lab1-vmx-entry.md, \"3. The VMCS\")"
#define LAB5 "(labs/lab5-two-guests.md)"
#define LAB7_DELIVER "(labs/lab7-virtual-interrupts.md, \"Delivering\")"

/* What a failed run says (the stop reason, a line of the hypervisor's or the
 * runner's, the grader's own verdict, a guest line that differs) and the lab
 * function it points at, most specific first. lab: only that lab's tests (0: any). */
static const struct {
	int lab;
	const char *said, *hint;
} pointers[] = {
	/* lab 1: named by the given checks around the student's code */
	{ 0, "lab 1: vmx_decode_exit", "vmx_decode_exit in kernel/vmx/run.c: the field the line above names " LAB1_DECODE },
	{ 0, "lab 1's vmx_decode_exit", "vmx_decode_exit in kernel/vmx/run.c: the exit the line above names " LAB1_DECODE },
	{ 0, "(lab 1: VM_EXIT_INTR_ERROR_CODE)", "vmx_decode_exit in kernel/vmx/run.c: an exception exit's error code is VM_EXIT_INTR_ERROR_CODE when VM_EXIT_INTR_INFO says it is valid " LAB1_DECODE },
	{ 0, "exit without an instruction length", "vmx_decode_exit in kernel/vmx/run.c: read VM_EXIT_INSTRUCTION_LEN " LAB1_DECODE },
	{ 0, ": unhandled exit ", "vmx_decode_exit in kernel/vmx/run.c: map the exit reason above to its kind " LAB1_DECODE },
	{ 0, "VM entry failed", "vmcs_setup in kernel/vmx/vmcs.c: the field the Bochs line names, SDM Vol3C 26.2 (VMfail: controls, host state) or 26.3 (failed entry: guest state); labs/lab1-vmx-entry.md, \"When VM entry fails\"" },
	{ 0, "VT-x: vmcs_setup", "vmcs_setup in kernel/vmx/vmcs.c: the control or host-state field named above " LAB1_VMCS },
	{ 0, "VT-x: after vmcs_setup", "vmcs_setup in kernel/vmx/vmcs.c: VMPTRLD its VMCS and record it in x->vmcs " LAB1_VMCS },
	{ 0, "VT-x: VMXON", "vmx_cpu_enable in kernel/vmx/vmxon.c (labs/lab1-vmx-entry.md, \"1. Entering VMX operation\")" },
	{ 0, "VT-x: disabled by the firmware", "vmx_cpu_enable in kernel/vmx/vmxon.c: IA32_FEATURE_CONTROL (labs/lab1-vmx-entry.md, \"1. Entering VMX operation\")" },
	/* labs 2, 3 and 6: the given shadow code's fences and checks */
	{ 0, "(check the frame test in gwalk and vtlb_fill)", "gwalk in shadow/walk.c (a frame at or past the end of RAM is a bad frame) and vtlb_fill in shadow/fill.c (labs/lab2-guest-page-walk.md)" },
	{ 0, "lab 6: after vtlb_cache_pt_written", "vtlb_cache_pt_written in shadow/cache.c: after a guest write to a page table that table is no longer write-protected (labs/lab6-shadow-caching.md)" },
	/* lab 7: a run stopped at its limit in Bochs, most often a guest exiting at every instruction */
	{ 7, "(stopped in ", "irq_deliver in kernel/irq_deliver.c: a window left open makes the guest exit at every instruction; irq_update wakes a parked VM; vlapic_ack takes the vector out of IRR, vlapic_eoi ends it " LAB7_DELIVER },
	/* a run stopped at its limit in Bochs (tools/hvrun) */
	{ 0, "(stopped in ", WORD_HERE ", where the emulator stopped the run: a loop that never ends, or a wait for an exit that never comes" },
	/* lab 3: a hang is most often a page fault filled again and again */
	{ 3, "the run hung", "vtlb_fill in shadow/fill.c: a fault it fills must not come back: the shadow entry allows the access that faulted, and the guest's A (and, for a write, D) bits are set (labs/lab3-vtlb-fill.md)" },
	/* lab 4: the grader's count of refills */
	{ 4, "correct, but imprecise", "vtlb_invlpg in shadow/invalidate.c: drop the page INVLPG names (every piece of a 4 MiB page) and nothing else; vtlb_mode_change only when a bit that changes translations changed (labs/lab4-invalidation.md)" },
	/* lab 5: one VM kept the CPU */
	{ 5, "the run's budget of ", "sched_slice_over in kernel/sched.c: end a slice on EXIT_PREEMPT, and once slice ticks have passed; sched_switch: start each slice (slice_start), or the others get one exit per turn " LAB5 },
	{ 5, "did not take turns", "sched_slice_over in kernel/sched.c: end a slice on EXIT_PREEMPT, and once slice ticks have passed; then sched_pick_next round-robin " LAB5 },
	/* lab 1: the first line crs.elf or events.elf prints differently */
	{ 1, "crs: cr2 ", "vmx_run in kernel/vmx/run.c: the guest's CR2 saved after each exit, restored before the next entry " LAB1_DECODE },
	{ 1, "crs: flags ", "vmx_run in kernel/vmx/run.c: GUEST_RFLAGS copied back into the vCPU after each exit " LAB1_DECODE },
	/* lab 1: events.elf's SMSW reads the CR0 read shadow */
	{ 1, "stored MSW ", "vmx_run in kernel/vmx/run.c: the CR0 and CR4 read shadows written before every entry (SMSW reads CR0's) " LAB1_DECODE },
};

/* A VM entry that fails after good ones: what vmcs_setup wrote was right, what
 * vmx_run writes back before each entry is not. */
#define LATER_ENTRY_FAILED "vmx_run in kernel/vmx/run.c: the entry failed after good ones: the guest state written back before every entry (RIP, RSP, RFLAGS, CR0, CR4, their read shadows); the Bochs line names the field " LAB1_DECODE
/* The same in a test of lab 7, whose labs 1 to 6 passed their own tests: an
 * injection VT-x refuses. SDM Vol3C 26.3.1.5 (Checks on Guest Non-Register State) */
#define LATER_ENTRY_FAILED_LAB7 "irq_decide in kernel/irq.c and irq_deliver in kernel/irq_deliver.c: VT-x refuses an entry that injects an external interrupt with RFLAGS.IF clear or in the STI or MOV SS shadow (SDM Vol3C 26.3.1.5) " LAB7_DELIVER

/* Whether the exits line of the VM that stop names ("hv: vmN exits: T total, ...,
 * entry-failed F") counts exits besides failed entries: it ran before an entry failed. */
static bool entered_before(const char *console, const char *stop)
{
	char needle[32];
	const char *exits, *failed;
	unsigned long total = 0, bad = 0;

	snprintf(needle, sizeof(needle), "%.*s exits: ", (int)strcspn(stop + strlen(HV_PREFIX), " ") +
		 (int)strlen(HV_PREFIX), stop); /* "hv: vmN exits: " */
	exits = strstr(console, needle);
	if (!exits || sscanf(exits + strlen(needle), "%lu total", &total) != 1)
		return false;
	failed = strstr(exits, "entry-failed ");
	if (failed && failed < exits + strcspn(exits, "\n"))
		sscanf(failed, "entry-failed %lu", &bad);
	return total > bad;
}

const char *line_start(const char *text, const char *p)
{
	while (p > text && p[-1] != '\n')
		p--;
	return p;
}

/* The console text test t expects (a stop it asks for), or NULL. */
static const char *expected_text(const struct test *t)
{
	if (t->kind == TEST_FAILS)
		return t->args[2];
	if (t->kind == TEST_PAIR && strcmp(t->args[3], "success") && strcmp(t->args[3], "interleaved"))
		return t->args[3];
	return NULL;
}

/* The hypervisor's first stop line in a console ("hv: vmN stopped at rip R: REASON")
 * that does not say what the test expects, or NULL. */
static const char *stop_line(const char *console, const char *expected)
{
	for (const char *p = console; p && (p = strstr(p, STOP_WORDS)) != NULL; p++) {
		const char *line = line_start(console, p), *end = p + strcspn(p, "\n");
		const char *said = expected ? strstr(line, expected) : NULL;

		if (!strncmp(line, HV_PREFIX "vm", strlen(HV_PREFIX "vm")) && !(said && said < end))
			return line;
	}
	return NULL;
}

/* Pointer i's hint for what was said at p, into hint (the identifier after it
 * where the hint has a place for it). */
static void hint_from(size_t i, const char *p, char *hint, size_t size)
{
	const char *word = p + strlen(pointers[i].said);
	size_t len = 0;

	while (isalnum((unsigned char)word[len]) || word[len] == '_')
		len++;
	if (strncmp(pointers[i].hint, WORD_HERE, strlen(WORD_HERE)))
		snprintf(hint, size, "%s", pointers[i].hint);
	else
		snprintf(hint, size, "%.*s%s", (int)len, word, pointers[i].hint + strlen(WORD_HERE));
}

/* Whether the stub's line at p ("not implemented: F (FILE)") goes on with what runs
 * instead (kernel/lab.c lab_fallback): then the run goes on, and it names no cause. */
static bool stand_in(const char *p)
{
	const char *more = strstr(p, STAND_IN);

	return more && more < p + strcspn(p, "\n");
}

/* The hypervisor's line about a lab function not written yet that is to blame, or
 * NULL: the first stub that stopped the run (it has no stand-in), else the first of
 * lab's own whose stand-in ran (the test checks what the stand-in does not do). */
static const char *stub_line(const char *console, int lab)
{
	const char *own = NULL;
	char mine[32];

	snprintf(mine, sizeof(mine), HV_PREFIX "lab %d: ", lab);
	for (const char *p = console; p && (p = strstr(p, STUB)) != NULL; p++) {
		const char *line = line_start(console, p);

		if (strncmp(line, HV_PREFIX, strlen(HV_PREFIX)))
			continue;
		if (!stand_in(p))
			return line;
		if (!own && !strncmp(line, mine, strlen(mine)))
			own = line;
	}
	return own;
}

/* The first pointer (of lab's, in the list's order) said in a line of text that
 * starts with prefix ("" for any line), as a hint, and that line in *line (when
 * line is not NULL); false if none is. */
static bool hint_in(const char *text, const char *prefix, int lab, char *hint, size_t size, const char **line)
{
	for (size_t i = 0; text && i < sizeof(pointers) / sizeof(pointers[0]); i++) {
		if (pointers[i].lab && pointers[i].lab != lab)
			continue;
		for (const char *p = text; (p = strstr(p, pointers[i].said)) != NULL; p++) {
			if (!strncmp(line_start(text, p), prefix, strlen(prefix))) {
				hint_from(i, p, hint, size);
				if (line)
					*line = line_start(text, p);
				return true;
			}
		}
	}
	return false;
}

/* A hypervisor's line said first: what the checks said first moves to the details. */
static void say_first(struct test *t, const char *line)
{
	char details[TEXT_MAX];

	snprintf(details, sizeof(details), "%s%s%s", t->happened, *t->happened ? "\n" : "", t->output);
	snprintf(t->output, sizeof(t->output), "%s", details);
	snprintf(t->happened, sizeof(t->happened), "%.*s", (int)strcspn(line, "\n"), line);
}

/* The hint for a failed run, into hint: a stub to blame (stub_line), whatever
 * followed (its line in *said); else from its stop line (already t->happened) if
 * any, else the hypervisor's other lines (the one that said it in *said), the
 * runner's, the checks' verdict (the first differing guest line); false if none of
 * them says anything known. */
static bool choose_hint(const struct test *t, const char *stop, const char *console, const char *runner,
			char *hint, size_t size, const char **said)
{
	const char *stub = stub_line(console, t->lab), *name = stub ? strstr(stub, STUB) + strlen(STUB) : NULL;

	if (stub) {
		snprintf(hint, size, STUB_HINT, (int)strcspn(name, " \n"), name);
		*said = stub;
		return true;
	}
	if (stop && strstr(t->happened, "VM entry failed") && entered_before(console, stop)) {
		snprintf(hint, size, "%s", t->lab == INTERRUPTS_LAB ? LATER_ENTRY_FAILED_LAB7 : LATER_ENTRY_FAILED);
		return true;
	}
	return (stop && hint_in(t->happened, "", t->lab, hint, size, NULL)) ||
	       hint_in(console, HV_PREFIX, t->lab, hint, size, said) ||
	       hint_in(runner, "", t->lab, hint, size, NULL) ||
	       hint_in(t->happened, "", t->lab, hint, size, NULL);
}

void explain_run(struct test *t, const char *dir)
{
	char path[600], *console, *runner;
	const char *stop, *said = NULL;
	char hint[sizeof(t->hint)];

	snprintf(path, sizeof(path), "%s/serial.txt", dir);
	console = file_read(path, CONSOLE_MAX);
	snprintf(path, sizeof(path), "%s.hvrun.txt", dir);
	runner = file_read(path, CONSOLE_MAX);
	stop = stop_line(console, expected_text(t));
	if (stop)
		say_first(t, stop);
	if (choose_hint(t, stop, console, runner, hint, sizeof(hint), &said))
		snprintf(t->hint, sizeof(t->hint), "%s", hint);
	if (!stop && said) /* no VM was stopped: the hypervisor's line that names the cause */
		say_first(t, said);
	free(console);
	free(runner);
}
