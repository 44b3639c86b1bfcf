#!/usr/bin/env bats
# How a guest ends: solo5_exit, solo5_abort, memory faults, the stack
# protector and the seccomp policy.

load helpers

@test "solo5_exit(0) exits 0" {
    pack_guest exitcode
    run -0 "$BATS_TEST_TMPDIR/exitcode" 0
}

@test "solo5_exit(1) exits 1" {
    pack_guest exitcode
    run -1 "$BATS_TEST_TMPDIR/exitcode" 1
}

@test "solo5_exit(42) exits 42" {
    pack_guest exitcode
    run -42 "$BATS_TEST_TMPDIR/exitcode" 42
}

@test "solo5_exit(255) exits 255" {
    pack_guest exitcode
    run -255 "$BATS_TEST_TMPDIR/exitcode" 255
    refute_output --partial "ABORT"
}

@test "solo5_abort exits 255 and says ABORT" {
    pack_guest abort
    run -255 "$BATS_TEST_TMPDIR/abort"
    assert_output --partial "ABORT"
}

@test "reading through a NULL pointer: SIGSEGV (139)" {
    pack_guest nullderef
    run -139 "$BATS_TEST_TMPDIR/nullderef"
    refute_output --partial "survived"
}

@test "writing to the guest's code: SIGSEGV (139)" {
    pack_guest writetext
    run -139 "$BATS_TEST_TMPDIR/writetext"
    refute_output --partial "wrote to the code"
}

@test "executing the guest's data: SIGSEGV (139)" {
    pack_guest execdata
    run -139 "$BATS_TEST_TMPDIR/execdata"
    refute_output --partial "executed data"
}

@test "smashing the stack: stack protector aborts (255, ABORT)" {
    pack_guest stacksmash
    run -255 "$BATS_TEST_TMPDIR/stacksmash"
    assert_output --partial "ABORT"
    refute_output --partial "returned from the smashed frame"
}

@test "getpid is not in the seccomp policy: SIGSYS (159)" {
    pack_guest badsyscall
    run -159 "$BATS_TEST_TMPDIR/badsyscall" getpid
    refute_output --partial "allowed"
}

@test "open is not in the seccomp policy: SIGSYS (159)" {
    pack_guest badsyscall
    run -159 "$BATS_TEST_TMPDIR/badsyscall" open
    refute_output --partial "allowed"
}
