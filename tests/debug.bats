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
