#!/usr/bin/env bats
# aarch64 under a real arm64 kernel: Debian's arm64 kernel package booted in
# qemu-system-aarch64 (scripts/arm64-vm), once for the whole file; each test
# then reads what one command printed there and its exit status. And what
# qemu-user (qemu-aarch64) does not offer: seccomp.
#
# The tests skip, saying why, when the VM cannot be had here (no arm64 in
# apt, no mirror: build/deps/arm64-vm/unavailable) or the aarch64 programs
# were not built (no cross compiler).

load helpers
load arm64-vm

AB=$NABLA_BUILD/aarch64
VM=$REPO_ROOT/scripts/arm64-vm
KERNEL_FACTS=$AB/tests/probes/kernel_facts

# The commands run in the VM, one boot for all: NAME COMMAND.
vm_commands() {
    cat <<'EOF'
pagesize ./kernel_facts pagesize
seccomp-modes ./kernel_facts seccomp-modes
seccomp-kill ./kernel_facts seccomp-kill
tun-netns ./kernel_facts tun-netns
bytes printf 'one\000two\r\nthree'; printf 'on stderr\n' >&2; exit 7
EOF
}

setup_file() {
    local dir=$BATS_FILE_TMPDIR
    if ! "$VM" status >"$dir/vm-status" 2>&1; then
        return 0
    fi
    [[ -x $KERNEL_FACTS ]] || return 0
    mkdir -p "$dir/files"
    cp "$KERNEL_FACTS" "$dir/files/"
    vm_commands >"$dir/commands"
    local start=$SECONDS
    "$VM" run --timeout 120 "$dir/files" "$dir/commands" "$dir/vm" \
        >"$dir/vm-run.log" 2>&1 || true
    echo "$((SECONDS - start))" >"$dir/vm-seconds"
}

# needs_vm: skips unless the VM could be booted here; fails if it was
# booted but did not run to the end.
needs_vm() {
    [[ -x $KERNEL_FACTS ]] || skip "$KERNEL_FACTS not built (make all; needs gcc-aarch64-linux-gnu)"
    vm_ran
}

@test "arm64 VM: an aarch64 kernel with 4 KiB pages, as Solo5's spt assumes" {
    vm_result pagesize
    assert_equal "$status" 0
    assert_equal "$output" "pagesize 4096 auxv 4096"
    run cat "$BATS_FILE_TMPDIR/vm/kernel"
    assert_output --regexp '^[0-9.]+-[0-9]+-arm64 aarch64$'
}

@test "arm64 VM: seccomp() and prctl(PR_SET_SECCOMP) both load a filter" {
    vm_result seccomp-modes
    assert_equal "$status" 0
    assert_equal "$output" $'seccomp: ok\nprctl: ok'
}

@test "arm64 VM: a call the filter kills ends the process with SIGSYS (159), after an allowed write" {
    vm_result seccomp-kill
    # The write came through the filter's AUDIT_ARCH_AARCH64 check, and
    # getpid did not return.
    assert_equal "$output" "filter loaded"
    assert_equal "$status" 159
}

@test "arm64 VM: a tap opens through /dev/net/tun in a private network namespace" {
    vm_result tun-netns
    assert_equal "$status" 0
    # lo and the tap: nothing of the VM's own namespace.
    assert_output --regexp '^tap nabla0 ifindex [0-9]+ in a netns of 2 interfaces$'
}

@test "arm64-vm: a command's output, standard error and status come back byte for byte" {
    vm_result bytes
    assert_equal "$status" 7
    run od -A n -t x1 "$BATS_FILE_TMPDIR/vm/bytes.out"
    assert_equal "$(echo $output)" "6f 6e 65 00 74 77 6f 0d 0a 74 68 72 65 65"
    assert_equal "$(cat "$BATS_FILE_TMPDIR/vm/bytes.err")" "on stderr"
}

@test "arm64-vm: a VM that stops before its last command is a failure, and says so" {
    needs_vm
    local dir=$BATS_TEST_TMPDIR
    mkdir -p "$dir/files"
    printf 'first echo first\nstop poweroff -f\nlast echo last\n' >"$dir/commands"
    run -1 "$VM" run --timeout 60 "$dir/files" "$dir/commands" "$dir/vm"
    assert_output --partial "the VM stopped before its last command"
    assert_equal "$(cat "$dir/vm/first.out")" "first"
    [[ ! -e $dir/vm/last.status ]]
}

@test "arm64-vm: a command list with a bad or repeated name is refused before booting" {
    local dir=$BATS_TEST_TMPDIR
    mkdir -p "$dir/files"
    printf 'a/b echo x\n' >"$dir/bad"
    run -1 "$VM" run "$dir/files" "$dir/bad" "$dir/out"
    assert_output "arm64-vm: $dir/bad: bad command name 'a/b'"
    printf 'a echo x\n# comment\n\na echo y\n' >"$dir/twice"
    run -1 "$VM" run "$dir/files" "$dir/twice" "$dir/out"
    assert_output "arm64-vm: $dir/twice: command name 'a' given twice"
    printf 'a echo x\nb\n' >"$dir/empty"
    run -1 "$VM" run "$dir/files" "$dir/empty" "$dir/out"
    assert_output "arm64-vm: $dir/empty: command 'b' is empty"
    [[ ! -e $dir/out/console ]]
}

# image FILE FLAGS-BYTE [MAGIC]: the 64-byte header of an arm64 kernel Image.
image() {
    {
        head -c 24 /dev/zero
        printf "\\$(printf %03o "$2")"
        head -c 31 /dev/zero
        printf '%s' "${3:-ARMd}"
        head -c 4 /dev/zero
    } >"$1"
}

@test "arm64-vm check-kernel: only a little-endian arm64 Image for 4 KiB pages with seccomp filters" {
    local d=$BATS_TEST_TMPDIR
    printf 'CONFIG_SECCOMP=y\nCONFIG_SECCOMP_FILTER=y\n' >"$d/config"
    printf 'CONFIG_SECCOMP=y\n# CONFIG_SECCOMP_FILTER is not set\n' >"$d/config-nofilter"
    image "$d/4k" $((1 << 1 | 1 << 3))
    run -0 "$VM" check-kernel "$d/4k" "$d/config"
    assert_output ""
    run -1 "$VM" check-kernel "$d/4k" "$d/config-nofilter"
    assert_output "arm64-vm: $d/4k: a kernel without CONFIG_SECCOMP_FILTER=y"
    image "$d/64k" $((3 << 1))
    run -1 "$VM" check-kernel "$d/64k" "$d/config"
    assert_output "arm64-vm: $d/64k: not a kernel for 4 KiB pages"
    image "$d/16k" $((2 << 1))
    run -1 "$VM" check-kernel "$d/16k" "$d/config"
    assert_output "arm64-vm: $d/16k: not a kernel for 4 KiB pages"
    image "$d/be" $((1 << 1 | 1))
    run -1 "$VM" check-kernel "$d/be" "$d/config"
    assert_output "arm64-vm: $d/be: a big-endian kernel"
    image "$d/x86" $((1 << 1)) "HdrS"
    run -1 "$VM" check-kernel "$d/x86" "$d/config"
    assert_output "arm64-vm: $d/x86: not an arm64 kernel Image"
}

@test "qemu-user: seccomp() is ENOSYS and prctl(PR_SET_SECCOMP) EINVAL (what an aarch64 stub must refuse to run on)" {
    command -v qemu-aarch64 >/dev/null || skip "no qemu-aarch64 (Debian's qemu-user)"
    [[ -x $KERNEL_FACTS ]] || skip "$KERNEL_FACTS not built (make all; needs gcc-aarch64-linux-gnu)"
    run -0 qemu-aarch64 "$KERNEL_FACTS" seccomp-modes
    assert_output $'seccomp: ENOSYS\nprctl: EINVAL'
    # So a filter never holds there: the program is not killed.
    run -2 qemu-aarch64 "$KERNEL_FACTS" seccomp-kill
    assert_output --partial "seccomp(SECCOMP_SET_MODE_FILTER): ENOSYS"
}
