#!/usr/bin/env python3
"""reuseport.py HOST PORT DELAY: two HTTP/1.0 GETs of / from the same client
port, DELAY seconds apart.

The server closes each HTTP/1.0 connection first, so after the first GET its
end of that connection is in TIME-WAIT. The second GET comes from the same
local address and port (as a busy client's kernel may choose on its own) and
must connect and get its 200 within 3 s. A server that does not let a new
SYN end TIME-WAIT either resets it (when its sequence number falls in the
old connection's window: DELAY 0) or acknowledges it and then ignores the
client's reset, so that connect() times out (DELAY 0.1: Linux's initial
sequence numbers move 15,625 per millisecond). Prints the second connect's
time; exit status 1 with a line saying what went wrong.

Called by tests/httpd.bats inside the test's network namespace:
    ip netns exec NS python3 tests/tools/reuseport.py 10.0.0.2 80 0.1
"""
import errno
import socket
import sys
import time

host, port, delay = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])


def get(local_port):
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


which, local = "first", 0
try:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    probe.bind(("", 0))
    local = probe.getsockname()[1]
    probe.close()
    first, _ = get(local)
    if not first.split(b" ")[1:2] == [b"200"]:
        sys.exit("first GET: %r" % first)
    time.sleep(delay)
    which = "second"
    second, took = get(local)
    if not second.split(b" ")[1:2] == [b"200"]:
        sys.exit("second GET from port %d: %r" % (local, second))
except socket.timeout:
    sys.exit("%s GET from port %d: timed out after 3 s" % (which, local))
except OSError as e:
    sys.exit("%s GET from port %d: %s" % (which, local, e))
print("port %d used twice: second connect took %.3f s" % (local, took))
