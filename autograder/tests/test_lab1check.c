/*
 * VT-x's check of lab 1's INVLPG address (vmx_check_exit,
 * kernel/vmx/lab1check.c) against the instruction decoded at CS:RIP, on a VM
 * that never runs: the backend's segment bases and code size are fakes, the
 * guest's code is a byte array. The check blames lab 1 only for an address
 * the instruction does not name, in 16-bit code as in 32-bit code; where the
 * decoder cannot tell, it logs that and lets the exit go on. With the guest's
 * paging on it decodes nothing: the virtual TLB shows a wrong address there.
 */
#include <criterion/criterion.h>

#include "autograder/tests/fake_cpu.h"
#include "kernel/backend.h"
#include "kernel/complete.h"
#include "kernel/vmx/vmx.h"

#define CODE_BASE 0x7000 /* CS base: the guest's code array starts there */

static struct vm vm;
static uint8_t code[INSN_MAX_LEN];
static size_t code_len;
static size_t code_reads; /* calls of vm_read_code */
static bool code32;
static uint32_t bases[SEG_COUNT];

static uint32_t fake_segment_base(struct vcpu *v, int seg)
{
	(void)v;
	return bases[seg];
}

static bool fake_code32(struct vcpu *v)
{
	(void)v;
	return code32;
}

static const struct backend fake_backend = { .segment_base = fake_segment_base, .code32 = fake_code32 };

size_t vm_read_code(struct vm *v, uint64_t linear, uint8_t *buf, size_t n)
{
	size_t at = (size_t)(linear - CODE_BASE), got = 0;

	(void)v;
	code_reads++;
	for (; got < n && at + got < code_len; got++)
		buf[got] = code[at + got];
	return got;
}

bool mmu_access(struct vm *v, uint32_t linear, void *buf, size_t n, bool write)
{
	(void)v, (void)linear, (void)buf, (void)n, (void)write;
	cr_assert_fail("an INVLPG exit reads no operand");
	return false;
}

const char *exit_kind_name(enum exit_kind kind)
{
	return kind == EXIT_INVLPG ? "invlpg" : "other";
}

static void setup(void)
{
	fake_cpu_reset();
	memset(&vm, 0, sizeof(vm));
	memset(bases, 0, sizeof(bases));
	code_reads = 0;
	bases[SEG_CS] = CODE_BASE;
	active_backend = &fake_backend;
	code32 = true;
}

TestSuite(lab1check, .init = setup);

/* Check an INVLPG exit whose address lab 1 reported as addr, the guest's code being bytes. */
#define CHECK(bytes, addr) check((const uint8_t *)(bytes), sizeof(bytes) - 1, addr)

static bool check(const uint8_t *bytes, size_t n, uint32_t addr)
{
	struct vm_exit e = { .kind = EXIT_INVLPG, .addr = addr, .insn_len = (int)n };

	memcpy(code, bytes, n);
	code_len = n;
	return vmx_check_exit(&vm, &e);
}

Test(lab1check, invlpg_bx_in_16_bit_code_is_lab_1s_right_address)
{
	code32 = false;
	vm.vcpu.gpr[GPR_RBX] = 0x00385fa0; /* BX 0x5fa0 */
	cr_assert(CHECK("\x0f\x01\x3f", 0x5fa0)); /* invlpg [bx] */
	cr_assert_neq(vm.state, VM_STOPPED, "%s", vm.stop_reason);
	cr_assert_eq(cpu.messages, 0, "%s", cpu.last_message);
}

Test(lab1check, a_wrong_address_is_lab_1s)
{
	code32 = false;
	vm.vcpu.gpr[GPR_RBX] = 0x00385fa0;
	cr_assert_not(CHECK("\x0f\x01\x3f", 0x385fa0)); /* the 32-bit reading of BX */
	cr_assert_eq(vm.state, VM_STOPPED);
	cr_assert(strstr(vm.stop_reason, "lab 1: vmx_decode_exit reported INVLPG address 0x385fa0"), "%s",
		  vm.stop_reason);
	cr_assert(strstr(vm.stop_reason, "names 0x5fa0"), "%s", vm.stop_reason);
}

Test(lab1check, segment_base_and_address_size_prefix)
{
	bases[SEG_FS] = 0x10000;
	vm.vcpu.gpr[GPR_RBX] = 0x00382000;
	cr_assert(CHECK("\x64\x67\x0f\x01\x3f", 0x12000)); /* invlpg fs:[bx] */
	cr_assert_neq(vm.state, VM_STOPPED, "%s", vm.stop_reason);
	cr_assert(CHECK("\xf3\x0f\x01\x3b", 0x382000)); /* rep invlpg (%ebx) */
	cr_assert_neq(vm.state, VM_STOPPED, "%s", vm.stop_reason);
}

Test(lab1check, unreadable_bytes_are_logged_once_not_blamed)
{
	cr_assert(check(code, 0, 0x1000));
	cr_assert_neq(vm.state, VM_STOPPED, "%s", vm.stop_reason);
	cr_assert_eq(cpu.messages, 1);
	cr_assert(strstr(cpu.last_message, "vm0: INVLPG at rip 0: lab 1's address 0x1000 not checked"), "%s",
		  cpu.last_message);
	cr_assert(strstr(cpu.last_message, "past the readable bytes"), "%s", cpu.last_message);
	cr_assert(CHECK("\x0f\x01", 0x1000));
	cr_assert_eq(cpu.messages, 1, "reported twice: %s", cpu.last_message);
}

Test(lab1check, refused_or_other_bytes_are_logged_not_blamed)
{
	cr_assert(CHECK("\xf0\x0f\x01\x38", 0x1000)); /* lock invlpg: #UD, never an INVLPG exit */
	cr_assert_neq(vm.state, VM_STOPPED, "%s", vm.stop_reason);
	cr_assert(strstr(cpu.last_message, "LOCK prefix on INVLPG"), "%s", cpu.last_message);
	vm.warned_unchecked = false;
	cr_assert(CHECK("\x0f\xa2", 0x1000)); /* cpuid: the bytes changed since the exit */
	cr_assert_neq(vm.state, VM_STOPPED, "%s", vm.stop_reason);
	cr_assert(strstr(cpu.last_message, "not INVLPG"), "%s", cpu.last_message);
}

Test(lab1check, paging_on_decodes_nothing)
{
	vm.vcpu.cr0 = CR0_PE | CR0_PG;
	vm.vcpu.gpr[GPR_RBX] = 0x00385fa0;
	cr_assert(CHECK("\x0f\x01\x3b", 0x1000)); /* invlpg (%ebx): lab 1 is not checked */
	cr_assert_neq(vm.state, VM_STOPPED, "%s", vm.stop_reason);
	cr_assert_eq(code_reads, 0, "the guest's bytes were read with paging on");
	cr_assert_eq(cpu.messages, 0, "%s", cpu.last_message);
}
