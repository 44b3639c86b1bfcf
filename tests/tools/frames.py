#!/usr/bin/env python3
"""frames.py: the arguments of the rawframes test guest
(tests/guests/rawframes.c, tests/relay-hostile.bats), one a line: Ethernet
frames in hex, made from specs separated by "/" (one Python start for all
of them). Frames go to the user-mode relay's MAC address; the fields a
hostile guest would bend can be set to anything.

  frames.py SPEC [/ SPEC]...
SPEC is one of
  arp-request SENDER TARGET    who has TARGET? tell SENDER
  arp-probe TARGET             the same from 0.0.0.0 (RFC 5227)
  arp-announce ADDRESS         SENDER = TARGET = ADDRESS
  udp SRC:PORT DST:PORT TEXT   a datagram with TEXT as payload
  tcp SRC:PORT DST:PORT FLAGS  a bare TCP header, FLAGS letters of
                               F S R P A U (e.g. S, SF, SR)
  icmp-echo SRC DST BYTES      an echo request, BYTES of data
  wait=MS, await=WORD          passed on as they are (rawframes.c)
with options (IPv4; each field otherwise right):
  --ihl WORDS          the header length field (the header stays 20 bytes)
  --total N            the total length field
  --frag N             the flags and fragment offset field (default 0x4000:
                       don't fragment)
  --ip-checksum N      the header checksum field
  --ip-checksum-error  the header checksum field one more than it should be
  --ulen N             the UDP length field
  --cut N              only the frame's first N bytes
  --times N            the frame N times, from N source ports (N*HEX)
Numbers may be written in hex (0x...). The UDP checksum is 0 (none).
"""
import argparse
import ipaddress
import struct
import sys

RELAY_MAC = bytes.fromhex('0252454c4159')  # USERNET_RELAY_MAC
GUEST_MAC = bytes.fromhex('020000000001')
BROADCAST = b'\xff' * 6


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def addr(text):
    return ipaddress.IPv4Address(text).packed


def endpoint(text):
    host, _, port = text.rpartition(':')
    return addr(host), int(port)


def number(text):
    return int(text, 0)


def arp(op_sender, target, dst_mac):
    body = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + GUEST_MAC + \
        op_sender + b'\0' * 6 + target
    return dst_mac + GUEST_MAC + struct.pack('!H', 0x0806) + body


def ipv4(src, dst, proto, payload, a):
    total = 20 + len(payload) if a.total is None else a.total
    ihl = 5 if a.ihl is None else a.ihl
    frag = 0x4000 if a.frag is None else a.frag
    header = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, total, 0x1234, frag,
                         64, proto, 0, src, dst)
    value = checksum(header) if a.ip_checksum is None else a.ip_checksum
    if a.ip_checksum_error:
        value = (value + 1) & 0xffff
    header = header[:10] + struct.pack('!H', value) + header[12:]
    return RELAY_MAC + GUEST_MAC + struct.pack('!H', 0x0800) + header + payload


def frame(spec):
    """The frame of one SPEC (a list of words), in hex."""
    ap = argparse.ArgumentParser(prog='frames.py', add_help=False)
    ap.add_argument('kind', choices=['arp-request', 'arp-probe',
                                     'arp-announce', 'udp', 'tcp',
                                     'icmp-echo'])
    ap.add_argument('args', nargs='+')
    for opt in ('--ihl', '--total', '--frag', '--ip-checksum', '--ulen',
                '--cut', '--times'):
        ap.add_argument(opt, type=number)
    ap.add_argument('--ip-checksum-error', action='store_true')
    a = ap.parse_args(spec)

    want = {'arp-request': 2, 'arp-probe': 1, 'arp-announce': 1, 'udp': 3,
            'tcp': 3, 'icmp-echo': 3}[a.kind]
    if len(a.args) != want:
        ap.error('%s takes %d arguments' % (a.kind, want))
    if a.kind == 'arp-request':
        f = arp(addr(a.args[0]), addr(a.args[1]), BROADCAST)
    elif a.kind == 'arp-probe':
        f = arp(bytes(4), addr(a.args[0]), BROADCAST)
    elif a.kind == 'arp-announce':
        f = arp(addr(a.args[0]), addr(a.args[0]), BROADCAST)
    elif a.kind == 'icmp-echo':
        data = bytes(i & 0xff for i in range(int(a.args[2])))
        echo = struct.pack('!BBHHH', 8, 0, 0, 1, 1) + data
        echo = echo[:2] + struct.pack('!H', checksum(echo)) + echo[4:]
        f = ipv4(addr(a.args[0]), addr(a.args[1]), 1, echo, a)
    else:
        (src, sport), (dst, dport) = endpoint(a.args[0]), endpoint(a.args[1])
        if a.kind == 'udp':
            data = a.args[2].encode()
            ulen = 8 + len(data) if a.ulen is None else a.ulen
            payload = struct.pack('!HHHH', sport, dport, ulen, 0) + data
            f = ipv4(src, dst, 17, payload, a)
        else:
            bits = {'F': 1, 'S': 2, 'R': 4, 'P': 8, 'A': 16, 'U': 32}
            flags = 0
            for c in a.args[2]:
                flags |= bits[c]
            tcp = struct.pack('!HHIIBBHHH', sport, dport, 1000, 0, 5 << 4,
                              flags, 65535, 0, 0)
            pseudo = src + dst + struct.pack('!BBH', 0, 6, len(tcp))
            tcp = tcp[:16] + struct.pack('!H', checksum(pseudo + tcp)) + \
                tcp[18:]
            f = ipv4(src, dst, 6, tcp, a)
    if a.cut is not None:
        f = f[:a.cut]
    return ('%d*' % a.times if a.times else '') + f.hex()


def main():
    specs = [[]]
    for word in sys.argv[1:]:
        if word == '/':
            specs.append([])
        else:
            specs[-1].append(word)
    out = []
    for spec in specs:
        if len(spec) == 1 and spec[0].startswith(('wait=', 'await=')):
            out.append(spec[0])
        elif spec:
            out.append(frame(spec))
        else:
            sys.exit('frames.py: an empty spec (two "/" in a row?)')
    print('\n'.join(out))


if __name__ == '__main__':
    sys.exit(main())
