#!/usr/bin/env bats
# The aarch64 stub under a real arm64 kernel: aarch64 guests packed here,
# on x86_64, by nabla-pack, run in the arm64 VM (scripts/arm64-vm, booted
# once for the whole file); each test reads what one command printed there
# and its exit status. The cases of more than one command are in
# tests/tools/arm64-suite.sh, which runs inside the VM.
#
# The tests skip, saying why, when the VM cannot be had here
# (build/deps/arm64-vm/unavailable) or nothing was built for aarch64
# (make NABLA_AARCH64=0, no cross toolchain).

load helpers
load arm64-vm

AB=$NABLA_BUILD/aarch64
VM=$REPO_ROOT/scripts/arm64-vm
AARCH64_STUB=$AB/stub/nabla-stub

# The packed test guests (tests/guests/NAME.c), packed without defaults.
GUESTS_PACKED="entryregs exitcode abort stacksmash nullderef writetext
execdata fsread badsyscall globals tls notls fpu wallclock sleep bootinfo
sweep blkbad blk63 netecho2 fulltext netclient"

# The commands run in the VM, one boot for all: NAME COMMAND.
vm_commands() {
    cat <<'EOF'
hello ./hello
hello_args ./hello from arm64
hello_mem2 ./hello --mem=2 small
entryregs ./entryregs --mem=64 --solo5:quiet
entryregs2 ./entryregs --mem=64 --solo5:quiet
exitcode ./exitcode --solo5:quiet 42
abort ./abort
stacksmash ./stacksmash
nullderef ./nullderef
writetext ./writetext
execdata ./execdata
fsread ./fsread
badsyscall_getpid ./badsyscall getpid
badsyscall_open ./badsyscall open
globals ./globals --solo5:quiet
tls ./tls --solo5:quiet
notls ./notls --solo5:quiet
fpu ./fpu --solo5:quiet
wallclock ./wallclock --solo5:quiet
sleep ./sleep --solo5:quiet 50
bootinfo ./bootinfo --mem=32 32 a b
fulltext_room ./fulltext --solo5:quiet room
verify ./hello --verify
pagesize_16k ./auxv_poke 6 16384 ./hello
pagesize_4k ./auxv_poke 6 4096 ./hello
cut sh arm64-suite.sh cut_copy
running sh arm64-suite.sh running
running_fulltext sh arm64-suite.sh running fulltext
blkcount sh arm64-suite.sh blkcount
blkbad sh arm64-suite.sh blkbad
blk63 sh arm64-suite.sh blk63
net sh arm64-suite.sh net
usernet ./netecho2 --net:service=user --net:service2=user -- 10.0.0.2 10.0.1.2
usernet_out sh arm64-suite.sh usernet_out
usernet_in sh arm64-suite.sh usernet_in
usernet_http sh arm64-suite.sh usernet_http
usernet_in_use sh arm64-suite.sh usernet_in_use
usernet_policy ./netclient --net:service=user --print-policy
fd_policy mkfifo pol.fifo && ./netclient --net:service=@5 --print-policy 5<>pol.fifo
relay_sweep ./relay_sweep sweep
sweep_policy sh arm64-suite.sh sweep_policy
sweep_good sh arm64-suite.sh sweep_good
sweep_bad sh arm64-suite.sh sweep_bad
sweep_nr sh arm64-suite.sh sweep_nr
starts sh arm64-suite.sh starts
EOF
}

setup_file() {
    local dir=$BATS_FILE_TMPDIR
    if ! "$VM" status >"$dir/vm-status" 2>&1; then
        return 0
    fi
    [[ -f $AARCH64_STUB ]] || return 0
    mkdir -p "$dir/files"
    local f=$dir/files g
    # Packed here, on x86_64, for aarch64: the guest's e_machine picks the
    # stub.
    "$PACK" -q -o "$f/hello" "$AB/examples/hello/hello.spt" || return 1
    "$PACK" -q -o "$f/blkcount" "$AB/examples/blkcount/blkcount.spt" || return 1
    "$PACK" -q -o "$f/httpd" "$AB/examples/httpd/httpd.spt" || return 1
    for g in $GUESTS_PACKED; do
        "$PACK" -q -o "$f/$g" "$AB/tests/guests/$g.spt" || return 1
    done
    cp "$AB/tests/probes/auxv_poke" "$AB/tests/probes/udpping" \
        "$AB/tests/probes/relay_sweep" "$REPO_ROOT/tests/tools/arm64-suite.sh" \
        "$f/"
    vm_commands >"$dir/commands"
    local start=$SECONDS
    "$VM" run --timeout 900 --cmd-timeout 600 "$f" "$dir/commands" "$dir/vm" \
        >"$dir/vm-run.log" 2>&1 || true
    echo "$((SECONDS - start))" >"$dir/vm-seconds"
}

# needs_vm: skips unless the VM could be booted here and the aarch64 stub
# was built; fails if the VM was booted but did not run to the end.
needs_vm() {
    [[ -f $AARCH64_STUB ]] ||
        skip "no aarch64 stub ($AARCH64_STUB: make NABLA_AARCH64=0, or no cross toolchain)"
    vm_ran
}

@test "arm64: hello, packed on x86_64, runs under the aarch64 stub" {
    vm_result hello
    assert_equal "$status" 0
    assert_line "Hello, World"
    assert_line "nabla: solo5_exit(0) called"
    vm_result hello_args
    assert_equal "$status" 0
    assert_line "from arm64"
}

@test "arm64: --mem=2, the smallest memory Solo5's own tests use, is enough" {
    vm_result hello_mem2
    assert_equal "$status" 0
    assert_line "small"
    assert_line "nabla: stack top: 0x182800 - 0x200000"
}

@test "arm64: the entry point gets sp = mem_size - 16, x0 = the boot information, x29 = x30 = 0, tpidr_el0 = 0" {
    vm_result entryregs
    assert_equal "$status" 0
    assert_line "entryregs: sp 0x0000000003fffff0"
    assert_line "entryregs: argument 0x0000000000011000"
    assert_line "entryregs: frame pointer 0x0000000000000000"
    assert_line "entryregs: link register 0x0000000000000000"
    assert_line "entryregs: thread pointer 0x0000000000000000"
    assert_line "entryregs ok"
}

@test "arm64: the stack guard is seeded from the kernel's AT_RANDOM bytes, another at each start" {
    vm_result entryregs
    assert_line "entryregs ok"
    local g1 g2
    g1=$(sed -n 's/^entryregs: stack guard //p' <<<"$output")
    vm_result entryregs2
    assert_line "entryregs ok"
    g2=$(sed -n 's/^entryregs: stack guard //p' <<<"$output")
    [[ $g1 =~ ^0x[0-9a-f]{14}00$ && $g1 != "$g2" ]] || fail "guards $g1 and $g2"
}

@test "arm64: solo5_exit(42) is status 42; solo5_abort() and the stack protector 255" {
    vm_result exitcode
    assert_equal "$status" 42
    vm_result abort
    assert_equal "$status" 255
    assert_line "nabla: solo5_abort() called: ABORT"
    vm_result stacksmash
    assert_equal "$status" 255
    assert_output --partial "stack smashing detected"
}

@test "arm64: a null dereference, a write to text, a jump into data and an unmapped read die of SIGSEGV (139)" {
    local g
    for g in nullderef writetext execdata fsread; do
        vm_result "$g"
        [[ $status == 139 ]] || fail "$g: status $status, output: $output $stderr"
    done
}

@test "arm64: getpid and openat from a guest die of SIGSYS (159)" {
    vm_result badsyscall_getpid
    assert_equal "$status" 159
    vm_result badsyscall_open
    assert_equal "$status" 159
}

@test "arm64: globals, TLS (variant I, tpidr_el0), no TLS, the FPU, the clocks and solo5_yield work" {
    local g
    for g in globals tls notls fpu wallclock sleep; do
        vm_result "$g"
        [[ $status == 0 ]] || fail "$g: status $status, output: $output $stderr"
        refute_output --partial FAILED
    done
    vm_result tls
    assert_line "tls ok"
    vm_result sleep
    assert_line "monotonic ok"
}

@test "arm64: the boot information (docs/abi.md §3) checks out from inside the guest" {
    vm_result bootinfo
    assert_equal "$status" 0
    assert_line "bootinfo: mem_size $((32 << 20))"
    assert_line "bootinfo: boot cmdline [32 a b]"
    assert_line "bootinfo ok"
}

@test "arm64: APP --verify" {
    vm_result verify
    assert_equal "$status" 0
    assert_output --regexp '^hello: OK \(sha256 [0-9a-f]{64}\)$'
}

@test "arm64: a kernel with 16 KiB pages is refused with one line, status 125 (AT_PAGESZ 16384)" {
    vm_result pagesize_16k
    assert_equal "$status" 125
    assert_equal "$stderr" "hello: error: this kernel's pages are 16384 bytes: the guest's memory layout (Solo5's spt ABI) needs a kernel with 4 KiB pages"
    assert_equal "$output" ""
    # The same poke with 4096 changes nothing: the guest runs.
    vm_result pagesize_4k
    assert_equal "$status" 0
    assert_line "Hello, World"
}

@test "arm64: a copy cut short is refused at start, by the entry code (newfstatat)" {
    vm_result cut
    assert_line "status 125"
    assert_equal "$stderr" "$(printf 'cut-hello: error: incomplete copy: %s of %s bytes (the file was cut short, as by an interrupted copy: copy it again)' \
        $(($(stat -c %s "$BATS_FILE_TMPDIR/files/hello") / 2)) \
        "$(stat -c %s "$BATS_FILE_TMPDIR/files/hello")")"
}

# running_ok NAME: the /proc view of command NAME's running guest: guest
# memory only (below 64 MiB; no stub, stack, heap or vDSO), never W+X, no
# capabilities, no_new_privs, the filter, only fds 0-4.
running_ok() {
    vm_result "$1"
    assert_equal "$status" 0
    local maps line start end perms
    maps=$(sed -n '/^== maps$/,/^== status$/p' <<<"$output" | sed '1d;$d')
    [[ -n $maps ]] || fail "no mappings: $output"
    while read -r line; do
        start=$((16#${line%%-*}))
        end=${line#*-}
        end=$((16#${end%% *}))
        perms=$(awk '{print $2}' <<<"$line")
        [[ $perms == *w*x* ]] && fail "W+X mapping: $line"
        ((start >= 0x10000 && end <= 64 << 20)) ||
            fail "mapping outside guest memory [0x10000, 64 MiB): $line"
    done <<<"$maps"
    refute_output --partial "[vdso]"
    refute_output --partial "[stack]"
    assert_line "CapInh:	0000000000000000"
    assert_line "CapPrm:	0000000000000000"
    assert_line "CapEff:	0000000000000000"
    assert_line "CapAmb:	0000000000000000"
    assert_line "NoNewPrivs:	1"
    assert_line "Seccomp:	2"
    # stdin, stdout, stderr, the epoll set, the timer: fd 7 was closed.
    assert_line "0 1 2 3 4 "
    MAPS=$maps
}

@test "arm64: a running guest has guest memory only (stub, stack and vDSO unmapped), no W+X, no capabilities, fds 0-4" {
    running_ok running
    # The trampoline in the guest's text: no page at 0x20000.
    [[ $MAPS != *"00020000-"* ]] || fail "a trampoline page: $MAPS"
}

@test "arm64: a guest whose text has no room gets the exit trampoline in a read-only executable page of its own at 0x20000" {
    vm_result fulltext_room
    assert_equal "$status" 0
    local room
    room=$(sed -n 's/^room \([0-9]*\)$/\1/p' <<<"$output")
    [[ -n $room ]] && ((room < 100)) || fail "room for the trampoline: $output"
    running_ok running_fulltext
    assert_line --regexp '^00020000-00021000 r-xp '
}

@test "arm64: block devices: a boot counter on a disk image, 512 and 4096-byte sectors" {
    vm_result blkcount
    assert_equal "$status" 0
    assert_equal "$output" "boot count: 1
status 0
boot count: 2
status 0
boot count: 3
status 0"
}

@test "arm64: block calls outside the filter's bounds die of SIGSYS, the good one works" {
    vm_result blkbad
    assert_equal "$output" "good-write 0
read-past-end 159
write-past-end 159
wrong-size 159
other-fd 159"
}

@test "arm64: 63 block devices at once, each its own data" {
    vm_result blk63
    assert_line "63 devices ok"
    assert_line "status 0"
    # Block 0 of dN begins with (N * 37) mod 256, then + 1.
    assert_line "d1 37 38"
    assert_line "d2 74 75"
    assert_line "d63 27 28"
}

@test "arm64: net devices on two taps in a network namespace: ping answered on both, MTU 1500 and 9000" {
    vm_result net
    assert_line "ping 0 0"
    assert_line --regexp '^netecho: service mac [0-9a-f:]{17} mtu 1500 ip 10\.0\.0\.2$'
    assert_line --regexp '^netecho: service2 mac [0-9a-f:]{17} mtu 9000 ip 10\.0\.1\.2$'
}

# --- user mode (--net:NAME=user, docs/usernet.md): the relay in the aarch64
# stub, as tests/usernet.bats runs it on x86_64 (here as root in the VM,
# whose busybox setpriv cannot change users; the relay holds no
# capabilities whoever starts it).

@test "arm64 user mode: netclient connects to a TCP server on the VM's loopback through the host address; a closed port is refused at once" {
    vm_result usernet_out
    assert_equal "$status" 0
    assert_equal "$output" "netclient: connected
netclient: received: from the VM's loopback: hello
netclient: closed
status 0
netclient: refused
status 2"
}

@test "arm64 user mode: UDP through --net-forward, 50 datagrams echoed byte for byte; SIGTERM to the app ends both (143); the relay killed, the guest dies (137); the guest killed, the app ends with its signal (139)" {
    vm_result usernet_in
    assert_equal "$status" 0
    assert_line "udpping: 50 of 50 echoed byte for byte"
    assert_line "udpping 0"
    assert_line "app 143"
    assert_line "relay killed: app 137"
    assert_line "guest killed: app 139"
    refute_output --partial "still runs"
    refute_output --partial "no guest"
    assert_line --regexp '^netecho: service mac [0-9a-f:]{17} mtu 1500 ip 10\.0\.0\.2$'
}

@test "arm64 user mode: httpd serves wget through --net-forward (inbound TCP), byte for byte" {
    vm_result usernet_http
    assert_equal "$status" 0
    assert_line --regexp '^httpd: serving http://10\.0\.0\.2/ on service \(mac [0-9a-f:]{17}, mtu 1500, 10\.0\.0\.2/24, gateway none\)$'
    local site=$NABLA_BUILD/examples/httpd/site
    assert_line "md5 / $(md5sum <"$site/index.html" | cut -d ' ' -f 1)"
    assert_line "md5 /random.bin $(md5sum <"$site/random.bin" | cut -d ' ' -f 1)"
    assert_line "app 143"
}

@test "arm64 user mode: a forwarded port in use and a second user-mode device are refused with x86_64's lines, status 125" {
    vm_result usernet_in_use
    assert_equal "$output" "status 125"
    assert_equal "$stderr" "netclient: error: net device 'service': host tcp port 7100 (0.0.0.0) is already in use: cannot forward it"
    vm_result usernet
    assert_equal "$status" 125
    assert_equal "$output" ""
    local arm64_line=$stderr
    # The same refusal from the x86_64 build of the same guest, here.
    pack_guest netecho2 -q
    run --separate-stderr "$BATS_TEST_TMPDIR/netecho2" --net:service=user \
        --net:service2=user -- 10.0.0.2 10.0.1.2
    assert_equal "$status" 125
    assert_equal "$arm64_line" "$stderr"
    assert_equal "$arm64_line" "netecho2: error: net device 'service2': only 1 net device can be in user mode (--net:service=user already)"
}

@test "arm64 user mode: --print-policy shows the relay's policy; the guest's is an @FD app's" {
    vm_result usernet_policy
    assert_equal "$status" 0
    local guest_part=${output%%$'\n\nrelay of the user-mode net device'*}
    [[ $guest_part != "$output" ]] || fail "no relay part: $output"
    assert_line "relay of the user-mode net device 'service' (this process, once the guest runs in its child):"
    assert_line "allow accept4 (forwarded connections) if flags == SOCK_NONBLOCK|SOCK_CLOEXEC"
    assert_line "allow waitid (the guest's end) if idtype == P_PIDFD and id == the guest's pidfd and options == WEXITED|WNOHANG"
    assert_line "kill the process on any other system call and on any other architecture"
    refute_output --partial "x32"
    # The guest's policy, word for word and fd for fd (its epoll set, timer
    # and net device are fds 3, 4 and 5 either way), an @FD app's.
    vm_result fd_policy
    assert_equal "$status" 0
    assert_equal "$guest_part" "$output"
    assert_line "allow read (service) if fd == 5"
}

# The aarch64 numbers docs/usernet.md allows the relay (the generic table):
# epoll_ctl epoll_pwait close read write exit_group waitid clock_gettime
# rt_sigprocmask socket connect sendto recvfrom setsockopt getsockopt
# shutdown accept4 pidfd_send_signal.
RELAY_NRS_AARCH64="21 22 57 63 64 94 95 113 135 198 203 206 207 208 209 210 242 424"

@test "arm64 relay sweep: under the relay's filter every other call, and every allowed one with other arguments, dies with SIGSYS" {
    vm_result relay_sweep
    assert_equal "$status" 0
    refute_output --partial ESCAPED
    refute_output --partial BLOCKED
    assert_line --regexp '^relay_sweep: [0-9]+ tried, [0-9]+ killed, 21 allowed, 0 exempt$'
    local tried killed
    read -r tried killed < <(awk '/^relay_sweep: [0-9]+ tried/ { print $2, $4 }' <<<"$output")
    assert_equal "$((killed + 21))" "$tried"
    ((killed > 600)) || fail "only $killed calls killed"
    assert_line "relay_sweep: numbers with a rule: $RELAY_NRS_AARCH64"
    echo "# arm64 $(tail -n 1 <<<"$output")" >&3
}

@test "arm64: --print-policy: aarch64's calls, no TLS rule, no x32" {
    vm_result sweep_policy
    assert_equal "$status" 0
    assert_line "allow write (console) if fd == 1"
    # fd 3 is the net device's FIFO, 4 and 5 the epoll set and the timer.
    assert_line "allow pread64 (storage) if fd == 6 and count == 512 and offset <= 1048064"
    assert_line "kill the process on any other system call and on any other architecture"
    refute_output --partial "arch_prctl"
    refute_output --partial "x32"
}

@test "arm64 sweep: every allowed call with good arguments works" {
    vm_result sweep_good
    assert_equal "$status" 0
    assert_line "good ok"
    refute_output --partial FAILED
}

@test "arm64 sweep: allowed calls with arguments outside the policy die of SIGSYS" {
    vm_result sweep_bad
    assert_equal "$status" 0
    local n=0 c rc escaped bad=()
    while read -r c rc escaped; do
        n=$((n + 1))
        [[ $rc == 159 && $escaped == 0 ]] || bad+=("$c: status $rc, $escaped ESCAPED")
    done <<<"$output"
    ((${#bad[@]} == 0)) || fail "$(printf '%s\n' "${bad[@]}")"
    # x86_64 has 4 more (arch_prctl's).
    ((n >= 40)) || fail "only $n cases: $output"
    echo "# arm64 sweep allowed-bad: $n cases, all killed" >&3
}

@test "arm64 sweep: every system call number outside docs/abi.md §4 dies of SIGSYS (159)" {
    vm_result sweep_nr
    assert_equal "$status" 0
    # The policy's calls (aarch64's generic table): with every argument -1
    # each is outside its rule too, but exit_group(-1), which has none.
    local n=0 nkilled=0 nr rc escaped bad=()
    while read -r nr rc escaped; do
        n=$((n + 1))
        if [[ $nr == 94 ]]; then
            [[ $rc == 255 && $escaped == 0 ]] || bad+=("exit_group: status $rc")
            continue
        fi
        if [[ $rc == 159 && $escaped == 0 ]]; then
            nkilled=$((nkilled + 1))
        else
            bad+=("nr $nr: status $rc, $escaped ESCAPED")
        fi
    done <<<"$output"
    ((${#bad[@]} == 0)) || fail "$(printf '%s\n' "${bad[@]}")"
    # -1, 0 to 511, and 7 numbers out of range.
    assert_equal "$n" 520
    echo "# arm64 sweep: $n numbers tried, $nkilled killed, exit_group ran" >&3
}

@test "arm64: the suite's VM run: how long it took, and a start" {
    vm_result starts
    assert_output --regexp '^20 starts in [0-9]+ ms$'
    echo "# arm64 VM run: $(cat "$BATS_FILE_TMPDIR/vm-seconds") s for $(vm_commands | wc -l) commands; $output" >&3
}
