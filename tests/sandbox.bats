#!/usr/bin/env bats
# The seccomp sandbox of docs/abi.md §4, from the outside (our BPF compiler
# checked against libseccomp is in unit.bats): every x86_64 system call
# number tried from a guest, the allowed calls with arguments outside the
# policy, x32 and out-of-range numbers, and 32-bit int $0x80 calls.

load helpers

# The highest x86_64 system call number the system headers know.
UNISTD_64=/usr/include/x86_64-linux-gnu/asm/unistd_64.h

# docs/abi.md §4: read write pread64 pwrite64 arch_prctl clock_gettime exit_group
# epoll_pwait timerfd_settime.
ALLOWED_NRS=(0 1 17 18 158 228 231 281 286)

setup() {
    # Core dumps of guests killed by SIGSYS, if any, land here; none wanted.
    cd "$BATS_TEST_TMPDIR" || return 1
    ulimit -c 0
}

# sweep_setup: packs the sweep guest into $SWEEP, with a fresh zeroed 1 MiB
# disk.img for "storage" and a FIFO for "service" (given as fd 3: a FIFO
# opened read-write can be polled, read and written without blocking).
sweep_setup() {
    pack_guest sweep
    SWEEP=$BATS_TEST_TMPDIR/sweep
    rm -f disk.img net.fifo
    truncate -s 1M disk.img
    mkfifo net.fifo
}

# sweep_run ARGS...: runs the sweep guest with ARGS under `timeout 5`; sets
# RC to its exit status and OUT to its output (stdout and stderr).
sweep_run() {
    RC=0
    OUT=$(timeout 5 "$SWEEP" --block:storage=disk.img --net:service=@3 \
        --solo5:quiet "$@" 2>&1 3<>net.fifo) || RC=$?
}

# killed WHAT: after sweep_run, was the guest killed by SIGSYS (exit status
# 159) without the call returning? Otherwise records WHAT as escaped.
killed() {
    if ((RC == 159)) && [[ $OUT != *ESCAPED* ]]; then
        return 0
    fi
    ESCAPES+=("$1: exit status $RC, output: ${OUT//$'\n'/ | }")
    return 1
}

# report NAME TRIED KILLED EXEMPT_NOTE: prints the summary line to the TAP
# output and fails with the escapes, if any.
report() {
    local name=$1 tried=$2 nkilled=$3 note=$4
    local escaped=${#ESCAPES[@]}
    echo "# $name: $tried tried, $nkilled killed$note, $escaped escaped" >&3
    if ((escaped > 0)); then
        printf '%s\n' "${ESCAPES[@]}" |
            batslib_decorate "$name: $escaped call(s) escaped the seccomp filter" |
            fail
        return 1
    fi
}

@test "sweep: every system call outside docs/abi.md §4 dies with SIGSYS (159)" {
    [[ -r $UNISTD_64 ]] || skip "no $UNISTD_64"
    sweep_setup
    local -A name=() allowed=()
    local line max=-1 nr
    while read -r line; do
        if [[ $line =~ ^#define\ __NR_([a-z0-9_]+)\ +([0-9]+)$ ]]; then
            name[${BASH_REMATCH[2]}]=${BASH_REMATCH[1]}
            ((BASH_REMATCH[2] > max)) && max=${BASH_REMATCH[2]}
        fi
    done <"$UNISTD_64"
    ((max >= 300)) || fail "no system call numbers in $UNISTD_64 (max $max)"
    for nr in "${ALLOWED_NRS[@]}"; do
        allowed[$nr]=1
    done

    ESCAPES=()
    local tried=0 nkilled=0 exempt=()
    for ((nr = 0; nr <= max; nr++)); do
        [[ -n ${allowed[$nr]-} ]] && continue
        tried=$((tried + 1))
        sweep_run nr "$nr"
        # Linux (6.14 and later) runs uretprobe and uprobe without asking
        # seccomp; outside a uprobe trampoline they do nothing but raise
        # SIGILL (uretprobe) or return -ENXIO (uprobe). Only that exact,
        # harmless outcome is let through, and it is reported.
        if ((nr == 335)) && ((RC == 132)) && [[ $OUT != *ESCAPED* ]]; then
            exempt+=("335 (uretprobe: SIGILL)")
            continue
        fi
        if ((nr == 336)) && ((RC == 0)) &&
            [[ $OUT == "ESCAPED nr 0x150 ret=-6" ]]; then
            exempt+=("336 (uprobe: -ENXIO)")
            continue
        fi
        killed "nr $nr (${name[$nr]-unassigned})" && nkilled=$((nkilled + 1))
    done

    # Numbers past the table (the running kernel may know newer calls than
    # the headers: up to 511 one by one), and the x32 bit.
    for ((nr = max + 1; nr <= 511; nr++)); do
        tried=$((tried + 1))
        sweep_run nr "$nr"
        killed "nr $nr (newer than $UNISTD_64)" && nkilled=$((nkilled + 1))
    done
    for nr in 1000 0xffff 0x3fffffff 0x7fffffff 0x80000000 0xfffffffe \
        0xffffffff -1; do
        tried=$((tried + 1))
        sweep_run nr "$nr"
        killed "nr $nr (out of range)" && nkilled=$((nkilled + 1))
    done
    for nr in "${ALLOWED_NRS[@]}" 2 39 60 0x3fffffff; do
        tried=$((tried + 1))
        sweep_run x32 "$nr"
        killed "x32 $nr (${name[$nr]-})" && nkilled=$((nkilled + 1))
    done

    local note=
    if ((${#exempt[@]} > 0)); then
        note=", ${#exempt[@]} not filtered by the kernel: ${exempt[*]}"
        echo "# sweep: the kernel runs these without seccomp: ${exempt[*]}" >&3
    fi
    report sweep "$tried" "$nkilled" "$note"
    assert_equal "$((nkilled + ${#exempt[@]}))" "$tried"
}

@test "sweep allowed-bad: allowed calls with arguments outside docs/abi.md §4 die with SIGSYS" {
    sweep_setup
    sweep_run list-bad
    ((RC == 0)) || fail "sweep list-bad: exit status $RC: $OUT"
    local cases
    mapfile -t cases <<<"$OUT"
    ((${#cases[@]} >= 40)) || fail "sweep list-bad: only ${#cases[@]} cases"
    local before
    before=$(sha256sum disk.img)

    ESCAPES=()
    local tried=0 nkilled=0 c
    for c in "${cases[@]}"; do
        tried=$((tried + 1))
        sweep_run allowed-bad "$c"
        killed "allowed-bad $c" && nkilled=$((nkilled + 1))
    done
    report allowed-bad "$tried" "$nkilled" ""
    assert_equal "$nkilled" "$tried"
    # None of the block writes reached the disk.
    assert_equal "$(sha256sum disk.img)" "$before"
}

@test "sweep allowed-good: every allowed call with good arguments works" {
    sweep_setup
    sweep_run allowed-good
    ((RC == 0)) || fail "sweep allowed-good: exit status $RC: $OUT"
    [[ $OUT == *"good ok"* ]] || fail "sweep allowed-good: no 'good ok': $OUT"
    [[ $OUT != *FAILED* ]] || fail "sweep allowed-good: $OUT"
    # The first and the last block were written through the filter.
    run -0 python3 -c '
d = open("disk.img", "rb").read()
print(len(d) == 1 << 20 and d[:512] == b"S" * 512 and d[-512:] == b"S" * 512)'
    assert_output "True"
}

@test "epoll_pwait with a signal mask dies with SIGSYS: a guest cannot make itself immune to SIGTERM" {
    sweep_setup
    # Every signal blocked (what such a guest would pass), a mask with size
    # 0, and no mask but a size: only NULL and 0, as Solo5's bindings and
    # ours pass. Timeout 0: a call that got through would return at once.
    local c
    for c in epoll-mask-all epoll-mask-size0 epoll-null-size8 epoll-mask-hi \
        epoll-size-hi; do
        sweep_run allowed-bad "$c"
        [[ $OUT != *ESCAPED* ]] || fail "$c: $OUT"
        assert_equal "$c: $RC" "$c: 159"
    done
    # And the same call without a mask is allowed.
    sweep_run allowed-good
    assert_equal "$RC" 0
}

# A 32-bit call must never be served to the guest. What the guest sees
# depends on the host, so a plain static process (tests/probes/int80_host.c,
# not packed, not confined) asks first:
#   the host serves int $0x80        the filter must kill the guest: SIGSYS
#   the host kills the process       the guest must end the same way (the
#     (no IA32 emulation: SIGSEGV)     kernel refuses before any filter runs)
#   the call returns unserved        the kernel's 32-bit entry ran, and with
#                                      it the filter: SIGSYS
# and in every case the guest never reports a call that returned.
@test "int \$0x80 (32-bit) system calls: SIGSYS where the host serves them, never served" {
    local probe=$BATS_TEST_TMPDIR/int80_host
    run -0 musl-gcc -std=c11 -O2 -Wall -Wextra -Werror -static \
        -o "$probe" "$REPO_ROOT/tests/probes/int80_host.c"
    local host_rc=0 host_out
    host_out=$(timeout 5 "$probe" 2>&1) || host_rc=$?
    local want how
    if ((host_rc == 0)) && [[ $host_out == "int80_host: served "* ]]; then
        want=159
        how="host serves 32-bit calls ($host_out): the guest must die with SIGSYS (159)"
    elif ((host_rc > 128 && host_rc != 255 && host_rc != 124)); then
        want=$host_rc
        how="host does not serve 32-bit calls (a plain process ends with status $host_rc, signal $((host_rc - 128))): the guest must end the same way"
    elif ((host_rc == 3)); then
        want=159
        how="host returns from int \$0x80 without serving it ($host_out): the guest must die with SIGSYS (159)"
    else
        fail "int80_host probe: unexpected outcome, exit status $host_rc: $host_out"
        return 1
    fi
    echo "# int80: $how" >&3

    pack_guest int80
    local c
    for c in getpid write exit exit-fd1 exit_group clock; do
        run timeout 5 "$BATS_TEST_TMPDIR/int80" "$c"
        refute_output --partial "ESCAPED"
        refute_output --partial "i386 write ran"
        ((status == want)) ||
            fail "int80 $c: exit status $status, expected $want ($how); output: $output"
    done
}

# --- the exit trampoline where the guest's text has no room ------------------
# The fulltext guest's text ends 16 bytes short of a page boundary
# (tests/guests/fulltext-tail.S), too close for the exit trampoline: the stub
# puts it in a page of its own at 0x20000 and still unmaps itself, its stack
# (argv, the environment, the auxiliary vector) and the vDSO before the
# guest's first instruction. The guest probes where they were; each probe
# must fault (SIGSEGV, 139), never print what it read.

# fulltext_setup: packs the guest into $FULLTEXT and checks that its text
# really leaves less room than the trampoline takes.
fulltext_setup() {
    pack_guest fulltext
    FULLTEXT=$BATS_TEST_TMPDIR/fulltext
    run -0 "$FULLTEXT" --solo5:quiet room
    local room tramp
    room=$(output_field room)
    tramp=$(stat -c %s "$NABLA_BUILD/stub/trampoline.bin")
    ((room < tramp)) ||
        fail "fulltext leaves $room bytes in its text page, the trampoline takes $tramp"
    SECRET=nabla-test-secret-$$-$RANDOM
}

# faults WHAT COMMAND...: COMMAND (the guest probing an address) dies of
# SIGSEGV and prints nothing of what is there, the secret least of all.
faults() {
    local what=$1 out rc=0
    shift
    out=$("$@" 2>&1) || rc=$?
    [[ $out != *"$SECRET"* ]] || fail "$what: the guest read the secret: $out"
    [[ $out != *" = 0x"* ]] || fail "$what: the guest read it: $out"
    ((rc == 139)) || fail "$what: exit status $rc, not 139 (SIGSEGV): $out"
}

@test "no room for the exit trampoline: nabla-pack and inspect say where it goes, and the guest runs" {
    fulltext_setup
    run -0 "$PACK" -o "$BATS_TEST_TMPDIR/again" "$GUESTS/fulltext.spt"
    assert_output --partial "stub unmapped before the guest runs; exit trampoline in a page of its own at 0x20000: no room in the guest's text)"
    run -0 "$PACK" inspect "$FULLTEXT"
    assert_line "stub unmapped before the guest runs: yes (its code, data, stack with argv, environment and auxv, and the vDSO)"
    assert_line "exit trampoline: 0x20000, in a read-only executable page of its own (no room in the guest's text)"
    run -0 "$PACK" inspect "$NABLA_BUILD/examples/hello/hello"
    assert_line --regexp '^exit trampoline: 0x10[0-9a-f]{4}, in the guest.s text$'
    # The control for the probes below: guest memory reads fine.
    run -0 "$FULLTEXT" --solo5:quiet peek 0x11000
    assert_output "peek 0x11000 = 0x0000000020000000" # mem_size: 512 MiB
}

@test "no room for the exit trampoline: the address space is guest memory (with the trampoline's page r-x) and [vsyscall] only" {
    fulltext_setup
    "$FULLTEXT" --mem=64 --solo5:quiet sleep 3000 >"$BATS_TEST_TMPDIR/out" 2>&1 &
    local pid=$! maps=
    # The guest runs once the stub has unmapped itself.
    stub_gone() {
        maps=$(cat "/proc/$pid/maps" 2>/dev/null) || maps=
        [[ $maps == *"00100000-"* && $maps != *7f00000000* ]]
    }
    wait_until --pid "$pid" 2 stub_gone || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [[ $maps == *"00100000-"* ]] || fail "the guest did not start: $(cat "$BATS_TEST_TMPDIR/out")"
    local line start end perms name execs=()
    while read -r line; do
        start=$((16#${line%%-*}))
        end=${line#*-}
        end=$((16#${end%% *}))
        perms=$(awk '{print $2}' <<<"$line")
        name=$(awk '{print $6}' <<<"$line")
        [[ $perms == *w*x* ]] && fail "W+X mapping: $line"
        [[ $name == "[vsyscall]" ]] && continue
        ((start >= 0x10000 && end <= 64 << 20)) ||
            fail "mapping outside guest memory [0x10000, 64 MiB): $line"
        if [[ $perms == *x* ]] && ((start < 0x100000)); then
            execs+=("${line%% *} $perms")
        fi
    done <<<"$maps"
    # Below the guest's segments, only the trampoline's page is executable.
    assert_equal "${execs[*]}" "00020000-00021000 r-xp"
}

@test "no room for the exit trampoline: the stub's code, data and payload, the environment through __environ: faults" {
    fulltext_setup
    # The stub is linked at a fixed address: a guest would find its
    # __environ there if it stayed mapped, and through it the environment.
    local environ
    environ=$(nm "$NABLA_BUILD/stub/nabla-stub" | awk '$3 == "__environ" { print $1 }')
    [[ $environ =~ ^[0-9a-f]{16}$ ]] || fail "no __environ in the stub: '$environ'"
    environ=$(printf '%#x' $((16#$environ)))
    [[ $environ == 0x7f00* ]] || fail "the stub's __environ at $environ"
    faults "environ via $environ" env NABLA_TEST_SECRET="$SECRET" \
        "$FULLTEXT" --solo5:quiet environ "$environ"
    local addr
    for addr in 0x7f00000000 "$environ" 0x7f00100000 0x7f00101000; do
        faults "peek $addr" env NABLA_TEST_SECRET="$SECRET" \
            "$FULLTEXT" --solo5:quiet peek "$addr"
    done
}

@test "no room for the exit trampoline: the stack with the environment, the vDSO and vvar: faults" {
    command -v setarch >/dev/null || fail "no setarch (util-linux)"
    fulltext_setup
    local probe=$BATS_TEST_TMPDIR/layout_host
    run -0 musl-gcc -std=c11 -O2 -Wall -Wextra -Werror -static \
        -o "$probe" "$REPO_ROOT/tests/probes/layout_host.c"
    # Without randomisation, a static executable's stack and vDSO are where
    # the probe finds its own (same kernel, same limits, same environment).
    local setarch
    setarch=$(command -v setarch)
    run -0 env -i NABLA_TEST_SECRET="$SECRET" "$setarch" -R "$probe" NABLA_TEST_SECRET
    local stack vdso vvar env
    stack=$(output_field "[stack]")
    vdso=$(output_field "[vdso]")
    vvar=$(output_field "[vvar]")
    env=$(output_field env)
    [[ -n $stack && -n $vdso && -n $vvar && -n $env ]] || fail "layout_host: $output"
    local stack_start=${stack% *} stack_end=${stack#* }
    ((env >= stack_start && env < stack_end)) || fail "layout_host: env $env not in [stack] $stack"
    faults "dump of the environment at $env" env -i NABLA_TEST_SECRET="$SECRET" \
        "$setarch" -R "$FULLTEXT" --solo5:quiet dump "$env" 64
    faults "peek at the stack's last word" env -i NABLA_TEST_SECRET="$SECRET" \
        "$setarch" -R "$FULLTEXT" --solo5:quiet peek "$(printf '%#x' $((stack_end - 8)))"
    faults "peek at [vdso] ${vdso% *}" env -i NABLA_TEST_SECRET="$SECRET" \
        "$setarch" -R "$FULLTEXT" --solo5:quiet peek "${vdso% *}"
    faults "peek at [vvar] ${vvar% *}" env -i NABLA_TEST_SECRET="$SECRET" \
        "$setarch" -R "$FULLTEXT" --solo5:quiet peek "${vvar% *}"
}
