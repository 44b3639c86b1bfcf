#!/usr/bin/env bats
# The C unit tests (tests/unit/NAME_test.c), one test per program or part.
# The Makefile finds every tests/unit/*_test.c (UNIT_TESTS) and `make check`
# builds them all first; to run this file alone, build them with e.g.
# `make build/tests/unit/elf_test`. Each prints TAP through tests/unit/tap.h.
#
#   manifest_test       manifest reader, checker and C generator (ASan/UBSan)
#   elf_test            guest ELF validator against truncated and corrupted
#                       copies of hello.spt, one test per part (ASan/UBSan)
#   libc_test           the guest C library (libc/) against glibc
#   filter_oracle_test  our seccomp policy and BPF compiler against libseccomp
#   filter_oracle_aarch64_test  the same for aarch64 (the same source with
#                       -DNABLA_TARGET_AARCH64: aarch64's policy and
#                       libseccomp's SCMP_ARCH_AARCH64 filter, on this host)
#   noaarch64_test      nabla-pack built without the aarch64 stub (ASan/UBSan)
#   util_test           nabla-pack's utility layer (ASan/UBSan)
#   payload_test        the payload check of common/: every bound, with its
#                       exact reason (ASan/UBSan)
#   devopts_test        device types and option syntax of common/: the
#                       types registered, every bound with its exact
#                       message (ASan/UBSan)

load helpers

# unit_test NAME [ARGS...]: runs $NABLA_BUILD/tests/unit/NAME: it passes
# when it exits 0 with tap.h's "# all N tests passed" and no "not ok".
unit_test() {
    local t=$NABLA_BUILD/tests/unit/$1
    shift
    [[ -x $t ]] || fail "no $t (run 'make $t')"
    run "$t" "$@"
    assert_success
    refute_output --partial "not ok"
    refute_output --partial "runtime error"
    assert_output --regexp "(^|"$'\n'")# all [0-9]+ tests passed"
}

@test "every tests/unit/*_test.c has its test in unit.bats" {
    local src name missing=()
    for src in "$REPO_ROOT"/tests/unit/*_test.c; do
        name=$(basename "$src" .c)
        grep -qE "^    unit_test $name( |$)" "$BATS_TEST_FILENAME" ||
            missing+=("$name")
    done
    [[ ${#missing[@]} -eq 0 ]] || fail "not run by unit.bats: ${missing[*]}"
}

@test "manifest reader, checker and C generator (unit tests under ASan/UBSan)" {
    unit_test manifest_test
}

# --- truncation and corruption of guest ELF files (C, under ASan/UBSan) -------

# elf_test PART: runs tests/unit/elf_test on hello.spt, part PART only.
elf_test() {
    unit_test elf_test "$HELLO_SPT" "$@"
}

@test "unit: the good hello.spt loads and is valid (elf_test, ASan/UBSan)" {
    elf_test whole
}

@test "unit: every truncation of hello.spt is refused with one line (elf_test, ASan/UBSan)" {
    elf_test truncate
}

@test "unit: 20000 random corruptions of hello.spt, no crash, accepted ones valid (elf_test, ASan/UBSan)" {
    elf_test corrupt
}

@test "unit: 2000 corrupted guests that load are packed or refused cleanly (elf_test, ASan/UBSan)" {
    elf_test pack
}

@test "unit: symbols of a guest with tables at odd offsets, no undefined behaviour (elf_test, ASan/UBSan)" {
    elf_test symbols
}

# --- the guest C library --------------------------------------------------------

# libc/*.c compiled for the host with its functions renamed (t_NAME), against
# glibc's; see the Makefile's LIBC_TEST_NAMES.
@test "libc: snprintf, strto*, string, strings and ctype functions agree with glibc" {
    unit_test libc_test
    assert_line --index 0 "ok 1 - snprintf agrees with glibc's"
}

@test "our BPF compiler agrees with libseccomp (filter_oracle)" {
    unit_test filter_oracle_test
    # The instruction counts, for the log.
    echo "$output" | grep -E '^#' | head -40 >&3
}

@test "aarch64: our BPF compiler and policy agree with libseccomp's aarch64 filter and numbers (filter_oracle_aarch64)" {
    unit_test filter_oracle_aarch64_test
    assert_output --partial "# architecture 0xc00000b7: "
}

@test "a nabla-pack built without the aarch64 stub refuses an aarch64 guest with one line (noaarch64_test, ASan/UBSan)" {
    [[ -f $NABLA_BUILD/aarch64/examples/hello/hello.spt ]] ||
        skip "no aarch64 guest (make NABLA_AARCH64=0, or no cross toolchain)"
    unit_test noaarch64_test "$HELLO_SPT" "$NABLA_BUILD/aarch64/examples/hello/hello.spt"
}

@test "nabla-pack utility layer (util_test, ASan/UBSan)" {
    unit_test util_test
}

@test "payload check: every bound and its reason (payload_test, ASan/UBSan)" {
    unit_test payload_test
}

@test "device option syntax: every bound and its message, the device types registered (devopts_test, ASan/UBSan)" {
    unit_test devopts_test
}
