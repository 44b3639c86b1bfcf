#!/bin/sh
# The cases of tests/aarch64-stub.bats that take more than one command, run
# inside the arm64 VM (scripts/arm64-vm) by busybox sh, from /work, where
# the bats file put the packed aarch64 test guests and probes:
#
#   sh arm64-suite.sh CASE
#
# Each prints what the bats file then checks; see each case.
set -u

# sweep_run ARGS...: the sweep guest with its block device (a fresh 1 MiB
# disk.img) and its net device (a FIFO as fd 3: polled, read and written
# without blocking); prints its output, returns its status.
sweep_run() {
    timeout 10 ./sweep --block:storage=disk.img --net:service=@3 \
        --solo5:quiet "$@" 3<>net.fifo 2>&1
}

sweep_setup() {
    rm -f disk.img net.fifo
    truncate -s 1M disk.img
    mkfifo net.fifo
}

# "N STATUS ESCAPES" for each system call number N tried: every one the
# generic table has (and more, up to 511), -1 and numbers out of range.
sweep_nr() {
    sweep_setup
    for nr in -1 $(seq 0 511) 1000 0xffff 0x3fffffff 0x7fffffff \
        0x80000000 0xfffffffe 0xffffffff; do
        out=$(sweep_run nr "$nr")
        rc=$?
        echo "$nr $rc $(echo "$out" | grep -c ESCAPED)"
    done
}

# "CASE STATUS ESCAPES" for each of the sweep guest's allowed-bad cases.
sweep_bad() {
    sweep_setup
    cases=$(sweep_run list-bad) || { echo "list-bad failed: $cases"; return 1; }
    for c in $cases; do
        out=$(sweep_run allowed-bad "$c")
        rc=$?
        echo "$c $rc $(echo "$out" | grep -c ESCAPED)"
    done
}

sweep_good() {
    sweep_setup
    sweep_run allowed-good
}

sweep_policy() {
    sweep_setup
    ./sweep --block:storage=disk.img --net:service=@3 --print-policy 3<>net.fifo
}

# How long a start takes here: 20 packed hellos in a row, "20 starts in N
# ms" (the suite's time is mostly starts under TCG).
starts() {
    t0=$(cut -d ' ' -f 1 /proc/uptime)
    for i in $(seq 20); do ./hello >/dev/null 2>&1; done
    t1=$(cut -d ' ' -f 1 /proc/uptime)
    echo "$t0 $t1" | awk '{ printf "20 starts in %d ms\n", ($2 - $1) * 1000 }'
}

# A running guest seen from /proc: its mappings, capabilities and fds
# ("== maps", "== status", "== fds" sections, then "== guest": its
# output). fd 7 is open when it starts. The sleep guest, or with "fulltext"
# the guest whose exit trampoline has a page of its own.
running() {
    case "${1:-}" in
    fulltext) ./fulltext --mem=64 sleep 5000 >/tmp/sleep.out 2>&1 7<arm64-suite.sh & ;;
    *) ./sleep --mem=64 -- 5000 >/tmp/sleep.out 2>&1 7<arm64-suite.sh & ;;
    esac
    pid=$!
    i=0
    while [ $i -lt 200 ]; do
        if grep -q '^00100000' /proc/$pid/maps 2>/dev/null &&
            ! grep -q '7f00' /proc/$pid/maps 2>/dev/null; then
            break
        fi
        sleep 0.05
        i=$((i + 1))
    done
    echo "== maps"
    cat /proc/$pid/maps
    echo "== status"
    grep -E '^(CapInh|CapPrm|CapEff|CapAmb|NoNewPrivs|Seccomp):' \
        /proc/$pid/status
    echo "== fds"
    ls /proc/$pid/fd | sort -n | tr '\n' ' '
    echo
    kill $pid
    wait $pid
    echo "== guest"
    cat /tmp/sleep.out
}

# blkcount twice on one disk image: "boot count: 1", then 2.
blkcount() {
    rm -f count.img
    truncate -s 1M count.img
    ./blkcount --block:storage=count.img --solo5:quiet
    echo "status $?"
    ./blkcount --block:storage=count.img --solo5:quiet
    echo "status $?"
    ./blkcount --block:storage=count.img --block-sector-size:storage=4096 \
        --solo5:quiet
    echo "status $?"
}

# "CASE STATUS" for blkbad's cases, on a 64 KiB image.
blkbad() {
    rm -f bad.img
    truncate -s 64K bad.img
    for c in good-write read-past-end write-past-end wrong-size other-fd; do
        ./blkbad --block:storage=bad.img --solo5:quiet "$c" >/dev/null 2>&1
        echo "$c $?"
    done
}

# 63 block devices, then each image's first bytes: "dN B0 B1" where block
# 0 of dN must hold (N * 37 + j) mod 256 at j.
blk63() {
    args=
    for n in $(seq 1 63); do
        rm -f d$n.img
        truncate -s 4K d$n.img
        args="$args --block:d$n=d$n.img"
    done
    ./blk63 $args --solo5:quiet
    echo "status $?"
    for n in 1 2 63; do
        set -- $(od -A n -t u1 -N 2 d$n.img)
        echo "d$n $1 $2"
    done
}

# netecho2 on two taps in a private network namespace (MTU 9000 on the
# second): "ping A B" are busybox ping's statuses, then its output.
net() {
    unshare -n sh -c '
        ip link set lo up
        tunctl -t tap0 >/dev/null && tunctl -t tap1 >/dev/null || exit 2
        ip addr add 10.0.0.1/24 dev tap0
        ip link set tap0 up
        ip addr add 10.0.1.1/24 dev tap1
        ip link set tap1 mtu 9000
        ip link set tap1 up
        ./netecho2 --net:service=tap0 --net:service2=tap1 -- \
            10.0.0.2 10.0.1.2 >/tmp/netecho.out 2>&1 &
        pid=$!
        ping -c 3 -W 5 10.0.0.2 >/dev/null
        a=$?
        ping -c 3 -W 5 -s 8000 10.0.1.2 >/dev/null
        b=$?
        kill $pid
        wait $pid
        echo "ping $a $b"
        cat /tmp/netecho.out
    '
}

# A copy cut short after its entry code: refused by that code (newfstatat
# on arm64), "status N" after its message.
cut_copy() {
    size=$(wc -c <hello)
    head -c $((size / 2)) hello >cut-hello
    chmod +x cut-hello
    ./cut-hello
    echo "status $?"
}

# --- user mode (--net:NAME=user): the relay in the aarch64 stub -------------

# The TCP server of usernet_out on the VM's loopback, port 9000 (busybox nc
# runs this for each connection): reads netclient's two lines (TEXT, then
# the empty one: all of it, so that the close is a FIN, not a reset),
# answers one line (TEXT without its CR) and closes.
write_reply() {
    cat >reply.sh <<'REPLY'
read -r text
read -r empty
echo "from the VM's loopback: $(printf '%s' "$text" | tr -d '\r')"
REPLY
}

# Outbound TCP: netclient (10.0.2.15) connects to the host address
# 10.0.2.2 port 9000, which the relay connects to 127.0.0.1:9000; "status
# N" after each run. Then port 9001, where nothing listens: refused.
# wait_listening PORT: until something listens on TCP PORT (5 s at most).
wait_listening() {
    i=0
    while ! netstat -ltn | grep -q ":$1 " && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

usernet_out() {
    write_reply
    nc -l -p 9000 -e sh reply.sh &
    server=$!
    wait_listening 9000
    timeout 20 ./netclient --net:service=user --solo5:quiet \
        --ipv4=10.0.2.15/24 tcp 10.0.2.2 9000 hello
    echo "status $?"
    timeout 20 ./netclient --net:service=user --solo5:quiet \
        --ipv4=10.0.2.15/24 tcp 10.0.2.2 9001 hello
    echo "status $?"
    kill $server 2>/dev/null
    wait $server 2>/dev/null
    return 0
}

# start_netecho2: netecho2 with a user-mode device in the background; sets
# app (its pid) and guest (its guest's).
start_netecho2() {
    ./netecho2 --net:service=user --net:service2=@3 -- \
        10.0.0.2 10.0.1.2 3<>in.fifo >/dev/null 2>&1 &
    app=$!
    guest=$(guest_of $app) || echo "no guest"
}

# guest_of PID: the relay's child, the guest (waits up to 5 s).
guest_of() {
    i=0
    while [ $i -lt 50 ]; do
        g=$(cat /proc/$1/task/$1/children 2>/dev/null)
        if [ -n "$g" ]; then
            echo $g
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# Inbound UDP through --net-forward: netecho2 ("service" in user mode, its
# port 7 forwarded from the VM's port 7007; "service2" a FIFO) echoes
# udpping's datagrams. Then the lives: SIGTERM to the app is passed on to
# the guest ("app N" is the app's status); a second app's relay killed
# (SIGKILL): its status, and whether its guest is gone; a third app's
# guest killed (SIGSEGV): the app's status.
usernet_in() {
    rm -f in.fifo
    mkfifo in.fifo
    ./netecho2 --net:service=user --net-forward:service=udp:7007:7 \
        --net:service2=@3 -- 10.0.0.2 10.0.1.2 \
        3<>in.fifo >/tmp/netecho.out 2>&1 &
    app=$!
    ./udpping 7007 50
    echo "udpping $?"
    guest=$(guest_of $app) || echo "no guest"
    kill -TERM $app
    wait $app
    echo "app $?"
    [ -d /proc/$guest ] && echo "guest $guest still runs"
    start_netecho2
    kill -KILL $app
    wait $app
    echo "relay killed: app $?"
    i=0
    while [ -d /proc/$guest ] && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ -d /proc/$guest ] && echo "guest $guest still runs"
    start_netecho2
    kill -SEGV $guest
    wait $app
    echo "guest killed: app $?"
    echo "== netecho"
    cat /tmp/netecho.out
}

# Inbound TCP through --net-forward: the httpd example (10.0.0.2, the
# host 10.0.0.1) serves the VM's port 8080 from its port 80; busybox wget
# fetches / and /random.bin (64 KiB): "md5 PATH SUM" for each. Then
# SIGTERM: "app N".
usernet_http() {
    ./httpd --net:service=user --net-forward:service=tcp:8080:80 \
        --solo5:quiet --ipv4=10.0.0.2/24 >/tmp/httpd.out 2>&1 &
    app=$!
    i=0
    while ! grep -q '^httpd: serving' /tmp/httpd.out && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    cat /tmp/httpd.out
    for path in / /random.bin; do
        set -- $(wget -q -O - "http://127.0.0.1:8080$path" | md5sum)
        echo "md5 $path $1"
    done
    kill -TERM $app
    wait $app
    echo "app $?"
}

# A forwarded port in use (nc listens on 7100): the app's one line and
# status.
usernet_in_use() {
    nc -l -p 7100 >/dev/null &
    server=$!
    wait_listening 7100
    ./netclient --net:service=user --net-forward:service=tcp:7100:80 \
        --solo5:quiet --ipv4=10.0.2.15/24 tcp 10.0.2.2 9000 hello
    echo "status $?"
    kill $server 2>/dev/null
    wait $server 2>/dev/null
    return 0
}

case "${1:-}" in
sweep_nr | sweep_bad | sweep_good | sweep_policy | running | blkcount | \
    blkbad | blk63 | net | cut_copy | starts | usernet_out | usernet_in | \
    usernet_http | usernet_in_use)
    "$@"
    ;;
*)
    echo "arm64-suite.sh: unknown case '${1:-}'" >&2
    exit 2
    ;;
esac
