#!/usr/bin/env python3
"""observer.py: the host's side of tests/relay-hostile.bats. Listens on
0.0.0.0 (inside the test's own network namespace) and writes one line to
LOG for everything that reaches it:

  udp PORT LENGTH: PAYLOAD     a datagram (payload: its first 40 bytes,
                               non-printable ones as '.')
  tcp PORT: connection         a TCP connection (closed at once)

A datagram "ping-WORD" is answered "pong-WORD", so that a guest can tell
that the relay carried it and is still working.

  observer.py LOG UDPPORT,... TCPPORT,...
Prints "ready" once every port is bound.
"""
import select
import socket
import sys


def main():
    log = open(sys.argv[1], 'a', buffering=1)
    udp_ports = [int(p) for p in sys.argv[2].split(',') if p]
    tcp_ports = [int(p) for p in sys.argv[3].split(',') if p]
    socks = {}
    for port in udp_ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('0.0.0.0', port))
        socks[s] = ('udp', port)
    for port in tcp_ports:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('0.0.0.0', port))
        s.listen(64)
        socks[s] = ('tcp', port)
    print('ready', flush=True)
    while True:
        # Everything ready is logged before any answer goes out: what
        # reached the host before a ping is in the log before its pong.
        answers = []
        for s in select.select(list(socks), [], [])[0]:
            kind, port = socks[s]
            if kind == 'tcp':
                c, _ = s.accept()
                c.close()
                log.write('tcp %d: connection\n' % port)
                continue
            data, peer = s.recvfrom(65536)
            text = ''.join(chr(b) if 32 <= b < 127 else '.'
                           for b in data[:40])
            log.write('udp %d %d: %s\n' % (port, len(data), text))
            if data.startswith(b'ping-'):
                answers.append((s, b'pong-' + data[5:], peer))
        for s, data, peer in answers:
            s.sendto(data, peer)


if __name__ == '__main__':
    sys.exit(main())
