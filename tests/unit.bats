#!/usr/bin/env bats
# C unit tests, built with AddressSanitizer + UBSan by `make check`.

load helpers

@test "manifest reader, checker and C generator (unit tests under ASan/UBSan)" {
    run "$NABLA_BUILD/tests/unit/manifest_test"
    assert_success
    assert_output --partial "# all"
    refute_output --partial "not ok"
}
