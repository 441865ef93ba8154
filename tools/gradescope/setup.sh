#!/bin/bash
# Gradescope's setup.sh, run once as root when the autograder image is built
# (tools/package gradescope puts it at the top of the zip, beside tree/).
#
# It installs what the build and the emulators need, creates the two users
# the grader runs the student's code as (make grade SANDBOX=), builds
# everything of the reference once (the guests, every object, the grader),
# and then takes away what a submission must not read: the reference's and
# the hidden tests' sources become root's only (their objects stay, without
# debug information, for the isolated builds to link), so do the grader's
# sources, test list and binary, and the tree is root's and read-only.
#
# AUTOGRADER_ROOT (default /autograder) lets tools/selftest play Gradescope.
set -eu
root=${AUTOGRADER_ROOT:-/autograder}
tree=$root/source/tree
build=$root/work/build
hidden_var="@HIDDEN@"

"$tree/tools/install-deps"

# hvstudent builds and unit-tests the student's code; hvemu runs the emulators.
for user in hvstudent hvemu; do
	id -u "$user" >/dev/null 2>&1 ||
		useradd --system --no-create-home --home-dir / --shell /usr/sbin/nologin "$user"
done

make -C "$tree" --no-print-directory -j"$(nproc)" BUILD="$build" SOLUTION=1 $hidden_var \
	guests bad-guests "$build/solution/hv.elf32" "$build/solution/unit-tests"
make -C "$tree" --no-print-directory build/tools/grade

# What links into a submission's kernel and unit tests keeps its code only.
find "$build/obj/solutions" "$build/unit-obj/solutions" $([ -d "$build/unit-obj/autograder/hidden" ] &&
	echo "$build/unit-obj/autograder/hidden") -name '*.o' -exec objcopy --strip-debug {} \;

# Sources no submission may read: make still sees that they exist (and are
# older than their objects), so it links the objects and compiles nothing.
# The hidden guests stay readable to the emulators' user.
chown -R root:root "$tree" "$root/work"
chmod -R go-w "$tree" "$root/work"
lock() { find "$1" -type f -exec chmod go-rwx {} +; find "$1" -type d -exec chmod 711 {} +; }
lock "$tree/solutions"
# The grader's own sources, test list and binary: root's only too (make needs
# none of them to build a lab; it reads autograder/tests.mk and autograder/tests/).
chmod go-rwx "$tree"/autograder/*.c "$tree"/autograder/*.h "$tree/autograder/tests.list"
chmod -R go-rwx "$tree/build"
if [ -d "$tree/autograder/hidden" ]; then
	lock "$tree/autograder/hidden"
	chgrp -R hvemu "$tree/autograder/hidden"
	find "$tree/autograder/hidden" -type f -name '*.elf' -exec chmod g+r {} +
	# make lists HIDDEN/unit/*.c to link the hidden unit tests' objects.
	[ ! -d "$tree/autograder/hidden/unit" ] || chmod 755 "$tree/autograder/hidden/unit"
fi
