# make test: GDB stops the hypervisor in its page-fault exit handler and
# reads the exit's fault address. The caller has loaded the kernel symbols
# and attached ("target remote"); the guest is guest/outside, which reads
# 0x2000000, beyond its 16 MiB of RAM.
set pagination off
set confirm off
break handle_page_fault
continue
printf "fault address %#lx, error code %#x, vm%d\n", e->addr, e->error_code, vm->id
kill
