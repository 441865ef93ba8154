/**
 * @file lab.h
 * @brief How a lab stub in the student hand-out says it is not written yet.
 */
#ifndef KERNEL_LAB_H
#define KERNEL_LAB_H

#include <stdbool.h>

/**
 * @brief Print "lab N: not implemented: FUNCTION (FILE)" and end the run as a failure.
 *
 * In the kernel the run ends (never hangs); in host unit tests the test fails.
 */
void lab_not_implemented(int lab, const char *function, const char *file)
	__attribute__((noreturn));

/** @brief The body of a lab stub: names the lab, the function and its file. */
#define LAB_NOT_IMPLEMENTED(lab) lab_not_implemented(lab, __func__, __FILE__)

/**
 * @brief Say once that a lab function is missing and what runs instead.
 *
 * For stubs that can stand in with something correct but slow (lab 4 flushes
 * the whole virtual TLB), so that earlier labs stay runnable. In the kernel
 * it prints "lab N: not implemented: FUNCTION (FILE): INSTEAD" and returns;
 * in host unit tests the test fails with that message.
 */
void lab_fallback(int lab, const char *function, const char *file, const char *instead);

/** @brief Report a fallback stub the first time it runs. */
#define LAB_FALLBACK(lab, instead)                                          \
	do {                                                                \
		static bool reported_;                                      \
		if (!reported_) {                                           \
			reported_ = true;                                   \
			lab_fallback(lab, __func__, __FILE__, instead);     \
		}                                                           \
	} while (0)

#endif
