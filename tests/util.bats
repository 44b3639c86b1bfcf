#!/usr/bin/env bats
# C unit test of nabla-pack's utility layer (tools/nabla-pack/util.h,
# oci_layer.h): errors, buffer, JSON escaping, files, the OCI layer writer.

load helpers

@test "nabla-pack utility layer (util_test, ASan/UBSan)" {
    run "$NABLA_BUILD/tests/unit/util_test"
    assert_success
    assert_output --partial "# all"
    refute_output --partial "not ok"
}
