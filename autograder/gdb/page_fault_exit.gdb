# make test: GDB stops the hypervisor in its page-fault exit handler and
# reads the exit's fault address. The caller has loaded the kernel symbols
# and attached ("target remote"); the guest is guest/outside, which reads
# 0x2000000, beyond its 16 MiB of RAM (earlier faults fill the identity
# shadow of its own pages, so the breakpoint waits for that address).
set pagination off
set confirm off
break mmu_page_fault if e->addr == 0x2000000
continue
printf "fault address %#lx, error code %#x, vm%d\n", e->addr, e->error_code, vm->id
kill
