# make gdb-demo: one scripted gdb session against the reference hypervisor in
# QEMU (AMD-V), running build/guest/os.elf seed=1. tools/gdb-demo starts QEMU,
# attaches gdb with tools/gdb/hv.py loaded, runs this file and checks the
# transcript. Four stops:
#   1. the first fault of the user program's entry page 0x08048000: a hidden
#      fault (the guest's tables allow the access; only the shadow lacks it)
#   2. the fill, stepped out of with finish
#   3. the first true fault: the guest's stack page is not mapped yet, so the
#      fault is reflected, and the guest OS maps the page (demand paging)
#   4. the guest's first INVLPG: the shadow is stale until it is handled
set pagination off
set confirm off

echo \n=== 1. A hidden fault: the user program's first instruction, page 0x08048000\n
break-guest-pf 0x08048000
continue
echo \n(gdb) vmexit\n
vmexit
echo \n(gdb) gwalk -u e->addr     # a user read, like the fault: the guest's tables allow it\n
gwalk -u e->addr
echo \n(gdb) vtlb                 # no shadow entry for 0x08048000 yet\n
vtlb
echo \n(gdb) guest-x-i vm->vcpu.rip 4\n
guest-x-i vm->vcpu.rip 4
delete

echo \n=== 2. The fill: stop in vtlb_fill, run until it returns\n
tbreak vtlb_fill
continue
finish
echo \n(gdb) vtlb                 # the new entry: user, read-only, accessed\n
vtlb
echo \n(gdb) gwalk 0x08048000     # vtlb_fill set A in the guest's PDE and PTE\n
gwalk 0x08048000

echo \n=== 3. A true fault: mmu_page_fault takes the VTLB_REFLECT case\n
python
# The breakpoint goes on the line after "case VTLB_REFLECT:", wherever it is.
with open("kernel/mmu.c") as source:
    line = next(n for n, text in enumerate(source, 1) if "case VTLB_REFLECT:" in text) + 1
gdb.Breakpoint("kernel/mmu.c:%d" % line)
end
continue
echo \n(gdb) vmexit\n
vmexit
echo \n(gdb) gwalk -w -u e->addr  # a user write, like the fault: the stack page is not mapped yet\n
gwalk -w -u e->addr
echo \n(gdb) print/x error_code   # the error code injected with the #PF\n
print/x error_code
set $true_fault = e->addr
delete
echo \n(gdb) break-guest-pf $true_fault; continue   # the guest OS maps the page and retries\n
break-guest-pf $true_fault
continue
echo \n(gdb) gwalk -w -u $true_fault  # now mapped: this fault is a hidden one\n
gwalk -w -u $true_fault
delete

echo \n=== 4. INVLPG: the shadow is stale until the exit is handled\n
break mmu_invlpg
continue
echo \n(gdb) vmexit\n
vmexit
echo \n(gdb) vtlb                 # the guest took write access away, the shadow still grants it\n
vtlb
finish
echo \n(gdb) vtlb                 # after vtlb_invlpg\n
vtlb
echo \n=== end of the demo\n
kill
