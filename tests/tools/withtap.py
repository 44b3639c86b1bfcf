#!/usr/bin/env python3
"""withtap.py APP [ARGS...]: opens tap0, then execs APP --net:service=@FD ARGS
with that fd inherited. Prints "withtap: tap0 on fd FD" first.

Called by tests/net.bats (the --net:service=@FD test) inside the test's
network namespace, where tap0 exists:
    ip netns exec NS python3 tests/tools/withtap.py build/examples/netecho/netecho
"""
import fcntl
import os
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000

fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", b"tap0", IFF_TAP | IFF_NO_PI))
os.set_inheritable(fd, True)
print(f"withtap: tap0 on fd {fd}", flush=True)
app = sys.argv[1]
os.execv(app, [app, f"--net:service=@{fd}"] + sys.argv[2:])
