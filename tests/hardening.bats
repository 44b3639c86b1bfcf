#!/usr/bin/env bats
# The stub's hardening (issue 6.3) and the policy in words (6.2), checked on
# a running guest through /proc.

load helpers

# Starts a packed sleep guest (sleeping MS milliseconds) in the background
# with the extra arguments given; sets GUEST_PID.
start_sleeper() {
    local ms=$1
    shift
    pack_guest sleep
    "$BATS_TEST_TMPDIR/sleep" "$@" -- "$ms" >"$BATS_TEST_TMPDIR/out" 2>&1 &
    GUEST_PID=$!
    # The guest is running once the stub has unmapped itself.
    for _ in $(seq 100); do
        if ! grep -q 'nabla-stub\|7e0000000000' "/proc/$GUEST_PID/maps" \
            2>/dev/null && grep -q '^00100000' "/proc/$GUEST_PID/maps" \
            2>/dev/null; then
            return 0
        fi
        sleep 0.02
    done
    fail "the guest did not start: $(cat "$BATS_TEST_TMPDIR/out")"
}

teardown() {
    if [ -n "${GUEST_PID:-}" ]; then
        kill "$GUEST_PID" 2>/dev/null || true
        wait "$GUEST_PID" 2>/dev/null || true
    fi
}

@test "a guest started by root has no capabilities at all, and no_new_privs" {
    [ "$(id -u)" -eq 0 ] || skip "needs root to start with capabilities"
    start_sleeper 2000
    run grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' \
        "/proc/$GUEST_PID/status"
    assert_output --partial "CapInh:	0000000000000000"
    assert_output --partial "CapPrm:	0000000000000000"
    assert_output --partial "CapEff:	0000000000000000"
    assert_output --partial "CapBnd:	0000000000000000"
    assert_output --partial "CapAmb:	0000000000000000"
    assert_output --partial "NoNewPrivs:	1"
    assert_output --partial "Seccomp:	2"
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
    assert_failure 1
    assert_equal "$(wc -l <<<"$stderr")" 1
    [[ $stderr == *"refusing to run set-uid"* ]]
    refute_output --partial "Hello"
}

@test "--print-policy prints exactly the policy of ABI.md §4 for the app's devices" {
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
allow epoll_pwait (yield) if fd == 3
allow timerfd_settime (yield deadline) if fd == 4
allow arch_prctl (TLS base) if code == ARCH_SET_FS
allow pread64 (storage) if fd == 5 and count == 4096 and offset <= 1044480
allow pwrite64 (storage) if fd == 5 and count == 4096 and offset <= 1044480
kill the process on any other system call, on any other architecture and on x32 calls"
    # Nothing ran and nothing was written.
    assert_equal "$(tr -d '\0' <"$BATS_TEST_TMPDIR/disk.img" | wc -c)" 0
}

@test "nabla-pack inspect names the same policy with the run-time values named" {
    run "$PACK" inspect "$NABLA_BUILD/examples/netecho/netecho"
    assert_success
    assert_output --partial "  allow read (service) if fd == the fd of 'service'"
    assert_output --partial "  allow write (service) if fd == the fd of 'service'"
    assert_output --partial "  allow write (console) if fd == 1"
    assert_output --partial "  kill the process on any other system call"
    refute_output --partial "pread64"
}
