#!/usr/bin/env bats
# Clocks and solo5_yield.

load helpers

@test "yielding for 1000 ms takes 1.0 to 1.5 s inside the guest, under 3 s seen from the host" {
    pack_guest sleep
    local t0 t1
    t0=$(date +%s%N)
    run "$BATS_TEST_TMPDIR/sleep" 1000
    t1=$(date +%s%N)
    assert_success

    local inside
    inside=$(output_field elapsed)
    assert_in_range "elapsed ns printed by the guest" "$inside" \
        1000000000 1500000000
    # From the host, process start and exit come on top: on a loaded
    # machine (CI, two cores) that alone has taken half a second.
    assert_in_range "elapsed ns measured by the host" "$((t1 - t0))" \
        1000000000 3000000000
}

@test "the monotonic clock never goes back" {
    pack_guest sleep
    run "$BATS_TEST_TMPDIR/sleep" 0
    assert_success
    assert_line "monotonic ok"
    refute_output --partial "WENT BACK"
}

@test "the wall clock agrees with the host's to within 1 s" {
    pack_guest wallclock
    local before after
    before=$(date +%s)
    run "$BATS_TEST_TMPDIR/wallclock"
    after=$(date +%s)
    assert_success

    local wall
    wall=$(output_field wallclock)
    assert_in_range "guest wall clock (s since the epoch)" "$wall" \
        "$((before - 1))" "$((after + 2))"
}
