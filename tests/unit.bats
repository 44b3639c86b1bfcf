#!/usr/bin/env bats
# The C unit tests (tests/unit/), one test per program or part. `make check`
# builds them all first (the Makefile's UNIT_TESTS); to run this file alone,
# build them with e.g. `make build/tests/unit/elf_test`.
#
#   manifest_test  manifest reader, checker and C generator (ASan/UBSan)
#   elf_test       guest ELF validator against truncated and corrupted
#                  copies of hello.spt, one test per part (ASan/UBSan)
#   libc_test      the guest C library (libc/) against glibc
#   filter_oracle  our seccomp policy and BPF compiler against libseccomp
#   util_test      nabla-pack's utility layer (ASan/UBSan)

load helpers

@test "manifest reader, checker and C generator (unit tests under ASan/UBSan)" {
    run "$NABLA_BUILD/tests/unit/manifest_test"
    assert_success
    assert_output --partial "# all"
    refute_output --partial "not ok"
}

# --- truncation and corruption of guest ELF files (C, under ASan/UBSan) -------

# elf_test PART: runs tests/unit/elf_test on hello.spt, part PART only.
elf_test() {
    local t=$NABLA_BUILD/tests/unit/elf_test
    [[ -x $t ]] || fail "no $t (run 'make $t')"
    run "$t" "$HELLO_SPT" "$@"
    assert_success
    refute_output --partial "not ok"
    refute_output --partial "runtime error"
    assert_output --partial "# all"
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
    local t=$NABLA_BUILD/tests/unit/libc_test
    [[ -x $t ]] || fail "no $t (run 'make $t')"
    run -0 "$t"
    assert_output "0 differences"
}

@test "our BPF compiler agrees with libseccomp (filter_oracle)" {
    local oracle=$NABLA_BUILD/tests/unit/filter_oracle
    [[ -x $oracle ]] ||
        fail "no $oracle (run 'make $NABLA_BUILD/tests/unit/filter_oracle')"
    run "$oracle"
    echo "$output" | grep -E '^(not ok|#)' | head -40 | sed 's/^not ok/# not ok/' >&3
    assert_success
    assert_output --partial "# all"
    refute_output --partial "not ok"
}

@test "nabla-pack utility layer (util_test, ASan/UBSan)" {
    run "$NABLA_BUILD/tests/unit/util_test"
    assert_success
    assert_output --partial "# all"
    refute_output --partial "not ok"
}
