#!/usr/bin/env python3
"""withfds.py FD=WHAT... -- COMMAND [ARGS...]: runs COMMAND with file
descriptors open at the numbers given, as a caller of a packed app would
hand them over (--net:NAME=@FD), and reports what COMMAND wrote to them.

  FD=sock        one end of a Unix datagram socket pair (a net device's fd:
                 one datagram per frame); this tool keeps the other end
  FD=sock:TEXT   the same, with TEXT waiting in it as one datagram
  FD=file:PATH   PATH opened read-only (a stray fd the caller left open)

Prints "withfds: pid PID" first (for a test to look at the running process
in /proc), then, once COMMAND has exited, every datagram it wrote to each
socket, in order, as "fd FD: TEXT" (TEXT: the datagram up to its first NUL
byte, non-printable bytes as \\xHH), and exits with COMMAND's status (128 +
N if killed by signal N). Every other fd but 0, 1 and 2 is closed in
COMMAND. Used by tests/net-fds.bats."""
import os
import socket
import sys


def usage(msg):
    sys.exit('withfds.py: %s\nusage: withfds.py FD=sock|FD=file:PATH... -- '
             'COMMAND [ARGS...]' % msg)


def text(data):
    data = data.split(b'\0', 1)[0]
    return ''.join(chr(b) if 0x20 <= b < 0x7f else '\\x%02x' % b
                   for b in data)


def main():
    args = sys.argv[1:]
    if '--' not in args:
        usage('no -- before the command')
    sep = args.index('--')
    specs, command = args[:sep], args[sep + 1:]
    if not command:
        usage('no command')
    wanted = {}    # target fd -> fd of ours to put there
    peers = {}     # target fd -> our end of its socket pair
    for spec in specs:
        fd, eq, what = spec.partition('=')
        if not eq or not fd.isdigit() or int(fd) < 3:
            usage('bad spec %r (FD must be 3 or more)' % spec)
        fd = int(fd)
        if fd in wanted:
            usage('fd %d given twice' % fd)
        if what == 'sock' or what.startswith('sock:'):
            ours, theirs = socket.socketpair(socket.AF_UNIX,
                                             socket.SOCK_DGRAM)
            if what.startswith('sock:'):
                ours.send(what[5:].encode())
            peers[fd] = ours
            wanted[fd] = theirs.detach()
        elif what.startswith('file:'):
            wanted[fd] = os.open(what[5:], os.O_RDONLY)
        else:
            usage('bad spec %r' % spec)
    sys.stdout.flush()
    # The child waits until the pid line is out: nothing it prints can
    # come before or inside it.
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(go_w)
        os.read(go_r, 1)
        os.close(go_r)
        # Everything first moved above every target, then into place, so
        # that no target overwrites a source not yet moved.
        high = 1000
        moved = {}
        for target, src in wanted.items():
            moved[target] = os.dup2(src, high + target)
        os.closerange(3, high)
        for target, src in moved.items():
            os.dup2(src, target)  # inheritable
        os.closerange(high, high + 1 + max(wanted, default=0))
        try:
            os.execvp(command[0], command)
        except OSError as e:
            os.write(2, ('withfds.py: %s: %s\n' % (command[0], e)).encode())
            os._exit(127)
    for src in wanted.values():
        os.close(src)
    os.close(go_r)
    os.write(1, b'withfds: pid %d\n' % pid)
    os.write(go_w, b'.')
    os.close(go_w)
    _, status = os.waitpid(pid, 0)
    for fd in sorted(peers):
        sock = peers[fd]
        sock.setblocking(False)
        while True:
            try:
                data = sock.recv(1 << 16)
            except BlockingIOError:
                break
            print('fd %d: %s' % (fd, text(data)), flush=True)
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


if __name__ == '__main__':
    main()
