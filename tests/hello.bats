#!/usr/bin/env bats
# The packed hello example: output, arguments, and the shape of the file.

load helpers

@test "hello prints the greeting and its arguments" {
    run "$HELLO" foo bar
    assert_success
    assert_line "Hello, World"
    assert_line "foo bar"
}

@test "--solo5:quiet removes the banner but not the greeting" {
    run "$HELLO" --solo5:quiet
    assert_success
    refute_line --regexp '^nabla:'
    assert_line "Hello, World"
}

@test "without --solo5:quiet there is a banner" {
    run "$HELLO"
    assert_success
    assert_line --regexp '^nabla:'
}

@test "default arguments baked in at pack time, overridden on the command line" {
    local out=$BATS_TEST_TMPDIR/hello-defaults
    pack_file "$HELLO_SPT" "$out" -- defarg1 defarg2

    run "$out"
    assert_success
    assert_line "Hello, World"
    assert_line "defarg1 defarg2"

    run "$out" x
    assert_success
    assert_line "Hello, World"
    assert_line "x"
    refute_output --partial "defarg"
}

@test "file says the packed executable is statically linked" {
    run file "$HELLO"
    assert_success
    assert_output --partial "statically linked"
    assert_output --partial "ELF 64-bit"
}

@test "the packed executable has no INTERP and no DYNAMIC program header" {
    run readelf -lW "$HELLO"
    assert_success
    assert_output --partial "Elf file type is EXEC"
    refute_line --regexp '^ *INTERP '
    refute_line --regexp '^ *DYNAMIC '
    refute_output --partial "program interpreter"
}

@test "the packed executable works alone, renamed, from another directory" {
    local dir=$BATS_TEST_TMPDIR/alone
    mkdir "$dir"
    cp "$HELLO" "$dir/other-name"
    run bash -c 'cd / && exec "$1" a' bash "$dir/other-name"
    assert_success
    assert_line "Hello, World"
    assert_line "a"
}

@test "a copy stripped with strip still runs" {
    local out=$BATS_TEST_TMPDIR/hello-strip
    cp "$HELLO" "$out"
    run strip "$out"
    assert_success
    run "$out" stripped
    assert_success
    assert_line "Hello, World"
    assert_line "stripped"
}

@test "a copy stripped with objcopy --strip-all still runs" {
    local out=$BATS_TEST_TMPDIR/hello-objcopy
    run objcopy --strip-all "$HELLO" "$out"
    assert_success
    run "$out" objcopied
    assert_success
    assert_line "Hello, World"
    assert_line "objcopied"
}

@test "the bare guest ELF does not run on the host (exit 127)" {
    run -127 "$HELLO_SPT"
    refute_output --partial "Hello, World"
}

@test "--version names the stub and the ABI" {
    run "$HELLO" --version
    assert_success
    assert_line --regexp 'nabla stub.*ABI'
    refute_output --partial "Hello, World"
}

@test "--help exits 0 and describes --mem" {
    run "$HELLO" --help
    assert_success
    assert_output --partial -- "--mem"
    refute_output --partial "Hello, World"
}
