# Shared set-up of the bats tests: `load helpers` at the top of a .bats file.
#
# Environment:
#   NABLA_BUILD  build directory (default: build), relative to the repository
#                root unless absolute; e.g. build/sanitize for `make SANITIZE=1`
#   NABLA_PACK   nabla-pack to test (default: $NABLA_BUILD/tools/nabla-pack/
#                nabla-pack), relative to the repository root unless absolute

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

# run -N and run --separate-stderr.
bats_require_minimum_version 1.5.0

REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

# Makes a path absolute, relative to the repository root.
abs_path() {
    case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$REPO_ROOT/$1" ;;
    esac
}

NABLA_BUILD=$(abs_path "${NABLA_BUILD:-build}")
PACK=$(abs_path "${NABLA_PACK:-$NABLA_BUILD/tools/nabla-pack/nabla-pack}")
# An installed nabla-cc runs $NABLA_PACK from other directories: make it absolute.
if [ -n "${NABLA_PACK:-}" ]; then export NABLA_PACK=$PACK; fi
GUESTS=$NABLA_BUILD/tests/guests
HELLO=$NABLA_BUILD/examples/hello/hello
HELLO_SPT=$NABLA_BUILD/examples/hello/hello.spt

# pack_file GUEST.spt OUT [pack args...]: packs GUEST.spt into OUT; fails the
# test with the packer's exit status and stderr if that does not work.
pack_file() {
    local guest=$1 out=$2
    shift 2
    local errfile="$BATS_TEST_TMPDIR/.pack-stderr.$$"
    if [[ ! -f $guest ]]; then
        fail "pack: no guest $guest (run 'make all' first)"
        return 1
    fi
    local rc=0
    "$PACK" -o "$out" "$guest" "$@" 2>"$errfile" || rc=$?
    if ((rc != 0)); then
        {
            echo "nabla-pack failed (exit status $rc):"
            echo "  $PACK -o $out $guest $*"
            cat "$errfile"
        } | fail
        return 1
    fi
    if [[ ! -x $out ]]; then
        fail "nabla-pack succeeded but $out is not an executable file"
        return 1
    fi
    rm -f "$errfile"
}

# pack_guest NAME [pack args...]: packs $GUESTS/NAME.spt into
# $BATS_TEST_TMPDIR/NAME (the pack args follow the guest, e.g. "-- 42").
pack_guest() {
    local name=$1
    shift
    pack_file "$GUESTS/$name.spt" "$BATS_TEST_TMPDIR/$name" "$@"
}

# assert_in_range DESCRIPTION VALUE LOW HIGH: LOW <= VALUE < HIGH (integers).
assert_in_range() {
    local what=$1 value=$2 low=$3 high=$4
    if ! [[ $value =~ ^-?[0-9]+$ ]]; then
        fail "$what: '$value' is not an integer"
        return 1
    fi
    if ((value < low || value >= high)); then
        batslib_print_kv_single 5 value "$value" low "$low" high "$high" |
            batslib_decorate "$what: not in [low, high)" |
            fail
        return 1
    fi
}

# output_field KEY: the rest of the first line of $output that starts with
# "KEY " (empty if there is none).
output_field() {
    local line
    for line in "${lines[@]}"; do
        if [[ $line == "$1 "* ]]; then
            printf '%s\n' "${line#"$1 "}"
            return 0
        fi
    done
    return 0
}

# assert_one_stderr_line: after `run --separate-stderr`, stderr is exactly
# one non-empty line.
assert_one_stderr_line() {
    : "${stderr?}"
    if ((${#stderr_lines[@]} != 1)) || [[ -z ${stderr_lines[0]} ]]; then
        batslib_print_kv_single_or_multi 6 stderr "$stderr" |
            batslib_decorate "expected exactly one line on stderr, got ${#stderr_lines[@]}" |
            fail
        return 1
    fi
}

# fails_one_line REGEX COMMAND [ARGS...]: COMMAND exits with status 1 and
# exactly one line on stderr, which matches REGEX. Runs it with
# `run --separate-stderr`: $output is its stdout, $stderr its stderr.
fails_one_line() {
    local regex=$1
    shift
    run -1 --separate-stderr "$@"
    assert_one_stderr_line
    assert_regex "$stderr" "$regex"
}

# The status of a packed executable's own refusals (include/nabla/exit.h).
NABLA_EXIT_REFUSED=125

# refuses_one_line REGEX COMMAND [ARGS...]: COMMAND, a packed executable (or
# something that runs one), is refused by the stub: exit status 125
# (NABLA_EXIT_REFUSED), exactly one line on stderr, which matches REGEX.
# $output is its stdout, $stderr its stderr.
refuses_one_line() {
    local regex=$1
    shift
    run -"$NABLA_EXIT_REFUSED" --separate-stderr "$@"
    assert_one_stderr_line
    assert_regex "$stderr" "$regex"
}

# pack_fails REGEX [nabla-pack args...]: nabla-pack -o OUT ARGS fails
# properly: exit status 1, one line on stderr that starts with "nabla-pack: "
# and matches REGEX, nothing on stdout, and no output or temporary file.
pack_fails() {
    local regex=$1
    shift
    local out=$BATS_TEST_TMPDIR/out
    fails_one_line "$regex" "$PACK" -o "$out" "$@"
    assert_regex "$stderr" '^nabla-pack: '
    assert_equal "$output" ""
    [[ ! -e $out ]] || fail "output file $out was created"
    local leftovers=("$out".*)
    [[ ! -e ${leftovers[0]} ]] || fail "temporary file left: ${leftovers[*]}"
}

# runs_hello FILE WORD: the packed hello example FILE, run with WORD as its
# argument, succeeds, greets and prints WORD.
runs_hello() {
    run "$1" --solo5:quiet "$2"
    assert_success
    assert_line "Hello, World"
    assert_line "$2"
}

# NOBODY: the command prefix that runs a command as user and group 65534,
# with every capability set empty, the bounding set too (setpriv execs it).
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
    --ambient-caps=-all --bounding-set=-all)

# BOUNDED: the command prefix for a packed app that must end by itself (a
# refusal, a bad argument, a client), e.g. `run in_ns "${BOUNDED[@]}" APP`:
# if the check under test were missing, a server would serve on and a client
# wait forever; it is stopped after 30 s (status 124), and the test fails at
# once instead of holding up the suite until its timeout (BATS_TEST_TIMEOUT).
BOUNDED=(timeout -k 5 30)

# --- waiting for a background process -------------------------------------------

# stop_pid PID: kills PID (if set) with SIGKILL and reaps it.
stop_pid() {
    if [[ -n $1 ]]; then
        kill -KILL "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}

# wait_until [--pid PID] SECONDS COMMAND [ARGS...]: runs COMMAND every 20 ms
# until it succeeds; returns 0 then, 1 when SECONDS (a whole number) have
# passed first, 2 at once when process PID has exited (it will not happen).
# The deadline is the clock's, not a count of tries: a slow COMMAND on a
# loaded machine does not stretch it.
wait_until() {
    local pid=
    if [[ $1 == --pid ]]; then
        pid=$2
        shift 2
    fi
    local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
    shift
    until "$@"; do
        if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
            "$@" && return 0 # it did happen, just before the end
            return 2
        fi
        ((${EPOCHREALTIME/./} < end)) || return 1
        sleep 0.02
    done
}

# --- network namespaces (net.bats, httpd.bats) --------------------------------

# netns_add NAME: makes the network namespace NAME, sets NS=NAME and brings
# its loopback up. If the namespace cannot be made, sets NETNS_ERROR to why
# (for a skip) and returns 1.
netns_add() {
    local err
    if ! err=$(ip netns add "$1" 2>&1); then
        NETNS_ERROR="cannot make a network namespace: $err"
        return 1
    fi
    NS=$1
    in_ns ip link set lo up
}

# netns_del: deletes the network namespace $NS, if there is one.
netns_del() {
    if [[ -n ${NS-} ]]; then
        ip netns del "$NS"
    fi
}

# in_ns COMMAND [ARGS...]: runs COMMAND in the network namespace $NS.
in_ns() {
    ip netns exec "$NS" "$@"
}

# gdb in batch mode, without the user's gdbinit or debuginfod.
GDB=(gdb -nx -batch -iex 'set debuginfod enabled off' -iex 'set pagination off')

# needs_ptrace: skips the test if this machine does not let gdb run a
# program (ptrace forbidden by Yama or by a container's seccomp policy).
needs_ptrace() {
    command -v gdb >/dev/null || fail "no gdb (Debian package gdb)"
    local out
    if ! out=$("${GDB[@]}" -ex run -ex 'info inferiors' --args /bin/true 2>&1) ||
        [[ $out != *"exited normally"* ]]; then
        skip "gdb cannot run a program here (ptrace not allowed?): ${out//$'\n'/ }"
    fi
}

# needs_perf: fails without perf (scripts/install-deps installs it); skips
# the test where perf record cannot sample here (perf_event_paranoid, a
# container's seccomp policy).
needs_perf() {
    command -v perf >/dev/null || fail "no perf (scripts/install-deps installs linux-perf)"
    local out
    if ! out=$(perf record -q -N -e cpu-clock:u -o "$BATS_TEST_TMPDIR/perf.probe" -- /bin/true 2>&1); then
        skip "perf record does not work here: ${out//$'\n'/ }"
    fi
}

# perf_report_sleep APP: perf report (by file and symbol) into $output, of
# APP, the sleep guest packed, run with 0 ms: it reads the monotonic clock
# 100000 times in a row, in a loop of its own code and the bindings'
# solo5_clock_monotonic. User-space samples only (the clock_gettime calls
# are the kernel's), one every 50 us of CPU time.
perf_report_sleep() {
    local data=$BATS_TEST_TMPDIR/perf.data
    run perf record -q -N -e cpu-clock:u -c 50000 -o "$data" -- "$1" --solo5:quiet 0
    assert_success
    assert_line "monotonic ok"
    run perf report -i "$data" --stdio --sort dso,sym
    assert_success
}
