#!/usr/bin/env bats
# Conformance of the guest environment to the spt ABI (docs/abi.md §3-§5), seen
# from inside guests: initialised and zeroed data, TLS, running without TLS,
# the FPU, the boot information block and the command line.
# (Time, yield, faults, seccomp and exit codes: time.bats and faults.bats;
# devices: devices.bats.)

load helpers

# --- data, TLS, FPU -------------------------------------------------------

@test ".data and .bss are right at start (globals)" {
    pack_guest globals
    run "$BATS_TEST_TMPDIR/globals"
    assert_success
    assert_line "globals ok"
    refute_output --partial "FAILED"
}

@test "two TLS areas from the heap: initial image, isolation, switching (tls)" {
    pack_guest tls
    run "$BATS_TEST_TMPDIR/tls"
    assert_success
    assert_line "tls ok"
    refute_output --partial "FAILED"
}

@test "a guest that never sets up TLS prints, yields and exits 0 (notls)" {
    pack_guest notls
    run "$BATS_TEST_TMPDIR/notls"
    assert_success
    assert_line "notls start"
    assert_line "notls ok"
    refute_output --partial "FAILED"
}

@test "SSE, x87 and vector arithmetic, state kept across solo5_yield (fpu)" {
    pack_guest fpu
    run "$BATS_TEST_TMPDIR/fpu"
    assert_success
    assert_line "fpu ok"
    refute_output --partial "FAILED"
}

# --- boot information -----------------------------------------------------------

# bootinfo_ok MB [ARGS to the packed bootinfo...]: runs it, expects every
# check to pass and mem_size = MB MiB.
bootinfo_ok() {
    local mb=$1
    shift
    run "$BATS_TEST_TMPDIR/bootinfo" "$@"
    assert_success
    assert_line "bootinfo ok"
    refute_output --partial "FAILED"
    assert_line "bootinfo: mem_size $((mb << 20))"
}

@test "entry registers: rsp = mem_size - 8, rdi = the boot information, rbp = 0 (docs/abi.md §3); the stack guard from AT_RANDOM" {
    pack_guest entryregs
    run "$BATS_TEST_TMPDIR/entryregs" --mem=64 --solo5:quiet
    assert_success
    assert_line "entryregs: sp 0x0000000003fffff8"
    assert_line "entryregs: argument 0x0000000000011000"
    assert_line "entryregs ok"
    # The stack guard, from the stub's AT_RANDOM bytes: another each time.
    local g1
    g1=$(sed -n 's/^entryregs: stack guard //p' <<<"$output")
    run "$BATS_TEST_TMPDIR/entryregs" --solo5:quiet
    assert_line "entryregs ok"
    [[ $g1 =~ ^0x[0-9a-f]{14}00$ ]] || fail "guard $g1"
    refute_line "entryregs: stack guard $g1"
}

@test "boot information with --mem=32" {
    pack_guest bootinfo
    bootinfo_ok 32 --mem=32 -- 32
}

@test "boot information with --mem=512" {
    pack_guest bootinfo
    bootinfo_ok 512 --mem=512 -- 512
}

@test "boot information with the default memory (512 MiB)" {
    pack_guest bootinfo
    bootinfo_ok 512 512
}

@test "boot information with --mem=64 baked in at pack time" {
    pack_guest bootinfo --mem=64 -- 64
    bootinfo_ok 64
}

@test "boot information with --mem=4096 (mem_size above 4 GiB - 1)" {
    if [[ $(cat /proc/sys/vm/overcommit_memory 2>/dev/null) == 2 ]]; then
        skip "strict overcommit (vm.overcommit_memory=2): 4 GiB cannot be mapped"
    fi
    pack_guest bootinfo
    bootinfo_ok 4096 --mem=4096 -- 4096
}

@test "kernel_end printed by the guest is the end of the guest's highest segment" {
    pack_guest bootinfo
    bootinfo_ok 512 512
    # p_vaddr + p_memsz of the highest PT_LOAD, from readelf.
    local type vaddr memsz end=0
    while read -r type _ vaddr _ _ memsz _; do
        [[ $type == LOAD ]] || continue
        if ((vaddr + memsz > end)); then
            end=$((vaddr + memsz))
        fi
    done < <(readelf -lW "$GUESTS/bootinfo.spt")
    ((end > 0x100000)) || fail "no PT_LOAD found by readelf"
    assert_line "bootinfo: kernel_end $(printf '0x%016x' "$end")"
}

# --- command line ------------------------------------------------------------------

@test "the guest's command line is its arguments joined by single spaces" {
    pack_guest bootinfo
    bootinfo_ok 512 512 a b c
    assert_line "bootinfo: app cmdline [512 a b c]"
    assert_line "bootinfo: boot cmdline [512 a b c]"
}

@test "arguments with '=', quotes, non-ASCII and leading dashes reach the guest unchanged" {
    pack_guest bootinfo
    bootinfo_ok 512 -- 512 x=1 "it's" héllo --not-solo5 -v
    assert_line "bootinfo: app cmdline [512 x=1 it's héllo --not-solo5 -v]"
    assert_line "bootinfo: boot cmdline [512 x=1 it's héllo --not-solo5 -v]"
}

@test "boot cmdline keeps spaces inside an argument and empty arguments" {
    pack_guest bootinfo
    bootinfo_ok 512 512 "two  spaces" "" end
    assert_line "bootinfo: boot cmdline [512 two  spaces  end]"
}

@test "--solo5:quiet is removed from what the application sees, and silences the bindings" {
    pack_guest bootinfo
    bootinfo_ok 512 --solo5:quiet 512 a b c
    assert_line "bootinfo: app cmdline [512 a b c]"
    assert_line "bootinfo: boot cmdline [--solo5:quiet 512 a b c]"
    refute_line --regexp '^nabla:'
}

@test "--solo5:debug is removed from what the application sees" {
    pack_guest bootinfo
    bootinfo_ok 512 --solo5:debug 512 a
    assert_line "bootinfo: app cmdline [512 a]"
    assert_line "bootinfo: boot cmdline [--solo5:debug 512 a]"
}

@test "default arguments baked in at pack time are the command line" {
    pack_guest bootinfo -- 512 d1 "d 2"
    bootinfo_ok 512
    assert_line "bootinfo: boot cmdline [512 d1 d 2]"
}

@test "a command line of 8191 bytes (the maximum) reaches the guest whole" {
    pack_guest bootinfo
    local long
    long=$(printf 'x%.0s' {1..8187})
    bootinfo_ok 512 512 "$long"
    assert_line "bootinfo: boot cmdline [512 $long]"
    assert_line "bootinfo: app cmdline [512 $long]"
}

@test "a command line of 8192 bytes is refused before the guest starts" {
    pack_guest bootinfo
    local long
    long=$(printf 'x%.0s' {1..8188})
    refuses_one_line 'command line longer than 8191 bytes' \
        "$BATS_TEST_TMPDIR/bootinfo" 512 "$long"
    refute_output --partial "bootinfo"
}
