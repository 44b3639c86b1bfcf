#!/usr/bin/env bats
# Every system call a packed executable's stub makes before the guest's
# first instruction, made to fail one at a time (tests/probes/fault_inject.c,
# ptrace): the start is refused with exactly one line on stderr naming the
# operation and what it was for, and status 125 (NABLA_EXIT_REFUSED) — or,
# where a failure is tolerated (a best-effort populate, a fallback), the
# guest runs as it does without it — never a signal, a crash or a hang,
# and a disk image a refused start was given is left unchanged.
#
# The list of calls is not written here: each test lists what the start
# really makes (fault_inject -L, up to seccomp) and the table must classify
# every one of them, so that a new call in start-up fails this test until
# someone decides what its failure must do. Then guest ASLR's own paths
# (stub/aslr.c, docs/aslr.md): a reservation that collides, no getrandom,
# a kernel without MAP_FIXED_NOREPLACE.

load helpers

FI=$NABLA_BUILD/tests/probes/fault_inject
PIE_GUESTS=$NABLA_BUILD/pie/tests/guests

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    [[ -x $FI ]] || fail "no $FI (run 'make all' first)"
    local why
    why=$("$FI" -- true 2>&1) || skip "ptrace is not allowed here: $why"
    FAULT_ERRORS=()
    RUN_PREFIX=()
    IMAGE=
    LOOP=
    NS=
    # The last call listed: the filter's (fault_inject -L stops there).
    LIST_END=seccomp#1
}

teardown() {
    if [[ -n $LOOP ]]; then
        losetup -d "$LOOP" || true
    fi
    netns_del
}

# The rows every start has, whatever its devices: CALL#N (or CALL#* for
# each one), the errno it fails with, and what must happen: "runs" (as
# without the failure), "refused REGEX" (status 125, one line "PROG: error:
# REGEX"), or "skip REASON" (not injected).
COMMON_ROWS='
# stub/entry.c: the file-size check stats the path, then /proc/self/exe.
stat#1            ENOENT  runs
# Populating pages: best effort (stub/populate.c); the stack one falls back
# to checking the stack limit (harden_check_stack).
madvise#*         EINVAL  runs
arch_prctl#1      -       skip musl sets its thread pointer, which fails only for a non-canonical address, before any code of the stub runs (it crashes: a_crash)
set_tid_address#1 -       skip cannot fail: it returns the thread id
mmap#1            ENOMEM  refused cannot map guest memory 0x10000-0x100000: Out of memory \(out of memory: no address-space or data limit is set\)
mmap#2            EEXIST  refused cannot map guest memory 0x[0-9a-f]+-0x20000000: part of it is in use already, by a mapping that the program headers do not list \(check the file: [a-z]+ --verify\)
epoll_create1#1   EMFILE  refused cannot create the guest.s event set \(epoll_create1\): No file descriptors available \(the open-files limit, ulimit -n: [0-9]+\)
timerfd_create#1  ENOMEM  refused cannot create the guest.s timer \(timerfd_create\): Out of memory \(.*\)
epoll_ctl#1       ENOSPC  refused cannot add the guest.s timer to its event set \(epoll_ctl\): No space left on device
capset#1          EPERM   refused cannot drop the process.s capabilities \(capset\): Operation not permitted
prctl#1           EINVAL  refused cannot set no_new_privs, which the seccomp filter needs \(prctl PR_SET_NO_NEW_PRIVS\): Invalid argument
# The exit trampoline: its own line, from guest memory.
munmap#1          EINVAL  refused cannot unmap the stub or load the seccomp filter
seccomp#1         EINVAL  refused cannot unmap the stub or load the seccomp filter
seccomp#1         EACCES  refused cannot unmap the stub or load the seccomp filter
'

# No fds given for devices: one close_range from 3 up.
CLOSE_ALL_ROWS='
close_range#1     EPERM   refused cannot close the file descriptors it was not given, 3 to the last \(close_range\): Operation not permitted
# Kernels before 5.9: closed one by one up to the fd limit.
close_range#1     ENOSYS  runs
'

# inject PROG STDOUT_REGEX CALL#N ERRNO OUTCOME REGEX COMMAND...: runs
# COMMAND with CALL's Nth call failing with ERRNO; adds to FAULT_ERRORS what
# did not happen as OUTCOME says.
inject() {
    local prog=$1 want_out=$2 call=$3 errno=$4 outcome=$5 regex=$6
    shift 6
    local what="$call failing with $errno" st=0 before=
    if [[ -n $IMAGE ]]; then
        before=$(sha256sum <"$IMAGE")
    fi
    rm -f inj.log
    timeout 10 "${RUN_PREFIX[@]}" "$FI" -l inj.log "${call%#*}@${call##*#}=$errno" \
        -- "$@" >out 2>err || st=$?
    local got="status $st, stdout '$(<out)', stderr '$(<err)'"
    if ((st == 124)); then
        FAULT_ERRORS+=("$what: hung ($got)")
        return
    fi
    if ! grep -qx "$call $errno" inj.log 2>/dev/null; then
        FAULT_ERRORS+=("$what: not injected, the call was not made ($got)")
        return
    fi
    case $outcome in
    runs)
        if ((st != 0)) || [[ -s err ]] || ! [[ $(<out) =~ ^$want_out$ ]]; then
            FAULT_ERRORS+=("$what: expected the guest to run as without it; got $got")
        fi
        ;;
    refused)
        if ((st != NABLA_EXIT_REFUSED)) || [[ -s out ]] ||
            (($(wc -l <err) != 1)) || ! [[ $(<err) =~ ^$prog:\ error:\ $regex$ ]]; then
            FAULT_ERRORS+=("$what: expected status 125 and the one line '$prog: error: $regex'; got $got")
        fi
        if [[ -n $IMAGE && $(sha256sum <"$IMAGE") != "$before" ]]; then
            FAULT_ERRORS+=("$what: the refused start changed the disk image")
        fi
        ;;
    *)
        FAULT_ERRORS+=("$what: bad outcome '$outcome' in the table")
        ;;
    esac
}

# startup_faults PROG STDOUT_REGEX ROWS COMMAND...: lists the calls COMMAND
# makes up to its seccomp filter (its stdout must match STDOUT_REGEX), checks
# that ROWS classifies each of them and names no call that is not made, then
# injects each row's failure. Fails with every mismatch, one a line.
startup_faults() {
    local prog=$1 want_out=$2 table=$3
    shift 3
    local st=0
    rm -f calls.log
    "${RUN_PREFIX[@]}" "$FI" -l calls.log -L -- "$@" >out 2>err || st=$?
    if ((st != 0)) || [[ -s err ]] || ! [[ $(<out) =~ ^$want_out$ ]]; then
        fail "without a fault: status $st, stdout '$(<out)', stderr '$(<err)'"
    fi
    local calls=() rows=() line
    mapfile -t calls < <(awk '{ print $1 }' calls.log)
    [[ ${calls[-1]} == "$LIST_END" ]] ||
        fail "the list does not end at $LIST_END: ${calls[*]}"
    while IFS= read -r line; do
        [[ -z $line || $line == '#'* ]] || rows+=("$line")
    done <<<"$table"

    local row call errno outcome rest c matched
    # A row for a call no longer made is stale: say so.
    for row in "${rows[@]}"; do
        read -r call errno outcome rest <<<"$row"
        if [[ $call == *'#*' ]]; then
            grep -q "^${call%#*}#" calls.log ||
                FAULT_ERRORS+=("row $call: no such call at start-up any more")
        elif ! grep -qx "$call" <(printf '%s\n' "${calls[@]}"); then
            FAULT_ERRORS+=("row $call: no such call at start-up any more")
        fi
    done
    for c in "${calls[@]}"; do
        matched=0
        for row in "${rows[@]}"; do
            read -r call errno outcome rest <<<"$row"
            if [[ $call == "$c" || ($call == *'#*' && ${call%#*} == "${c%#*}") ]]; then
                matched=1
                if [[ $outcome != skip ]]; then
                    inject "$prog" "$want_out" "$c" "$errno" "$outcome" "$rest" "$@"
                fi
            fi
        done
        ((matched)) || FAULT_ERRORS+=("$c: made at start-up, but no row of the table says what its failure must do")
    done
    if ((${#FAULT_ERRORS[@]} > 0)); then
        printf '%s\n' "${FAULT_ERRORS[@]}" | fail
    fi
}

# --- the injector itself -------------------------------------------------------

@test "fault_inject passes the command's exit status, its killing signal and signals sent to it through; a rule really fails the call" {
    run -42 "$FI" -- sh -c 'exit 42'
    # Killed by a signal: so is fault_inject (the shell sees 128 + N).
    run -139 "$FI" -- sh -c 'kill -SEGV $$'
    pack_guest badsyscall
    run -159 "$FI" -- ./badsyscall getpid
    # A signal the command gets is delivered: its handler runs.
    run -0 "$FI" -- sh -c 'trap "echo got USR1" USR1; kill -USR1 $$; echo after'
    assert_output $'got USR1\nafter'
    # One sent to fault_inject reaches the command.
    "$FI" -- sleep 30 &
    local pid=$!
    wait_until --pid "$pid" 5 pgrep -P "$pid" -x sleep >/dev/null ||
        fail "sleep never ran under fault_inject"
    kill -TERM "$pid"
    local st=0
    wait "$pid" || st=$?
    assert_equal "$st" 143
    # A group stop lasts until SIGCONT, then the command goes on.
    "$FI" -- sh -c 'kill -STOP $$; echo resumed' >out &
    pid=$!
    local cmd=
    wait_until --pid "$pid" 5 stopped_child "$pid" || fail "the command never stopped"
    kill -CONT "$cmd"
    st=0
    wait "$pid" || st=$?
    assert_equal "$st" 0
    assert_equal "$(<out)" resumed
    # The Nth call, and only it, fails with the errno given (-22: EINVAL).
    run -0 "$FI" -l log -L madvise@3=EINVAL -- "$HELLO" --solo5:quiet x
    run -0 awk '$1 ~ /^madvise#[234]$/ && $(NF - 1) == "=" { print $1, $NF }' log
    assert_output $'madvise#2 0\nmadvise#3 0xffffffffffffffea\nmadvise#4 0'
    run -0 grep -c 'EINVAL$' log
    assert_output 1
}

# stopped_child PID: PID's child is in a stop (state T or t); sets cmd.
stopped_child() {
    cmd=$(pgrep -P "$1") || return 1
    [[ $(awk '{ print $3 }' "/proc/$cmd/stat" 2>/dev/null) == [Tt] ]]
}

@test "hello: each start-up call failing: one line and 125, or tolerated as documented" {
    startup_faults hello $'Hello, World\nx' "$COMMON_ROWS$CLOSE_ALL_ROWS" \
        "$HELLO" --solo5:quiet x
}

BLOCK_ROWS='
open#1            EACCES  refused block device .storage.: cannot open disk image .[^ ]+. for reading and writing: Permission denied
# musl sets FD_CLOEXEC again after open with O_CLOEXEC; the flag is set.
fcntl#1           EINVAL  runs
fstat#1           EIO     refused block device .storage.: cannot stat disk image .[^ ]+.: I/O error
flock#1           ENOLCK  refused block device .storage.: cannot lock disk image .[^ ]+.: No locks available
flock#1           EWOULDBLOCK refused block device .storage.: disk image .[^ ]+. is in use by another process \(locked\): an image is for one app at a time
# blkcount'"'"'s text has no room for the exit trampoline: a page of its own.
mprotect#1        EACCES  refused cannot make the exit trampoline.s page at 0x20000 executable: Permission denied
'

@test "blkcount with a disk image file: each start-up call failing: one line and 125, the image unchanged" {
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" blkcount
    head -c 64K /dev/urandom >disk.img
    IMAGE=disk.img
    startup_faults blkcount 'boot count: [0-9]+' \
        "$COMMON_ROWS$CLOSE_ALL_ROWS$BLOCK_ROWS" \
        ./blkcount --block:storage=disk.img --solo5:quiet
}

@test "blkcount with a block device (loop): BLKGETSIZE64 failing too: one line and 125, the device unchanged" {
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" blkcount
    head -c 64K /dev/urandom >disk.img
    LOOP=$(losetup --find --show disk.img 2>&1) ||
        skip "no loop device: $LOOP"
    # The device's contents are the file's once the last fd of the device
    # is closed: its checksum tells whether a refused start wrote it.
    IMAGE=$LOOP
    startup_faults blkcount 'boot count: [0-9]+' \
        "$COMMON_ROWS$CLOSE_ALL_ROWS$BLOCK_ROWS
ioctl#1           EIO     refused block device .storage.: cannot get the size of ./dev/loop[0-9]+. \(BLKGETSIZE64\): I/O error" \
        ./blkcount --block:storage="$LOOP" --solo5:quiet
}

NET_FD_ROWS='
# Given fds: checked (F_GETFD), then everything else closed around them.
fcntl#1           EBADF   refused net device .service.: .@5. is not an open file descriptor
fcntl#2           EBADF   refused net device .service2.: .@6. is not an open file descriptor
close_range#1     EPERM   refused cannot close the file descriptors it was not given, 3 to 4 \(close_range\): Operation not permitted
close_range#2     EPERM   refused cannot close the file descriptors it was not given, 7 to the last \(close_range\): Operation not permitted
close_range#1     ENOSYS  runs
close_range#2     ENOSYS  runs
getrandom#1       ENOSYS  refused net device .service.: no random MAC address \(getrandom\): Function not implemented
getrandom#2       EINTR   refused net device .service2.: no random MAC address \(getrandom\): Interrupted system call
fcntl#3           EBADF   refused net device .service.: .@5. is not an open file descriptor
fcntl#4           EPERM   refused net device .service.: cannot make @5 non-blocking \(fcntl\): Operation not permitted
fcntl#5           EBADF   refused net device .service2.: .@6. is not an open file descriptor
fcntl#6           EPERM   refused net device .service2.: cannot make @6 non-blocking \(fcntl\): Operation not permitted
# TUNGETIFF: a fd that is no tap gets the default MTU.
ioctl#*           ENOTTY  runs
epoll_ctl#2       EPERM   refused net device .service.: cannot add its fd to the guest.s event set \(epoll_ctl\): Operation not permitted
epoll_ctl#3       ENOMEM  refused net device .service2.: cannot add its fd to the guest.s event set \(epoll_ctl\): Out of memory \(.*\)
'

@test "netfds with two @FD net devices: each start-up call failing: one line and 125, or tolerated" {
    pack_guest netfds
    mkfifo service service2
    startup_faults netfds 'netfds done' "$COMMON_ROWS$NET_FD_ROWS" \
        ./netfds --net:service=@5 --net:service2=@6 --solo5:quiet 0 \
        5<>service 6<>service2
}

NET_TAP_ROWS='
getrandom#*       EAGAIN  refused net device .service2?.: no random MAC address \(getrandom\): Resource temporarily unavailable
socket#1          EMFILE  refused net device .service.: cannot make a socket to query interface .tap0. \(socket\): No file descriptors available \(.*\)
socket#2          ENFILE  refused net device .service2.: cannot make a socket to query interface .tap1. \(socket\): Too many open files in system \(.*\)
ioctl#1           EPERM   refused net device .service.: cannot query interface .tap0. \(SIOCGIFFLAGS\): Operation not permitted
ioctl#1           ENODEV  refused net device .service.: tap interface .tap0. not found \(create it with: ip tuntap add tap0 mode tap\)
ioctl#2           EPERM   refused net device .service.: cannot get the MTU of .tap0. \(SIOCGIFMTU\): Operation not permitted
ioctl#4           EPERM   refused net device .service2.: cannot query interface .tap1. \(SIOCGIFFLAGS\): Operation not permitted
ioctl#5           EPERM   refused net device .service2.: cannot get the MTU of .tap1. \(SIOCGIFMTU\): Operation not permitted
# The query socket: closing it cannot fail in any way that matters.
close#*           EIO     runs
open#1            EACCES  refused net device .service.: cannot open /dev/net/tun: Permission denied
open#2            ENOENT  refused net device .service2.: cannot open /dev/net/tun: No such file or directory
# musl sets FD_CLOEXEC again after open with O_CLOEXEC.
fcntl#*           EINVAL  runs
ioctl#3           EBUSY   refused net device .service.: cannot attach to tap .tap0. \(TUNSETIFF\): Resource busy
ioctl#3           EINVAL  refused net device .service.: .tap0. is not a tap interface \(create one with: ip tuntap add NAME mode tap\)
ioctl#6           EPERM   refused net device .service2.: cannot attach to tap .tap1. \(TUNSETIFF\): Operation not permitted
epoll_ctl#2       EPERM   refused net device .service.: cannot add its fd to the guest.s event set \(epoll_ctl\): Operation not permitted
epoll_ctl#3       EPERM   refused net device .service2.: cannot add its fd to the guest.s event set \(epoll_ctl\): Operation not permitted
'

@test "netfds with two tap devices (private netns): each start-up call failing: one line and 125, or tolerated" {
    pack_guest netfds
    netns_add "nabla-faults-$$-$BATS_TEST_NUMBER" || skip "$NETNS_ERROR"
    local tap
    for tap in tap0 tap1; do
        in_ns ip tuntap add "$tap" mode tap
        in_ns ip link set "$tap" up
    done
    RUN_PREFIX=(ip netns exec "$NS")
    startup_faults netfds 'netfds done' "$COMMON_ROWS$CLOSE_ALL_ROWS$NET_TAP_ROWS" \
        ./netfds --net:service=tap0 --net:service2=tap1 --solo5:quiet 0
}

PIE_ROWS='
# Randomisation asked of the personality: unknown, so on.
personality#1     EINVAL  runs
# No getrandom: the second half of AT_RANDOM (docs/aslr.md).
getrandom#1       ENOSYS  runs
getrandom#1       EAGAIN  runs
mmap#1            ENOMEM  refused cannot map guest memory 0x[0-9a-f]+-0x[0-9a-f]+: Out of memory \(.*\)
# The range in use: another random base.
mmap#1            EEXIST  runs
mremap#1          ENOMEM  refused cannot move guest memory 0x100000-0x101000 to 0x[0-9a-f]+: Out of memory \(.*\)
mremap#2          EFAULT  refused cannot move guest memory 0x101000-0x102000 to 0x[0-9a-f]+: Bad address
mremap#3          EINVAL  refused cannot move guest memory 0x102000-0x103000 to 0x[0-9a-f]+: Invalid argument
mprotect#1        EACCES  refused cannot protect the guest.s moved code 0x[0-9a-f]+-0x[0-9a-f]+: Permission denied
mprotect#2        ENOMEM  refused cannot protect the guest.s moved code 0x[0-9a-f]+-0x[0-9a-f]+: Out of memory \(.*\)
# PT_GNU_RELRO made read-only.
mprotect#3        EACCES  refused cannot make the guest.s relocated data 0x[0-9a-f]+-0x[0-9a-f]+ read-only: Permission denied
# The second munmap of the exit plan: what lies below the moved guest.
munmap#2          EINVAL  refused cannot unmap the stub or load the seccomp filter
'

@test "a PIE guest at a random address: each start-up call failing, ASLR's included: one line and 125, or tolerated" {
    local pie=$NABLA_BUILD/pie/examples/hello/hello
    [[ -x $pie ]] || fail "no $pie (run 'make all' first)"
    # The rows of a fixed guest's guest memory do not apply: one mmap, the
    # reservation.
    local common
    common=$(grep -v '^mmap#' <<<"$COMMON_ROWS")
    startup_faults hello $'Hello, World\nx' "$common$CLOSE_ALL_ROWS$PIE_ROWS" \
        "$pie" --solo5:quiet x
}

@test "APP --verify: each call failing: one line and 125, or the fallback" {
    # No filter: the list runs to the end, exit_group. The calls of a start
    # that --verify never reaches are not made.
    local rows
    rows=$(grep -v '^\(mmap\|epoll\|timerfd\|capset\|prctl\|munmap\|seccomp\)' \
        <<<"$COMMON_ROWS")
    rows+='
# /proc/self/exe, else the path it was started by.
open#1            ENOENT  runs
# musl sets FD_CLOEXEC again after open with O_CLOEXEC.
fcntl#1           EINVAL  runs
fstat#1           EIO     refused --verify: cannot stat this executable.s file: I/O error
mmap#1            ENOMEM  refused --verify: cannot map this executable.s file: Out of memory \(.*\)
close#1           EIO     runs
# stdio asks whether stdout is a terminal.
ioctl#1           ENOTTY  runs
writev#1          EIO     refused --verify: cannot write the result to standard output: I/O error
writev#1          EPIPE   refused --verify: cannot write the result to standard output: Broken pipe
exit_group#1      -       skip the end
'
    pack_file "$HELLO_SPT" hello
    LIST_END=exit_group#1
    startup_faults hello 'hello: OK \(sha256 [0-9a-f]{64}\)' "$rows" ./hello --verify
    # Neither path opens: one line.
    run -125 --separate-stderr "$FI" open@1+=ENOENT -- ./hello --verify
    assert_one_stderr_line
    assert_regex "$stderr" "^hello: error: --verify: cannot open this executable's file \(/proc/self/exe\): No such file or directory$"
}

@test "--help, --version, --print-policy whose output cannot be written: one line and 125, not a silent 0" {
    local opt
    for opt in --version --help --print-policy; do
        run -0 "$FI" -- "$HELLO" "$opt"
        [[ -n $output ]] || fail "$opt printed nothing"
        # Its last write fails (stderr's line is a write of its own).
        local n
        n=$("$FI" -l calls.log -L -- "$HELLO" "$opt" >/dev/null &&
            grep -c '^writev#' calls.log)
        rm -f calls.log
        refuses_one_line "^hello: error: $opt: cannot write to standard output: No space left on device$" \
            "$FI" "writev@$n=ENOSPC" -- "$HELLO" "$opt"
    done
}

# --- guest ASLR's own paths (stub/aslr.c) ----------------------------------------

# aslr_where FILE: the "aslr: function" address FILE's output (the aslr
# test guest's) gives, in decimal, after checking that the guest ran.
aslr_where() {
    grep -qx 'aslr ok' "$1" || fail "the aslr guest did not run: $(cat "$1")"
    local hex
    hex=$(sed -n 's/^aslr: function //p' "$1")
    [[ -n $hex ]] || fail "no function address in: $(cat "$1")"
    echo $((hex))
}

# The window of random bases (stub/aslr.c).
ASLR_LOW=$((1 << 40))
ASLR_HIGH=$((1 << 46))

@test "ASLR: a reservation that collides (EEXIST) gets another random base and the guest runs; 16 collisions: one line and 125" {
    pack_file "$PIE_GUESTS/aslr.spt" aslr -q
    run -0 --separate-stderr "$FI" -l calls.log -L mmap@1=EEXIST -- \
        ./aslr --mem=32 --solo5:quiet
    assert_equal "$stderr" ""
    assert_line "aslr ok"
    # The first reservation failed; the second, at another base, is where
    # the guest is.
    local first second fn
    # (Listed calls end in "= RESULT"; the rule applied is a line too.)
    first=$(awk '$1 == "mmap#1" && $(NF - 1) == "=" { print $2 }' calls.log)
    second=$(awk '$1 == "mmap#2" && $(NF - 1) == "=" { print $2 }' calls.log)
    [[ -n $first && -n $second ]] || fail "no second reservation: $(cat calls.log)"
    ((first != second)) || fail "the retry asked for the same address $first"
    grep -qx 'mmap#1 EEXIST' calls.log || fail "mmap#1 was not failed"
    grep -q "^mmap#2 .* = $second\$" calls.log || fail "the retry did not get $second"
    printf '%s\n' "$output" >out
    fn=$(aslr_where out)
    assert_in_range "the guest's function" "$fn" $((second)) $((second + (32 << 20)))
    # Every try collides: refused after 16, with the way out.
    refuses_one_line '^aslr: error: no free address range for guest memory \(32 MiB\) after 16 random tries: run it with --no-aslr$' \
        "$FI" -l all.log mmap@1+=EEXIST -- ./aslr --mem=32 --solo5:quiet
    assert_equal "$(grep -c '^mmap#[0-9]* EEXIST$' all.log)" 16
}

@test "ASLR: without getrandom (ENOSYS) the base comes from AT_RANDOM: the guest runs, at a different base every start" {
    pack_file "$PIE_GUESTS/aslr.spt" aslr -q
    local fns=() i fn
    for i in 1 2 3; do
        rm -f inj.log
        "$FI" -l inj.log getrandom@1+=ENOSYS -- ./aslr --mem=32 --solo5:quiet >out ||
            fail "start $i failed: $(cat out)"
        grep -qx 'getrandom#1 ENOSYS' inj.log || fail "getrandom was not failed"
        fn=$(aslr_where out)
        assert_in_range "function, start $i" "$fn" "$ASLR_LOW" "$ASLR_HIGH"
        fns+=("$fn")
    done
    ((fns[0] != fns[1] && fns[1] != fns[2] && fns[0] != fns[2])) ||
        fail "the same base twice without getrandom: ${fns[*]}"
}

@test "ASLR: a kernel without MAP_FIXED_NOREPLACE (another address given back) gets it unmapped and another try: the guest runs" {
    pack_file "$PIE_GUESTS/aslr.spt" aslr -q
    # Before Linux 4.17 the flag is unknown and ignored: the address is a
    # hint, and a range in use gives another one. Emulated: the first
    # reservation without the flag, nor the hint.
    run -0 --separate-stderr "$FI" -l calls.log -L \
        mmap@1=arg3\&~0x100000 mmap@1=arg0=0 -- ./aslr --mem=32 --solo5:quiet
    assert_equal "$stderr" ""
    assert_line "aslr ok"
    local got len
    read -r got len < <(awk '$1 == "mmap#1" && $(NF - 1) == "=" { print $NF, $3 }' calls.log)
    [[ -n $got ]] || fail "no first reservation: $(cat calls.log)"
    # What came back is given back whole, then the next try.
    grep -q "^munmap#1 $got $len " calls.log ||
        fail "the wrong address $got was not unmapped: $(cat calls.log)"
    grep -q '^mmap#2 ' calls.log || fail "no second try: $(cat calls.log)"
}
