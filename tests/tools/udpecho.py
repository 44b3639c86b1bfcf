#!/usr/bin/env python3
"""udpecho.py HOST[:PORT] COUNT SIZE...: sends COUNT UDP datagrams to HOST
port PORT (default 7), at most 16 in flight, and checks that every one
comes back byte-exact.
Sizes: the SIZE arguments in turn, where "r" means random from 8 to 1400
bytes. Each payload starts with its sequence number (8 bytes) and is random
after it. No retries: a lost or damaged datagram fails the run (exit status
1, with a line saying what went wrong); on success it prints "COUNT
datagrams echoed byte-exact".

Called by tests/net.bats (udp_echo_ok) and tests/usernet.bats inside the
test's network namespace:
    ip netns exec NS python3 tests/tools/udpecho.py 10.0.0.2 10000 8 1400 r
"""
import os
import random
import socket
import sys

host, count, sizes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
host, _, port = host.partition(":")
port = int(port or 7)
WINDOW = 16
IP_MTU_DISCOVER, IP_PMTUDISC_DO = 10, 2

rng = random.Random(os.urandom(16))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
# Never fragment: netecho does not reassemble.
s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
s.connect((host, port))
s.settimeout(2.0)


def payload(seq):
    spec = sizes[seq % len(sizes)]
    size = rng.randint(8, 1400) if spec == "r" else int(spec)
    return seq.to_bytes(8, "big") + rng.randbytes(size - 8)


pending = {}
sent = echoed = 0
while echoed < count:
    while sent < count and len(pending) < WINDOW:
        p = payload(sent)
        pending[sent] = p
        s.send(p)
        sent += 1
    try:
        reply = s.recv(65536)
    except socket.timeout:
        print(f"timeout: {echoed} of {count} echoed, "
              f"{len(pending)} outstanding (first: #{min(pending)}, "
              f"{len(pending[min(pending)])} bytes)")
        sys.exit(1)
    seq = int.from_bytes(reply[:8], "big")
    want = pending.pop(seq, None)
    if want is None:
        print(f"unexpected reply ({len(reply)} bytes, seq {seq})")
        sys.exit(1)
    if reply != want:
        print(f"datagram #{seq}: sent {len(want)} bytes, "
              f"got {len(reply)} bytes back, different")
        sys.exit(1)
    echoed += 1
print(f"{echoed} datagrams echoed byte-exact")
