#!/usr/bin/env bats
# The user-mode relay (--net:NAME=user, docs/usernet.md) against a hostile
# guest and hostile senders: frames no honest IPv4 stack writes, datagrams
# larger than a frame, more flows than the relay keeps; and the relay's own
# confinement where tests/usernet.bats does not look (core dumps, a relay
# that dies before the guest is tied to it, the syntax of --net-forward).
#
# The guest is tests/guests/rawframes: it writes the frames it is given
# (made by tests/tools/frames.py) as they are and reports what comes back.
# On the host's side, tests/tools/observer.py logs every datagram and
# connection that reaches it: a hostile frame must add nothing to that log,
# and a last, honest datagram ("ping-last") must still be carried and
# answered, so the relay survived and goes on working.
#
# Each test makes its own private network namespace (ip netns add
# nabla-hostile-PID-N, deleted in teardown); its loopback is "the host".
# Nothing outside it is addressed. The apps run in it as user 65534 with
# every capability set empty (setpriv), as in tests/usernet.bats.

load helpers

RAWFRAMES_SPT=$GUESTS/rawframes.spt
NETECHO_SPT=$NABLA_BUILD/examples/netecho/netecho.spt
HTTPD_SPT=$NABLA_BUILD/examples/httpd/httpd.spt
FRAMES=$REPO_ROOT/tests/tools/frames.py
OBSERVER=$REPO_ROOT/tests/tools/observer.py

# The guest's network, as in a slirp/QEMU user network: the guest
# 10.0.2.15, the host 10.0.2.2, the name server 10.0.2.3.
GUEST=10.0.2.15
HOST=10.0.2.2
DNS=10.0.2.3

setup() {
    NS=
    APP_PID=
    OBSERVER_PID=
    LOG=$BATS_TEST_TMPDIR/app.log
    OBSERVED=$BATS_TEST_TMPDIR/observed
    local c
    for c in ip python3 setpriv prlimit curl; do
        command -v "$c" >/dev/null ||
            skip "no '$c' command (packages: iproute2 python3 util-linux curl)"
    done
    [[ -f $RAWFRAMES_SPT ]] || fail "no $RAWFRAMES_SPT (run 'make all' first)"
    netns_add "nabla-hostile-$$-$BATS_TEST_NUMBER" || skip "$NETNS_ERROR"
    # The apps, where user 65534 may run them.
    APPS=$(mktemp -d /tmp/nabla-hostile.XXXXXX)
    chmod 0755 "$APPS"
    pack_file "$RAWFRAMES_SPT" "$APPS/rawframes" -q
}

teardown() {
    stop_pid "$APP_PID"
    stop_pid "$OBSERVER_PID"
    netns_del
    [[ -z ${APPS-} ]] || rm -rf "$APPS"
}

# guest_args SPEC [/ SPEC]...: the rawframes guest's arguments for these
# specs (frames, waits: tests/tools/frames.py), into the array ARGS.
guest_args() {
    local out
    out=$(python3 "$FRAMES" "$@") || fail "frames.py $*: failed"
    mapfile -t ARGS <<<"$out"
}

# observer_start UDPPORTS TCPPORTS: tests/tools/observer.py on the host's
# side, in the background, logging into $OBSERVED; waits until it is ready.
observer_start() {
    local out=$BATS_TEST_TMPDIR/observer.out
    : >"$OBSERVED"
    ip netns exec "$NS" python3 "$OBSERVER" "$OBSERVED" "$1" "$2" \
        >"$out" 2>&1 3>&- &
    OBSERVER_PID=$!
    wait_until --pid "$OBSERVER_PID" 5 grep -q ready "$out" ||
        fail "the observer did not start: $(cat "$out")"
}

# observed_is LINES...: the observer's log is exactly LINES, one a line, in
# any order (datagrams to different ports may be logged either way).
observed_is() {
    run sort "$OBSERVED"
    assert_output "$(printf '%s\n' "$@" | sort)"
}

# rawframes SPEC [/ SPEC]...: the packed rawframes guest in user mode, as
# user 65534 in the namespace, with these frames and waits, then an honest
# datagram "ping-last" to the host's port 9100 and the wait for its answer;
# the app must end with status 0 (the relay ends with the guest's status:
# it lived to the end).
rawframes() {
    guest_args "$@" / udp "$GUEST:5000" "$HOST:9100" ping-last / await=pong-last
    run --separate-stderr in_ns "${NOBODY[@]}" timeout 30 "$APPS/rawframes" \
        --net:service=user --solo5:quiet "${ARGS[@]}"
    assert_equal "$stderr" ""
    assert_line "rawframes: udp $HOST:9100 > $GUEST:5000: pong-last"
    assert_line "rawframes: done"
    assert_equal "$status" 0
}

# --- IPv4 headers ----------------------------------------------------------------

@test "a spoofed source address: nothing of it reaches the host" {
    observer_start 9100 9101
    # The guest's address is known (its announcement), then it sends as
    # 10.0.2.99: a datagram, and a SYN to a listening port.
    rawframes arp-announce "$GUEST" \
        / udp 10.0.2.99:5000 "$HOST:9100" spoofed \
        / tcp 10.0.2.99:5001 "$HOST:9101" S \
        / udp "$GUEST:5000" "$HOST:9100" ping-first \
        / await=pong-first
    observed_is "udp 9100 10: ping-first" "udp 9100 9: ping-last"
}

@test "IPv4 headers that lie about their length or are damaged: dropped" {
    observer_start 9100 9101
    # IHL 2 (8 bytes): read as such, the "TCP header" would start in the IP
    # header, its destination port being the header checksum field (9101
    # here) and its flags byte SYN (source port 5002 = 0x138a). A total
    # length beyond the frame (a datagram of 980 bytes in a frame of 47),
    # and a header checksum that is wrong.
    rawframes arp-announce "$GUEST" \
        / tcp "$GUEST:5002" "$HOST:9101" S --ihl 2 --ip-checksum 9101 \
        / udp "$GUEST:5000" "$HOST:9100" total --total 1000 --ulen 980 \
        / udp "$GUEST:5000" "$HOST:9100" checksum --ip-checksum-error
    observed_is "udp 9100 9: ping-last"
}

@test "IPv4 fragments, first or later, are not relayed" {
    observer_start 9100 ""
    # A later fragment (offset 1480) whose data looks like a UDP header to
    # port 9100, and a first fragment (more fragments) whose UDP length
    # covers just itself: the relay does not reassemble, so neither goes on.
    rawframes arp-announce "$GUEST" \
        / udp "$GUEST:5000" "$HOST:9100" later --frag 0x00b9 \
        / udp "$GUEST:5000" "$HOST:9100" first --frag 0x2000
    observed_is "udp 9100 9: ping-last"
}

@test "a UDP length beyond the packet: dropped, no bytes from past its end" {
    observer_start 9100 ""
    # A previous datagram leaves its bytes in the relay's frame buffer; a
    # UDP length of 200 in a packet of 32 would send them on.
    local secret
    secret=$(printf 'secret%.0s' {1..15})
    rawframes arp-announce "$GUEST" \
        / udp "$GUEST:5000" "$HOST:9100" "ping-$secret" \
        / "await=pong-$secret" \
        / udp "$GUEST:5000" "$HOST:9100" ulen --ulen 200
    run -0 grep -c secret "$OBSERVED"
    assert_output 1
    run -0 grep -v secret "$OBSERVED"
    assert_output "udp 9100 9: ping-last"
}

@test "an echo request in a frame longer than the MTU: no answer larger than a frame" {
    observer_start 9100 ""
    # 1472 bytes of data make a frame of 1514 bytes, the most a frame
    # holds: the relay (lwIP) answers echo requests to the host address.
    # 1494 bytes make one of 1536: the bindings refuse it, a guest that
    # bypasses them writes it with write(2), the relay reads it (it reads
    # up to 1536 bytes); its answer would not fit in a frame: none.
    rawframes arp-announce "$GUEST" \
        / icmp-echo "$GUEST" "$HOST" 1472 \
        / wait=200 \
        / icmp-echo "$GUEST" "$HOST" 1494 \
        / wait=200
    assert_line "rawframes: icmp $HOST > $GUEST type 0, 1514 bytes"
    assert_equal "$(grep -c '^rawframes: icmp ' <<<"$output")" 1
}

# --- TCP -------------------------------------------------------------------------

@test "TCP: a SYN with FIN or RST, or shorter than its header, opens no host connection" {
    observer_start 9100 9101
    # SYN+FIN and SYN+RST (scanner's segments); a SYN whose IPv4 total
    # length leaves only the ports of its TCP header (the rest of the
    # header follows in the frame, past the packet's end).
    rawframes arp-announce "$GUEST" \
        / tcp "$GUEST:5001" "$HOST:9101" SF \
        / tcp "$GUEST:5002" "$HOST:9101" SR \
        / tcp "$GUEST:5003" "$HOST:9101" S --total 24 \
        / wait=200
    observed_is "udp 9100 9: ping-last"
    # An honest SYN from the same guest does reach the host: the observer
    # saw the relay's connection.
    rawframes arp-announce "$GUEST" \
        / tcp "$GUEST:5004" "$HOST:9101" S \
        / wait=200
    observed_is "udp 9100 9: ping-last" "tcp 9101: connection" \
        "udp 9100 9: ping-last"
}

# --- addresses -------------------------------------------------------------------

# in_resolv FILE COMMAND...: COMMAND in a mount namespace of its own where
# /etc/resolv.conf is FILE.
in_resolv() {
    local conf=$1
    shift
    in_ns unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift &&
        exec "$@"' sh "$conf" "$@"
}

# rawframes_resolv FILE SPEC [/ SPEC]...: rawframes SPEC... with FILE as
# /etc/resolv.conf.
rawframes_resolv() {
    local conf=$1
    shift
    guest_args "$@" / udp "$GUEST:5000" "$HOST:9100" ping-last / await=pong-last
    run --separate-stderr in_resolv "$conf" "${NOBODY[@]}" timeout 30 \
        "$APPS/rawframes" --net:service=user --solo5:quiet "${ARGS[@]}"
    assert_equal "$stderr" ""
    assert_line "rawframes: done"
    assert_equal "$status" 0
}

@test "the guest's own address and the name server's address lead nowhere else on the host" {
    # The host has the guest's address too: a datagram the guest sends to
    # itself must not reach the host's port there.
    in_ns ip addr add "$GUEST/32" dev lo
    observer_start 9100,53 ""
    rawframes arp-announce "$GUEST" \
        / udp "$GUEST:5000" "$GUEST:9100" self
    observed_is "udp 9100 9: ping-last"

    # The name server's address carries port 53 only, to the name server
    # of /etc/resolv.conf (here 127.0.0.1): a datagram to its port 9100
    # does not reach the host's port 9100.
    printf 'nameserver 127.0.0.1\n' >"$BATS_TEST_TMPDIR/resolv.conf"
    chmod 0644 "$BATS_TEST_TMPDIR/resolv.conf"
    : >"$OBSERVED"
    rawframes_resolv "$BATS_TEST_TMPDIR/resolv.conf" arp-announce "$GUEST" \
        / udp "$GUEST:5000" "$DNS:9100" notdns \
        / udp "$GUEST:5000" "$DNS:53" query \
        / wait=200
    observed_is "udp 53 5: query" "udp 9100 9: ping-last"

    # No IPv4 name server in /etc/resolv.conf: DNS goes nowhere, not to
    # whatever listens on port 53 of the host.
    printf 'search example\nnameserver ::1\n' >"$BATS_TEST_TMPDIR/resolv.conf"
    : >"$OBSERVED"
    rawframes_resolv "$BATS_TEST_TMPDIR/resolv.conf" arp-announce "$GUEST" \
        / udp "$GUEST:5000" "$DNS:53" query \
        / wait=200
    observed_is "udp 9100 9: ping-last"
}

@test "UDP to the host's ports above the relay's sender ports (61000-61255) is carried" {
    # Ports 61000 to 61255 of the host address stand for the senders of
    # forwarded datagrams; 61256 is an ordinary port of the host.
    observer_start 9100,61256 ""
    rawframes arp-announce "$GUEST" \
        / udp "$GUEST:5000" "$HOST:61256" ping-high \
        / await=pong-high
    observed_is "udp 61256 9: ping-high" "udp 9100 9: ping-last"
}

@test "ARP: probes and cut-short requests are not answered; requests for other addresses are" {
    observer_start 9100 ""
    # A probe for the address the guest is about to take (RFC 5227, sender
    # 0.0.0.0) must get no answer, or the guest thinks the address taken.
    # A request for the host is answered with the relay's MAC; a request
    # cut after the target's MAC (38 bytes) is not answered.
    rawframes arp-probe "$GUEST" \
        / wait=200 \
        / arp-request "$GUEST" "$HOST" \
        / wait=200 \
        / arp-request "$GUEST" 10.0.2.77 --cut 38 \
        / wait=200
    refute_line --partial "arp reply $GUEST "
    assert_line "rawframes: arp reply $HOST is-at 02:52:45:4c:41:59"
    assert_equal "$(grep -c '^rawframes: arp reply ' <<<"$output")" 1
}

@test "TCP: the guest's SYN to a closed host port gets a reset, never a SYN-ACK" {
    observer_start 9100 ""
    # Nothing listens on the host's port 9001: the relay's connect fails,
    # and the guest must hear so at once, as from a real host, instead of
    # a connection that is accepted and then breaks.
    rawframes arp-announce "$GUEST" \
        / tcp "$GUEST:5005" "$HOST:9001" S \
        / wait=300
    assert_line "rawframes: tcp $HOST:9001 > $GUEST:5005 RST,ACK"
    refute_line --partial "SYN"
}

# --- from the host -----------------------------------------------------------------

@test "datagrams from the host larger than a frame are dropped; the relay goes on" {
    pack_file "$NETECHO_SPT" "$APPS/netecho" -q
    : >"$LOG"
    ip netns exec "$NS" "${NOBODY[@]}" "$APPS/netecho" --net:service=user \
        --net-forward:service=udp:7007:7 --solo5:quiet >"$LOG" 2>&1 3>&- &
    APP_PID=$!
    wait_until --pid "$APP_PID" 5 grep -q '^netecho: service ' "$LOG" ||
        fail "netecho did not start: $(cat "$LOG")"
    # Anyone who reaches a forwarded UDP port can send these: one byte
    # more than a frame holds (1472), 4000 bytes, the largest datagram.
    run -0 in_ns python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.connect(("127.0.0.1", 7007))
for n in (1473, 4000, 65507):
    s.send(b"x" * n)
s.send(b"y" * 1472)
print(len(s.recv(65536)))
s.send(b"small")
print(s.recv(65536).decode())
'
    assert_output "$(printf '1472\nsmall')"
    kill -0 "$APP_PID" || fail "the app ended: $(cat "$LOG")"
    run cat "$LOG"
    refute_output --partial "error"
}

# --- many flows ----------------------------------------------------------------------

@test "a guest that sends from 1100 ports: its oldest flows are closed, new ones still work" {
    observer_start 9100 ""
    # With the usual limit of 1024 fds, 1100 flows the relay kept open
    # would use them all up: the last datagram, from a new port, could not
    # get a socket. The relay keeps 128 and closes the oldest.
    guest_args arp-announce "$GUEST" \
        / udp "$GUEST:20000" "$HOST:9100" flow --times 1100 \
        / wait=300 \
        / udp "$GUEST:5000" "$HOST:9100" ping-last \
        / await=pong-last
    run --separate-stderr in_ns prlimit --nofile=1024:1024 "${NOBODY[@]}" \
        timeout 60 "$APPS/rawframes" --net:service=user --solo5:quiet \
        "${ARGS[@]}"
    assert_line "rawframes: udp $HOST:9100 > $GUEST:5000: pong-last"
    assert_equal "$status" 0
    run -0 tail -n 1 "$OBSERVED"
    assert_output "udp 9100 9: ping-last"
}

# --- the relay's own confinement ---------------------------------------------------

# relay_filtered PID: PID runs under more seccomp filters than this shell
# (the relay loaded its own: it set its limits before).
relay_filtered() {
    local mine theirs
    mine=$(awk '/^Seccomp_filters:/ { print $2 }' /proc/self/status)
    theirs=$(awk '/^Seccomp_filters:/ { print $2 }' "/proc/$1/status")
    ((theirs > mine))
}

@test "the relay turns its core dumps off even where the caller allows them" {
    : >"$LOG"
    ip netns exec "$NS" prlimit --core=unlimited "${NOBODY[@]}" \
        "$APPS/rawframes" --net:service=user --solo5:quiet wait=20000 \
        >"$LOG" 2>&1 3>&- &
    APP_PID=$!
    wait_until --pid "$APP_PID" 5 relay_filtered "$APP_PID" ||
        fail "the relay did not load its filter: $(cat "$LOG")"
    # The relay (the app's process): soft and hard limit 0.
    run -0 awk '/^Max core file size/ { print $5, $6 }' "/proc/$APP_PID/limits"
    assert_output "0 0"
    # The guest keeps the caller's: its own core dump is written as usual.
    local guest
    guest=$(pgrep -P "$APP_PID")
    run -0 awk '/^Max core file size/ { print $5, $6 }' "/proc/$guest/limits"
    assert_output "unlimited unlimited"
}

@test "a relay that dies before the guest is tied to it: the guest kills itself" {
    needs_ptrace
    # gdb follows the guest (the child) and stops it at its first prctl,
    # PR_SET_PDEATHSIG (1); the relay is killed then, before the kernel
    # would signal its death to the guest. The guest must find its parent
    # gone after the prctl, and end.
    cat >"$BATS_TEST_TMPDIR/race.gdb" <<'EOF'
set follow-fork-mode child
set detach-on-fork on
catch fork
run
catch syscall prctl
continue
python
import os, signal, time
inferior = gdb.selected_inferior()
first_arg = "$x0" if "aarch64" in inferior.architecture().name() else "$rdi"
print("prctl option %d" % int(gdb.parse_and_eval(first_arg)))
def state(p):
    try:
        for line in open("/proc/%d/status" % p):
            if line.startswith("State:"):
                return line.split()[1]
    except FileNotFoundError:
        pass
    return "gone"
relay = int(
    [l.split()[1] for l in open("/proc/%d/status" % inferior.pid)
     if l.startswith("PPid:")][0])
os.kill(relay, signal.SIGKILL)
for i in range(100):
    if state(relay) in ("Z", "gone"):
        break
    time.sleep(0.05)
print("relay killed: %s" % ("yes" if state(relay) in ("Z", "gone") else "no"))
end
delete
continue
EOF
    run in_ns timeout 60 "${GDB[@]}" -x "$BATS_TEST_TMPDIR/race.gdb" \
        --args "$APPS/rawframes" --net:service=user --solo5:quiet wait=100
    assert_line "prctl option 1"
    assert_line "relay killed: yes"
    assert_line "Program terminated with signal SIGKILL, Killed."
    refute_line "rawframes: done"
}

# --- --net-forward -----------------------------------------------------------------

@test "--net-forward: port 0, five fields and overlapping forwards are refused, port 65535 works" {
    # Port 0 would be a port the kernel picks, which nobody knows.
    pack_fails "port forward 'udp:0:7' is invalid" "$RAWFRAMES_SPT" \
        --net:service=user --net-forward:service=udp:0:7
    refuses_one_line "port forward 'udp:0:7' is invalid" in_ns \
        "$APPS/rawframes" --net:service=user --net-forward:service=udp:0:7
    # Five fields: refused at pack time and at run time, with one line.
    pack_fails "port forward 'tcp:127.0.0.1:8080:80:1' is invalid" \
        "$RAWFRAMES_SPT" --net:service=user \
        --net-forward:service=tcp:127.0.0.1:8080:80:1
    refuses_one_line "port forward 'tcp:127.0.0.1:8080:80:1' is invalid" \
        in_ns "$APPS/rawframes" --net:service=user \
        --net-forward:service=tcp:127.0.0.1:8080:80:1
    # A port on every address and the same port on one address: the second
    # could never be bound, so every start would fail; refused when packed.
    pack_fails "port forward 'tcp:127.0.0.1:8081:81': host port tcp 8081 is forwarded twice" \
        "$RAWFRAMES_SPT" --net:service=user \
        --net-forward:service=tcp:8081:80,tcp:127.0.0.1:8081:81
    pack_fails "port forward 'udp:8082:80': host port udp 8082 is forwarded twice" \
        "$RAWFRAMES_SPT" --net:service=user \
        --net-forward:service=udp:127.0.0.1:8082:81,udp:8082:80
    # The highest port is a port like any other.
    pack_file "$HTTPD_SPT" "$APPS/httpd" -q --net:service=user \
        --net-forward:service=tcp:65535:80
    : >"$LOG"
    ip netns exec "$NS" "${NOBODY[@]}" "$APPS/httpd" --solo5:quiet \
        >"$LOG" 2>&1 3>&- &
    APP_PID=$!
    wait_until --pid "$APP_PID" 5 grep -q '^httpd: serving ' "$LOG" ||
        fail "httpd did not start: $(cat "$LOG")"
    run -0 in_ns curl -sS -m 10 -o /dev/null -w '%{http_code}' \
        http://127.0.0.1:65535/
    assert_output 200
}
