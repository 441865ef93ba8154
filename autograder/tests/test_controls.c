/*
 * Lab 1: vmx_adjust_controls against capability MSR values read from Bochs'
 * corei7_skylake_x (the CPU model tools/hvrun gives Bochs) and against a bit-by-bit
 * model of SDM Vol3D A.3.1 written here independently.
 */
#include <criterion/criterion.h>

#include "kernel/vmx/vmx.h"

/* IA32_VMX_TRUE_* of Bochs' corei7_skylake_x */
#define SKX_TRUE_PINBASED  0x0000007f00000016ull
#define SKX_TRUE_PROCBASED 0xf7f9fffe04006172ull
#define SKX_EXIT           0x007fffff00036dffull
#define SKX_ENTRY          0x0000ffff000011ffull

static const uint64_t skylake_caps[] = { SKX_TRUE_PINBASED, SKX_TRUE_PROCBASED, SKX_EXIT,
					 SKX_ENTRY };

Test(controls, required_bits_are_added_when_nothing_is_wanted)
{
	uint32_t v = 0;

	cr_assert(vmx_adjust_controls(0, SKX_TRUE_PROCBASED, &v));
	cr_assert_eq(v, 0x04006172u, "got %#x", v);
}

Test(controls, wanted_allowed_bits_are_kept)
{
	uint32_t wanted = CPU_HLT_EXITING | CPU_INVLPG_EXITING | CPU_CR3_LOAD_EXITING |
			  CPU_CR3_STORE_EXITING | CPU_UNCOND_IO_EXITING, v = 0;

	cr_assert(vmx_adjust_controls(wanted, SKX_TRUE_PROCBASED, &v));
	cr_assert_eq(v, wanted | 0x04006172u, "got %#x", v);
}

Test(controls, wanted_bit_not_allowed_fails)
{
	uint32_t v;

	/* bit 0 of the primary controls is reserved: allowed-1 is 0 */
	cr_assert_not(vmx_adjust_controls(1u << 0, SKX_TRUE_PROCBASED, &v));
	/* pin-based bit 7 (posted interrupts) is not offered by this model */
	cr_assert_not(vmx_adjust_controls(1u << 7, SKX_TRUE_PINBASED, &v));
}

Test(controls, host_address_space_size_is_allowed_on_exit)
{
	uint32_t v = 0;

	cr_assert(vmx_adjust_controls(EXIT_HOST_ADDR_SPACE_SIZE, SKX_EXIT, &v));
	cr_assert(v & EXIT_HOST_ADDR_SPACE_SIZE);
	cr_assert_eq(v & 0x00036dffu, 0x00036dffu, "required exit controls missing: %#x", v);
}

/* Every single wanted bit of every control field, checked against the model:
 * success = no wanted bit disallowed; then result bit = (wanted or required) and allowed. */
Test(controls, every_bit_matches_the_sdm_model)
{
	for (size_t c = 0; c < sizeof(skylake_caps) / sizeof(skylake_caps[0]); c++) {
		uint64_t cap = skylake_caps[c];

		for (int bit = 0; bit < 32; bit++) {
			uint32_t wanted = 1u << bit, v = 0;
			bool allowed1 = (cap >> (32 + bit)) & 1;
			bool ok = vmx_adjust_controls(wanted, cap, &v);

			cr_assert_eq(ok, allowed1, "cap %#lx bit %d: returned %d", cap, bit, ok);
			if (!ok)
				continue; /* the result of a refusal is not specified */
			for (int b = 0; b < 32; b++) {
				bool required = (cap >> b) & 1, may = (cap >> (32 + b)) & 1;
				bool expect = ((b == bit) || required) && may;

				cr_assert_eq((v >> b) & 1, expect, "cap %#lx wanted bit %d: result bit %d", cap, bit, b);
			}
		}
	}
}
