#!/usr/bin/env bats
# The benchmarks of bench/ (run in full by `make bench`), each run here with
# --quick so that they cannot rot: they must run and print a well-formed
# result line with numbers in it. Their performance targets are NOT checked
# here (a quick run on a busy machine measures little).
#
# Row format (bench/lib.sh):
#   NAME | BASELINE UNIT | NABLA UNIT | RATIO | TARGET | PASS/FAIL | NOTES

load helpers

NUM='[0-9]+(\.[0-9]+)?'

setup_file() {
    # The bench guests and baselines: `make check` builds only `all`.
    local log=$BATS_FILE_TMPDIR/make.log
    if [[ $NABLA_BUILD != "$REPO_ROOT/build" ]]; then
        return 0 # a build directory make does not know: use what is there
    fi
    if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
        make -C "$REPO_ROOT" bench-build >"$log" 2>&1; then
        echo "make bench-build failed:" >&2
        tail -n 30 "$log" >&2
        return 1
    fi
}

# run_bench NAME: runs bench/NAME --quick (stdout in $output, stderr in
# $stderr); skips the test if the benchmark skipped itself (exit 77).
run_bench() {
    run --separate-stderr "$REPO_ROOT/bench/$1" --quick
    if ((status == 77)); then
        skip "bench/$1: ${output##*| SKIP | }"
    fi
    assert_success
    assert_equal "${#lines[@]}" 1
}

# assert_row NAME UNIT [RESULTS]: the one line of $output is NAME's row with
# numbers in UNIT for the baseline and nabla, a numeric ratio, and one of
# RESULTS (an alternation, default PASS|FAIL).
assert_row() {
    local re="^$1 \| $NUM $2 \| $NUM $2 \| $NUM \| [^|]+ \| (${3:-PASS|FAIL}) \| [^|]*$"
    assert_output --regexp "$re"
}

# hello_filter_length: the length of the seccomp program hello's guest gets
# (hello --print-policy).
hello_filter_length() {
    "$NABLA_BUILD/examples/hello/hello" --print-policy |
        sed -n 's/^BPF program: \([0-9]*\) instructions$/\1/p'
}

@test "bench/start-hello --quick: packed hello vs the sandboxed floor, start to exit" {
    run_bench start-hello
    assert_row start-hello us
    assert_output --regexp "median of [0-9]+ rounds of [0-9]+ runs each"
    # The baseline loads hello's own program (see the next tests).
    local n
    n=$(hello_filter_length)
    assert_output --partial "no_new_privs + hello's own $n-instruction seccomp program"
}

@test "bench/baseline/sandboxed: no_new_privs, then the filter, then one line under it" {
    command -v strace >/dev/null || fail "no strace (scripts/install-deps installs it)"
    local base=$NABLA_BUILD/bench/baseline/sandboxed n
    n=$(hello_filter_length)
    run strace -e trace=prctl,seccomp,write -o "$BATS_TEST_TMPDIR/trace" "$base" "$n"
    assert_success
    assert_output "Hello, World"
    run cat "$BATS_TEST_TMPDIR/trace"
    assert_line --index 0 --regexp '^prctl\(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0\) += 0$'
    assert_line --index 1 --regexp "^seccomp\\(SECCOMP_SET_MODE_FILTER, 0, \\{len=$n, filter=0x[0-9a-f]+\\}\\) = 0$"
    assert_line --index 2 --regexp '^write\(1, "Hello, World\\n", 13\) += 13$'
    # Any other length is refused: it would not be the app's program.
    run "$base" $((n - 1))
    assert_failure 2
    assert_output --partial "holds the $n-instruction program of an app without devices"
    run "$base"
    assert_failure 2
}

@test "bench/baseline/sandboxed loads the very program the packed bench apps load" {
    needs_ptrace
    local prog=$REPO_ROOT/tests/tools/seccomp-program.gdb app floor n
    n=$(hello_filter_length)
    floor=$("${GDB[@]}" -x "$prog" --args "$NABLA_BUILD/bench/baseline/sandboxed" "$n" 2>/dev/null |
        grep -E '^([0-9a-f]{16}|instructions: [0-9]+)$')
    [[ $floor == *"instructions: $n" ]] || fail "no program caught: $floor"
    for app in examples/hello/hello bench/stamp bench/big64; do
        app=$NABLA_BUILD/$app
        run "${GDB[@]}" -x "$prog" --args "$app" --solo5:quiet
        assert_equal "$(grep -E '^([0-9a-f]{16}|instructions: [0-9]+)$' <<<"$output")" "$floor"
    done
}

@test "bench/start-plain --quick: packed hello vs plain static musl hello (context)" {
    run_bench start-plain
    assert_row start-plain us INFO
    assert_output --regexp "median of [0-9]+ rounds of [0-9]+ runs each"
}

@test "bench/start-entry --quick: exec to the guest's first instruction vs the sandboxed floor's" {
    run_bench start-entry
    assert_row start-entry us INFO
    assert_output --regexp "median of [0-9]+ rounds of [0-9]+ runs each"
}

@test "bench/baseline/entrytime: the time from exec to a program's printed stamp" {
    local entry=$NABLA_BUILD/bench/baseline/entrytime
    run "$entry" 5 "$NABLA_BUILD/bench/stamp" --solo5:quiet
    assert_success
    assert_output --regexp "^median $NUM min $NUM$"
    # A time after the execve, not before it (no performance check).
    local med=${output#median }
    med=${med%% *}
    awk -v m="$med" 'BEGIN { exit !(m > 0) }' || fail "median $med us"
    # A program that prints no time is an error, not a number.
    run "$entry" 1 "$NABLA_BUILD/bench/baseline/hello"
    assert_failure 1
}

@test "bench/start-64m --quick: 64 MiB guest vs the sandboxed floor, start to exit" {
    run_bench start-64m
    assert_row start-64m us
    assert_output --regexp "big64/hello $NUM "
}

@test "bench/pss --quick: Pss per instance of many packed guests vs musl processes" {
    run_bench pss
    assert_row pss kB
    assert_output --regexp "one alone: nabla $NUM kB, baseline $NUM kB"
}

@test "bench/block --quick: 512-byte block write+read ops/s vs pwrite/pread, and under 1-insn, 2-insn and the app's filters" {
    run_bench block
    assert_row block ops/CPU-s
    local r
    for r in one/raw run/raw app/raw nabla/raw app/run nabla/run nabla/app; do
        assert_output --regexp "$r=$NUM\[$NUM-$NUM\]"
    done
}

@test "bench/filter-cost --quick: the app's program vs a 2-instruction filter, per allowed call" {
    run_bench filter-cost
    assert_row filter-cost ns/call
    local d
    for d in one-none run-none app-none app-run; do
        assert_output --regexp "$d=[-+]$NUM""ns\[q1 [-+]$NUM q3 [-+]$NUM\]"
    done
}

@test "bench/net --quick: UDP echo round trips/s over a tap vs a musl process" {
    [[ -c /dev/net/tun ]] || skip "no /dev/net/tun: cannot make tap devices"
    command -v ip >/dev/null || fail "no ip command (scripts/install-deps installs iproute2)"
    run_bench net
    assert_row net rt/s
}

@test "bench/httpd-user --quick: httpd over a user-mode net device vs a tap" {
    [[ -c /dev/net/tun ]] || skip "no /dev/net/tun: cannot make tap devices"
    command -v wrk >/dev/null || fail "no wrk (scripts/install-deps installs it)"
    run_bench httpd-user
    assert_row httpd-user req/s
}

@test "bench/arm64-start --quick: the packed aarch64 hello vs the sandboxed floor, in the arm64 VM" {
    run_bench arm64-start
    assert_row arm64-start us INFO
    assert_output --regexp "hello's own [0-9]+-instruction seccomp program"
}

@test "bench/arm64-spt: skips without upstream Solo5's aarch64 solo5-spt, saying why" {
    run --separate-stderr env -u SOLO5_SPT -u SOLO5_GUEST "$REPO_ROOT/bench/arm64-spt" --quick
    assert_equal "$status" 77
    assert_output --regexp '^arm64-spt \| - \| - \| - \| - \| SKIP \| .*needs SOLO5_SPT and SOLO5_GUEST'
}

@test "bench/stub-info: stub size and system calls before the jump" {
    run --separate-stderr "$REPO_ROOT/bench/stub-info" --quick
    assert_success
    assert_equal "${#lines[@]}" 3
    assert_line --index 0 --regexp "^stub size: text [0-9]+ data [0-9]+ bss [0-9]+ bytes .*; stripped file [0-9]+ bytes$"
    assert_line --index 1 --regexp "^stub start-up code: [1-9][0-9]+ bytes .*; user-mode relay: [1-9][0-9]+ bytes "
    assert_line --index 2 --regexp "^stub syscalls: [0-9]+ before the jump .*; packed hello [0-9]+ in all .* - its guest's [0-9]+ after seccomp = [0-9]+; baseline hello [0-9]+ in all$"
}

@test "bench/run-all --quick: one table with a row per benchmark" {
    run --separate-stderr "$REPO_ROOT/bench/run-all" --quick
    assert_success
    assert_line --regexp '^benchmark +\| baseline +\| nabla +\| ratio +\| target +\| result +\| notes$'
    local b
    for b in start-hello start-64m pss block filter-cost net httpd-user; do
        assert_line --regexp "^$b +\| .* \| (PASS|FAIL|SKIP) +\| "
    done
    assert_line --regexp "^start-plain +\| .* \| INFO +\| "
    assert_line --regexp "^start-entry +\| .* \| INFO +\| "
    refute_output --partial ERROR
    assert_line --regexp '^stub size: '
    assert_line --regexp '^stub start-up code: '
    assert_line --regexp '^stub syscalls: '
    assert_line --regexp '^targets missed: [0-9]+; errors: 0$'
}

@test "bench/start-pie --quick: a PIE hello at a random address vs the fixed one, with --no-aslr and 65,536 relocations in its notes" {
    run_bench start-pie
    assert_row start-pie us
    assert_output --regexp "--no-aslr: $NUM x; 65536 relocations: $NUM -> $NUM us \\(-?$NUM ns each\\)"
}

@test "bench/pie-cost --quick: guest code built as a PIE vs fixed, the same result" {
    run_bench pie-cost
    assert_row pie-cost us
}

@test "bench/pss-pie --quick: Pss of PIE instances at random addresses vs fixed ones, and what 65,536 relocated pointers cost" {
    run_bench pss-pie
    assert_row pss-pie kB
    assert_output --regexp "relocs \\(65536 pointers\\): $NUM -> $NUM kB Pss, $NUM -> $NUM kB private dirty"
}
