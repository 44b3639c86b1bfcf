#!/usr/bin/env python3
"""oldsyn.py TAP HOST PORT: an old duplicate SYN does not end TIME-WAIT.

One HTTP/1.0 GET / from a client port P leaves the server's end of that
connection in TIME-WAIT. Then a SYN from P whose sequence number lies
before the old connection's end (an old duplicate, as a late copy from the
network would be) is written straight onto TAP. The server must not take it
for a new connection: no SYN-ACK may come back, only what TIME-WAIT answers
(an ACK). A last GET from P, with the kernel's newer sequence number, must
then be served. Prints what the server answered; exit status 1 with a line
saying what went wrong.

Called by tests/httpd.bats inside the test's network namespace:
    ip netns exec NS python3 tests/tools/oldsyn.py tap0 10.0.0.2 80
"""
import socket
import struct
import sys
import time

tap, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
ETH_P_ALL = 3  # ETH_P_IP would not show the frames written to the tap
FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10


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


def get(local_port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(3)
    s.bind(("", local_port))
    deadline = time.monotonic() + 1.0
    while True:
        try:
            s.connect((host, port))
            break
        except OSError as e:
            # Our own end of the last connection may not be gone yet.
            if e.errno != 99 or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    local = s.getsockname()[1]
    s.close()
    return local, data.split(b"\r\n", 1)[0]


raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
raw.bind((tap, 0))
try:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    probe.bind(("", 0))
    p = probe.getsockname()[1]
    probe.close()
    _, status = get(p)
    if status.split(b" ")[1:2] != [b"200"]:
        sys.exit("first GET: %r" % status)
    time.sleep(0.1)
    frames = [f for f in tcp_frames(raw) if p in (f["sport"], f["dport"])]
    fins = [f for f in frames if f["sport"] == p and f["flags"] & FIN]
    if not fins:
        sys.exit("no FIN from port %d seen on %s" % (p, tap))
    fin = fins[-1]
    # What the server received last is the client's FIN: its rcv_nxt is one
    # beyond. 100,000 before that is outside any window it might have.
    seq = (fin["seq"] - 100000) & 0xFFFFFFFF
    src, dst = socket.inet_aton(fin["src"]), socket.inet_aton(fin["dst"])
    tcp = struct.pack("!HHIIBBHHH", p, port, seq, 0, 5 << 4, SYN, 64240, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6,
                     0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    raw.send(fin["dst_mac"] + fin["src_mac"] + b"\x08\x00" + ip + tcp)
    time.sleep(0.3)
    answers = [f for f in tcp_frames(raw)
               if f["sport"] == port and f["dport"] == p]
    if not answers:
        sys.exit("the old SYN got no answer (TIME-WAIT answers with an ACK)")
    if any(f["flags"] & SYN for f in answers):
        sys.exit("an old duplicate SYN from port %d was taken for a new "
                 "connection (SYN-ACK)" % p)
    if not all(f["flags"] == ACK and f["ack"] == fin["seq"] + 1
               for f in answers):
        sys.exit("the old SYN got %r, not TIME-WAIT's ACK of %d"
                 % ([hex(f["flags"]) for f in answers], fin["seq"] + 1))
    _, status = get(p)
    if status.split(b" ")[1:2] != [b"200"]:
        sys.exit("last GET from port %d: %r" % (p, status))
except OSError as e:
    sys.exit("GET from one port: %s" % e)
print("port %d: old SYN answered by TIME-WAIT's ACK, new connection served"
      % p)
