#!/usr/bin/env python3
"""timewait.py: a client port used again while the server's end of the last
connection on it is in TIME-WAIT. The server closes each HTTP/1.0
connection first, so after one GET / its end of that connection waits in
TIME-WAIT. Exit status 1 with a line saying what went wrong.

timewait.py reuse HOST PORT DELAY LOCALPORT
    A GET / from LOCALPORT, then a second GET from the same local port, DELAY seconds later (as a busy
    client's kernel may choose on its own), must connect and get its 200
    within 3 s. A server that does not let a new SYN end TIME-WAIT either
    resets it (when its sequence number falls in the old connection's
    window: DELAY 0) or acknowledges it and then ignores the client's reset,
    so that connect() times out (DELAY 0.1: Linux's initial sequence numbers
    move 15,625 per millisecond). Prints the second connect's time.

timewait.py oldsyn TAP HOST PORT LOCALPORT
    A GET / from LOCALPORT. Then a newer SYN from that port with a bad TCP checksum is written
    straight onto TAP: it gets no answer and must not end TIME-WAIT. Then a
    SYN from that port whose sequence number lies before the old
    connection's end (an old duplicate, as a late copy from the network
    would be) is written straight onto TAP. The server must not take it for
    a new connection: no SYN-ACK, only TIME-WAIT's ACK. A last GET from the
    port, with the kernel's newer sequence number, must then be served.

Called by tests/httpd.bats inside the test's network namespace:
    ip netns exec NS python3 tests/tools/timewait.py reuse 10.0.0.2 80 0.1 61001
    ip netns exec NS python3 tests/tools/timewait.py oldsyn tap0 10.0.0.2 80 61002

LOCALPORT must be a port the server has not seen in the last two minutes
(above the kernel's ephemeral range, used once): otherwise the first GET may
itself end an old TIME-WAIT, and the server's time_wait_reused counter, which
the tests compare, counts one more.
"""
import errno
import socket
import struct
import sys
import time

ETH_P_ALL = 3  # ETH_P_IP would not show the frames written to the tap
FIN, SYN, ACK = 0x01, 0x02, 0x10


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_frames(raw):
    """Every IPv4 TCP frame waiting on the packet socket, parsed."""
    out = []
    while True:
        try:
            f = raw.recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return out
        if len(f) < 54 or f[12:14] != b"\x08\x00" or f[23] != 6:
            continue
        ihl = (f[14] & 15) * 4
        t = 14 + ihl
        sport, dport, seq, ack = struct.unpack("!HHII", f[t:t + 12])
        out.append(dict(dst_mac=f[0:6], src_mac=f[6:12],
                        src=socket.inet_ntoa(f[26:30]),
                        dst=socket.inet_ntoa(f[30:34]), sport=sport,
                        dport=dport, seq=seq, ack=ack, flags=f[t + 13]))


def get(host, port, local_port):
    """One GET / from local_port: (status line, seconds connect took)."""
    deadline = time.monotonic() + 1.0
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(3)
        s.bind(("", local_port))
        start = time.monotonic()
        try:
            s.connect((host, port))
            break
        except OSError as e:
            s.close()
            # Our own end of the last connection may not be gone yet.
            if e.errno != errno.EADDRNOTAVAIL or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    took = time.monotonic() - start
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    return data.split(b"\r\n", 1)[0], took



def ok(status):
    return status.split(b" ")[1:2] == [b"200"]


def reuse(host, port, delay, local):
    which = "first"
    try:
        first, _ = get(host, port, local)
        if not ok(first):
            sys.exit("first GET: %r" % first)
        time.sleep(delay)
        which = "second"
        second, took = get(host, port, local)
        if not ok(second):
            sys.exit("second GET from port %d: %r" % (local, second))
    except socket.timeout:
        sys.exit("%s GET from port %d: timed out after 3 s" % (which, local))
    except OSError as e:
        sys.exit("%s GET from port %d: %s" % (which, local, e))
    print("port %d used twice: second connect took %.3f s" % (local, took))


def send_syn(raw, fin, port, seq, damaged=False):
    """Writes a SYN on the tap from the client port of the frame fin, to
    port, with sequence number seq (its TCP checksum off by one if
    damaged)."""
    p = fin["sport"]
    src, dst = socket.inet_aton(fin["src"]), socket.inet_aton(fin["dst"])
    tcp = struct.pack("!HHIIBBHHH", p, port, seq & 0xFFFFFFFF, 0, 5 << 4, SYN,
                      64240, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    csum = checksum(pseudo + tcp) ^ (1 if damaged else 0)
    tcp = tcp[:16] + struct.pack("!H", csum) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6,
                     0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    raw.send(fin["dst_mac"] + fin["src_mac"] + b"\x08\x00" + ip + tcp)


def answers_to(raw, port, p):
    """What the server sent from port to the client port p in 0.3 s."""
    time.sleep(0.3)
    return [f for f in tcp_frames(raw)
            if f["sport"] == port and f["dport"] == p]


def oldsyn(tap, host, port, p):
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                        socket.htons(ETH_P_ALL))
    raw.bind((tap, 0))
    try:
        status, _ = get(host, port, p)
        if not ok(status):
            sys.exit("first GET: %r" % status)
        time.sleep(0.1)
        frames = [f for f in tcp_frames(raw) if p in (f["sport"], f["dport"])]
        fins = [f for f in frames if f["sport"] == p and f["flags"] & FIN]
        if not fins:
            sys.exit("no FIN from port %d seen on %s" % (p, tap))
        fin = fins[-1]
        rcv_nxt = (fin["seq"] + 1) & 0xFFFFFFFF
        # A newer SYN with a bad checksum: lwIP drops it, and it must not
        # end TIME-WAIT either (then the old SYN below would be taken).
        send_syn(raw, fin, port, fin["seq"] + 1000000, damaged=True)
        answers = answers_to(raw, port, p)
        if answers:
            sys.exit("a damaged SYN got %r"
                     % [hex(f["flags"]) for f in answers])
        # The server received the client's FIN last: rcv_nxt is one beyond.
        # 100,000 before that is outside any window.
        send_syn(raw, fin, port, fin["seq"] - 100000)
        answers = answers_to(raw, port, p)
        if not answers:
            sys.exit("the old SYN got no answer (TIME-WAIT answers it with "
                     "an ACK)")
        if any(f["flags"] & SYN for f in answers):
            sys.exit("an old duplicate SYN from port %d was taken for a new "
                     "connection (SYN-ACK)" % p)
        if not all(f["flags"] == ACK and f["ack"] == rcv_nxt for f in answers):
            sys.exit("the old SYN got %r, not TIME-WAIT's ACK of %d"
                     % ([hex(f["flags"]) for f in answers], rcv_nxt))
        status, _ = get(host, port, p)
        if not ok(status):
            sys.exit("last GET from port %d: %r" % (p, status))
    except OSError as e:
        sys.exit("GET from one port: %s" % e)
    print("port %d: old SYN answered by TIME-WAIT's ACK, new connection served"
          % p)


def main():
    args = sys.argv[1:]
    if len(args) == 5 and args[0] == "reuse":
        reuse(args[1], int(args[2]), float(args[3]), int(args[4]))
    elif len(args) == 5 and args[0] == "oldsyn":
        oldsyn(args[1], args[2], int(args[3]), int(args[4]))
    else:
        sys.exit("usage: timewait.py reuse HOST PORT DELAY LOCALPORT | "
                 "oldsyn TAP HOST PORT LOCALPORT")


main()
