/**
 * @file lab.h
 * @brief How a lab stub in the student hand-out says it is not written yet.
 */
#ifndef KERNEL_LAB_H
#define KERNEL_LAB_H

/**
 * @brief Print "lab N: not implemented: FUNCTION (FILE)" and end the run as a failure.
 *
 * In the kernel the run ends (never hangs); in host unit tests the test fails.
 */
void lab_not_implemented(int lab, const char *function, const char *file)
	__attribute__((noreturn));

/** @brief The body of a lab stub: names the lab, the function and its file. */
#define LAB_NOT_IMPLEMENTED(lab) lab_not_implemented(lab, __func__, __FILE__)

#endif
