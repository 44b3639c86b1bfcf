#!/usr/bin/env bats
# Ordinary tools on a packed executable: gdb (breakpoints, backtraces with
# guest source files, a crash caught live), perf (samples attributed to guest
# functions), and core dumps that gdb opens with the guest's symbols: the
# kernel's (from the cwd or systemd-coredump, whichever core_pattern names)
# and gdb's gcore, which needs no core_pattern at all.

load helpers

teardown() {
    if [[ -n ${NOBODY_DIR:-} ]]; then
        rm -rf "$NOBODY_DIR"
    fi
}

setup() {
    command -v gdb >/dev/null || fail "no gdb (Debian package gdb)"
}

@test "gdb: a breakpoint on solo5_app_main stops in the guest; bt shows guest frames and source files" {
    needs_ptrace
    pack_file "$HELLO_SPT" "$BATS_TEST_TMPDIR/hello"
    run "${GDB[@]}" -ex 'break solo5_app_main' -ex run -ex bt -ex 'info source' \
        -ex 'print si->cmdline' -ex continue --args "$BATS_TEST_TMPDIR/hello" a
    assert_success
    assert_output --regexp 'Breakpoint 1 at 0x[0-9a-f]+: file [^ ]*hello\.c'
    assert_line --regexp '^Breakpoint 1, solo5_app_main \(.*\) at [^ ]*hello\.c:[0-9]+'
    # The backtrace: the application, then the bindings' _start.
    assert_line --regexp '^#0 +solo5_app_main \(.*\) at [^ ]*examples/hello/hello\.c:[0-9]+'
    assert_line --regexp '^#1 +0x[0-9a-f]+ in _start \(.*\) at [^ ]*bindings/start\.c:[0-9]+'
    assert_output --partial "Current source file is examples/hello/hello.c"
    assert_line --regexp '^\$1 = 0x[0-9a-f]+ .*"a"'
    # Resumed, the guest finishes normally.
    assert_line "Hello, World"
    assert_output --partial "exited normally"
}

@test "gdb: a guest crash is caught where it happens, with the source line" {
    needs_ptrace
    pack_guest nullderef
    run "${GDB[@]}" -ex run -ex bt --args "$BATS_TEST_TMPDIR/nullderef" --mem=32
    assert_success
    assert_output --partial "Program received signal SIGSEGV"
    assert_line --regexp '^#0 +(0x[0-9a-f]+ in )?solo5_app_main \(.*\) at [^ ]*tests/guests/nullderef\.c:[0-9]+'
    refute_output --partial "survived"
}

@test "gdb: the guest's symbols and source lines are in the packed file without running it" {
    pack_file "$HELLO_SPT" "$BATS_TEST_TMPDIR/hello"
    run "${GDB[@]}" -ex 'info line solo5_app_main' -ex 'info address solo5_console_write' \
        "$BATS_TEST_TMPDIR/hello"
    assert_success
    assert_output --regexp 'Line [0-9]+ of "[^"]*hello\.c"'
    assert_output --partial 'Symbol "solo5_console_write" is a function at address 0x'
}

@test "perf record/report attribute the samples of a CPU-bound guest to guest functions" {
    needs_perf
    pack_guest sleep
    perf_report_sleep "$BATS_TEST_TMPDIR/sleep"
    # Samples in the packed file ("sleep"), named by the guest's symbols.
    assert_line --regexp '^ +[0-9.]+% +sleep +\[\.\] solo5_clock_monotonic$'
}

# Core dumps. Where the kernel writes a core is core_pattern, which is
# global to the machine: not per namespace (a user or mount namespace may
# not write /proc/sys/kernel/core_pattern, and mounting something over
# /proc/sys does not change what the kernel reads), so a test cannot give
# itself a core_pattern of its own without changing the host's. The tests
# below read it and never change it:
#   - a file name (Debian's default "core"): the core is in the crashing
#     process's cwd;
#   - a pipe to systemd-coredump (systemd's default): the core is taken
#     back with coredumpctl;
#   - anything else (another program, a directory elsewhere): the kernel's
#     own core cannot be found, and only the test of the kernel's core
#     skips, saying why.
# What the core tests prove apart from the kernel's delivery runs
# everywhere: the process stays dumpable (its /proc files stay its own:
# the kernel dumps exactly such processes), and gdb's gcore of a crashing
# guest opens with the guest's symbols and holds guest memory only.

# check_core_pattern: sets CORE_FROM to "cwd" or "coredumpctl", or skips
# the test, saying why.
check_core_pattern() {
    local pattern
    pattern=$(cat /proc/sys/kernel/core_pattern)
    CORE_PATTERN=$pattern
    case "$pattern" in
    '|'*systemd-coredump*)
        command -v coredumpctl >/dev/null ||
            skip "core_pattern pipes cores to systemd-coredump ($pattern), but there is no coredumpctl to take them back"
        CORE_FROM=coredumpctl
        ;;
    '|'*) skip "core_pattern pipes cores to a program other than systemd-coredump ($pattern): the kernel's core cannot be read back here (gdb's gcore: see the test below)" ;;
    */*) skip "core_pattern puts cores elsewhere ($pattern)" ;;
    *) CORE_FROM=cwd ;;
    esac
    if ! (ulimit -c unlimited) 2>/dev/null; then
        skip "core dumps are limited here (hard RLIMIT_CORE $(ulimit -H -c))"
    fi
}

# crash_for_core DIR [PREFIX...]: runs DIR/app --mem=32 in DIR with
# unlimited core size under the command PREFIX (if any); it must die of
# SIGSEGV (139). Sets CORE to the kernel's core of it, or fails.
crash_for_core() {
    local dir=$1
    shift
    local rc=0
    "$@" bash -c 'cd "$1" && ulimit -c unlimited && exec ./app --mem=32' - \
        "$dir" >"$BATS_TEST_TMPDIR/crash.out" 2>&1 &
    local pid=$!
    wait "$pid" || rc=$?
    ((rc == 139)) ||
        fail "the guest ended with status $rc, not 139 (SIGSEGV): $(cat "$BATS_TEST_TMPDIR/crash.out")"
    ! grep -q survived "$BATS_TEST_TMPDIR/crash.out" ||
        fail "the guest survived its NULL dereference"
    if [[ $CORE_FROM == coredumpctl ]]; then
        # systemd-coredump stores it a moment after the process is gone.
        if wait_until 10 core_from_coredumpctl "$pid" "$dir/core"; then
            CORE=$dir/core
            return 0
        fi
        skip "core_pattern pipes to systemd-coredump, but coredumpctl has no core of pid $pid: ${COREDUMPCTL_SAYS//$'\n'/ } (Storage=none, or a container whose cores go to the host?)"
    fi
    find_core "$dir"
}

# core_from_coredumpctl PID FILE: systemd-coredump's core of process PID
# into FILE; what coredumpctl said in COREDUMPCTL_SAYS.
core_from_coredumpctl() {
    COREDUMPCTL_SAYS=$(coredumpctl --no-pager -q dump --output="$2" "$1" 2>&1) &&
        [[ -s $2 ]]
}

# find_core DIR: sets CORE to the one file in DIR besides "app", or fails.
find_core() {
    local files
    mapfile -t files < <(find "$1" -maxdepth 1 -type f ! -name app)
    if ((${#files[@]} != 1)); then
        fail "expected one core file in $1 (core_pattern '$CORE_PATTERN', suid_dumpable $(cat /proc/sys/fs/suid_dumpable)), found: ${files[*]:-nothing}: was the process dumpable?"
        return 1
    fi
    CORE=${files[0]}
}

# core_is_guest_memory CORE APP ADDRESS: CORE holds guest memory only (a
# segment at ADDRESS: the kernel's core has the text at 0x100000, gdb's
# gcore only what was written, from 0x10000; nothing of the stub at
# 0x7f00000000) and gdb shows the crash in nullderef.c with APP's symbols.
core_is_guest_memory() {
    local core=$1 app=$2 address=$3
    run file "$core"
    assert_output --partial "core file"
    run readelf -lW "$core"
    assert_success
    assert_line --regexp "^ +LOAD +0x[0-9a-f]+ 0x0+${address#0x} "
    refute_output --regexp ' 0x0000007f00[0-9a-f]{6} '
    run "${GDB[@]}" -ex bt "$app" "$core"
    assert_success
    assert_output --partial "Program terminated with signal SIGSEGV"
    assert_line --regexp '^#0 +(0x[0-9a-f]+ in )?solo5_app_main \(.*\) at [^ ]*tests/guests/nullderef\.c:[0-9]+'
    assert_line --regexp '^#1 +0x[0-9a-f]+ in _start \(.*\) at [^ ]*bindings/start\.c'
}

@test "a crashing guest leaves a core (the kernel's) that gdb opens with the guest's symbols; only guest memory is in it" {
    check_core_pattern
    pack_guest nullderef
    local dir=$BATS_TEST_TMPDIR/crash
    mkdir "$dir"
    cp "$BATS_TEST_TMPDIR/nullderef" "$dir/app"
    crash_for_core "$dir"
    core_is_guest_memory "$CORE" "$dir/app" 0x100000
}

@test "gdb's gcore of a crashing guest opens with the guest's symbols; only guest memory is in it (whatever core_pattern says)" {
    needs_ptrace
    pack_guest nullderef
    local core=$BATS_TEST_TMPDIR/gcore
    run "${GDB[@]}" -ex run -ex "gcore $core" \
        --args "$BATS_TEST_TMPDIR/nullderef" --mem=32
    assert_success
    assert_output --partial "Program received signal SIGSEGV"
    assert_output --partial "Saved corefile $core"
    refute_output --partial "survived"
    core_is_guest_memory "$core" "$BATS_TEST_TMPDIR/nullderef" 0x10000
}

# in_guest PID: process PID runs its guest: filter loaded, stub unmapped.
in_guest() {
    grep -q '^Seccomp:.*2' "/proc/$1/status" 2>/dev/null &&
        ! grep -q '7f00000000' "/proc/$1/maps" 2>/dev/null
}

@test "a guest run as an unprivileged user stays dumpable: its /proc files are its own (capabilities dropped, no_new_privs)" {
    ((EUID == 0)) || skip "needs root to run as user 65534 with setpriv"
    command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
    pack_guest sleep
    local dir
    dir=$(mktemp -d /tmp/nabla-debug.XXXXXX)
    NOBODY_DIR=$dir
    cp "$BATS_TEST_TMPDIR/sleep" "$dir/app"
    chmod 755 "$dir" "$dir/app"
    setpriv --reuid 65534 --regid 65534 --clear-groups "$dir/app" \
        --solo5:quiet 3000 >/dev/null 2>&1 &
    local pid=$!
    # Running in the guest: the stub is gone, the filter loaded.
    wait_until --pid "$pid" 5 in_guest "$pid" || fail "the guest did not start"
    run grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' "/proc/$pid/status"
    local owner
    owner=$(stat -c %u:%g "/proc/$pid")
    kill "$pid"
    wait "$pid" || true
    assert_line --regexp '^Uid:	65534	'
    assert_line --regexp '^NoNewPrivs:	1$'
    assert_line --regexp '^Seccomp:	2$'
    # Not dumpable, /proc/PID would belong to root (proc(5)), and the
    # kernel would write no core.
    assert_equal "$owner" "65534:65534"
}

@test "a guest run as an unprivileged user still dumps core (the kernel's)" {
    ((EUID == 0)) || skip "needs root to run as user 65534 with setpriv"
    command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
    check_core_pattern
    pack_guest nullderef
    # Bats' temporary directories are not open to other users.
    local dir
    dir=$(mktemp -d /tmp/nabla-debug.XXXXXX)
    NOBODY_DIR=$dir
    cp "$BATS_TEST_TMPDIR/nullderef" "$dir/app"
    chmod 755 "$dir" "$dir/app"
    chown 65534:65534 "$dir"
    crash_for_core "$dir" setpriv --reuid 65534 --regid 65534 --clear-groups
    run "${GDB[@]}" -ex bt "$dir/app" "$CORE"
    assert_output --regexp '#0 +(0x[0-9a-f]+ in )?solo5_app_main'
}

# --- the GNU build ID: debug files the distribution way -----------------------

# build_id FILE: the GNU build ID readelf finds in FILE (empty if none).
build_id() {
    readelf -n "$1" | sed -n 's/^ *Build ID: \([0-9a-f]*\)$/\1/p'
}

@test "the packed file has a GNU build ID note, from its content: the same inputs give the same ID" {
    pack_file "$HELLO_SPT" "$BATS_TEST_TMPDIR/hello" -- a
    local id
    id=$(build_id "$BATS_TEST_TMPDIR/hello")
    [[ $id =~ ^[0-9a-f]{40}$ ]] || fail "no 20-byte build ID: '$id'"
    # In a PT_NOTE, as linkers write it, which is what file(1) reads too.
    run -0 readelf -lW "$BATS_TEST_TMPDIR/hello"
    assert_line --regexp '^ +NOTE +'
    run -0 file "$BATS_TEST_TMPDIR/hello"
    assert_output --partial "BuildID[sha1]=$id"
    run -0 "$PACK" inspect "$BATS_TEST_TMPDIR/hello"
    assert_line "build id:    $id"
    # Packed again, elsewhere: the same file, the same ID.
    mkdir "$BATS_TEST_TMPDIR/again"
    pack_file "$HELLO_SPT" "$BATS_TEST_TMPDIR/again/hello" -- a
    cmp "$BATS_TEST_TMPDIR/hello" "$BATS_TEST_TMPDIR/again/hello"
    # Other defaults: another ID.
    pack_file "$HELLO_SPT" "$BATS_TEST_TMPDIR/again/hello" -- b
    [[ $(build_id "$BATS_TEST_TMPDIR/again/hello") != "$id" ]] ||
        fail "the build ID does not depend on the content"
}

@test "strip + a debug file found by build ID: gdb reads the guest's symbols and lines" {
    pack_file "$HELLO_SPT" "$BATS_TEST_TMPDIR/hello"
    local app=$BATS_TEST_TMPDIR/hello id dir=$BATS_TEST_TMPDIR/debug
    id=$(build_id "$app")
    mkdir -p "$dir/.build-id/${id:0:2}"
    objcopy --only-keep-debug "$app" "$dir/.build-id/${id:0:2}/${id:2}.debug"
    strip -o "$BATS_TEST_TMPDIR/stripped" "$app"
    app=$BATS_TEST_TMPDIR/stripped
    assert_equal "$(build_id "$app")" "$id"
    run -0 "$app" --verify
    run -0 "$app" --solo5:quiet x
    assert_output "Hello, World
x"
    # No symbols of its own any more ...
    run "${GDB[@]}" -iex "set debug-file-directory $BATS_TEST_TMPDIR/none" \
        -ex 'info line solo5_app_main' "$app"
    assert_output --partial 'No symbol table is loaded'
    # ... but from the debug file, by build ID alone (no debug link).
    run -0 "${GDB[@]}" -iex "set debug-file-directory $dir" \
        -ex 'info line solo5_app_main' -ex 'info address solo5_console_write' "$app"
    assert_output --regexp 'Line [0-9]+ of "[^"]*examples/hello/hello\.c" starts at address 0x[0-9a-f]+ <solo5_app_main>'
    assert_output --partial 'Symbol "solo5_console_write" is a function at address 0x'
}

@test "rpm's find-debuginfo --strict-build-id splits the debug data off; the app still runs, verifies and debugs" {
    command -v find-debuginfo >/dev/null ||
        fail "no find-debuginfo (Debian package debugedit)"
    command -v eu-strip >/dev/null || fail "no eu-strip (Debian package elfutils)"
    local root=$BATS_TEST_TMPDIR/root build=$BATS_TEST_TMPDIR/build
    mkdir -p "$root/usr/bin" "$build"
    pack_file "$HELLO_SPT" "$root/usr/bin/nabla-hello"
    local id
    id=$(build_id "$root/usr/bin/nabla-hello")
    run -0 env RPM_BUILD_ROOT="$root" RPM_BUILD_DIR="$build" \
        RPM_PACKAGE_NAME=nabla-hello RPM_PACKAGE_VERSION=1 \
        RPM_PACKAGE_RELEASE=1 RPM_ARCH=x86_64 \
        find-debuginfo --strict-build-id -o debugfiles.list "$build"
    refute_output --partial "No build ID note"
    local debug=$root/usr/lib/debug/usr/bin/nabla-hello.debug
    [[ -f $debug ]] || fail "no debug file $debug"
    run -0 file "$root/usr/bin/nabla-hello"
    assert_output --partial ", stripped"
    assert_equal "$(build_id "$root/usr/bin/nabla-hello")" "$id"
    assert_equal "$(build_id "$debug")" "$id"
    run -0 "$root/usr/bin/nabla-hello" --verify
    run -0 "$root/usr/bin/nabla-hello" --solo5:quiet y
    assert_output "Hello, World
y"
    mkdir -p "$BATS_TEST_TMPDIR/dbg/.build-id/${id:0:2}"
    cp "$debug" "$BATS_TEST_TMPDIR/dbg/.build-id/${id:0:2}/${id:2}.debug"
    cp "$root/usr/bin/nabla-hello" "$BATS_TEST_TMPDIR/app"
    run -0 "${GDB[@]}" -iex "set debug-file-directory $BATS_TEST_TMPDIR/dbg" \
        -ex 'info line solo5_app_main' "$BATS_TEST_TMPDIR/app"
    assert_output --regexp 'Line [0-9]+ of "[^"]*hello\.c"'
    # Without the note, --strict-build-id stops, as it did before nabla
    # wrote one.
    rm -rf "$root/usr/lib"
    pack_file "$HELLO_SPT" "$root/usr/bin/nabla-hello"
    objcopy --remove-section=.note.gnu.build-id "$root/usr/bin/nabla-hello"
    run env RPM_BUILD_ROOT="$root" RPM_BUILD_DIR="$build" \
        RPM_PACKAGE_NAME=nabla-hello RPM_PACKAGE_VERSION=1 \
        RPM_PACKAGE_RELEASE=1 RPM_ARCH=x86_64 \
        find-debuginfo --strict-build-id -o debugfiles.list "$build"
    assert_failure
    assert_output --partial "No build ID note found"
}

@test "dh_strip makes the -dbgsym package's debug file, named by the build ID" {
    command -v dh_strip >/dev/null || fail "no dh_strip (Debian package debhelper)"
    local src=$BATS_TEST_TMPDIR/src
    mkdir -p "$src/debian/nabla-hello/usr/bin"
    cat >"$src/debian/control" <<'CONTROL'
Source: nabla-hello
Section: misc
Priority: optional
Maintainer: Nabla Tests <nabla-tests@example.org>
Build-Depends: debhelper-compat (= 13)
Standards-Version: 4.6.2

Package: nabla-hello
Architecture: amd64
Description: packed hello unikernel (test)
 A test package.
CONTROL
    printf 'nabla-hello (1.0-1) unstable; urgency=medium\n\n  * Test.\n\n -- Nabla Tests <nabla-tests@example.org>  Mon, 01 Jan 2024 00:00:00 +0000\n' \
        >"$src/debian/changelog"
    pack_file "$HELLO_SPT" "$src/debian/nabla-hello/usr/bin/nabla-hello"
    local id
    id=$(build_id "$src/debian/nabla-hello/usr/bin/nabla-hello")
    cd "$src"
    run -0 env -u DEB_BUILD_OPTIONS dh_strip
    refute_output --partial "Could not find the BuildID"
    [[ -f debian/.debhelper/nabla-hello/dbgsym-root/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug ]] ||
        fail "no -dbgsym debug file for build ID $id: $(find debian -type f)"
    run -0 debian/nabla-hello/usr/bin/nabla-hello --verify
    run -0 debian/nabla-hello/usr/bin/nabla-hello --solo5:quiet z
    assert_output "Hello, World
z"
}
