#!/usr/bin/env bats
# C unit tests of common/, the code the stub and nabla-pack share (built
# with ASan/UBSan by the Makefile's tests/unit rule; `make check` builds
# them first, or e.g. `make build/tests/unit/payload_test`):
#
#   payload_test  the payload check: every bound, with its exact reason
#   devopts_test  device option syntax: every bound, with its exact message

load helpers

# unit_test NAME: runs tests/unit/NAME, which must pass every test with no
# sanitizer report.
unit_test() {
    local t=$NABLA_BUILD/tests/unit/$1
    [[ -x $t ]] || fail "no $t (run 'make $t')"
    run "$t"
    assert_success
    refute_output --partial "not ok"
    refute_output --partial "runtime error"
    assert_output --partial "# all"
}

@test "payload check: every bound and its reason (payload_test, ASan/UBSan)" {
    unit_test payload_test
}

@test "device option syntax: every bound and its message (devopts_test, ASan/UBSan)" {
    unit_test devopts_test
}
