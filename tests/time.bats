#!/usr/bin/env bats
# Clocks and solo5_yield.

load helpers

# monotonic_ns: the host's CLOCK_MONOTONIC, the clock the guest reads.
monotonic_ns() {
    python3 -c 'import time; print(time.monotonic_ns())'
}

# Orderings and a counter, not durations: how late a guest wakes depends on
# the machine's load (bench/ measures that); a timer that never fires ends
# in timeout's status 124 instead of a hang.
@test "yielding for 1000 ms: woken by the timer once, after the deadline, on the host's monotonic clock" {
    pack_guest sleep
    local before after
    before=$(monotonic_ns)
    run timeout 60 "$BATS_TEST_TMPDIR/sleep" 1000
    after=$(monotonic_ns)
    assert_success

    local start end yields
    start=$(output_field start)
    end=$(output_field end)
    yields=$(output_field yields)
    # The guest's clock is the host's: its start and end lie between the
    # host's readings around the run, in that order.
    assert_in_range "the guest's start (host's monotonic ns)" "$start" \
        "$before" "$((end + 1))"
    assert_in_range "the guest's end (host's monotonic ns)" "$end" \
        "$((start + 1000000000))" "$((after + 1))"
    # One solo5_yield that returns at the deadline (a second if a wake-up
    # came early); a timer armed wrong returns at once, and the guest
    # spins through thousands.
    assert_in_range "solo5_yield calls" "$yields" 1 3
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
