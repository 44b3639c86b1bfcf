#!/usr/bin/env bats
# The mutation harness itself (tests/mutate/run-mutants, `make mutate`):
# how it reads a list of mutants and what it calls an error of the list.
# Only --check here: nothing is built or run (`make mutate` does that).

load helpers

RUN_MUTANTS=$REPO_ROOT/tests/mutate/run-mutants

# check_list TEXT: run-mutants --check on a list holding TEXT.
check_list() {
    printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/list"
    run --separate-stderr "$RUN_MUTANTS" --check --list "$BATS_TEST_TMPDIR/list"
}

@test "run-mutants --check: a mutant that applies once is fine" {
    check_list 'name: policy-console
file: common/policy.c
find: arg0_is(1, "fd", NULL, NULL)
replace: arg0_is(2, "fd", NULL, NULL)
why: the console on stderr.
test: hello.bats'
    assert_success
    assert_output "1 mutants, 1 apply, 0 errors"
}

@test "run-mutants --check: a fragment not in the file is STALE, one found twice AMBIGUOUS, a filter that selects no test STALE" {
    check_list 'name: gone
file: common/policy.c
find: this text is not in policy.c
replace: x
why: a fragment the code no longer has.
test: hello.bats

name: twice
file: bindings/block.c
find: return n == (long)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
replace: return SOLO5_R_OK;
why: the read and the write path both have it.
test: hello.bats

name: first-after
file: bindings/block.c
after: sys_call4(NABLA_NR_PREAD64
find: return n == (long)size ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
replace: return SOLO5_R_OK;
why: the read path only.
test: hello.bats | no test has this name'
    assert_failure 1
    assert_line --regexp "^gone \(common/policy\.c\): STALE: find: 'this text is not in policy\.c' occurs 0 times$"
    assert_line --regexp "^twice \(bindings/block\.c\): AMBIGUOUS: find: .* occurs 2 times$"
    assert_line --regexp "^first-after \(bindings/block\.c\): STALE: no test in tests/hello\.bats matches 'no test has this name'$"
    assert_line "3 mutants, 0 apply, 3 errors"
}

@test "run-mutants: a list that cannot be read is refused with one line, status 2" {
    check_list 'name: x
file: common/policy.c
fnd: typo'
    assert_failure 2
    [[ $stderr == "run-mutants: list:3: expected one of"*"got 'fnd: typo'" ]] ||
        fail "unexpected: $stderr"
    check_list 'name: x
file: common/policy.c
find: arg0_is(1, "fd", NULL, NULL)
why: no test named.'
    assert_failure 2
    assert_equal "$stderr" 'run-mutants: list:1: mutant without "test:"'
}
