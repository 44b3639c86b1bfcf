#!/usr/bin/env bats
# Ordinary tools on a packed executable: gdb (breakpoints, backtraces with
# guest source files, a crash caught live), perf (samples attributed to guest
# functions), and core dumps that gdb opens with the guest's symbols.

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
    command -v perf >/dev/null || fail "no perf (scripts/install-deps installs linux-perf)"
    local data=$BATS_TEST_TMPDIR/perf.data out
    if ! out=$(perf record -q -N -e cpu-clock:u -o "$data.probe" -- /bin/true 2>&1); then
        skip "perf record does not work here: ${out//$'\n'/ }"
    fi
    # The sleep guest with 0 ms reads the monotonic clock 100000 times in a
    # row, in a loop of its own code and the bindings' solo5_clock_monotonic;
    # user-space samples only (the clock_gettime calls are the kernel's), one
    # every 50 us of CPU time.
    pack_guest sleep
    run perf record -q -N -e cpu-clock:u -c 50000 -o "$data" -- \
        "$BATS_TEST_TMPDIR/sleep" --solo5:quiet 0
    assert_success
    assert_line "monotonic ok"
    run perf report -i "$data" --stdio --sort dso,sym
    assert_success
    # Samples in the packed file ("sleep"), named by the guest's symbols.
    assert_line --regexp '^ +[0-9.]+% +sleep +\[\.\] solo5_clock_monotonic$'
}

# check_core_pattern: makes sure that a crashing process leaves its core in
# its current directory; skips the test if core_pattern hands cores to a
# program or puts them elsewhere (it is global to the machine: the test does
# not change it).
check_core_pattern() {
    local pattern
    pattern=$(cat /proc/sys/kernel/core_pattern)
    case "$pattern" in
    '|'*) skip "core_pattern pipes cores to a program ($pattern): cannot look at them here" ;;
    */*) skip "core_pattern puts cores elsewhere ($pattern)" ;;
    esac
    CORE_PATTERN=$pattern
    if ! (ulimit -c unlimited) 2>/dev/null; then
        skip "core dumps are limited here (hard RLIMIT_CORE $(ulimit -H -c))"
    fi
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

@test "a crashing guest leaves a core that gdb opens with the guest's symbols; only guest memory is in it" {
    check_core_pattern
    pack_guest nullderef
    local dir=$BATS_TEST_TMPDIR/crash
    mkdir "$dir"
    cp "$BATS_TEST_TMPDIR/nullderef" "$dir/app"
    run -139 bash -c 'cd "$1" && ulimit -c unlimited && exec ./app --mem=32' - "$dir"
    refute_output --partial "survived"
    find_core "$dir"
    local core=$CORE

    run file "$core"
    assert_output --partial "core file"

    # Guest memory only: nothing at the stub's 0x7f00000000, and the guest's
    # text at 0x100000.
    run readelf -lW "$core"
    assert_success
    assert_line --regexp '^ +LOAD +0x[0-9a-f]+ 0x0+100000 '
    refute_output --regexp ' 0x0000007f00[0-9a-f]{6} '

    run "${GDB[@]}" -ex bt "$dir/app" "$core"
    assert_success
    assert_output --partial "Program terminated with signal SIGSEGV"
    assert_line --regexp '^#0 +(0x[0-9a-f]+ in )?solo5_app_main \(.*\) at [^ ]*tests/guests/nullderef\.c:[0-9]+'
    assert_line --regexp '^#1 +0x[0-9a-f]+ in _start \(.*\) at [^ ]*bindings/start\.c'
}

@test "a guest run as an unprivileged user still dumps core (capabilities dropped, no_new_privs)" {
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
    run -139 setpriv --reuid 65534 --regid 65534 --clear-groups \
        bash -c 'cd "$1" && ulimit -c unlimited && exec ./app --mem=32' - "$dir"
    find_core "$dir"
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
