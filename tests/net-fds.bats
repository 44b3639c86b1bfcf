#!/usr/bin/env bats
# Net devices given as open fds (--net:NAME=@FD), as a supervisor or a
# container runtime hands them over: several at once in any order, stray
# fds around them closed, stdin/stdout/stderr and fds the caller never
# opened refused with one line. The fds are Unix datagram sockets made by
# tests/tools/withfds.py, which reports the frames the guest wrote to each.

load helpers

WITHFDS=$REPO_ROOT/tests/tools/withfds.py

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    GUEST_PID=
    pack_guest netfds
    NETFDS=$BATS_TEST_TMPDIR/netfds
}

teardown() {
    if [[ -n $GUEST_PID ]]; then
        kill "$GUEST_PID" 2>/dev/null || true
    fi
    if [[ -n ${BG_PID-} ]]; then
        wait "$BG_PID" 2>/dev/null || true
    fi
}

# frames_go_to SERVICE_FD SERVICE2_FD: netfds with --net:service=@SERVICE_FD
# --net:service2=@SERVICE2_FD runs, and each device's frame reaches its own
# fd.
frames_go_to() {
    run -0 timeout 10 python3 "$WITHFDS" "$1=sock" "$2=sock" -- \
        "$NETFDS" --net:service=@"$1" --net:service2=@"$2" --solo5:quiet 0
    assert_line "netfds done"
    assert_line "fd $1: frame from service"
    assert_line "fd $2: frame from service2"
}

@test "two @FDs, in either order: each device's frames go to its own fd" {
    frames_go_to 4 6
    frames_go_to 6 4
    frames_go_to 3 4
    frames_go_to 9 3
}

# start_netfds WITHFDS-SPECS... -- STUB-ARGS...: netfds, waiting 3 s, in the
# background under withfds.py; sets GUEST_PID once the guest runs (the
# stub has unmapped itself).
start_netfds() {
    local specs=()
    while (($# > 0)) && [[ $1 != -- ]]; do
        specs+=("$1")
        shift
    done
    shift
    : >out
    timeout 20 python3 "$WITHFDS" "${specs[@]}" -- "$NETFDS" "$@" \
        --solo5:quiet 3000 >out 2>&1 &
    BG_PID=$!
    wait_until --pid "$BG_PID" 5 guest_running ||
        fail "the guest did not start: $(cat out)"
}

# guest_running: the guest withfds.py started (its pid in ./out) runs: the
# stub has unmapped itself. Sets GUEST_PID.
guest_running() {
    local pid
    pid=$(sed -n 's/^withfds: pid //p' out)
    [[ -n $pid ]] && ! grep -q '7f00000000' "/proc/$pid/maps" 2>/dev/null &&
        grep -q '^00100000' "/proc/$pid/maps" 2>/dev/null || return 1
    GUEST_PID=$pid
}

# guest_fds: the guest's fds as "N:TARGET" words, in fd order.
guest_fds() {
    local fd
    for fd in $(ls "/proc/$GUEST_PID/fd" | sort -n); do
        printf '%s:%s ' "$fd" "$(readlink "/proc/$GUEST_PID/fd/$fd")"
    done
}

@test "stray fds next to the given ones (3 below @4, 5 between @4 and @6) are closed in the guest" {
    echo stray >stray
    start_netfds 3=file:stray 4=sock 5=file:stray 6=sock 7=file:stray -- \
        --net:service=@4 --net:service2=@6
    local fds
    fds=$(guest_fds)
    [[ $fds != *"$BATS_TEST_TMPDIR/stray"* ]] ||
        fail "a stray fd reached the guest: $fds"
    # What is left: stdin/out/err, the two sockets, and the stub's epoll
    # set and timer in the lowest free numbers (3 and 5).
    [[ $fds =~ ^0:[^\ ]+\ 1:[^\ ]+\ 2:[^\ ]+\ 3:anon_inode:\[eventpoll\]\ 4:socket:\[[0-9]+\]\ 5:anon_inode:\[timerfd\]\ 6:socket:\[[0-9]+\]\ $ ]] ||
        fail "unexpected fds in the guest: $fds"
}

# refused REGEX ARGS...: netfds (with a socket at fd 4 for whatever the
# arguments give it) is refused by the stub (status 125) with one line on
# stderr matching REGEX; the guest never ran (no frame, no "netfds done").
refused() {
    local regex=$1
    shift
    refuses_one_line "$regex" timeout 10 python3 "$WITHFDS" 4=sock -- \
        "$NETFDS" "$@" --solo5:quiet 0
    refute_output --partial "netfds done"
    refute_output --partial "frame from"
}

@test "@0, @1 and @2 are refused as net fds, with one line" {
    local fd
    for fd in 0 1 2; do
        refused "net device 'service': @$fd is standard input, output or error, not a tap$" \
            --net:service=@$fd --net:service2=@4
    done
    # The same for the second device, with stderr a pipe (as under a
    # supervisor that logs it).
    run --separate-stderr bash -c '"$@" 2>&1 | cat' - timeout 10 \
        python3 "$WITHFDS" 4=sock -- "$NETFDS" --net:service=@4 \
        --net:service2=@2 --solo5:quiet 0
    assert_output --regexp "net device 'service2': @2 is standard input, output or error, not a tap"
    refute_output --partial "netfds done"
    refute_output --partial "frame from"
}

@test "an @FD the caller did not open is refused, also the numbers the stub's own fds would take" {
    local fd
    # 3 and 5: the lowest free numbers, which the epoll set and the timer
    # would get (fd 4 is the socket).
    for fd in 3 5 57; do
        refused "net device 'service': '@$fd' is not an open file descriptor$" \
            --net:service=@$fd --net:service2=@4
    done
}

@test "one fd given to both net devices is refused" {
    refused "net device 'service2': @4 is already given to another net device$" \
        --net:service=@4 --net:service2=@4
}

@test "@ without a number, or with a bad one, is refused" {
    local v
    for v in @ @x @-1 @4x @1000000; do
        refused "net device 'service': '$v' is not a file descriptor: expected @FD, e\.g\. @3$" \
            --net:service=$v --net:service2=@4
    done
}

@test "a given fd is made non-blocking: solo5_net_read with nothing to read returns SOLO5_R_AGAIN" {
    pack_guest deverr
    truncate -s 64K disk.img
    run -0 timeout 10 python3 "$WITHFDS" 3=sock -- "$BATS_TEST_TMPDIR/deverr" \
        --block:storage=disk.img --net:service=@3 --solo5:quiet read-empty
    assert_line "net read: SOLO5_R_AGAIN"
}
