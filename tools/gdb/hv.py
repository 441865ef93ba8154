# gdb helpers for the teaching hypervisor (make gdb sources this file).
#
#   vmexit [VM]             the exit being handled (or the VM's last #VMEXIT)
#   gwalk [-w] [-u] GVA [VM]  the guest's own page walk of GVA, from its CR3
#   vtlb [VM]               the VM's shadow entries, stale ones marked
#   break-guest-pf [GVA]    stop in mmu_page_fault for one guest page (or any)
#   guest-x-i GVA [N [VM]]  N guest instructions at GVA, decoded as 32-bit code
#   vintr [VM]              the VM's interrupts: pending, in service, what blocks them
#
# VM is an index into the kernel's vms[]; by default the vm in scope (a frame's
# `vm`, or the VM owning a frame's `struct vtlb *v`), else vm 0.
#
# Everything is read from the hypervisor's own symbols and types: struct
# layouts from DWARF, bit values from the macros of shadow/pte.h (the kernel is
# built with -g3 so that gdb has them). Guest RAM is host memory at vm->ram,
# and the host is identity-mapped, so the helpers read guest tables with plain
# memory reads while the CPU is stopped in the hypervisor.
#
# The style follows Linux's scripts/gdb: one gdb.Command class per command,
# the docstring is the command's help, gdb.GdbError for user errors.

import re
import struct
import subprocess
import tempfile

import gdb

# ---- the C program's constants ----

# Where the macros are visible: gdb knows a macro only at a source location
# whose compilation unit defined or included it. Each scope is a plain function
# of the kernel whose file includes the headers named after it; a macro is read
# at the first scope that knows it.
SCOPES = (
    "vtlb_page_fault",  # shadow/pte.h, shadow/vtlb.h (and kernel/x86.h through pte.h)
    "vtlb_init",        # shadow/pool.h (NO_PT)
    "dispatch_exit",    # kernel/vmexit.h, kernel/vectors.h
    "svm_decode_exit",  # kernel/svm/vmcb.h (SVM_EXIT_*, V_IRQ, INTERRUPT_SHADOW, SVM_EVENT_*)
    "vlapic_reset",     # kernel/pc/vlapic.h, kernel/pc/vecreg.h, and kernel/pc/vlapic.c's own LVT fields
    "pic_reset",        # kernel/pc/pic.h (PIC_CASCADE_IR)
)

_macro_tables = {}
_macro_values = {}


def macro_table(scope):
    """{name: body} of the object-like macros gdb sees at linespec SCOPE ({} if none)."""
    if scope not in _macro_tables:
        try:
            text = gdb.execute("info macros %s" % scope, to_string=True)
        except gdb.error:
            text = ""  # no such function in this kernel
        _macro_tables[scope] = dict(re.findall(r"^#define ([A-Za-z_]\w*) (.*)$", text, re.M))
    return _macro_tables[scope]


def scope_of(name):
    """The first of SCOPES where gdb knows macro NAME."""
    for scope in SCOPES:
        if name in macro_table(scope):
            return scope
    raise gdb.GdbError(
        "hv.py: gdb does not know the macro %s in %s: the kernel was built without "
        "macro information; rebuild it with -g3 (kernel/kernel.mk): make clean all"
        % (name, ", ".join(SCOPES)))


def const(name):
    """The value of macro NAME (e.g. PTE_P) as the C code that includes its header sees it."""
    if name not in _macro_values:
        table = macro_table(scope_of(name))
        # Expand the macros the body names, then let gdb's C parser evaluate it.
        body = re.sub(r"\b[A-Za-z_]\w*\b",
                      lambda m: "(%d)" % const(m.group(0)) if m.group(0) in table
                      else m.group(0), table[name])
        _macro_values[name] = int(eval_c(body))
    return _macro_values[name]


def known(*names):
    """The first of NAMES that is a macro of the kernel (one spelling, old or new)."""
    for name in names:
        if any(name in macro_table(scope) for scope in SCOPES):
            return name
    return scope_of(names[0])  # raises: none is known


def eval_c(expression):
    """gdb.parse_and_eval in C, whatever language the selected frame has."""
    language = gdb.parameter("language")
    gdb.execute("set language c", to_string=True)
    try:
        return gdb.parse_and_eval(expression)
    finally:
        gdb.execute("set language %s" % language, to_string=True)


def flag_names(value, names):
    """The macro names in NAMES whose bits are set in VALUE, joined by '|'."""
    set_bits = [short_name(n) for n in names if value & const(n)]
    return "|".join(set_bits) or "-"


def short_name(macro):
    """PTE_RW -> RW, SPTE_GLOBAL -> GLOBAL, CR0_WP_BIT -> WP, PFERR_U -> U."""
    return re.sub(r"^(S?PTE|PFERR|CR\d)_|_BIT$", "", macro)


# Bits 9-11 are the software's own: SPTE_* in shadow entries, anything in the guest's.
GUEST_FLAGS = ("PTE_P", "PTE_RW", "PTE_US", "PTE_PWT", "PTE_PCD", "PTE_A", "PTE_D", "PTE_PS", "PTE_G")
SHADOW_FLAGS = GUEST_FLAGS + ("SPTE_GLOBAL", "SPTE_LARGE")


def cr_bit(name):
    """The macro of control-register bit NAME (e.g. CR0_PG): kernel/x86.h's name, or
    shadow/pte.h's CR0_PG_BIT of the kernels before the two vocabularies became one."""
    return known(name, name + "_BIT")


def cr0_flags():
    return (cr_bit("CR0_PG"), cr_bit("CR0_WP"))


def cr4_flags():
    return (cr_bit("CR4_PSE"), cr_bit("CR4_PGE"))


def entry_size():
    """Bytes in a 32-bit paging entry (uint32_t)."""
    return gdb.lookup_type("uint32_t").sizeof


def u32(value):
    """VALUE cut to uint32_t, as the C code's (uint32_t) casts do."""
    return value & ((1 << (8 * entry_size())) - 1)


def page_size():
    return const("PAGE_SIZE_4K")


def page_of(address):
    return address & const("PTE_FRAME")


def pdx(gva):
    """Page-directory index of GVA (shadow/pte.h PDX)."""
    return gva // (const("ENTRIES") * page_size())


def ptx(gva):
    """Page-table index of GVA (shadow/pte.h PTX)."""
    return (gva // page_size()) % const("ENTRIES")


def parse_int(arg, what):
    try:
        return int(eval_c(arg))
    except gdb.error as err:
        raise gdb.GdbError("%s: cannot evaluate '%s': %s" % (what, arg, err))


# ---- the VMs ----

def vms_array():
    """The kernel's static `struct vm vms[VM_MAX]` (kernel/vm.c)."""
    sym = gdb.lookup_static_symbol("vms")
    if sym is None:
        raise gdb.GdbError("hv.py: no symbol vms: load the hypervisor's symbols (file build/solution/hv.elf)")
    return sym.value()


def vm_count():
    low, high = vms_array().type.range()
    return high - low + 1


def vm_by_id(vm_id):
    if not 0 <= vm_id < vm_count():
        raise gdb.GdbError("no vm %d: vms[] has %d slots" % (vm_id, vm_count()))
    vm = vms_array()[vm_id]
    if int(vm["ram"]) == 0:
        raise gdb.GdbError("vm %d was never created (vms[%d].ram is NULL)" % (vm_id, vm_id))
    return vm


def frames_outward():
    """The selected frame and every frame that called it."""
    try:
        frame = gdb.selected_frame()
    except gdb.error:
        return
    while frame is not None:
        yield frame
        frame = frame.older()


def read_var(frame, name):
    """Variable NAME in FRAME, or None when it is not there (or optimized out)."""
    try:
        value = frame.read_var(name)
    except (ValueError, RuntimeError, gdb.error):
        return None
    return None if value.is_optimized_out else value


def points_to(value, tag):
    """VALUE is a pointer to `struct TAG`."""
    t = value.type.strip_typedefs()
    return t.code == gdb.TYPE_CODE_PTR and t.target().strip_typedefs().unqualified().tag == tag


def vm_of_frame(frame):
    """The struct vm a frame works on: its `vm`, or the owner of its `struct vtlb *v`."""
    vm = read_var(frame, "vm")
    if vm is not None and points_to(vm, "vm") and int(vm) != 0:
        return vm.dereference()
    v = read_var(frame, "v")
    if v is not None and points_to(v, "vtlb"):
        for i in range(vm_count()):
            if int(vms_array()[i]["vtlb"].address) == int(v):
                return vms_array()[i]
    return None


def vm_from_arg(arg):
    """The VM named by ARG, else the vm in scope, else vm 0."""
    if arg:
        return vm_by_id(parse_int(arg, "VM"))
    for frame in frames_outward():
        vm = vm_of_frame(frame)
        if vm is not None:
            return vm
    return vm_by_id(0)


def require_host_context():
    """Guest RAM is readable through host pointers only while the CPU runs the hypervisor."""
    try:
        pc = int(gdb.selected_frame().pc())
    except gdb.error:
        raise gdb.GdbError("no target to read: start make qemu-gdb and attach (make gdb)")
    start = int(eval_c("(unsigned long)&__kernel_start"))
    end = int(eval_c("(unsigned long)&__kernel_end"))
    if not start <= pc < end:
        raise gdb.GdbError(
            "the CPU is not in the hypervisor (pc %#x): host memory is not mapped now. "
            "Stop in the hypervisor first, e.g. break-guest-pf or break mmu_page_fault" % pc)


def read_bytes(address, length):
    return bytes(gdb.selected_inferior().read_memory(address, length))


# ---- the guest page walk (the same rules as shadow/walk.c) ----

class Walk:
    """What the guest's tables say about one access: status 'ok', 'fault' or 'bad'."""

    def __init__(self):
        self.status = "ok"
        self.paging = True
        self.large = False
        self.pde_gpa = self.pde = self.pte_gpa = self.pte = None
        self.gpa = self.error_code = self.bad = self.bad_gpa = None
        self.user = self.writable = self.global_page = False


class Guest:
    """One VM's guest memory and paging state, read from its struct vm."""

    def __init__(self, vm):
        self.vm = vm
        self.id = int(vm["id"])
        self.ram = int(vm["ram"])
        self.ram_size = int(vm["ram_size"])
        self.hpa = int(vm["vtlb"]["mem"]["hpa"])
        vcpu = vm["vcpu"]
        self.cr0, self.cr3, self.cr4 = (u32(int(vcpu[r])) for r in ("cr0", "cr3", "cr4"))  # mmu_mode()

    def entry(self, gpa):
        """The guest's 32-bit entry at GPA, or None when outside RAM (guest_entry)."""
        size = entry_size()
        if gpa % size or gpa > self.ram_size - size:
            return None
        return struct.unpack("<I", read_bytes(self.ram + gpa, size))[0]

    def paging_on(self):
        return bool(self.cr0 & const(cr_bit("CR0_PG")))

    def walk(self, gva, write=False, user=False):
        """Walk the guest's tables for an access to GVA, like gwalk() in shadow/walk.c."""
        w = Walk()
        if not self.paging_on():
            w.paging, w.gpa, w.user, w.writable = False, gva, True, True
            return self.check_frame(w)
        w.pde_gpa = page_of(self.cr3) + pdx(gva) * entry_size()
        w.pde = self.entry(w.pde_gpa)
        if w.pde is None:
            return self.outside(w, "page directory", w.pde_gpa)
        if not w.pde & const("PTE_P"):
            return self.fault(w, False, write, user)
        if w.pde & const("PTE_PS") and self.cr4 & const(cr_bit("CR4_PSE")):
            w.large, leaf = True, w.pde  # leaf: the entry that maps the page
            w.user = bool(w.pde & const("PTE_US"))
            w.writable = bool(w.pde & const("PTE_RW"))
            w.gpa = (w.pde & const("PDE_FRAME_4M")) | (gva & (const("PAGE_SIZE_4M") - 1))
        else:
            w.pte_gpa = page_of(w.pde) + ptx(gva) * entry_size()
            w.pte = self.entry(w.pte_gpa)
            if w.pte is None:
                return self.outside(w, "page table", w.pte_gpa)
            if not w.pte & const("PTE_P"):
                return self.fault(w, False, write, user)
            leaf = w.pte
            w.user = bool(w.pde & w.pte & const("PTE_US"))
            w.writable = bool(w.pde & w.pte & const("PTE_RW"))
            w.gpa = page_of(w.pte) | (gva & (page_size() - 1))
        w.global_page = bool(leaf & const("PTE_G") and self.cr4 & const(cr_bit("CR4_PGE")))
        # SDM Vol3A 4.6.1: user needs U/S everywhere; writes need R/W, but
        # supervisor writes only with CR0.WP.
        if user and not w.user:
            return self.fault(w, True, write, user)
        if write and not w.writable and (user or self.cr0 & const(cr_bit("CR0_WP"))):
            return self.fault(w, True, write, user)
        return self.check_frame(w)

    def check_frame(self, w):
        if w.gpa >= self.ram_size:
            return self.outside(w, "page frame", page_of(w.gpa))
        return w

    @staticmethod
    def fault(w, present, write, user):
        w.status = "fault"
        w.error_code = ((const("PFERR_P") if present else 0) | (const("PFERR_W") if write else 0)
                        | (const("PFERR_U") if user else 0))
        return w

    @staticmethod
    def outside(w, what, gpa):
        w.status, w.bad, w.bad_gpa = "bad", what, gpa
        return w

    def translate(self, gva):
        """Host address of guest-virtual GVA for a supervisor read, or GdbError saying why not."""
        w = self.walk(gva)
        if w.status == "fault":
            raise gdb.GdbError("vm%d: %#x is not mapped: a supervisor read faults with error code %s"
                               % (self.id, gva, describe_error(w.error_code)))
        if w.status == "bad":
            raise gdb.GdbError("vm%d: %#x: guest %s at gpa %#x is outside its RAM"
                               % (self.id, gva, w.bad, w.bad_gpa))
        return self.ram + w.gpa

    def shadow_entry(self, gva):
        """The virtual TLB's entry for GVA (vtlb_get_pte), 0 when there is none."""
        v = self.vm["vtlb"]
        i = int(v["roots"][int(v["cur"])]["pt_of_pdx"][pdx(gva)])
        if i == const("NO_PT"):
            return 0
        address = int(v["pool"]) + i * page_size() + ptx(gva) * entry_size()
        return struct.unpack("<I", read_bytes(address, entry_size()))[0]


def describe_error(code):
    """A #PF error code with its bit names: '0x6 (W|U: not present, write, user)'."""
    names = flag_names(code, ("PFERR_P", "PFERR_W", "PFERR_U"))
    return "%#x (%s%s, %s, %s)" % (
        code, names + ": " if code else "",
        "protection" if code & const("PFERR_P") else "not present",
        "write" if code & const("PFERR_W") else "read",
        "user" if code & const("PFERR_U") else "supervisor")


def describe_entry(value, names=GUEST_FLAGS):
    return "%#010x %s" % (value, flag_names(value, names))


def describe_mode(g):
    return "CR0 %#x (%s), CR3 %#x, CR4 %#x (%s)" % (
        g.cr0, flag_names(g.cr0, cr0_flags()), g.cr3, g.cr4, flag_names(g.cr4, cr4_flags()))


def describe_rights(w):
    return "%s, %s%s%s" % ("user" if w.user else "supervisor",
                           "writable" if w.writable else "read-only",
                           ", 4 MiB page" if w.large else "", ", global" if w.global_page else "")


# ---- the exit ----

def exit_in_scope(vm=None):
    """(struct vm_exit, the frame's vm) of the exit being handled, or (None, None).

    A `struct vm_exit *e` in the selected frame or a caller (mmu_page_fault,
    dispatch_exit, ...), or run_slice's own `e` when run_slice is selected.
    With VM given, only an exit of that VM counts.
    """
    frames = list(frames_outward())
    for n, frame in enumerate(frames):
        e = read_var(frame, "e")
        if e is None:
            continue
        if points_to(e, "vm_exit"):
            e = e.dereference()
        elif not (n == 0 and e.type.strip_typedefs().tag == "vm_exit"):
            continue
        owner = next((v for v in map(vm_of_frame, frames[n:]) if v is not None), None)
        if vm is None or (owner is not None and int(owner.address) == int(vm.address)):
            return e, owner
    return None, None


def gpr_name(index):
    """enum gpr index -> 'rax' (kernel/vcpu.h)."""
    for field in gdb.lookup_type("enum gpr").fields():
        if field.enumval == index:
            return field.name.replace("GPR_", "").lower()
    return "gpr %d" % index


def format_exit(e, vm, origin):
    """Lines describing exit E of VM (kind, rip, and the fields of its kind)."""
    kind = str(e["kind"])
    vcpu = vm["vcpu"]
    lines = ["vm%d exit (%s): %s, raw %#x" % (int(vm["id"]), origin, kind, int(e["raw"])),
             "  guest rip   %#x" % int(vcpu["rip"])]
    unknown = const("EXIT_UNKNOWN")
    if kind in ("EXIT_PAGE_FAULT", "EXIT_EXCEPTION"):
        if kind == "EXIT_EXCEPTION":
            lines.append("  vector      %d" % int(e["vector"]))
        else:
            lines.append("  address     %#x" % int(e["addr"]))
        lines.append("  error code  %s" % describe_error(int(e["error_code"])))
    elif kind == "EXIT_INVLPG":
        lines.append("  address     %#x%s" % (int(e["addr"]), " (not decoded yet)"
                                              if int(e["insn_len"]) == unknown else ""))
    elif kind in ("EXIT_CR_READ", "EXIT_CR_WRITE"):
        cr, gpr = int(e["cr"]), int(e["gpr"])
        now = "the guest's view now %#x" % int(vcpu["cr%d" % cr]) if cr in (0, 2, 3, 4) else ""
        if gpr == unknown:
            reg = "register not decoded yet (dispatch_exit decodes it)"
        elif kind == "EXIT_CR_WRITE":
            reg = "from %s = %#x" % (gpr_name(gpr), int(vcpu["gpr"][gpr]))
        else:
            reg = "into %s" % gpr_name(gpr)
        lines.append("  cr%d %s, %s; %s" % (cr, "write" if kind == "EXIT_CR_WRITE" else "read",
                                            reg, now))
    elif kind == "EXIT_IO":
        size = int(e["size"])
        line = "  port %#x, size %d, %s" % (int(e["port"]), size, "in" if bool(e["in"]) else "out")
        if not bool(e["in"]):
            rax = int(vcpu["gpr"][int(eval_c("GPR_RAX"))])
            line += ", value %#x" % (rax & ((1 << (8 * size)) - 1))
        lines.append(line)
    elif kind in ("EXIT_ENTRY_FAILED", "EXIT_UNHANDLED") and int(e["detail"]) != 0:
        lines.append("  detail      %s" % e["detail"].string())
    return lines


def svm_last_exit(vm):
    """Lines describing the #VMEXIT recorded in VM's VMCB (AMD-V), or None on VT-x."""
    if int(eval_c("(unsigned long)active_backend")) != int(eval_c("(unsigned long)&svm_backend")):
        return None
    s = vm["vcpu"]["backend"].cast(gdb.lookup_type("struct svm_vcpu").pointer())
    control = s["vmcb"]["control"]
    code = u32(int(control["exitcode"]))  # as svm_decode_exit reads it
    table = {const(n): n for n in macro_table(scope_of("SVM_EXIT_EXCP_BASE")) if n.startswith("SVM_EXIT_")}
    if const("SVM_EXIT_EXCP_BASE") <= code <= const("SVM_EXIT_EXCP_LAST"):
        vector = code - const("SVM_EXIT_EXCP_BASE")
        name = "exception %d%s" % (vector, " (#PF: exitinfo1 is the error code, exitinfo2 the address)"
                                   if vector == const("VEC_PAGE_FAULT") else "")
    else:
        name = table.get(code, "see APM Vol2 Appendix C")
    return ["vm%d: no struct vm_exit in scope; its VMCB records the last #VMEXIT:" % int(vm["id"]),
            "  exitcode    %#x (%s)" % (code, name),
            "  exitinfo1   %#x" % int(control["exitinfo1"]),
            "  exitinfo2   %#x" % int(control["exitinfo2"]),
            "  guest rip   %#x" % int(vm["vcpu"]["rip"])]


class VmExit(gdb.Command):
    """Show the VM exit being handled: vmexit [VM]

Stopped in a function with a `struct vm_exit *e` in scope (mmu_page_fault,
dispatch_exit, cr_access, devices_io, ...), or in one called by it: the exit's
kind, the guest RIP and the fields of its kind: fault address and error code
by bit names (P/W/U) for a #PF, CR number, register and value for a CR access,
port, size and direction for I/O.

Elsewhere there is no struct vm_exit (run_slice keeps it on its stack only
while it handles one); on AMD-V the VM's VMCB still records its last #VMEXIT
(exitcode, exitinfo1, exitinfo2), and that is shown. On VT-x the VMCS is
readable only with VMREAD, so there is no record gdb could read.

VM: an index into vms[] (default: the vm in scope, else vm 0)."""

    def __init__(self):
        super().__init__("vmexit", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        require_host_context()
        vm = vm_from_arg(arg.strip()) if arg.strip() else None
        e, owner = exit_in_scope(vm)
        if e is not None:
            vm = owner if owner is not None else vm_from_arg("")
            print("\n".join(format_exit(e, vm, "being handled, e = %#x" % int(e.address))))
            return
        vm = vm if vm is not None else vm_from_arg("")
        lines = svm_last_exit(vm)
        if lines is None:
            raise gdb.GdbError("vm%d: no struct vm_exit in scope, and VT-x keeps the last exit only "
                               "in the VMCS (VMREAD): stop in dispatch_exit or mmu_page_fault"
                               % int(vm["id"]))
        print("\n".join(lines))


class GuestWalk(gdb.Command):
    """Walk the guest's own page tables: gwalk [-w] [-u] GVA [VM]

The walk the CPU would make for a supervisor read of GVA (-w: a write, -u: a
user-mode access), from the guest's CR3 (vm->vcpu.cr3) and its view of CR0 and
CR4: the PDE (index, guest-physical address, value, flags by name), the PTE
(unless a 4 MiB page), and the guest-physical address with its host address
(vm->ram + gpa); or where it faults, with the error code the hardware would
give. The last line is the virtual TLB's shadow entry for the page, if any.

The rules are those of gwalk() in shadow/walk.c; guest RAM is read through
host pointers, so the CPU must be stopped in the hypervisor.

VM: an index into vms[] (default: the vm in scope, else vm 0)."""

    def __init__(self):
        super().__init__("gwalk", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        write, user = "-w" in args, "-u" in args
        args = [a for a in args if a not in ("-w", "-u")]
        if not 1 <= len(args) <= 2:
            raise gdb.GdbError("usage: gwalk [-w] [-u] GVA [VM]")
        require_host_context()
        g = Guest(vm_from_arg(args[1] if len(args) > 1 else ""))
        gva = u32(parse_int(args[0], "GVA"))
        w = g.walk(gva, write, user)
        print("vm%d gwalk %#x (%s %s): %s" % (g.id, gva, "user" if user else "supervisor",
                                             "write" if write else "read", describe_mode(g)))
        if not w.paging:
            print("  paging off: guest-physical = guest-virtual")
        else:
            if w.pde is not None:
                print("  PDE[%d] at gpa %#x = %s" % (pdx(gva), w.pde_gpa, describe_entry(w.pde)))
            if w.pte is not None:
                print("  PTE[%d] at gpa %#x = %s" % (ptx(gva), w.pte_gpa, describe_entry(w.pte)))
        if w.status == "ok":
            print("  -> gpa %#x, host %#x (vm->ram %#x + gpa); %s"
                  % (w.gpa, g.ram + w.gpa, g.ram, describe_rights(w)))
        elif w.status == "fault":
            print("  -> #PF: error code %s" % describe_error(w.error_code))
        else:
            print("  -> guest %s at gpa %#x is outside its RAM (%#x bytes)" % (w.bad, w.bad_gpa, g.ram_size))
        spte = g.shadow_entry(gva)
        if spte & const("PTE_P"):
            print("  virtual TLB: %s, host frame %#x" % (describe_entry(spte, SHADOW_FLAGS), page_of(spte)))
        else:
            print("  virtual TLB: no entry for this page")


def stale_reason(g, gva, spte):
    """Why shadow entry SPTE for GVA no longer matches the guest's tables, or ''."""
    w = g.walk(gva)
    if w.status == "fault":
        return "STALE: the guest no longer maps it"
    if w.status == "bad":
        return "STALE: the guest's %s is outside RAM" % w.bad
    frame = g.hpa + page_of(w.gpa)
    if page_of(spte) != frame:
        return "STALE: frame; the guest now says gpa %#x (host %#x)" % (page_of(w.gpa), frame)
    if spte & const("PTE_US") and not w.user:
        return "STALE: user access the guest no longer grants"
    # With CR0.WP=0 a supervisor-only shadow entry may be writable (shadow/fill.c).
    wp_off_supervisor = not g.cr0 & const(cr_bit("CR0_WP")) and not spte & const("PTE_US")
    if spte & const("PTE_RW") and not w.writable and not wp_off_supervisor:
        return "STALE: write access the guest no longer grants"
    return ""


def cr3_write_old(vm):
    """The old CR3 when the stack is inside mmu_paging_changed for VM's CR3 write, else None."""
    for frame in frames_outward():
        if frame.name() != "mmu_paging_changed":
            continue
        cr, old, owner = read_var(frame, "cr"), read_var(frame, "old"), read_var(frame, "vm")
        if cr is None or old is None or int(cr) != 3 or (owner is not None and int(owner) != int(vm.address)):
            return None
        return u32(int(old.dereference()["cr3"]))
    return None


def compared_directory(g):
    """The guest CR3 whose tables the current root's entries are compared with, and why.

    With the cache on the root names the guest directory it shadows
    (roots[cur].guest_pd); without it the shadow belongs to the CR3 before a
    write that mmu_paging_changed is handling, else to the vCPU's CR3."""
    v = g.vm["vtlb"]
    if bool(v["caching"]):
        pd = u32(int(v["roots"][int(v["cur"])]["guest_pd"]))
        if pd == const("VTLB_NO_FRAME"):
            return None, "the identity shadow of paging off"
        return pd, "the guest PD this root shadows (roots[%d].guest_pd)" % int(v["cur"])
    old = cr3_write_old(g.vm)
    if old is not None:
        return old, "the CR3 before the write mmu_paging_changed is handling"
    return g.cr3, "the vCPU's CR3"


class VirtualTlb(gdb.Command):
    """List a VM's virtual TLB (its shadow page tables): vtlb [VM]

The first lines name the pair compared: the current shadow root (slot, host
address of its shadow PD) and the guest CR3 whose tables its entries are
checked against. One line per present shadow entry: the guest-virtual page,
the host frame and the flags (P RW US A D, GLOBAL = SPTE_GLOBAL, LARGE =
SPTE_LARGE), and the guest's tables now. A line marked STALE maps a frame the
guest's tables no longer give, or rights they no longer grant. That is
allowed: a virtual TLB, like a TLB, may be stale until the guest executes
INVLPG or writes CR3.

During a CR3 write (a breakpoint in mmu_paging_changed, before the root
switches or the entries are dropped) the vCPU's CR3 already holds the new
value while the root still shadows the old one: vtlb says so and compares
with the old directory's tables (with the cache on, the root's guest_pd;
without it, mmu_paging_changed's old->cr3).

Read from vm->vtlb: roots[cur] is the current shadow page directory (its
pd_page in the pool) and its pt_of_pdx[] names the pool page of each shadow
page table.

VM: an index into vms[] (default: the vm in scope, else vm 0)."""

    def __init__(self):
        super().__init__("vtlb", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        require_host_context()
        g = Guest(vm_from_arg(arg.strip()))
        v = g.vm["vtlb"]
        pool, entries, size = int(v["pool"]), const("ENTRIES"), entry_size()
        root = v["roots"][int(v["cur"])]
        print("vm%d virtual TLB: shadow PD at host %#x (slot %d, pool page %d), %d pool pages in use; guest %s"
              % (g.id, pool + int(root["pd_page"]) * page_size(), int(v["cur"]), int(root["pd_page"]),
                 int(v["pages_in_use"]), describe_mode(g)))
        vcpu_cr3 = g.cr3
        pd, why = compared_directory(g)
        paging_off_root = pd is None
        if not paging_off_root:
            g.cr3 = pd
        print("  compares shadow root slot %d (host %#x) with guest CR3 %s: %s"
              % (int(v["cur"]), pool + int(root["pd_page"]) * page_size(),
                 "- (paging off: linear = guest-physical)" if paging_off_root else "%#x" % page_of(pd), why))
        if paging_off_root and g.paging_on():
            print("  a paging-mode change is in progress: guest paging is on, the root shown is still the "
                  "identity shadow of paging off (finish, then vtlb again)")
        elif not paging_off_root and page_of(pd) != page_of(vcpu_cr3):
            print("  a CR3 write is in progress: the vCPU's CR3 is already %#x, the root shown is still the old "
                  "one's; its entries are compared with the old tables (finish, then vtlb again)" % vcpu_cr3)
        if paging_off_root:
            g.cr0 &= ~const(cr_bit("CR0_PG"))
        print("  %-10s  %-10s  %-28s %s" % ("gva", "host", "flags", "the guest's tables now"))
        shown = stale = 0
        for pd_index in range(entries):
            page = int(root["pt_of_pdx"][pd_index])
            if page == const("NO_PT"):
                continue
            table = struct.unpack("<%dI" % entries, read_bytes(pool + page * page_size(), entries * size))
            for pt_index, spte in enumerate(table):
                if not spte & const("PTE_P"):
                    continue
                gva = (pd_index * entries + pt_index) * page_size()
                reason = stale_reason(g, gva, spte)
                stale += bool(reason)
                shown += 1
                print("  %#010x  %#010x  %-28s %s" % (gva, page_of(spte), flag_names(spte, SHADOW_FLAGS),
                                                       reason or "ok"))
        print("  %d entries, %d stale" % (shown, stale))
        if bool(v["caching"]):
            show_cache(v)


def show_cache(v):
    """Lab 6: the cached roots, and the guest page tables that are write-protected or unsync."""
    print("  lab 6 cache (option cache): roots")
    for r in range(const("VTLB_ROOTS")):
        root = v["roots"][r]
        if int(root["pd_page"]) < 0:
            continue
        pd = int(root["guest_pd"])
        print("    slot %d%s: guest PD %s, shadow PD in pool page %d, last used at switch %d"
              % (r, " (current)" if r == int(v["cur"]) else "",
                 "none (paging off)" if pd == const("VTLB_NO_FRAME") else "%#x" % pd,
                 int(root["pd_page"]), int(root["last_used"])))
    frames = min(const("VTLB_GUEST_FRAMES"), int(v["mem"]["size"]) // page_size())
    counts = struct.unpack("<%dH" % frames, read_bytes(int(v["derived"].address), frames * 2))
    flags = read_bytes(int(v["unsync"].address), frames)
    derived = [f for f in range(frames) if counts[f]]
    unsync = [f for f in derived if flags[f]]
    print("  guest page tables filled from: %d, write-protected: %d, unsync (written since): %d"
          % (len(derived), len(derived) - len(unsync), len(unsync)))
    for f in unsync[:16]:
        print("    unsync: guest table at gpa %#x" % (f * page_size()))


class GuestPageFaultBreakpoint(gdb.Breakpoint):
    """A breakpoint in mmu_page_fault that stops for one guest page, or for any."""

    def __init__(self, page):
        super().__init__("mmu_page_fault", internal=False)
        self.page = page

    def stop(self):
        frame = gdb.selected_frame()
        e = read_var(frame, "e")
        if e is None:
            return True  # cannot tell: better to stop
        e = e.dereference()
        if self.page is not None and page_of(int(e["addr"])) != self.page:
            return False
        vm = vm_of_frame(frame) or vm_from_arg("")
        print("\n".join(format_exit(e, vm, "break-guest-pf")))
        return True


class BreakGuestPageFault(gdb.Command):
    """Stop at the #PF exits of one guest page: break-guest-pf [GVA]

Sets a breakpoint in mmu_page_fault (kernel/mmu.c), where every guest page
fault exit arrives, that stops only when the fault address lies in the page of
GVA (any address when GVA is left out) and prints the exit (see vmexit).
Then `finish` out of vtlb_fill shows whether the fault was hidden
(VTLB_FILLED) or true (VTLB_REFLECT). Delete it with `delete N`."""

    def __init__(self):
        super().__init__("break-guest-pf", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        page = page_of(parse_int(arg, "GVA")) if arg.strip() else None
        bp = GuestPageFaultBreakpoint(page)
        print("Breakpoint %d: mmu_page_fault, guest page %s" %
              (bp.number, "%#x" % page if page is not None else "any"))


class GuestDisassemble(gdb.Command):
    """Disassemble guest code as 32-bit x86: guest-x-i GVA [N [VM]]

N instructions (default 5) at guest-virtual GVA, translated page by page
through the guest's tables (the gwalk rules) and read from host memory
(vm->ram + gpa). gdb itself cannot do this: the target reports x86-64, `x/i`
decodes 64-bit code (0x48 is a REX prefix there, `dec eax` here), and gdb
refuses `set architecture i386` while connected to it. So the bytes go to
objdump -m i386, the same libopcodes disassembler gdb uses, in gdb's
disassembly-flavor. (gdb's syntax leaves no room for a slash: `x/i` is `-x-i`.)

VM: an index into vms[] (default: the vm in scope, else vm 0)."""

    MAX_INSN = 15  # the longest x86 instruction, in bytes (SDM Vol2A 2.3.11)

    def __init__(self):
        super().__init__("guest-x-i", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if not 1 <= len(args) <= 3:
            raise gdb.GdbError("usage: guest-x-i GVA [N [VM]]")
        require_host_context()
        gva = u32(parse_int(args[0], "GVA"))
        count = parse_int(args[1], "N") if len(args) > 1 else 5
        g = Guest(vm_from_arg(args[2] if len(args) > 2 else ""))
        code = self.read_code(g, gva, count * self.MAX_INSN)
        lines = self.disassemble(code, gva)[:count]
        if len(code) < count * self.MAX_INSN:
            lines = lines[:-1]  # the last one may be cut off
            lines.append("   (the code runs on into %#x, which is not mapped)" % (gva + len(code)))
        for line in lines:
            print(line)

    @staticmethod
    def read_code(g, gva, length):
        """LENGTH bytes of guest-virtual memory at GVA, fewer if a later page is unmapped."""
        code = b""
        while len(code) < length:
            address = gva + len(code)
            try:
                host = g.translate(address)
            except gdb.GdbError:
                if not code:
                    raise
                break
            chunk = min(length - len(code), page_size() - address % page_size())
            code += read_bytes(host, chunk)
        return code

    @staticmethod
    def disassemble(code, gva):
        flavor = ["-M", "intel"] if gdb.parameter("disassembly-flavor") == "intel" else []
        with tempfile.NamedTemporaryFile(suffix=".bin") as f:
            f.write(code)
            f.flush()
            out = subprocess.run(["objdump", "-D", "-z", "-b", "binary", "-m", "i386", "--insn-width=15",
                                  "--adjust-vma=%#x" % gva] + flavor + [f.name],
                                 capture_output=True, text=True)
        if out.returncode != 0:
            raise gdb.GdbError("objdump failed: %s" % out.stderr.strip())
        insns = re.findall(r"^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$", out.stdout, re.M)
        return ["   %#x:\t%-24s %s" % (int(a, 16), b, re.sub(r"\s+", " ", i).strip()) for a, b, i in insns]


# ---- virtual interrupts (lab 7) ----

def vector_bits(words):
    """The vectors set in a 256-bit register (bit v of eight 32-bit words: kernel/pc/vecreg.h)."""
    return [32 * w + b for w in range(const("VECREG_WORDS")) for b in range(32) if int(words[w]) >> b & 1]


def describe_vectors(vectors):
    return " ".join("%#04x" % v for v in vectors) or "-"


def vector_class(v):
    """A vector's or priority's class, bits 7:4 (SDM Vol3A 10.8.3)."""
    return v >> const("VLAPIC_CLASS_SHIFT")


def apic_ppr(lapic):
    """The processor priority by SDM Vol3A 10.8.3.1: TPR, or the class of the highest vector in
    service when that class is higher. Computed here, not by calling lab 7's vlapic_ppr."""
    tpr = int(lapic["tpr"])
    isr = vector_bits(lapic["isr"])
    isrv = max(isr) if isr else 0
    return tpr if vector_class(tpr) >= vector_class(isrv) else isrv & const("VLAPIC_CLASS_BITS")


def apic_presents(lapic):
    """(vector or None, why): what the local APIC presents to the CPU by SDM Vol3A 10.8.3.1 and
    10.8.4, the rule lab 7's vlapic_pending follows."""
    irr = vector_bits(lapic["irr"])
    if not irr:
        return None, "IRR empty"
    if not int(lapic["svr"]) & const("VLAPIC_SVR_ENABLE"):
        return None, "software disabled (SVR bit 8 clear): requests wait in IRR"
    top, ppr = max(irr), apic_ppr(lapic)
    if vector_class(top) <= vector_class(ppr):
        return None, "%#04x waits: its class %d is not above PPR's class %d" % (top, vector_class(top), vector_class(ppr))
    return top, "%#04x: the highest in IRR, its class %d above PPR's class %d" % (top, vector_class(top), vector_class(ppr))


def lint0_extint(lapic):
    """LINT0 unmasked with delivery mode ExtINT: the 8259A reaches the CPU (vlapic_lint0_extint)."""
    lint0 = int(lapic["lvt"][const("LVT_LINT0")])
    mode = lint0 >> const("MODE_SHIFT") & const("MODE_BITS")
    return not lint0 & const("LVT_MASKED") and mode == const("MODE_EXTINT")


def pic_rank(chip, ir):
    return (ir - int(chip["highest"])) & 7


def pic_highest(chip, bits):
    for k in range(8):
        ir = (int(chip["highest"]) + k) & 7
        if bits >> ir & 1:
            return ir
    return None


def pic_is_cascade(chip, ir, master):
    return master and not bool(chip["single"]) and int(chip["icw3"]) >> ir & 1


def pic_request(chip, master):
    """The input a 8259A's INT output requests, or None: as pic_request in kernel/pc/pic.c."""
    imr = int(chip["imr"])
    req = pic_highest(chip, int(chip["irr"]) & ~imr & 0xFF)
    if req is None or int(chip["icw_next"]):
        return None
    in_service = int(chip["isr"])
    if bool(chip["special_mask"]):
        in_service &= ~imr
    cascade = const("PIC_CASCADE_IR")
    if bool(chip["fully_nested"]) and pic_is_cascade(chip, cascade, master):
        in_service &= ~(1 << cascade)
    cur = pic_highest(chip, in_service)
    return None if cur is not None and pic_rank(chip, cur) <= pic_rank(chip, req) else req


def pic_presents(pic):
    """The vector the master's INT asks the CPU for, or None (pic_pending in kernel/pc/pic.c)."""
    master, slave = pic["chip"][0], pic["chip"][1]
    ir = pic_request(master, True)
    if ir is None:
        return None
    if not pic_is_cascade(master, ir, True):
        return int(master["vector_base"]) | ir
    slave_ir = pic_request(slave, False)
    return int(slave["vector_base"]) | (7 if slave_ir is None else slave_ir)


def describe_pic_chip(name, chip):
    return "%s IRR %#04x IMR %#04x ISR %#04x (IR0 is vector %#04x)" % (
        name, int(chip["irr"]), int(chip["imr"]), int(chip["isr"]), int(chip["vector_base"]))


def event_type_name(bits):
    """EVENTINJ's type field by name (kernel/svm/vmcb.h, APM Vol2 15.20)."""
    for name, text in (("SVM_EVENT_TYPE_INTR", "external interrupt"), ("SVM_EVENT_TYPE_NMI", "NMI"),
                       ("SVM_EVENT_TYPE_EXCEPTION", "exception"), ("SVM_EVENT_TYPE_SOFT_INT", "software interrupt")):
        if bits == const(name):
            return text
    return "type %d" % (bits >> 8)


def backend_interrupt_state(vcpu):
    """Lines on the interrupt shadow, the event injected and the window as the backend holds them:
    the VMCB on AMD-V; on VT-x they are VMCS fields, readable only with VMREAD."""
    if int(eval_c("(unsigned long)active_backend")) != int(eval_c("(unsigned long)&svm_backend")):
        return ["  interrupt shadow and injected event: in the VMCS (VMREAD), not readable from gdb"]
    control = vcpu["backend"].cast(gdb.lookup_type("struct svm_vcpu").pointer())["vmcb"]["control"]
    shadow = int(control["interrupt_shadow"]) & const("INTERRUPT_SHADOW")
    event = int(control["eventinj"])
    v_intr, misc1 = int(control["v_intr"]), int(control["intercept_misc1"])
    return ["  interrupt shadow (VMCB): %s" % ("STI or MOV SS: the next instruction runs first" if shadow else "none"),
            "  EVENTINJ (VMCB): %s" % ("vector %#04x, %s" % (event & const("SVM_EVENT_VECTOR_MASK"),
                                                             event_type_name(event & const("SVM_EVENT_TYPE_MASK")))
                                       if event & const("SVM_EVENT_VALID") else "none"),
            "  window in the VMCB: V_IRQ %d, VINTR intercept %s" % (bool(v_intr & const("V_IRQ")),
                                                                  "on" if misc1 & const("INTERCEPT_VINTR") else "off")]


class VirtualInterrupts(gdb.Command):
    """Show a VM's virtual interrupts: vintr [VM]

Pending: the local APIC's IRR (and TMR, the level-triggered ones), the
8259As' IRR and IMR, and which vector each controller presents by the
manuals' rules, computed here (SDM Vol3A 10.8.3.1 and 10.8.4 for the local
APIC, as lab 7's vlapic_pending; the 8259A as kernel/pc/pic.c): the CPU asks
the 8259A first when LINT0 is ExtINT and unmasked, else the local APIC
(kernel/pc/platform.c). Then pc_intr_pending's kept answer (vm->pc.answers):
while not stale it must equal the vector computed here.

In service: the local APIC's ISR, the 8259As' ISR.

Blocking: TPR and PPR (computed by SDM Vol3A 10.8.3.1, not by calling
vlapic_ppr), RFLAGS.IF, the interrupt shadow, an event this entry already
injects (vcpu.injecting, and the VMCB's EVENTINJ), the interrupt window
(vcpu.window_open, and the VMCB's V_IRQ and VINTR intercept) and whether the
VM is parked in HLT. On VT-x the shadow and the event are VMCS fields, which
gdb cannot read.

VM: an index into vms[] (default: the vm in scope, else vm 0)."""

    def __init__(self):
        super().__init__("vintr", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        require_host_context()
        vm = vm_from_arg(arg.strip())
        vcpu, pc = vm["vcpu"], vm["pc"]
        lapic, pic = pc["lapic"], pc["pic"]
        extint = lint0_extint(lapic)
        from_pic = pic_presents(pic)
        from_apic, why = apic_presents(lapic)
        asks_pic = extint and from_pic is not None
        presented = from_pic if asks_pic else from_apic
        answers = pc["answers"]
        kept = int(answers["vector"])
        print("vm%d virtual interrupts: LINT0 %s" % (int(vm["id"]), "ExtINT: the CPU asks the 8259A first"
                                                      if extint else "not ExtINT: the 8259A does not reach the CPU"))
        print("  pending")
        print("    local APIC IRR %s, TMR %s; %s" % (describe_vectors(vector_bits(lapic["irr"])),
                                                    describe_vectors(vector_bits(lapic["tmr"])), why))
        print("    8259A %s; %s" % (describe_pic_chip("master", pic["chip"][0]), describe_pic_chip("slave", pic["chip"][1])))
        print("    the CPU is presented %s" % ("nothing" if presented is None else "%#04x, by the %s"
                                                % (presented, "8259A" if asks_pic else "local APIC")))
        print("    pc_intr_pending's kept answer: %s%s" % (
            "none" if kept == const("PC_NO_VECTOR") else "%#04x" % kept,
            " (stale: asked again before the next entry)" if bool(answers["stale"]) else ""))
        print("  in service")
        print("    local APIC ISR %s; 8259A master ISR %#04x, slave ISR %#04x" % (
            describe_vectors(vector_bits(lapic["isr"])), int(pic["chip"][0]["isr"]), int(pic["chip"][1]["isr"])))
        print("  blocking")
        ppr = apic_ppr(lapic)
        print("    TPR %#04x, PPR %#04x: the local APIC holds back classes %d and below" % (
            int(lapic["tpr"]), ppr, vector_class(ppr)))
        print("    RFLAGS.IF %d; injecting %s; window %s; %s" % (
            bool(int(vcpu["rflags"]) & const("RFLAGS_IF")), "yes" if bool(vcpu["injecting"]) else "no",
            "open" if bool(vcpu["window_open"]) else "closed",
            "parked in HLT" if bool(vm["halted"]) else "not halted"))
        for line in backend_interrupt_state(vcpu):
            print("  " + line)


VmExit()
GuestWalk()
VirtualTlb()
BreakGuestPageFault()
GuestDisassemble()
VirtualInterrupts()
print("hv.py: vmexit, gwalk, vtlb, break-guest-pf, guest-x-i, vintr (help NAME for each)")
