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
    stub_refuses '^hello: error: invalid --mem=0: at least 1 MiB$' --mem=0
}

@test "--mem= is refused before the guest starts" {
    stub_refuses 'mem=' --mem=
}

@test "--mem: at most 508 GiB, guest memory ending right below the stub" {
    # One MiB more would reach the stub at 0x7f00000000.
    stub_refuses '^hello: error: invalid --mem=520193: at most 520192 MiB \(508 GiB: guest memory ends below the stub\)$' \
        --mem=520193
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

@test "--mem too large names the limit, however large" {
    local mem
    for mem in 600000 99999999999 999999999999999999999999; do
        stub_refuses "^hello: error: invalid --mem=$mem: at most 520192 MiB" \
            --mem="$mem"
    done
    # Malformed is another message, with the range.
    stub_refuses '^hello: error: invalid --mem=-5: expected a size in MiB, 1 to 520192$' \
        --mem=-5
}

@test "--solo5:quiet alone keeps the default guest arguments; other arguments or -- replace them" {
    pack_file "$HELLO_SPT" "$BATS_TEST_TMPDIR/hello" -- world
    run -0 "$BATS_TEST_TMPDIR/hello" --solo5:quiet
    assert_output "Hello, World
world"
    run -0 "$BATS_TEST_TMPDIR/hello" --mem=32 --solo5:quiet --solo5:debug
    assert_output "Hello, World
world"
    run -0 "$BATS_TEST_TMPDIR/hello" --solo5:quiet you
    assert_output "Hello, World
you"
    # "--": exactly the arguments after it, none of the defaults.
    run -0 "$BATS_TEST_TMPDIR/hello" -- --solo5:quiet
    assert_output "Hello, World"
    # Without arguments: the banner and the defaults.
    run -0 "$BATS_TEST_TMPDIR/hello"
    assert_line "nabla: solo5 bindings (spt ABI v2)"
    assert_line "world"
}
