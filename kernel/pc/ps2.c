/*
 * The 8042 keyboard controller at 0x60 (data) and 0x64 (status, command),
 * with no keyboard data ever: 8042: IBM PC AT Technical Reference, keyboard
 * controller (status register, output buffer, commands).
 *
 * The status register reads as a controller the BIOS has tested and left
 * idle: output and input buffers empty (bits 0 and 1 clear), the system flag
 * set by the successful self-test (bit 2), the keyboard not inhibited (bit 4)
 * and no transmit, receive or parity error (bits 5-7). Bit 3 says whether
 * the last byte written went to the command port (0x64) or the data port
 * (0x60); it is set, as in QEMU after its BIOS.
 * A read of the data port with the output buffer empty returns the byte
 * it last held, which is the keyboard's acknowledge (0xFA) of the BIOS's
 * last keyboard command, as QEMU's BIOS (SeaBIOS, whose last is "enable",
 * 0xF4) leaves it; the read leaves the status as it was.
 * Commands (0x64) and data (0x60) written are not carried out: a keyboard,
 * its scan codes and its interrupt come later. They are dropped, which is
 * said once per VM.
 */
#include "kernel/console.h"
#include "kernel/pc/pc.h"
#include "kernel/vm.h"

#define PS2_STATUS_OUTPUT_FULL 0x01 /* bit 0: a byte waits in the output buffer */
#define PS2_STATUS_INPUT_FULL  0x02 /* bit 1: the controller has not taken the last byte written */
#define PS2_STATUS_SYSTEM      0x04 /* bit 2: system flag, set after a successful self-test */
#define PS2_STATUS_COMMAND     0x08 /* bit 3: the last byte written went to port 0x64 */
#define PS2_STATUS_NOT_INHIBIT 0x10 /* bit 4: keyboard not inhibited */
#define PS2_IDLE_STATUS        (PS2_STATUS_SYSTEM | PS2_STATUS_COMMAND | PS2_STATUS_NOT_INHIBIT)
#define PS2_BIOS_LAST_BYTE     0xFA /* the acknowledge of the BIOS's last keyboard command */

uint32_t ps2_read(struct vm *vm, uint16_t port, unsigned size)
{
	(void)vm;
	(void)size;
	return port == PS2_STATUS_PORT ? PS2_IDLE_STATUS : PS2_BIOS_LAST_BYTE;
}

void ps2_write(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	(void)size;
	if (vm->pc.ps2.warned)
		return;
	vm->pc.ps2.warned = true;
	hv_log("vm%d: 8042 %s %#x on port %#x ignored: the keyboard controller takes no commands or data yet (reported once)",
	       vm->id, port == PS2_STATUS_PORT ? "command" : "data byte", value, port);
}
