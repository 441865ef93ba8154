/*
 * Device memory through the virtual TLB (given code, shadow/fault.c and
 * shadow/device.c): an access the guest's tables allow and whose frame is a
 * device page is VTLB_DEVICE with its guest-physical address, sets the
 * guest's A (and D) bits, and leaves the shadow without the page; a
 * forbidden one is a true fault; a frame outside RAM and every device stops
 * the VM as before. With paging on these need lab 2's gwalk.
 */
#include <criterion/criterion.h>

#include "vtlb_fixture.h"

#define DEVICE    0xFEE00000u /* a device page, as the local APIC's */
#define DEVICE_4M 0xFEC00000u /* a 4 MiB-aligned device address, as the IOAPIC's */
#define GVA       0x00900000u /* where the guest maps DEVICE */
#define NOWHERE   0x20000000u /* neither RAM nor a device */

static uint32_t err, gpa;
static char why[200];

static void setup(void)
{
	fixture_setup(16);
	cr_assert(vtlb_add_device(&vt, DEVICE, PAGE_SIZE_4K));
	cr_assert(vtlb_add_device(&vt, DEVICE_4M, PAGE_SIZE_4K));
}

TestSuite(device, .init = setup, .fini = fixture_teardown);

static enum vtlb_result fault(const struct guest_mode *mode, uint32_t gva, uint32_t hw_error)
{
	err = 0xDEAD;
	gpa = 0xDEAD;
	why[0] = 0;
	return vtlb_page_fault(&vt, mode, gva, hw_error, &err, &gpa, why, sizeof(why));
}

Test(device, ranges_outside_ram_whole_pages_only)
{
	cr_assert_not(vtlb_add_device(&vt, RAM_SIZE - PAGE_SIZE_4K, PAGE_SIZE_4K), "overlaps RAM");
	cr_assert_not(vtlb_add_device(&vt, 0xFED00010u, PAGE_SIZE_4K), "unaligned base");
	cr_assert_not(vtlb_add_device(&vt, 0xFED00000u, 0x10), "part of a page");
	cr_assert_not(vtlb_add_device(&vt, 0xFFFFF000u, 2 * PAGE_SIZE_4K), "wraps past 4 GiB");
	cr_assert(vtlb_is_device(&vt, DEVICE + 0xFFC));
	cr_assert_not(vtlb_is_device(&vt, DEVICE + PAGE_SIZE_4K));
	cr_assert_not(vtlb_is_device(&vt, DEVICE - 4));
}

Test(device, paging_off_device_page_is_emulated_not_mapped)
{
	struct guest_mode off = { 0x11, 0, 0 };

	cr_assert_eq(fault(&off, DEVICE + 0x80, PFERR_W), VTLB_DEVICE, "%s", why);
	cr_assert_eq(gpa, DEVICE + 0x80);
	cr_assert_eq(vtlb_get_pte(&vt, DEVICE), 0);
	cr_assert_eq(vt.stats.hidden_faults, 0);
}

Test(device, paging_off_outside_ram_and_devices_stops_as_before)
{
	struct guest_mode off = { 0x11, 0, 0 };

	cr_assert_eq(fault(&off, NOWHERE, 0), VTLB_BAD);
	cr_assert_str_eq(why, "accessed guest-physical 0x20000000, outside its 8 MiB of RAM");
}

Test(device, paging_on_read_sets_accessed_and_maps_nothing)
{
	struct guest_mode mode = paged(CR0_WP, 0);

	map4k(GVA, DEVICE, PTE_P | PTE_RW, PTE_P | PTE_RW);
	cr_assert_eq(fault(&mode, GVA + 0x30, 0), VTLB_DEVICE, "%s", why);
	cr_assert_eq(gpa, DEVICE + 0x30);
	cr_assert_eq(vtlb_get_pte(&vt, GVA), 0, "a device page is never in the shadow");
	cr_assert_eq(*entry(PD_GPA + PDX(GVA) * 4) & (PTE_A | PTE_D), PTE_A);
	cr_assert_eq(*entry(PT_GPA + PTX(GVA) * 4) & (PTE_A | PTE_D), PTE_A, "a read leaves D clear");
	cr_assert_eq(vt.stats.hidden_faults + vt.stats.true_faults, 0);
}

Test(device, paging_on_write_sets_dirty)
{
	struct guest_mode mode = paged(CR0_WP, 0);

	map4k(GVA, DEVICE, PTE_P | PTE_RW, PTE_P | PTE_RW);
	cr_assert_eq(fault(&mode, GVA + 0x80, PFERR_W), VTLB_DEVICE, "%s", why);
	cr_assert_eq(gpa, DEVICE + 0x80);
	cr_assert_eq(*entry(PT_GPA + PTX(GVA) * 4) & (PTE_A | PTE_D), PTE_A | PTE_D);
}

Test(device, four_mib_page_reaches_its_device_page)
{
	struct guest_mode mode = paged(CR0_WP, CR4_PSE);

	map4m(0x00C00000u, DEVICE_4M, PTE_P | PTE_RW);
	cr_assert_eq(fault(&mode, 0x00C00010u, PFERR_W), VTLB_DEVICE, "%s", why);
	cr_assert_eq(gpa, DEVICE_4M + 0x10);
	cr_assert_eq(*entry(PD_GPA + PDX(0x00C00000u) * 4) & (PTE_A | PTE_D), PTE_A | PTE_D);
	/* the same 4 MiB page at 0xFEE00000 (DEVICE) and between, not a device: */
	cr_assert_eq(fault(&mode, 0x00E00004u, 0), VTLB_DEVICE, "%s", why);
	cr_assert_eq(gpa, DEVICE + 4);
	cr_assert_eq(fault(&mode, 0x00D00000u, 0), VTLB_BAD);
	cr_assert(strstr(why, "guest page frame at guest-physical 0xfed00000 is outside its RAM"), "%s", why);
}

Test(device, cga_text_memory_is_ram_the_shadow_maps)
{
	/* 0xB8000 is no device page: xv6's console writes it through its own tables
	 * (P2V(0xB8000)), and the fill maps the VM's RAM there (kernel/firmware/bios.h). */
	struct guest_mode mode = paged(CR0_WP, 0);

	cr_assert_not(vtlb_is_device(&vt, 0xB8000u));
	map4k(GVA, 0xB8000u, PTE_P | PTE_RW, PTE_P | PTE_RW);
	cr_assert_eq(fault(&mode, GVA + 0x10, PFERR_W), VTLB_FILLED, "%s", why);
	cr_assert_eq(vtlb_get_pte(&vt, GVA) & (PTE_FRAME | PTE_RW), vtlb_host_frame(&vt, 0xB8000u) | PTE_RW);
}

Test(device, user_access_to_supervisor_device_page_is_a_true_fault)
{
	struct guest_mode mode = paged(CR0_WP, 0);

	map4k(GVA, DEVICE, PTE_P | PTE_RW | PTE_US, PTE_P | PTE_RW);
	cr_assert_eq(fault(&mode, GVA + 0x20, PFERR_U), VTLB_REFLECT, "%s", why);
	cr_assert_eq(err, PFERR_P | PFERR_U);
	cr_assert_eq(*entry(PT_GPA + PTX(GVA) * 4) & PTE_A, 0, "a faulting access sets no A");
	cr_assert_eq(vt.stats.true_faults, 1);
}

Test(device, write_to_read_only_device_page_is_a_true_fault)
{
	struct guest_mode mode = paged(CR0_WP, 0);

	map4k(GVA, DEVICE, PTE_P | PTE_RW, PTE_P);
	cr_assert_eq(fault(&mode, GVA, PFERR_W), VTLB_REFLECT, "%s", why);
	cr_assert_eq(err, PFERR_P | PFERR_W);
}

Test(device, frame_outside_ram_and_devices_stops_with_the_same_words)
{
	struct guest_mode mode = paged(CR0_WP, 0);

	map4k(GVA, NOWHERE, PTE_P | PTE_RW, PTE_P | PTE_RW);
	cr_assert_eq(fault(&mode, GVA, 0), VTLB_BAD);
	cr_assert(strstr(why, "guest page frame at guest-physical 0x20000000 is outside its RAM (8 MiB, limit 0x800000): gva 0x900000, PDE "),
		  "%s", why);
}

Test(device, emulated_access_reaches_the_device_too)
{
	struct guest_mode mode = paged(CR0_WP, 0);

	map4k(GVA, DEVICE, PTE_P | PTE_RW, PTE_P | PTE_RW);
	cr_assert_eq(vtlb_access(&vt, &mode, GVA + 8, false, false, &gpa, &err, why, sizeof(why)), VTLB_DEVICE,
		     "%s", why);
	cr_assert_eq(gpa, DEVICE + 8);
}
