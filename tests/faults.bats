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

# documented_statuses FILE: the fixed exit statuses FILE's table lists, in
# ascending order, one a line: the man page's EXIT STATUS tags (".B 125")
# or the README's table rows ("| 125 |").
documented_statuses() {
    case $1 in
    *.7) sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$1" |
        awk 'prev == ".TP" && $1 == ".B" && $2 ~ /^[0-9]+$/ { print $2 }
             { prev = $1 }' ;;
    *.md) sed -n 's/^| \([0-9][0-9]*\) | .*/\1/p' "$1" ;;
    esac | sort -n
}

@test "the exit-status table: guest exit N, abort 255, SIGSYS 159, SIGSEGV 139, stub refusal 125" {
    # The one constant of the stub's refusals.
    run grep -c '^#define NABLA_EXIT_REFUSED 125$' "$REPO_ROOT/include/nabla/exit.h"
    assert_output 1
    # Each status as a packed app really ends with it.
    pack_guest exitcode
    pack_guest abort
    pack_guest badsyscall
    pack_guest nullderef
    run -7 "$BATS_TEST_TMPDIR/exitcode" 7
    run -255 "$BATS_TEST_TMPDIR/abort"
    run -159 "$BATS_TEST_TMPDIR/badsyscall" getpid
    run -139 "$BATS_TEST_TMPDIR/nullderef"
    # The stub's refusals, of several kinds: all 125, never the guest's 1.
    refuses_one_line "unknown option '--nosuch'" \
        "$BATS_TEST_TMPDIR/exitcode" --nosuch 1
    refuses_one_line "invalid --mem=x" "$BATS_TEST_TMPDIR/exitcode" --mem=x 1
    refuses_one_line "too small" "$BATS_TEST_TMPDIR/exitcode" --mem=1 1
    # The documented tables list exactly these fixed statuses.
    local want=$'0\n125\n139\n159\n255' doc
    for doc in "$REPO_ROOT/man/nabla.7" "$REPO_ROOT/README.md"; do
        run -0 documented_statuses "$doc"
        assert_equal "$output" "$want"
    done
}
