#!/usr/bin/env bats
# Net devices, end to end: the netecho example (ARP, ping, UDP echo on port
# 7) on tap interfaces.
#
# Everything happens inside a private network namespace made for each test
# (ip netns add nabla-test-PID-N, deleted in teardown): the taps, their
# addresses, the app and the traffic. Nothing outside it is addressed.

load helpers

NETECHO=$NABLA_BUILD/examples/netecho/netecho

setup() {
    NS=
    APP_PID=
    LOG=$BATS_TEST_TMPDIR/app.log
    [[ -c /dev/net/tun ]] || skip "no /dev/net/tun: cannot make tap devices"
    command -v ip >/dev/null || skip "no ip command (iproute2)"
    command -v ping >/dev/null || skip "no ping (iputils-ping)"
    [[ -x $NETECHO ]] || fail "no $NETECHO (run 'make all' first)"
    netns_add "nabla-test-$$-$BATS_TEST_NUMBER" || skip "$NETNS_ERROR"
}

teardown() {
    stop_app
    netns_del
}

# add_tap NAME ADDRESS/PREFIX [MTU]: a tap in the namespace, host side
# addressed, up.
add_tap() {
    in_ns ip tuntap add "$1" mode tap
    in_ns ip addr add "$2" dev "$1"
    if [[ -n ${3-} ]]; then
        in_ns ip link set "$1" mtu "$3"
    fi
    in_ns ip link set "$1" up
}

# start_app LINES COMMAND [ARGS...]: runs COMMAND in the namespace in the
# background (ip netns exec execs it: APP_PID is the app itself), stdout and
# stderr into $LOG; waits up to 5 s until it printed LINES "netecho:" lines.
start_app() {
    local want=$1
    shift
    : >"$LOG"
    ip netns exec "$NS" "$@" >"$LOG" 2>&1 3>&- &
    APP_PID=$!
    local rc=0
    wait_until --pid "$APP_PID" 5 log_has_lines "$want" || rc=$?
    ((rc == 0)) && return 0
    {
        if ((rc == 2)); then
            echo "the app exited before it was ready:"
        else
            echo "the app did not print $want 'netecho:' line(s) in 5 s:"
        fi
        cat "$LOG"
    } | fail
}

# log_has_lines N: $LOG holds at least N "netecho:" lines.
log_has_lines() {
    (($(grep -c '^netecho: ' "$LOG") >= $1))
}

stop_app() {
    if [[ -n $APP_PID ]]; then
        kill -KILL "$APP_PID" 2>/dev/null || true
        wait "$APP_PID" 2>/dev/null || true
        APP_PID=
    fi
}

# app_line: the first "netecho: ..." line the app printed (after start_app).
app_line() {
    grep -m1 "^netecho: ${1-}" "$LOG"
}

# ping_ok ADDRESS [COUNT]: a flood ping of COUNT (default 1000) echo
# requests, all answered.
ping_ok() {
    local count=${2:-1000}
    run -0 in_ns ping -c "$count" -f -W 1 "$1"
    assert_output --partial "$count packets transmitted, $count received"
    assert_output --regexp ", 0% packet loss"
}

# udp_echo_ok HOST COUNT SIZE...: tests/tools/udpecho.py HOST COUNT SIZE...
# in the namespace: COUNT UDP datagrams to HOST port 7 all come back
# byte-exact.
udp_echo_ok() {
    local count=$2
    run -0 in_ns python3 "$REPO_ROOT/tests/tools/udpecho.py" "$@"
    assert_output "$count datagrams echoed byte-exact"
}

@test "netecho answers 1000 flood pings without loss" {
    add_tap tap0 10.0.0.1/24
    # The baked-in defaults: --net:service=tap0 and 10.0.0.2.
    start_app 1 "$NETECHO"
    run -0 app_line service
    assert_output --regexp '^netecho: service mac ([0-9a-f]{2}:){5}[0-9a-f]{2} mtu 1500 ip 10\.0\.0\.2$'
    ping_ok 10.0.0.2 1000
}

@test "netecho echoes 10,000 UDP datagrams byte-exact" {
    add_tap tap0 10.0.0.1/24
    start_app 1 "$NETECHO"
    # The extremes (8 and 1400 bytes), then random sizes.
    udp_echo_ok 10.0.0.2 10000 8 1400 r r r r r r r r r r r r r r r r
}

@test "two net devices at once: both answer" {
    pack_guest netecho2
    add_tap tap0 10.0.0.1/24
    add_tap tap1 10.0.1.1/24
    start_app 2 "$BATS_TEST_TMPDIR/netecho2" --net:service=tap0 \
        --net:service2=tap1 -- 10.0.0.2 10.0.1.2
    run -0 app_line "service "
    assert_output --regexp ' mtu 1500 ip 10\.0\.0\.2$'
    local mac1=${output#*mac }
    run -0 app_line "service2 "
    assert_output --regexp ' mtu 1500 ip 10\.0\.1\.2$'
    local mac2=${output#*mac }
    [[ ${mac1%% *} != "${mac2%% *}" ]] ||
        fail "both devices got MAC ${mac1%% *}"
    ping_ok 10.0.0.2 200
    ping_ok 10.0.1.2 200
    udp_echo_ok 10.0.0.2 500 r
    udp_echo_ok 10.0.1.2 500 r
    # Each address is served on its own device only.
    run -0 in_ns ip neigh show 10.0.0.2 dev tap0
    assert_output --partial "lladdr ${mac1%% *}"
    run -0 in_ns ip neigh show 10.0.1.2 dev tap1
    assert_output --partial "lladdr ${mac2%% *}"
}

@test "MTU 9000 on the tap: netecho sees it and echoes 8000-byte datagrams" {
    add_tap tap0 10.0.0.1/24 9000
    start_app 1 "$NETECHO"
    run -0 app_line service
    assert_output --regexp ' mtu 9000 ip 10\.0\.0\.2$'
    # 8972 = 9000 - 20 (IPv4) - 8 (UDP): the largest unfragmented datagram.
    udp_echo_ok 10.0.0.2 40 8000 8972 1500 4000
}

@test "--net:service=@FD: a tap opened by the caller works" {
    add_tap tap0 10.0.0.1/24
    start_app 1 python3 "$REPO_ROOT/tests/tools/withtap.py" "$NETECHO"
    run -0 grep -m1 '^withtap: tap0 on fd ' "$LOG"
    local fd=${output##* }
    ((fd > 2)) || fail "the tap got fd $fd"
    run -0 app_line service
    assert_output --regexp ' mtu 1500 ip 10\.0\.0\.2$'
    ping_ok 10.0.0.2 200
}

@test "--net-mac:service=02:00:00:00:00:05 is the MAC netecho gets" {
    add_tap tap0 10.0.0.1/24
    start_app 1 "$NETECHO" --net-mac:service=02:00:00:00:00:05
    run -0 app_line service
    assert_output "netecho: service mac 02:00:00:00:00:05 mtu 1500 ip 10.0.0.2"
    ping_ok 10.0.0.2 10
    run -0 in_ns ip neigh show 10.0.0.2 dev tap0
    assert_output --partial "lladdr 02:00:00:00:00:05"
}

@test "without --net-mac, the MAC is locally administered unicast" {
    add_tap tap0 10.0.0.1/24
    start_app 1 "$NETECHO"
    run -0 app_line service
    assert_output --regexp '^netecho: service mac ([0-9a-f]{2}:){5}[0-9a-f]{2} '
    local mac=${output#*mac }
    mac=${mac%% *}
    local first=$((16#${mac%%:*}))
    (((first & 1) == 0)) || fail "MAC $mac is multicast"
    (((first & 2) == 2)) || fail "MAC $mac is not locally administered"
    ping_ok 10.0.0.2 10
    run -0 in_ns ip neigh show 10.0.0.2 dev tap0
    assert_output --partial "lladdr $mac"
}
