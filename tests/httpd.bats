#!/usr/bin/env bats
# The httpd example (examples/httpd): an lwIP HTTP server unikernel, packed
# with --net:service=tap0 and the argument --ipv4=10.0.0.2/24.
#
# Everything happens inside one private network namespace made for this file
# (ip netns add nabla-httpd-PID, deleted at the end): tap0 with 10.0.0.1/24
# on the host side, the server at 10.0.0.2 (started once, with its baked-in
# defaults, and used by every test in turn), tap1 for the instances that must
# refuse their arguments. Nothing outside the namespace is addressed.
#
# /stats counts every request answered (any status), including the /stats
# request it answers; frames_in / frames_out count the Ethernet frames the
# server read / wrote.
#
# A client that picks the same source port again while the server's end of
# the last connection on it is still in TIME-WAIT is served at once
# (tests/tools/timewait.py reuse); an old duplicate SYN on it, or a newer
# one with a bad checksum, is not taken for a new connection (timewait.py
# oldsyn).
#
# Load: wrk with 4 connections for 10 s, then three rounds of wrk with 32
# connections for 10 s each (the server's VmRSS after each round: round 3 <=
# round 1 + 64 kB), and 10,000 sequential requests (ab -n 10000 -c 1, a new
# connection each). About a minute in all.
#
# Without /dev/net/tun, a network namespace, curl, wrk, ab (apache2-utils) or
# python3, the tests skip, saying which. The guest C library (libc/) is
# tested against glibc by tests/unit/libc_test.c (run from unit.bats).

load helpers

HTTPD=$NABLA_BUILD/examples/httpd/httpd
SITE=$NABLA_BUILD/examples/httpd/site
URL=http://10.0.0.2

# no_server REASON: the tests that need the server skip with REASON.
no_server() {
    echo "$*" >"$BATS_FILE_TMPDIR/no-server"
}

setup_file() {
    [[ -c /dev/net/tun ]] || {
        no_server "no /dev/net/tun: cannot make tap devices"
        return 0
    }
    local c
    for c in ip curl wrk ab python3; do
        command -v "$c" >/dev/null || {
            no_server "no '$c' command (packages: iproute2 curl wrk apache2-utils python3)"
            return 0
        }
    done
    if [[ ! -x $HTTPD ]]; then
        echo "no $HTTPD (run 'make all' first)" >&2
        return 1
    fi
    if ! netns_add "nabla-httpd-$$"; then
        no_server "$NETNS_ERROR"
        return 0
    fi
    export NS
    local tap
    for tap in tap0 tap1; do
        in_ns ip tuntap add "$tap" mode tap
        # No IPv6 chatter on the links.
        in_ns sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1" || true
    done
    in_ns ip addr add 10.0.0.1/24 dev tap0
    in_ns ip addr add 10.0.1.1/24 dev tap1
    in_ns ip link set tap0 up
    in_ns ip link set tap1 up
    # The kernel picks client ports below 61000; private_port hands out the
    # ports above, each once.
    in_ns sysctl -qw net.ipv4.ip_local_port_range="32768 60999"
    echo 61000 >"$BATS_FILE_TMPDIR/next-port"

    # The packed defaults: --net:service=tap0 -- --ipv4=10.0.0.2/24.
    export HTTPD_LOG=$BATS_FILE_TMPDIR/httpd.log
    ip netns exec "$NS" "$HTTPD" >"$HTTPD_LOG" 2>&1 3>&- &
    export HTTPD_PID=$!
    local rc=0
    wait_until --pid "$HTTPD_PID" 5 grep -q '^httpd: serving ' "$HTTPD_LOG" ||
        rc=$?
    case $rc in
    0) return 0 ;;
    2) echo "httpd exited before it was ready:" >&2 ;;
    *) echo "httpd did not say it was serving in 5 s:" >&2 ;;
    esac
    cat "$HTTPD_LOG" >&2
    return 1
}

# Every test needs the server.
setup() {
    SECOND_PID=
    if [[ -f $BATS_FILE_TMPDIR/no-server ]]; then
        skip "$(cat "$BATS_FILE_TMPDIR/no-server")"
    fi
}

# A second server a test started, if any.
teardown() {
    if [[ -n $SECOND_PID ]]; then
        kill -KILL "$SECOND_PID" 2>/dev/null || true
        wait "$SECOND_PID" 2>/dev/null || true
    fi
}

teardown_file() {
    if [[ -n ${HTTPD_PID-} ]]; then
        kill -KILL "$HTTPD_PID" 2>/dev/null || true
        wait "$HTTPD_PID" 2>/dev/null || true
    fi
    netns_del
}

# server_alive: the server is still running.
server_alive() {
    kill -0 "$HTTPD_PID" 2>/dev/null || {
        echo "httpd is gone; its output:"
        cat "$HTTPD_LOG"
    } | fail
}

# private_port: a client port no connection to the server has used in this
# file (above the kernel's ephemeral range). A port the kernel picks may still
# be in TIME-WAIT at the server, and a SYN on it counts in time_wait_reused.
private_port() {
    local port
    port=$(cat "$BATS_FILE_TMPDIR/next-port")
    ((port < 65535)) || fail "private_port: none left"
    echo $((port + 1)) >"$BATS_FILE_TMPDIR/next-port"
    echo "$port"
}

# stat_now NAME: that counter of /stats (fetched now, from a private port so
# that the fetch itself never ends a TIME-WAIT).
stat_now() {
    local port
    port=$(private_port)
    in_ns curl -sS -m 5 --local-port "$port" "$URL/stats" |
        awk -v k="$1" '$1 == k { print $2 }'
}

# stats_to FILE: /stats into FILE.
stats_to() {
    in_ns curl -sS -m 5 -o "$1" "$URL/stats"
}

# field FILE NAME: a counter from a saved /stats page.
field() {
    awk -v k="$2" '$1 == k { print $2 }' "$1"
}

# note: stdin as TAP comment lines.
note() {
    sed 's/^/# /' >&3
}

# rss_kb: the server's resident set (VmRSS, kB).
rss_kb() {
    awk '$1 == "VmRSS:" { print $2 }' "/proc/$HTTPD_PID/status"
}

# wrk_ok CONNECTIONS SECONDS PATH: a wrk run with no socket error and no
# response other than 2xx. A request may take up to 10 s (wrk's default is
# 2 s): on a loaded machine the server can be off the CPU long enough for
# the tap's queue to overflow, and TCP's retransmission backs off past 2 s;
# that is slowness, not an error. A stopped server still fails the run.
wrk_ok() {
    run -0 in_ns timeout $(($2 + 30)) wrk -t2 -c"$1" -d"$2"s --timeout 10s \
        "$URL$3"
    note <<<"$output"
    assert_output --regexp "[0-9]+ requests in "
    refute_output --partial "Non-2xx"
    local line
    line=$(grep 'Socket errors' <<<"$output" || true)
    if [[ -n $line && ! $line =~ ^\ *Socket\ errors:\ connect\ 0,\ read\ 0,\ write\ 0,\ timeout\ 0$ ]]; then
        fail "wrk: $line"
    fi
    local requests=${output%% requests in *}
    requests=${requests##*$'\n'}
    requests=${requests// /}
    ((requests > 1000)) || fail "wrk: only $requests requests"
}

# raw_http REQUEST-BYTES: sends them on one connection (printf escapes
# allowed), prints everything the server sends back until it closes (5 s at
# most).
raw_http() {
    in_ns python3 -c '
import socket, sys
s = socket.create_connection(("10.0.0.2", 80), timeout=5)
s.sendall(sys.argv[1].encode("latin-1").decode("unicode_escape").encode("latin-1"))
out = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
except socket.timeout:
    out += b"<timeout>"
except ConnectionResetError:
    out += b"<reset>"
sys.stdout.buffer.write(out)
' "$1"
}

@test "httpd: started with its baked-in defaults, says where it serves" {
    run -0 grep '^httpd: ' "$HTTPD_LOG"
    assert_output --regexp '^httpd: serving http://10\.0\.0\.2/ on service \(mac ([0-9a-f]{2}:){5}[0-9a-f]{2}, mtu 1500, 10\.0\.0\.2/24, gateway none\)$'
    run -0 in_ns ping -c 20 -i 0.01 -W 1 10.0.0.2
    assert_output --partial "20 packets transmitted, 20 received"
}

@test "GET / and /index.html: 200, exactly the page" {
    local out=$BATS_TEST_TMPDIR/page
    run -0 in_ns curl -sS -m 5 -D "$BATS_TEST_TMPDIR/headers" -o "$out" \
        -w '%{http_code}' "$URL/"
    assert_output 200
    cmp "$out" "$SITE/index.html"
    run -0 cat "$BATS_TEST_TMPDIR/headers"
    assert_output --partial $'Content-Type: text/html; charset=utf-8\r'
    assert_output --partial $'Content-Length: '"$(stat -c %s "$SITE/index.html")"$'\r'
    assert_output --partial $'Connection: keep-alive\r'
    run -0 in_ns curl -sS -m 5 -o "$out" -w '%{http_code}' "$URL/index.html?x=1"
    assert_output 200
    cmp "$out" "$SITE/index.html"
}

@test "GET /random.bin: 64 KiB, byte-exact (sha256 of the build's copy)" {
    local out=$BATS_TEST_TMPDIR/random.bin
    run -0 in_ns curl -sS -m 5 -o "$out" -w '%{http_code} %{size_download} %{content_type}' "$URL/random.bin"
    assert_output "200 65536 application/octet-stream"
    local want got
    want=$(sha256sum <"$SITE/random.bin")
    got=$(sha256sum <"$out")
    assert_equal "$got" "$want"
    # Ten times over one connection, too.
    local args=() i
    for ((i = 0; i < 10; i++)); do
        args+=(-o "$BATS_TEST_TMPDIR/r$i" "$URL/random.bin")
    done
    in_ns curl -sS -m 10 "${args[@]}"
    for ((i = 0; i < 10; i++)); do
        cmp "$BATS_TEST_TMPDIR/r$i" "$SITE/random.bin"
    done
}

@test "unknown path: 404; other methods: 405; bad requests: 400, 431, 505" {
    run -0 in_ns curl -sS -m 5 -o /dev/null -w '%{http_code}' "$URL/nope"
    assert_output 404
    run -0 in_ns curl -sS -m 5 -o /dev/null -w '%{http_code}' "$URL/index.htm"
    assert_output 404
    run -0 in_ns curl -sS -m 5 -o /dev/null -w '%{http_code}' -X POST -d x=1 "$URL/"
    assert_output 405
    run -0 raw_http 'DELETE / HTTP/1.1\r\nHost: x\r\n\r\n'
    assert_line --index 0 $'HTTP/1.1 405 Method Not Allowed\r'
    assert_line $'Allow: GET\r'
    assert_line $'Connection: close\r'
    run -0 raw_http 'GET /\r\n\r\n'
    assert_line --index 0 $'HTTP/1.1 400 Bad Request\r'
    run -0 raw_http 'GET / HTTP/2.0\r\n\r\n'
    assert_line --index 0 $'HTTP/1.1 505 HTTP Version Not Supported\r'
    local big
    big=$(printf 'X-Filler: %05000d\\r\\n' 0)
    run -0 raw_http "GET / HTTP/1.1\\r\\n$big\\r\\n"
    assert_line --index 0 $'HTTP/1.1 431 Request Header Fields Too Large\r'
    server_alive
}

@test "keep-alive: HTTP/1.1 keeps the connection, pipelined requests answered in order; HTTP/1.0 closes" {
    # Three requests in one write; the last one asks to close.
    run -0 raw_http 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
    run -0 grep -a '^HTTP/1.1 ' <<<"$output"
    assert_output $'HTTP/1.1 404 Not Found\r\nHTTP/1.1 200 OK\r\nHTTP/1.1 200 OK\r'
    # HTTP/1.0: closed after the answer unless it asks for keep-alive
    # (raw_http returns once the server closed the connection).
    run -0 raw_http 'GET / HTTP/1.0\r\n\r\n'
    assert_line --index 0 $'HTTP/1.1 200 OK\r'
    assert_line $'Connection: close\r'
    refute_output --partial "<timeout>"
    run -0 raw_http 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /nope HTTP/1.0\r\n\r\n'
    run -0 grep -a -e '^HTTP/1.1 ' -e '^Connection: ' <<<"$output"
    assert_output $'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nHTTP/1.1 404 Not Found\r\nConnection: close\r'
}

@test "/stats: after N more requests, requests is N + 1 more (it counts itself), frames in and out grow" {
    local s0=$BATS_TEST_TMPDIR/s0 s1=$BATS_TEST_TMPDIR/s1
    stats_to "$s0"
    # 7 pages and 3 misses on one connection: N = 10.
    local args=() i
    for ((i = 0; i < 7; i++)); do
        args+=(-o /dev/null "$URL/")
    done
    for ((i = 0; i < 3; i++)); do
        args+=(-o /dev/null "$URL/missing$i")
    done
    in_ns curl -sS -m 10 "${args[@]}"
    stats_to "$s1"
    note <"$s1"
    assert_equal "$(field "$s1" requests)" "$(($(field "$s0" requests) + 11))"
    assert_equal "$(field "$s1" responses_2xx)" "$(($(field "$s0" responses_2xx) + 8))"
    assert_equal "$(field "$s1" not_found)" "$(($(field "$s0" not_found) + 3))"
    assert_equal "$(field "$s1" responses_4xx)" "$(($(field "$s0" responses_4xx) + 3))"
    # Each request came in at least one frame and its answer went out in
    # at least one.
    local fin=$(($(field "$s1" frames_in) - $(field "$s0" frames_in)))
    local fout=$(($(field "$s1" frames_out) - $(field "$s0" frames_out)))
    ((fin >= 11)) || fail "frames_in grew by $fin for 11 requests"
    ((fout >= 11)) || fail "frames_out grew by $fout for 11 requests"
    assert_equal "$(field "$s1" frames_dropped)" 0
    assert_equal "$(field "$s1" tx_errors)" 0
}

@test "a client port used again while the server's end is in TIME-WAIT: served at once, not reset or stalled" {
    # The server closed first, so its end waits in TIME-WAIT (120 s): a
    # newer SYN on the same addresses and ports ends it (RFC 6191), whether
    # its sequence number falls in the old window (second GET at once) or
    # beyond it (0.1 s later).
    local before delay
    before=$(stat_now time_wait_reused)
    for delay in 0 0.1; do
        run -0 in_ns timeout 20 python3 "$BATS_TEST_DIRNAME/tools/timewait.py" \
            reuse 10.0.0.2 80 "$delay" "$(private_port)"
        assert_output --regexp '^port [0-9]+ used twice: second connect took 0\.[0-9]+ s$'
    done
    assert_equal "$(stat_now time_wait_reused)" "$((before + 2))"
}

@test "an old duplicate SYN, or a damaged one, does not end TIME-WAIT: no new connection" {
    local before
    before=$(stat_now time_wait_reused)
    run -0 in_ns timeout 20 python3 "$BATS_TEST_DIRNAME/tools/timewait.py" \
        oldsyn tap0 10.0.0.2 80 "$(private_port)"
    assert_output --regexp "^port [0-9]+: old SYN answered by TIME-WAIT's ACK, new connection served$"
    # Only the last GET, with a newer sequence number, ended it.
    assert_equal "$(stat_now time_wait_reused)" "$((before + 1))"
}

@test "load: wrk, 4 connections, 10 s: no socket error, all 2xx" {
    wrk_ok 4 10 /
    server_alive
}

@test "load: 10,000 sequential requests (ab -n 10000 -c 1): all 200" {
    local before
    before=$(stat_now requests)
    run -0 in_ns timeout 120 ab -q -n 10000 -c 1 "$URL/"
    assert_output --regexp $'\nComplete requests: +10000\n'
    assert_output --regexp $'\nFailed requests: +0\n'
    refute_output --partial "Non-2xx"
    assert_output --regexp "Document Length: +$(stat -c %s "$SITE/index.html") bytes"
    # Exactly those, counted: 10,000 + this /stats.
    assert_equal "$(stat_now requests)" "$((before + 10001))"
}

@test "load: wrk, 32 connections, 10 s, three rounds: all 2xx, memory does not grow" {
    local rss=() round
    for round in 1 2 3; do
        wrk_ok 32 10 /
        server_alive
        rss+=("$(rss_kb)")
        echo "round $round: VmRSS ${rss[-1]} kB" | note
    done
    ((rss[2] <= rss[0] + 64)) ||
        fail "VmRSS grew from ${rss[0]} kB (round 1) to ${rss[2]} kB (round 3)"
    ((rss[1] <= rss[0] + 64)) ||
        fail "VmRSS grew from ${rss[0]} kB (round 1) to ${rss[1]} kB (round 2)"
}

@test "after the load: still serving, byte-exact, and no lwIP assertion or abort" {
    server_alive
    local out=$BATS_TEST_TMPDIR/page
    run -0 in_ns curl -sS -m 5 -o "$out" -w '%{http_code}' "$URL/"
    assert_output 200
    cmp "$out" "$SITE/index.html"
    # A loaded machine may have dropped frames: allow for retransmissions.
    run -0 in_ns curl -sS -m 30 -o "$out" "$URL/random.bin"
    cmp "$out" "$SITE/random.bin"
    run -0 in_ns ping -c 5 -i 0.01 -W 1 10.0.0.2
    assert_output --partial "5 packets transmitted, 5 received"
    stats_to "$out"
    note <"$out"
    # The load closed its connections: at most the ones of wrk's last
    # moments linger (lwIP closes them once their peers' FINs arrive).
    assert_equal "$(field "$out" frames_dropped)" 0
    assert_equal "$(field "$out" tx_errors)" 0
    assert_equal "$(field "$out" connections_refused)" 0
    run -1 grep -v -e '^nabla: ' -e '^httpd: serving ' "$HTTPD_LOG"
    assert_output ""
}

# bad_arg ARGS...: a second instance on tap1 with these guest arguments
# (quiet: no banner) exits 1 after one line on the console (stdout), and
# nothing on stderr.
bad_arg() {
    run --separate-stderr in_ns "${BOUNDED[@]}" "$HTTPD" --net:service=tap1 -- --solo5:quiet "$@"
    assert_equal "$status" 1
    assert_equal "$stderr" ""
    assert_equal "${#lines[@]}" 1
}

@test "bad --ipv4: one clear line, exit status 1" {
    bad_arg --ipv4=10.0.0.300/24
    assert_output "httpd: bad --ipv4 value '10.0.0.300/24': expected ADDRESS/PREFIX, e.g. 10.0.0.2/24"
    bad_arg --ipv4=10.0.0.2
    assert_output "httpd: bad --ipv4 value '10.0.0.2': expected ADDRESS/PREFIX, e.g. 10.0.0.2/24"
    bad_arg --ipv4=10.0.0.2/33
    assert_output "httpd: bad --ipv4 value '10.0.0.2/33': the prefix length must be 1 to 32"
    bad_arg --ipv4=10.0.0.2/24x
    assert_output --partial "httpd: bad --ipv4 value '10.0.0.2/24x': "
    bad_arg --ipv4=bogus
    assert_output --partial "httpd: bad --ipv4 value 'bogus': "
    bad_arg --ipv4=
    assert_output --partial "httpd: bad --ipv4 value '': "
    bad_arg --ipv4=10.0.0.0/24
    assert_output "httpd: bad --ipv4 value '10.0.0.0/24': that is the network's own or its broadcast address"
    bad_arg --ipv4=224.0.0.1/24
    assert_output "httpd: bad --ipv4 value '224.0.0.1/24': not a unicast host address"
    bad_arg --ipv4=10.0.1.2/24 --ipv4=10.0.1.3/24
    assert_output "httpd: --ipv4 given twice"
    # A long value is quoted in part: still one line.
    local long
    long=$(printf '1%.0s' {1..3000})
    bad_arg "--ipv4=$long"
    assert_output "httpd: bad --ipv4 value '${long:0:100}...': expected ADDRESS/PREFIX, e.g. 10.0.0.2/24"
    # Without --solo5:quiet: the same one line among the bindings' own
    # ("nabla: ...").
    run --separate-stderr in_ns "${BOUNDED[@]}" "$HTTPD" --net:service=tap1 -- --ipv4=1.2.3
    assert_equal "$status" 1
    assert_equal "$stderr" ""
    run -0 grep -v '^nabla: ' <<<"$output"
    assert_output "httpd: bad --ipv4 value '1.2.3': expected ADDRESS/PREFIX, e.g. 10.0.0.2/24"
}

@test "bad --ipv4-gateway or an unknown argument: one clear line, exit status 1" {
    bad_arg --ipv4=10.0.1.2/24 --ipv4-gateway=10.0.2.1
    assert_output "httpd: bad --ipv4-gateway value '10.0.2.1': not in the network of --ipv4"
    bad_arg --ipv4=10.0.1.2/24 --ipv4-gateway=10.0.1.2
    assert_output "httpd: bad --ipv4-gateway value '10.0.1.2': that is the server's own address"
    bad_arg --ipv4=10.0.1.2/24 --ipv4-gateway=10.0.1
    assert_output "httpd: bad --ipv4-gateway value '10.0.1': expected an address, e.g. 10.0.0.1"
    bad_arg --port=8080
    assert_output "httpd: unknown argument '--port=8080' (usage: httpd [--ipv4=ADDRESS/PREFIX] [--ipv4-gateway=ADDRESS])"
}

@test "--ipv4 and --ipv4-gateway given: a second server on tap1 serves there" {
    local log=$BATS_TEST_TMPDIR/second.log
    # ip netns exec execs it: $! is the server itself.
    ip netns exec "$NS" "$HTTPD" --net:service=tap1 -- \
        --ipv4=10.0.1.2/24 --ipv4-gateway=10.0.1.1 >"$log" 2>&1 3>&- &
    SECOND_PID=$!
    wait_until --pid "$SECOND_PID" 5 grep -q '^httpd: serving ' "$log" || true
    run -0 grep '^httpd: serving ' "$log"
    assert_output --regexp ', mtu 1500, 10\.0\.1\.2/24, gateway 10\.0\.1\.1\)$'
    run -0 in_ns curl -sS -m 5 -o "$BATS_TEST_TMPDIR/page" -w '%{http_code}' http://10.0.1.2/
    assert_output 200
    cmp "$BATS_TEST_TMPDIR/page" "$SITE/index.html"
}
