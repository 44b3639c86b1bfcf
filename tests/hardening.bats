#!/usr/bin/env bats
# The stub's hardening and the policy in words (docs/abi.md §4.2, §4.3),
# checked on a running guest through /proc.

load helpers

# Starts a packed sleep guest (sleeping MS milliseconds) in the background
# with the extra arguments given, under the command in SLEEPER_PREFIX (an
# array, empty by default); sets GUEST_PID.
start_sleeper() {
    local ms=$1
    shift
    pack_guest sleep
    "${SLEEPER_PREFIX[@]}" "$BATS_TEST_TMPDIR/sleep" "$@" -- "$ms" \
        >"$BATS_TEST_TMPDIR/out" 2>&1 &
    GUEST_PID=$!
    wait_until --pid "$GUEST_PID" 2 guest_running ||
        fail "the guest did not start: $(cat "$BATS_TEST_TMPDIR/out")"
}

# guest_running: the guest $GUEST_PID runs once the stub has unmapped itself.
guest_running() {
    local maps
    maps=$(cat "/proc/$GUEST_PID/maps" 2>/dev/null) || return 1
    [[ $maps != *nabla-stub* && $maps != *7f00000000* ]] &&
        grep -q '^00100000' <<<"$maps"
}

teardown() {
    if [ -n "${GUEST_PID:-}" ]; then
        kill "$GUEST_PID" 2>/dev/null || true
        wait "$GUEST_PID" 2>/dev/null || true
    fi
}

SLEEPER_PREFIX=()

@test "a guest started by root has no capabilities, and no_new_privs" {
    [ "$(id -u)" -eq 0 ] || skip "needs root to start with capabilities"
    start_sleeper 2000
    run grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' \
        "/proc/$GUEST_PID/status"
    assert_output --partial "CapInh:	0000000000000000"
    assert_output --partial "CapPrm:	0000000000000000"
    assert_output --partial "CapEff:	0000000000000000"
    assert_output --partial "CapAmb:	0000000000000000"
    assert_output --partial "NoNewPrivs:	1"
    assert_output --partial "Seccomp:	2"
    # The bounding set is left as it was: it only limits what an execve
    # could grant, and the filter allows no execve (see --print-policy).
    local bnd
    bnd=$(grep '^CapBnd:' /proc/self/status)
    assert_output --partial "$bnd"
}

@test "ambient capabilities the guest was started with are gone too" {
    [ "$(id -u)" -eq 0 ] || skip "needs root to raise ambient capabilities"
    command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
    # CAP_NET_RAW (13) inheritable and ambient before the stub runs: one
    # capset to zero must empty the ambient set as well.
    SLEEPER_PREFIX=(setpriv --inh-caps +net_raw --ambient-caps +net_raw)
    run "${SLEEPER_PREFIX[@]}" grep '^CapAmb:' /proc/self/status
    assert_output "CapAmb:	0000000000002000"
    start_sleeper 2000
    run grep -E '^(CapInh|CapPrm|CapEff|CapAmb):' "/proc/$GUEST_PID/status"
    assert_output "CapInh:	0000000000000000
CapPrm:	0000000000000000
CapEff:	0000000000000000
CapAmb:	0000000000000000"
}

@test "a running guest's address space is guest memory and [vsyscall] only, never W+X" {
    start_sleeper 2000 --mem=64
    local mem_end=$((64 << 20)) line start end perms name
    while read -r line; do
        start=$((16#${line%%-*}))
        end=${line#*-}
        end=$((16#${end%% *}))
        perms=$(awk '{print $2}' <<<"$line")
        name=$(awk '{print $6}' <<<"$line")
        [[ $perms == *w*x* ]] && fail "W+X mapping: $line"
        if [ "$name" = "[vsyscall]" ]; then
            continue
        fi
        if ((start < 0x10000 || end > mem_end)); then
            fail "mapping outside guest memory [0x10000, 64 MiB): $line"
        fi
    done <"/proc/$GUEST_PID/maps"
    run cat "/proc/$GUEST_PID/maps"
    refute_output --partial "[vdso]"
    refute_output --partial "[stack]"
    refute_output --partial "[heap]"
}

@test "file descriptors the guest was not given are closed before it runs" {
    exec 7</etc/hostname 8>/dev/null
    start_sleeper 2000
    exec 7<&- 8>&-
    run ls "/proc/$GUEST_PID/fd"
    # stdin, stdout, stderr, the epoll set and the timer: nothing else.
    assert_equal "$(ls "/proc/$GUEST_PID/fd" | sort -n | tr '\n' ' ')" \
        "0 1 2 3 4 "
    run readlink "/proc/$GUEST_PID/fd/3"
    assert_output "anon_inode:[eventpoll]"
    run readlink "/proc/$GUEST_PID/fd/4"
    assert_output "anon_inode:[timerfd]"
}

@test "a set-uid copy refuses to run (AT_SECURE)" {
    [ "$(id -u)" -eq 0 ] || skip "needs root to make a set-uid root file"
    local dir
    dir=$(mktemp -d /var/tmp/nabla-suid.XXXXXX)
    pack_file "$NABLA_BUILD/examples/hello/hello.spt" "$dir/hello"
    chmod 4755 "$dir/hello"
    chmod 755 "$dir"
    if findmnt -n -o OPTIONS --target "$dir" | grep -qw nosuid; then
        rm -rf "$dir"
        skip "$dir is on a nosuid mount"
    fi
    run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$dir/hello"
    rm -rf "$dir"
    assert_failure 125
    assert_equal "$(wc -l <<<"$stderr")" 1
    [[ $stderr == *"refusing to run set-uid"* ]]
    refute_output --partial "Hello"
}

@test "--print-policy prints exactly the policy of docs/abi.md §4 for the app's devices" {
    truncate -s 1M "$BATS_TEST_TMPDIR/disk.img"
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" \
        "$BATS_TEST_TMPDIR/blkcount"
    run "$BATS_TEST_TMPDIR/blkcount" --block:storage="$BATS_TEST_TMPDIR/disk.img" \
        --block-sector-size:storage=4096 --print-policy
    assert_success
    assert_equal "$output" "allow write (console) if fd == 1
allow exit_group (exit)
allow clock_gettime (time) if clock == CLOCK_MONOTONIC
allow clock_gettime (time) if clock == CLOCK_REALTIME
allow epoll_pwait (yield) if fd == 3 and sigmask == NULL and sigsetsize == 0
allow timerfd_settime (yield deadline) if fd == 4
allow arch_prctl (TLS base) if code == ARCH_SET_FS
allow pread64 (storage) if fd == 5 and count == 4096 and offset <= 1044480
allow pwrite64 (storage) if fd == 5 and count == 4096 and offset <= 1044480
kill the process on any other system call, on any other architecture and on x32 calls
BPF program: 100 instructions
before the filter: no_new_privs set; effective, permitted, inheritable and ambient capabilities emptied
capability bounding set left as it is: it only limits what execve can grant, and under this filter there is no execve (nor anything to gain from one under no_new_privs)"
    # Nothing ran and nothing was written.
    assert_equal "$(tr -d '\0' <"$BATS_TEST_TMPDIR/disk.img" | wc -c)" 0
}

@test "--print-policy gives the length of the filter the guest really gets" {
    command -v strace >/dev/null || skip "no strace"
    truncate -s 1M "$BATS_TEST_TMPDIR/disk.img"
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" \
        "$BATS_TEST_TMPDIR/blkcount"
    local app=$BATS_TEST_TMPDIR/blkcount printed loaded
    local disk=--block:storage=$BATS_TEST_TMPDIR/disk.img
    for app in "$NABLA_BUILD/examples/hello/hello" "$app $disk"; do
        # shellcheck disable=SC2086 # $app: the file and its options
        printed=$($app --print-policy |
            sed -n 's/^BPF program: \([0-9]*\) instructions$/\1/p')
        # shellcheck disable=SC2086
        loaded=$(strace -f -e trace=seccomp -o /dev/stdout $app |
            sed -n 's/.*SECCOMP_SET_MODE_FILTER, 0, {len=\([0-9]*\),.*/\1/p')
        [[ $printed =~ ^[0-9]+$ ]] || fail "$app: no length printed"
        assert_equal "$printed" "$loaded"
    done
}

@test "the filter lies in guest memory: in the boot info page, else after the plan at 0x10000, else at 0x18000" {
    command -v strace >/dev/null || skip "no strace"
    # hello's plan (448 bytes) and 70 instructions fit after its command
    # line in the boot information page, 0x11000.
    run strace -e trace=seccomp -o /dev/stdout \
        "$NABLA_BUILD/examples/hello/hello" --solo5:quiet
    assert_line --regexp '^seccomp\(SECCOMP_SET_MODE_FILTER, 0, \{len=70, filter=0x11[0-9a-f]{3}\}\) += 0$'
    # Command lines that leave room for neither, or for the plan but not
    # the filter: the page below, after the plan at 0x10000.
    local len
    for len in 3500 2900; do
        run strace -e trace=seccomp -o /dev/stdout \
            "$NABLA_BUILD/examples/hello/hello" --solo5:quiet -- "$(head -c "$len" /dev/zero | tr '\0' x)"
        assert_line --regexp '^seccomp\(SECCOMP_SET_MODE_FILTER, 0, \{len=70, filter=0x101c0\}\) += 0$'
        assert_line --partial "Hello, World"
    done
    # 63 block devices: far more than the 456 that fit there.
    pack_guest blk63
    local args=() n
    for n in $(seq 1 63); do
        truncate -s 4K "$BATS_TEST_TMPDIR/d$n.img"
        args+=("--block:d$n=$BATS_TEST_TMPDIR/d$n.img")
    done
    run strace -e trace=seccomp -o /dev/stdout "$BATS_TEST_TMPDIR/blk63" \
        "${args[@]}"
    assert_line --regexp '^seccomp\(SECCOMP_SET_MODE_FILTER, 0, \{len=[0-9]{4}, filter=0x18000\}\) += 0$'
    assert_line "63 devices ok"
}

@test "nabla-pack inspect names the same policy with the run-time values named" {
    run "$PACK" inspect "$NABLA_BUILD/examples/netecho/netecho"
    assert_success
    assert_output --partial "  allow read (service) if fd == the fd of 'service'"
    assert_output --partial "  allow write (service) if fd == the fd of 'service'"
    assert_output --partial "  allow write (console) if fd == 1"
    assert_output --partial "  kill the process on any other system call"
    assert_output --partial "  capability bounding set left as it is: it only limits what execve can grant"
    refute_output --partial "pread64"
}

# wait_in_syscall NR: waits (up to 2 s) until the guest $GUEST_PID is
# blocked in system call NR (/proc/PID/syscall).
wait_in_syscall() {
    wait_until 2 in_syscall "$1" ||
        fail "the guest is not waiting in system call $1: /proc/PID/syscall: $(cat "/proc/$GUEST_PID/syscall" 2>&1)"
}

# in_syscall NR: the guest $GUEST_PID is in system call NR now.
in_syscall() {
    local line
    line=$(cat "/proc/$GUEST_PID/syscall" 2>/dev/null) || return 1
    [[ $line == "$1 "* ]]
}

@test "a guest waiting in epoll_pwait ends on SIGTERM, SIGHUP and SIGINT" {
    local sig num rc
    for sig in TERM HUP INT; do
        # bash starts background commands with SIGINT ignored; the guest
        # gets the default action, as from a terminal or a service manager.
        SLEEPER_PREFIX=(env --default-signal=INT)
        start_sleeper 30000
        wait_in_syscall 281 # epoll_pwait, with no signal mask
        num=$(kill -l "$sig")
        kill -s "$sig" "$GUEST_PID"
        rc=0
        wait "$GUEST_PID" || rc=$?
        GUEST_PID=
        assert_equal "SIG$sig: $rc" "SIG$sig: $((128 + num))"
    done
}

# --- resource limits: one line and status 125, never a crash ---------------

# limited LIMIT COMMAND...: runs COMMAND under the bash ulimit option LIMIT
# ("-s 12"), with `run --separate-stderr`.
limited() {
    local limit=$1
    shift
    # shellcheck disable=SC2016 # $0 and $@: bash -c's own
    run --separate-stderr bash -c "ulimit $limit && exec \"\$0\" \"\$@\"" "$@"
}

# refused REGEX: after `limited`, the stub refused: status 125 (the stub's
# refusal, nabla/exit.h), one line on stderr matching REGEX, no guest.
refused() {
    : "${stderr?}"
    assert_equal "status $status" "status 125"
    assert_one_stderr_line
    assert_regex "$stderr" "$1"
    refute_output --partial "Hello"
}

@test "a stack limit too small to start: one line and status 125, never SIGSEGV" {
    command -v setarch >/dev/null || fail "no setarch (util-linux)"
    local setarch kib
    setarch=$(command -v setarch)
    # Without randomisation, and with a small environment, the kernel can
    # start the program under each of these; the stub needs 16 KiB more
    # than the arguments and environment take.
    for kib in 8 12 16; do
        # shellcheck disable=SC2016 # $0: bash -c's own
        run --separate-stderr env -i "$setarch" -R /bin/bash -c \
            "ulimit -s $kib && exec \"\$0\" --solo5:quiet" "$HELLO"
        refused "^hello: error: the stack limit \(ulimit -s\) of $kib KiB is too small: start-up needs 16 KiB below the [0-9]+ KiB that the arguments, the environment and the kernel's own data take$"
    done
    # A big environment leaves the stub almost nothing of 16 KiB: without
    # the check, start-up would run off the stack (SIGSEGV, no message).
    local pad
    pad=$(head -c 12000 /dev/zero | tr '\0' x)
    # shellcheck disable=SC2016 # $0: bash -c's own
    run --separate-stderr env -i PAD="$pad" "$setarch" -R /bin/bash -c \
        'ulimit -s 16 && exec "$0" --solo5:quiet' "$HELLO"
    refused "^hello: error: the stack limit \(ulimit -s\) of 16 KiB is too small: start-up needs 16 KiB below the 1[2-5] KiB that"
    # With randomisation, the stack's top moves by up to 8 KiB: the kernel
    # itself kills some starts under 8 or 10 KiB (SIGSEGV before the first
    # instruction, a static musl program too); from 12 KiB on it never does.
    for _ in $(seq 10); do
        # shellcheck disable=SC2016 # $0: bash -c's own
        run --separate-stderr env -i /bin/bash -c \
            'ulimit -s 12 && exec "$0" --solo5:quiet' "$HELLO"
        refused "^hello: error: the stack limit \(ulimit -s\) of 12 KiB is too small"
    done
    # Enough: it runs.
    limited "-s 32" "$HELLO" --solo5:quiet
    assert_success
    assert_output "Hello, World"
}

@test "an address-space or data limit too small for guest memory: one line naming it, status 125" {
    limited "-v 8000" "$HELLO" --solo5:quiet
    refused "^hello: error: cannot map guest memory 0x[0-9a-f]+-0x20000000: Out of memory \(the address-space limit, ulimit -v: 8000 KiB\)$"
    limited "-d 10000" "$HELLO" --solo5:quiet
    refused "^hello: error: cannot map guest memory 0x[0-9a-f]+-0x20000000: Out of memory \(the data limit, ulimit -d: 10000 KiB\)$"
    # The same limit with guest memory that fits in it.
    limited "-v 8000" "$HELLO" --mem=2 --solo5:quiet
    assert_success
    assert_output "Hello, World"
}

@test "an open-files limit too low for the guest's fds: one line naming it, status 125, the disk untouched" {
    # stdin, stdout, stderr, then the epoll set (3) and the timer (4).
    limited "-n 3" "$HELLO" --solo5:quiet
    refused "^hello: error: cannot create the guest's event set \(epoll_create1\): No file descriptors available \(the open-files limit, ulimit -n: 3\)$"
    limited "-n 4" "$HELLO" --solo5:quiet
    refused "^hello: error: cannot create the guest's timer \(timerfd_create\): No file descriptors available \(the open-files limit, ulimit -n: 4\)$"
    # And the disk image (5).
    local disk=$BATS_TEST_TMPDIR/disk.img
    head -c 1M /dev/urandom >"$disk"
    local before
    before=$(sha256sum <"$disk")
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" "$BATS_TEST_TMPDIR/blkcount"
    limited "-n 5" "$BATS_TEST_TMPDIR/blkcount" --block:storage="$disk" --solo5:quiet
    refused "^blkcount: error: block device 'storage': cannot open disk image '.*disk.img' for reading and writing: No file descriptors available \(the open-files limit, ulimit -n: 5\)$"
    assert_equal "$(sha256sum <"$disk")" "$before"
    limited "-n 6" "$BATS_TEST_TMPDIR/blkcount" --block:storage="$disk" --solo5:quiet
    assert_success
}

@test "the bounding set is left as it is, and that is safe: no_new_privs, and execve and execveat die with SIGSYS" {
    [ "$(id -u)" -eq 0 ] || skip "needs root to start with a full bounding set"
    start_sleeper 2000
    run grep -E '^(CapBnd|CapEff|NoNewPrivs|Seccomp):' "/proc/$GUEST_PID/status"
    assert_line "$(grep '^CapBnd:' /proc/self/status)"
    assert_line "CapEff:	0000000000000000"
    assert_line "NoNewPrivs:	1"
    assert_line "Seccomp:	2"
    # The bounding set limits only what execve grants (and what capset may
    # add to the inheritable set): a guest can make neither call.
    pack_guest sweep
    truncate -s 1M "$BATS_TEST_TMPDIR/disk.img"
    mkfifo "$BATS_TEST_TMPDIR/net.fifo"
    local nr
    for nr in 59 322 126 157; do # execve execveat capset prctl
        run timeout 5 "$BATS_TEST_TMPDIR/sweep" \
            --block:storage="$BATS_TEST_TMPDIR/disk.img" --net:service=@3 \
            --solo5:quiet nr "$nr" 3<>"$BATS_TEST_TMPDIR/net.fifo"
        refute_output --partial ESCAPED
        assert_equal "nr $nr: $status" "nr $nr: 159"
    done
}
