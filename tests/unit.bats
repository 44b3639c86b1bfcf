#!/usr/bin/env bats
# The C unit tests (tests/unit/), one test per program or part. `make check`
# builds them all first (the Makefile's UNIT_TESTS); to run this file alone,
# build them with e.g. `make build/tests/unit/libc_test`.
#
#   manifest_test  manifest reader, checker and C generator (ASan/UBSan)
#   libc_test      the guest C library (libc/) against glibc
#
# (elf_test runs from elf.bats and filter_oracle, our BPF compiler against
# libseccomp, from sandbox.bats.)

load helpers

@test "manifest reader, checker and C generator (unit tests under ASan/UBSan)" {
    run "$NABLA_BUILD/tests/unit/manifest_test"
    assert_success
    assert_output --partial "# all"
    refute_output --partial "not ok"
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
