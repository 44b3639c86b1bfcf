#!/usr/bin/env bats
# Options of a packed executable, parsed by the stub before the guest starts.

load helpers

setup() {
    pack_file "$HELLO_SPT" "$BATS_TEST_TMPDIR/hello"
    HELLO_PACKED=$BATS_TEST_TMPDIR/hello
}

# stub_refuses REGEX ARGS...: the stub exits 125 with one line on stderr
# matching REGEX, and the guest never starts.
stub_refuses() {
    local regex=$1
    shift
    refuses_one_line "$regex" "$HELLO_PACKED" "$@"
    refute_output --partial "Hello"
    refute_output --partial "nabla: solo5 bindings"
}

@test "--mem=abc is refused before the guest starts" {
    stub_refuses 'mem=abc' --mem=abc
}

@test "--mem=0 is refused before the guest starts" {
    stub_refuses 'mem=0' --mem=0
}

@test "--mem= is refused before the guest starts" {
    stub_refuses 'mem=' --mem=
}

@test "--mem: at most 508 GiB, guest memory ending right below the stub" {
    # One MiB more would reach the stub at 0x7f00000000.
    stub_refuses 'mem=520193: expected a size in MiB, 1 to 520192' --mem=520193
    [[ $(cat /proc/sys/vm/overcommit_memory) != 2 ]] ||
        skip "vm.overcommit_memory=2: 508 GiB cannot be mapped here"
    run "$HELLO_PACKED" --mem=520192 x
    assert_success
    assert_line "Hello, World"
    assert_line --regexp '^nabla: stack top: .* - 0x7f00000000$'
}

@test "an unknown option before the guest's arguments is refused" {
    stub_refuses "unknown option.*--foo" --foo
}

@test "after --, --foo goes to the guest" {
    run "$HELLO_PACKED" -- --foo
    assert_success
    assert_line "Hello, World"
    assert_line -- "--foo"
}

@test "--mem=64 gives the guest 64 MiB" {
    run "$HELLO_PACKED" --mem=64 x
    assert_success
    assert_line "Hello, World"
    assert_line "x"
    # The bindings log the top of guest memory: 64 MiB = 0x4000000.
    assert_line --regexp '^nabla: stack top: .* - 0x4000000$'
}
