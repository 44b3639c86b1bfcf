#!/usr/bin/env bats
# User-mode networking (--net:NAME=user, docs/usernet.md): packed unikernels
# serve and connect with no tap, no /dev/net/tun and no privilege.
#
# Each test makes its own private network namespace (ip netns add
# nabla-usernet-PID-N, deleted in teardown); its loopback is "the host".
# Nothing outside it is addressed. The apps run in it as user 65534 with
# every capability set empty, the bounding set too (setpriv), from a 0755
# directory of their own; the clients and servers on the host side run as
# root in the namespace.
#
#   httpd      inbound TCP through --net-forward (curl); the relay's and the
#              guest's lives; exit statuses
#   netecho    inbound UDP through a forward (tests/tools/udpecho.py)
#   netclient  outbound TCP and UDP to the host's loopback, and DNS
#              (tests/guests/netclient/)
# and the relay's own seccomp filter (gdb and tests/probes/relay_sweep.c),
# the guest's filter against a tap app's (gdb; needs /dev/net/tun), an empty
# chroot (inbound, outbound, lives, a port in use there too), defaults baked
# in by nabla-pack, refusals. tests/oci.bats runs the same cases in a Pod.

load helpers

HTTPD_SPT=$NABLA_BUILD/examples/httpd/httpd.spt
NETECHO_SPT=$NABLA_BUILD/examples/netecho/netecho.spt
NETCLIENT_SPT=$NABLA_BUILD/tests/guests/netclient.spt
SITE=$NABLA_BUILD/examples/httpd/site
RELAY_SWEEP=$NABLA_BUILD/tests/probes/relay_sweep

setup() {
    NS=
    APP_PID=
    SERVER_PID=
    LOG=$BATS_TEST_TMPDIR/app.log
    local c
    for c in ip curl python3 setpriv; do
        command -v "$c" >/dev/null ||
            skip "no '$c' command (packages: iproute2 curl python3 util-linux)"
    done
    local f
    for f in "$HTTPD_SPT" "$NETECHO_SPT" "$NETCLIENT_SPT" "$RELAY_SWEEP"; do
        [[ -f $f ]] || fail "no $f (run 'make all' first)"
    done
    netns_add "nabla-usernet-$$-$BATS_TEST_NUMBER" || skip "$NETNS_ERROR"
    # The apps, where user 65534 may run them.
    APPS=$(mktemp -d /tmp/nabla-usernet.XXXXXX)
    chmod 0755 "$APPS"
    pack_file "$HTTPD_SPT" "$APPS/httpd" -q
    pack_file "$NETECHO_SPT" "$APPS/netecho" -q
    pack_file "$NETCLIENT_SPT" "$APPS/netclient" -q
}

teardown() {
    stop_pid "$APP_PID"
    stop_pid "$SERVER_PID"
    netns_del
    [[ -z ${APPS-} ]] || rm -rf "$APPS"
}

# app_start COMMAND [ARGS...]: COMMAND as user 65534 in the namespace, in
# the background (ip netns exec and setpriv exec it: APP_PID is the app,
# that is the relay once the guest runs), stdout and stderr into $LOG.
app_start() {
    : >"$LOG"
    ip netns exec "$NS" "${NOBODY[@]}" "$@" >"$LOG" 2>&1 3>&- &
    APP_PID=$!
}

# wait_log REGEX: until $LOG has a line matching REGEX (5 s at most).
wait_log() {
    local rc=0 why="no line '$1' from the app in 5 s:"
    wait_until --pid "$APP_PID" 5 grep -qE "$1" "$LOG" || rc=$?
    if ((rc == 0)); then
        return 0
    fi
    if ((rc == 2)); then
        why="the app exited before printing '$1':"
    fi
    {
        echo "$why"
        cat "$LOG"
    } | fail
}

# httpd_start [ARGS...]: the packed httpd in user mode, port 8080 forwarded
# to its port 80, started and serving.
httpd_start() {
    app_start "$APPS/httpd" --net:service=user \
        --net-forward:service=tcp:8080:80 "$@" --solo5:quiet
    wait_log '^httpd: serving '
}

# has_child PID: PID has a child process.
has_child() {
    pgrep -P "$1" >/dev/null
}

# guest_of PID: the guest, the relay's only child (waits up to 2 s).
guest_of() {
    if ! wait_until 2 has_child "$1"; then
        echo "no child of $1" >&2
        return 1
    fi
    pgrep -P "$1"
}

# exited PID: PID is no more, or a zombie.
exited() {
    local state
    state=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null ||
        true)
    [[ -z $state || $state == Z ]]
}

# gone PID: PID has exited (it may be a zombie) within 2 s.
gone() {
    wait_until 2 exited "$1"
}

# kill_relay: kills the app (the relay) with SIGKILL: its status is 137 and
# its guest dies with it.
kill_relay() {
    local guest
    guest=$(guest_of "$APP_PID")
    kill -KILL "$APP_PID"
    app_status
    assert_equal "$STATUS" 137
    gone "$guest" || fail "the guest $guest still runs"
}

# app_status: waits for the app; sets STATUS to its exit status.
app_status() {
    STATUS=0
    wait "$APP_PID" || STATUS=$?
    APP_PID=
}

# server_start PYTHON: a server on the host side (root, in the namespace),
# in the background; waits until it printed "ready".
server_start() {
    local out=$BATS_TEST_TMPDIR/server.log
    : >"$out"
    ip netns exec "$NS" python3 -c "$1" >"$out" 2>&1 3>&- &
    SERVER_PID=$!
    wait_until --pid "$SERVER_PID" 5 grep -q ready "$out" ||
        fail "the server did not start: $(cat "$out")"
}

# refusal_status: the status of the stub's own refusals (an unknown option).
refusal_status() {
    local rc=0
    "${BOUNDED[@]}" "$APPS/httpd" --no-such-option 2>/dev/null || rc=$?
    echo "$rc"
}

# --- inbound --------------------------------------------------------------------

@test "httpd serves curl through --net-forward, run by nobody without capabilities" {
    app_start env NABLA_TEST_SECRET=open-sesame "$APPS/httpd" \
        --net:service=user --net-forward:service=tcp:8080:80 --solo5:quiet
    wait_log '^httpd: serving '
    run -0 in_ns curl -sS -m 10 http://127.0.0.1:8080/
    assert_output "$(cat "$SITE/index.html")"
    in_ns curl -sS -m 10 -o "$BATS_TEST_TMPDIR/random.bin" \
        http://127.0.0.1:8080/random.bin
    cmp "$SITE/random.bin" "$BATS_TEST_TMPDIR/random.bin"

    # Relay and guest: user 65534, no capability, no_new_privs (the stub's
    # own: setpriv did not set it), each under one seccomp filter more than
    # this test runs under.
    local guest pid filters
    guest=$(guest_of "$APP_PID")
    filters=$(awk '/^Seccomp_filters:/ { print $2 + 1 }' /proc/self/status)
    for pid in "$APP_PID" "$guest"; do
        run -0 grep -E '^(Uid|Gid|Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp|Seccomp_filters):' \
            "/proc/$pid/status"
        assert_output "$(printf '%s\n' "Uid:	65534	65534	65534	65534" \
            "Gid:	65534	65534	65534	65534" \
            "CapInh:	0000000000000000" "CapPrm:	0000000000000000" \
            "CapEff:	0000000000000000" "CapBnd:	0000000000000000" \
            "CapAmb:	0000000000000000" "NoNewPrivs:	1" "Seccomp:	2" \
            "Seccomp_filters:	$filters")"
    done
    # The guest holds its epoll set, its timer and its end of the socket
    # pair, nothing of the relay's (no listening socket).
    run -0 bash -c "ls -l /proc/$guest/fd | awk 'NR > 1 && \$9 > 2 { print \$11 }' | sed 's/:\[[0-9]*\]//' | sort"
    assert_output "$(printf '%s\n' 'anon_inode:[eventpoll]' \
        'anon_inode:[timerfd]' socket)"
    # The relay holds nothing of the guest's: no guest memory, none of its
    # fds (epoll set, timer, its end of the socket pair); only its own. Nor
    # the environment it was started with (wiped).
    run -0 tr '\0' '\n' <"/proc/$APP_PID/environ"
    refute_output --partial open-sesame
    run grep -c '^00100000-' "/proc/$APP_PID/maps"
    assert_output 0
    run -0 bash -c "ls -l /proc/$APP_PID/fd | awk 'NR > 1 && \$9 > 2 { print \$11 }' | sed 's/:\[[0-9]*\]//' | sort"
    assert_output "$(printf '%s\n' 'anon_inode:[eventpoll]' \
        'anon_inode:[pidfd]' 'anon_inode:[pidfd]' 'anon_inode:[signalfd]' \
        socket socket)"
    # SIGTERM to the app ends the guest, and the app with the same signal.
    kill -TERM "$APP_PID"
    app_status
    assert_equal "$STATUS" 143
    gone "$guest"
}

@test "netecho echoes 2000 UDP datagrams through --net-forward byte-exact" {
    app_start "$APPS/netecho" --net:service=user \
        --net-forward:service=udp:7007:7 --solo5:quiet
    wait_log '^netecho: service '
    run -0 in_ns python3 "$REPO_ROOT/tests/tools/udpecho.py" 127.0.0.1:7007 \
        2000 8 1472 r
    assert_output "2000 datagrams echoed byte-exact"
}

# --- outbound -------------------------------------------------------------------

# A TCP server on the host's 127.0.0.1:9000: answers the first line of each
# connection with "from ADDRESS: LINE" in upper case, and closes.
TCP_SERVER='
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9000))
s.listen()
print("ready", flush=True)
while True:
    c, a = s.accept()
    line = c.makefile().readline().strip()
    c.sendall(("from %s: %s\n" % (a[0], line.upper())).encode())
    c.close()
'

@test "netclient connects to a server on the host's loopback through the host address" {
    server_start "$TCP_SERVER"
    # The slirp-like network: the guest 10.0.2.15, the host 10.0.2.2.
    run -0 in_ns "${NOBODY[@]}" "${BOUNDED[@]}" "$APPS/netclient" \
        --net:service=user --solo5:quiet --ipv4=10.0.2.15/24 tcp 10.0.2.2 \
        9000 hello
    assert_line "netclient: connected"
    assert_line "netclient: received: from 127.0.0.1: HELLO"
    assert_line "netclient: closed"
    # httpd's network: the guest 10.0.0.2, so the host is 10.0.0.1.
    run -0 in_ns "${NOBODY[@]}" "${BOUNDED[@]}" "$APPS/netclient" \
        --net:service=user --solo5:quiet --ipv4=10.0.0.2/24 tcp 10.0.0.1 \
        9000 again
    assert_line "netclient: received: from 127.0.0.1: AGAIN"
}

@test "netclient: a closed host port and an unreachable address are refused at once" {
    local start=$SECONDS
    run -2 in_ns "${NOBODY[@]}" "${BOUNDED[@]}" "$APPS/netclient" \
        --net:service=user --solo5:quiet --ipv4=10.0.2.15/24 tcp 10.0.2.2 \
        9001 hello
    assert_line "netclient: refused"
    refute_line "netclient: connected"
    # No route from the namespace to 192.0.2.1 (TEST-NET-1).
    run -2 in_ns "${NOBODY[@]}" "${BOUNDED[@]}" "$APPS/netclient" \
        --net:service=user --solo5:quiet --ipv4=10.0.2.15/24 \
        --ipv4-gateway=10.0.2.2 tcp 192.0.2.1 80 hello
    assert_line "netclient: refused"
    refute_line "netclient: connected"
    ((SECONDS - start < 10)) || fail "refusals took $((SECONDS - start)) s"
}

@test "netclient: a UDP datagram to the host's loopback, and DNS to the name server of resolv.conf" {
    server_start '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 9002))
d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
d.bind(("127.0.0.1", 53))
t = socket.socket()
t.bind(("127.0.0.1", 9003))
t.listen()
print("ready", flush=True)
import select
while True:
    for r in select.select([s, d, t], [], [])[0]:
        if r is t:
            c, a = t.accept()
            c.makefile().readline()
            c.sendall(b"tcp\n")
            c.close()
            continue
        data, a = r.recvfrom(2048)
        r.sendto((b"dns " if r is d else b"pong ") + data, a)
'
    run -0 in_ns "${NOBODY[@]}" "${BOUNDED[@]}" "$APPS/netclient" \
        --net:service=user --solo5:quiet --ipv4=10.0.2.15/24 udp 10.0.2.2 \
        9002 ping
    assert_line "netclient: received: pong ping"
    # The name server as the guest sees it (10.0.2.3) is the first one of
    # /etc/resolv.conf: here (a mount namespace of its own) 127.0.0.1.
    printf 'search example\nnameserver 127.0.0.1\nnameserver 192.0.2.53\n' \
        >"$BATS_TEST_TMPDIR/resolv.conf"
    chmod 0644 "$BATS_TEST_TMPDIR/resolv.conf"
    run -0 in_ns unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf &&
        shift && exec "$@"' sh "$BATS_TEST_TMPDIR/resolv.conf" \
        "${NOBODY[@]}" "${BOUNDED[@]}" "$APPS/netclient" --net:service=user \
        --solo5:quiet --ipv4=10.0.2.15/24 udp 10.0.2.3 53 query
    assert_line "netclient: received: dns query"
    # The name server's address carries port 53 only: port 9003 of the
    # host (listening) is reached through the host's address, not its.
    run -0 in_ns "${NOBODY[@]}" "${BOUNDED[@]}" "$APPS/netclient" \
        --net:service=user --solo5:quiet --ipv4=10.0.2.15/24 tcp 10.0.2.2 \
        9003 hello
    assert_line "netclient: received: tcp"
    run -2 in_ns unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf &&
        shift && exec "$@"' sh "$BATS_TEST_TMPDIR/resolv.conf" \
        "${NOBODY[@]}" "${BOUNDED[@]}" "$APPS/netclient" --net:service=user \
        --solo5:quiet --ipv4=10.0.2.15/24 tcp 10.0.2.3 9003 hello
    assert_line "netclient: refused"
    refute_line "netclient: connected"
}

# --- lives and statuses ---------------------------------------------------------

@test "the relay killed: the guest dies with it, the app's status is 137" {
    httpd_start
    kill_relay
}

@test "the guest killed: the relay ends too, with the guest's signal" {
    httpd_start
    local guest relay=$APP_PID
    guest=$(guest_of "$APP_PID")
    kill -KILL "$guest"
    app_status
    assert_equal "$STATUS" 137
    gone "$relay"
    # A guest that crashes (SIGSEGV): the app ends with SIGSEGV too.
    httpd_start
    guest=$(guest_of "$APP_PID")
    kill -SEGV "$guest"
    app_status
    assert_equal "$STATUS" 139
}

@test "the guest's exit status is the app's; SIGHUP to the app ends both (129)" {
    # httpd refuses an argument: exit status 1.
    app_start "$APPS/httpd" --net:service=user --solo5:quiet --bad-argument
    app_status
    assert_equal "$STATUS" 1
    grep -q "httpd: unknown argument '--bad-argument'" "$LOG"
    httpd_start
    local guest
    guest=$(guest_of "$APP_PID")
    # (Not SIGINT: a shell starts background jobs with SIGINT ignored, and
    # the guest keeps that, as a tap app would.)
    kill -HUP "$APP_PID"
    app_status
    assert_equal "$STATUS" 129
    gone "$guest"
}

# --- refusals ----------------------------------------------------------------------

@test "a forwarded port already in use: one line, the stub's refusal status, nothing runs" {
    local refused
    refused=$(refusal_status)
    # The stub's refusal status (include/nabla/exit.h).
    assert_equal "$refused" 125
    server_start '
import socket, time
s = socket.socket()
s.bind(("0.0.0.0", 8080))
s.listen()
print("ready", flush=True)
time.sleep(60)
'
    run --separate-stderr in_ns "${NOBODY[@]}" "${BOUNDED[@]}" "$APPS/httpd" \
        --net:service=user --net-forward:service=tcp:8080:80 --solo5:quiet
    assert_equal "$status" "$refused"
    assert_one_stderr_line
    assert_equal "$stderr" "httpd: error: net device 'service': host tcp port 8080 (0.0.0.0) is already in use: cannot forward it"
    assert_equal "$output" ""
    # A port below net.ipv4.ip_unprivileged_port_start (1024).
    run --separate-stderr in_ns "${NOBODY[@]}" "${BOUNDED[@]}" "$APPS/httpd" \
        --net:service=user --net-forward:service=tcp:80:80 --solo5:quiet
    assert_equal "$status" "$refused"
    assert_equal "$stderr" "httpd: error: net device 'service': host tcp port 80: permission denied (ports below net.ipv4.ip_unprivileged_port_start need privilege)"
    # One refusal per bad forward or combination.
    local bad
    for bad in "--net-forward:service=tcp:8080" \
        "--net-forward:service=sctp:1:2" \
        "--net-forward:service=tcp:0:80" \
        "--net-forward:service=tcp:65536:80" \
        "--net-forward:service=tcp:1.2.3:8081:80" \
        "--net-forward:service=tcp:8081:80,udp:8081:80,tcp:8081:81"; do
        run --separate-stderr in_ns "${NOBODY[@]}" "${BOUNDED[@]}" "$APPS/httpd" \
            --net:service=user "$bad" --solo5:quiet
        assert_equal "$status" "$refused"
        assert_one_stderr_line
        assert_regex "$stderr" "^httpd: error: net device 'service': port forward '"
    done
    run --separate-stderr in_ns "${BOUNDED[@]}" "$APPS/httpd" --net:service=tap0 \
        --net-forward:service=tcp:8081:80
    assert_equal "$status" "$refused"
    assert_equal "$stderr" "httpd: error: net device 'service': --net-forward:service applies to a user-mode network only (--net:service=user)"
    # One user-mode device per app (netecho2 has two net devices).
    pack_guest netecho2 -q
    run --separate-stderr in_ns "${BOUNDED[@]}" "$BATS_TEST_TMPDIR/netecho2" \
        --net:service=user --net:service2=user
    assert_equal "$status" "$refused"
    assert_equal "$stderr" "netecho2: error: net device 'service2': only 1 net device can be in user mode (--net:service=user already)"
}

@test "defaults baked in by nabla-pack: user mode and forwards, checked at pack time" {
    pack_file "$HTTPD_SPT" "$APPS/web" -q --net:service=user \
        --net-forward:service=tcp:8081:80,tcp:127.0.0.1:8082:80 -- \
        --ipv4=10.0.2.15/24
    run -0 "$PACK" inspect "$APPS/web"
    assert_line "  --net:service=user"
    assert_line "  --net-forward:service=tcp:8081:80,tcp:127.0.0.1:8082:80"
    app_start "$APPS/web"
    wait_log '^httpd: serving http://10\.0\.2\.15/'
    run -0 in_ns curl -sS -m 10 http://127.0.0.1:8081/
    assert_output "$(cat "$SITE/index.html")"
    run -0 in_ns curl -sS -m 10 http://127.0.0.1:8082/
    assert_output "$(cat "$SITE/index.html")"
    stop_pid "$APP_PID"
    APP_PID=
    # A tap given on the command line replaces user mode; the baked-in
    # forwards then do not apply (the tap does not exist: that is the error).
    run --separate-stderr in_ns "${BOUNDED[@]}" "$APPS/web" --net:service=tapnothere
    assert_regex "$stderr" "tap interface 'tapnothere' not found"
    # A bad forward is refused at pack time.
    pack_fails "port forward 'tcp:80' is invalid" "$HTTPD_SPT" \
        --net:service=user --net-forward:service=tcp:80
}

# --- places --------------------------------------------------------------------------

# in_chroot ARGS...: ARGS in an empty directory as root directory, as user
# 65534, in the namespace: the executables in it ($ROOT) and nothing else,
# no /proc, /dev or /etc (so no name server either). Bounded (BOUNDED).
in_chroot() {
    ip netns exec "$NS" "${BOUNDED[@]}" chroot --userspec=65534:65534 "$ROOT" "$@"
}

# chroot_start ARGS...: the same in the background (ip netns exec and chroot
# exec it: APP_PID is the app), output into $LOG.
chroot_start() {
    : >"$LOG"
    ip netns exec "$NS" chroot --userspec=65534:65534 "$ROOT" "$@" \
        >"$LOG" 2>&1 3>&- &
    APP_PID=$!
}

@test "in an empty chroot, as user 65534: inbound TCP and UDP, outbound TCP, both lives, a port in use" {
    command -v chroot >/dev/null || skip "no chroot command (coreutils)"
    ROOT=$APPS/root
    mkdir -m 0755 "$ROOT"
    cp "$APPS/httpd" "$APPS/netecho" "$APPS/netclient" "$ROOT/"
    local refused
    refused=$(refusal_status)

    chroot_start /httpd --net:service=user --net-forward:service=tcp:8080:80 \
        --solo5:quiet
    wait_log '^httpd: serving '
    run -0 in_ns curl -sS -m 10 http://127.0.0.1:8080/
    assert_output "$(cat "$SITE/index.html")"
    run -0 awk '/^(Uid|CapEff):/ { print $2 }' "/proc/$APP_PID/status"
    assert_output "$(printf '65534\n0000000000000000')"
    run --separate-stderr in_chroot /httpd --net:service=user \
        --net-forward:service=tcp:8080:80 --solo5:quiet
    assert_equal "$status" "$refused"
    assert_equal "$stderr" "httpd: error: net device 'service': host tcp port 8080 (0.0.0.0) is already in use: cannot forward it"
    kill_relay

    chroot_start /netecho --net:service=user \
        --net-forward:service=udp:7007:7 --solo5:quiet
    wait_log '^netecho: service '
    run -0 in_ns python3 "$REPO_ROOT/tests/tools/udpecho.py" 127.0.0.1:7007 \
        200 8 1472 r
    assert_output "200 datagrams echoed byte-exact"
    local guest
    guest=$(guest_of "$APP_PID")
    kill -KILL "$guest"
    app_status
    assert_equal "$STATUS" 137

    server_start "$TCP_SERVER"
    run -0 in_chroot /netclient --net:service=user --solo5:quiet \
        --ipv4=10.0.2.15/24 tcp 10.0.2.2 9000 hello
    assert_line "netclient: received: from 127.0.0.1: HELLO"
}

# --- the filters ------------------------------------------------------------------------

@test "--print-policy and inspect show the relay's policy" {
    local n
    n=$("$RELAY_SWEEP" program 3 8 9 | awk '/^instructions:/ { print $2 }')
    run -0 "${BOUNDED[@]}" "$APPS/httpd" --net:service=user --print-policy
    assert_line "relay of the user-mode net device 'service' (this process, once the guest runs in its child):"
    assert_line "allow connect (outbound) if addrlen == sizeof(struct sockaddr_in)"
    assert_line "allow waitid (the guest's end) if idtype == P_PIDFD and id == the guest's pidfd and options == WEXITED|WNOHANG"
    assert_line "BPF program: $n instructions"
    local relay_rules
    relay_rules=$(sed -n '/^relay of the user-mode/,$p' <<<"$output" | grep -c '^allow ')
    assert_equal "$relay_rules" 21
    # A net device given as an fd: no relay.
    mkfifo "$BATS_TEST_TMPDIR/net.fifo"
    run -0 "${BOUNDED[@]}" "$APPS/httpd" --net:service=@3 --print-policy \
        3<>"$BATS_TEST_TMPDIR/net.fifo"
    refute_output --partial "relay"
    run -0 "$PACK" inspect "$APPS/httpd"
    assert_line "  allow accept4 (forwarded connections) if flags == SOCK_NONBLOCK|SOCK_CLOEXEC"
    run -0 "$PACK" inspect --json "$APPS/httpd"
    run -0 python3 -c 'import json, sys
j = json.loads(sys.stdin.read())
print(len([l for l in j["relay_policy"] if l.startswith("allow ")]), len(j["relay_confinement"]))' <<<"$output"
    assert_output "21 2"
    # No net device, no relay.
    run -0 "$PACK" inspect --json "$HELLO"
    run -0 python3 -c 'import json, sys
j = json.loads(sys.stdin.read())
print(j["relay_policy"], j["relay_confinement"])' <<<"$output"
    assert_output "[] []"
}

# The x86_64 numbers docs/usernet.md allows the relay: read write close
# rt_sigprocmask socket connect sendto recvfrom shutdown setsockopt
# getsockopt clock_gettime exit_group epoll_ctl waitid epoll_pwait accept4
# pidfd_send_signal.
RELAY_NRS="0 1 3 14 41 42 44 45 48 54 55 228 231 233 247 281 288 424"

@test "relay sweep: under the relay's filter every other call, and every allowed one with other arguments, dies with SIGSYS" {
    run -0 "$RELAY_SWEEP" sweep
    refute_output --partial ESCAPED
    refute_output --partial BLOCKED
    assert_line --regexp '^relay_sweep: [0-9]+ tried, [0-9]+ killed, 21 allowed, [0-9]+ exempt'
    local tried killed exempt
    read -r tried killed exempt < <(awk '/^relay_sweep: [0-9]+ tried/ { print $2, $4, $8 }' <<<"$output")
    assert_equal "$((killed + 21 + exempt))" "$tried"
    ((killed > 600)) || fail "only $killed calls killed"
    echo "# $(tail -n 1 <<<"$output")" >&3
    # The numbers with a rule are the documented ones.
    assert_line "relay_sweep: numbers with a rule: $RELAY_NRS"
}

# capture_filter LOG GDBARGS... -- COMMAND...: the BPF program COMMAND loads
# (tests/tools/seccomp-program.gdb, after GDBARGS), into LOG.
capture_filter() {
    local log=$1
    shift
    local gdbargs=()
    while [[ $1 != -- ]]; do
        gdbargs+=("$1")
        shift
    done
    shift
    "${GDB[@]}" "${gdbargs[@]}" -x "$REPO_ROOT/tests/tools/seccomp-program.gdb" \
        --args "$@" >"$log" 2>&1 </dev/null || true
    grep -q '^instructions: ' "$log" || {
        echo "no program captured:"
        cat "$log"
    } | fail
}

@test "the relay loads the program of common/relay_policy.c for its own fds" {
    needs_ptrace
    # gdb follows the parent, the relay; the python prints its fds first.
    cat >"$BATS_TEST_TMPDIR/fds.gdb" <<'EOF'
catch syscall seccomp
run
python
import os
pid = gdb.selected_inferior().pid
for fd in sorted(os.listdir("/proc/%d/fd" % pid), key=int):
    link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
    owner = ""
    for line in open("/proc/%d/fdinfo/%s" % (pid, fd)):
        if line.startswith("Pid:"):
            owner = line.split()[1]
    print("fd %s %s %s self %d" % (fd, link, owner, pid))
end
EOF
    sed '1,2d' "$REPO_ROOT/tests/tools/seccomp-program.gdb" >>"$BATS_TEST_TMPDIR/fds.gdb"
    in_ns "${GDB[@]}" -x "$BATS_TEST_TMPDIR/fds.gdb" --args "$APPS/httpd" \
        --net:service=user --net-forward:service=tcp:8080:80 --solo5:quiet \
        >"$BATS_TEST_TMPDIR/gdb.log" 2>&1 </dev/null || true
    local epfd guestfd selffd
    epfd=$(awk '$1 == "fd" && $3 == "anon_inode:[eventpoll]" { print $2 }' "$BATS_TEST_TMPDIR/gdb.log")
    selffd=$(awk '$1 == "fd" && $3 == "anon_inode:[pidfd]" && $4 == $6 { print $2 }' "$BATS_TEST_TMPDIR/gdb.log")
    guestfd=$(awk '$1 == "fd" && $3 == "anon_inode:[pidfd]" && $4 != $6 { print $2 }' "$BATS_TEST_TMPDIR/gdb.log")
    [[ $epfd =~ ^[0-9]+$ && $selffd =~ ^[0-9]+$ && $guestfd =~ ^[0-9]+$ ]] ||
        fail "the relay's fds not found: $(cat "$BATS_TEST_TMPDIR/gdb.log")"
    grep -E '^([0-9a-f]{16}|instructions: [0-9]+)$' "$BATS_TEST_TMPDIR/gdb.log" \
        >"$BATS_TEST_TMPDIR/loaded"
    "$RELAY_SWEEP" program "$epfd" "$guestfd" "$selffd" >"$BATS_TEST_TMPDIR/built"
    diff "$BATS_TEST_TMPDIR/built" "$BATS_TEST_TMPDIR/loaded"
}

@test "the guest's filter is byte for byte a tap app's" {
    needs_ptrace
    [[ -c /dev/net/tun ]] || skip "no /dev/net/tun: cannot make a tap to compare with"
    in_ns ip tuntap add tap0 mode tap
    in_ns ip link set tap0 up
    capture_filter "$BATS_TEST_TMPDIR/tap.log" -- ip netns exec "$NS" \
        "$APPS/httpd" --net:service=tap0 --solo5:quiet
    # In user mode the guest is the relay's child: follow it.
    capture_filter "$BATS_TEST_TMPDIR/user.log" -iex 'set follow-fork-mode child' \
        -- ip netns exec "$NS" "$APPS/httpd" --net:service=user --solo5:quiet
    local tap user
    tap=$(grep -E '^([0-9a-f]{16}|instructions: [0-9]+)$' "$BATS_TEST_TMPDIR/tap.log")
    user=$(grep -E '^([0-9a-f]{16}|instructions: [0-9]+)$' "$BATS_TEST_TMPDIR/user.log")
    [[ -n $tap ]] || fail "no program: $(cat "$BATS_TEST_TMPDIR/tap.log")"
    assert_equal "$user" "$tap"
}
