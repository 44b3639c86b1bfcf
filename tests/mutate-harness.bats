#!/usr/bin/env bats
# The mutation harness itself (tests/mutate/run-mutants, `make mutate`):
# how it reads a list of mutants and what it calls an error of the list
# (--check: nothing built or run), and, on a fake project of two files, that
# no process a test leaves behind outlives it and that a hung test fails
# alone (a real `make mutate` is not run here).

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

# --- runs: no process outlives them, no test hangs them ------------------------

# fake_project DIR: a project of two files that run-mutants runs on in
# seconds: its own copy of run-mutants and scripts/contain, a Makefile with
# nothing to build, src.txt ("good"; its mutants: "bad" and "slow"), and
# tests/leak.bats, whose tests leave a process behind in a session of its
# own, named $LEAK (as a guest that escaped its PR_SET_PDEATHSIG would), and
# fail or hang on a mutant.
fake_project() {
    local p=$1
    mkdir -p "$p/tests/mutate" "$p/scripts" "$p/build/deps"
    cp "$RUN_MUTANTS" "$p/tests/mutate/"
    cp "$REPO_ROOT/scripts/contain" "$REPO_ROOT/scripts/contain-init" "$p/scripts/"
    printf 'all:\n\t@true\n' >"$p/Makefile"
    echo good >"$p/src.txt"
    # (Not a here-document: bats would rewrite its @test lines as this
    # file's.)
    printf '%s\n' 'leave_one_behind() {' \
        "    (setsid bash -c 'exec -a $LEAK sleep 600' </dev/null >/dev/null 2>&1 3>&- &)" \
        '}' \
        '@test "leaves a process behind, fails on a bad src.txt" {' \
        '    leave_one_behind' \
        '    ! grep -qx bad "$BATS_TEST_DIRNAME/../src.txt"' \
        '}' \
        '@test "leaves a process behind, hangs on a slow src.txt" {' \
        '    leave_one_behind' \
        '    if grep -qx slow "$BATS_TEST_DIRNAME/../src.txt"; then sleep 600; fi' \
        '}' >"$p/tests/leak.bats"
    printf '%s\n' 'name: bad' 'file: src.txt' 'find: good' 'replace: bad' \
        'why: fails.' 'test: leak.bats' '' 'name: slow' 'file: src.txt' \
        'find: good' 'replace: slow' 'why: hangs.' 'test: leak.bats | hangs' \
        >"$p/tests/mutate/mutants"
    git -C "$p" init -q
}

# left_running: the processes named $LEAK still running (none: status 1).
left_running() {
    pgrep -a -f "^$LEAK" | grep -v ' <defunct>$'
}

# killed_and_contained DIR USER: after run-mutants on fake_project DIR as
# USER: both mutants killed, the hang by its test's timeout; nothing named
# $LEAK left running; each run's log named what it left behind: the control
# (the whole file, then the test named for "slow"), then each mutant.
killed_and_contained() {
    local logs=$1/build/mutate/logs
    assert_line "| bad | src.txt | killed by leak.bats: leaves a process behind, fails on a bad src.txt |"
    assert_line "| slow | src.txt | killed by leak.bats: leaves a process behind, hangs on a slow src.txt # timeout after 3s |"
    ! left_running || fail "left running after run-mutants: $(left_running)"
    run -0 grep -c "^contain: leak.bats left [12] process.* running (killed now): [0-9]* $2 $LEAK" \
        "$logs/control.log" "$logs/bad.log" "$logs/slow.log"
    assert_output "$logs/control.log:2
$logs/bad.log:1
$logs/slow.log:1"
}

teardown() {
    # What a failed test left behind (its name is this test's own).
    [[ -z ${LEAK-} ]] || pkill -KILL -f "^$LEAK" || true
    [[ -z ${PROJECT-} ]] || rm -rf "$PROJECT"
}

@test "run-mutants: no process that a test leaves behind outlives the harness; a hung test fails alone" {
    LEAK=nabla-leak-$$-$BATS_TEST_NUMBER
    local p=$BATS_TEST_TMPDIR/project
    fake_project "$p"
    run --separate-stderr "$p/tests/mutate/run-mutants" --no-full --test-timeout 3
    assert_success
    assert_equal "$(grep -c warning <<<"$stderr")" 0
    killed_and_contained "$p" root
}

@test "run-mutants where no PID namespace can be made (not root): one warning, still no process outlives it" {
    command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
    LEAK=nabla-leak-$$-$BATS_TEST_NUMBER
    # Somewhere user 65534 may write.
    PROJECT=$(mktemp -d /tmp/nabla-mutate-harness.XXXXXX)
    fake_project "$PROJECT"
    chown -R 65534:65534 "$PROJECT"
    run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
        env HOME="$PROJECT" "$PROJECT/tests/mutate/run-mutants" --no-full \
        --test-timeout 3
    assert_success
    assert_equal "$(grep -c warning <<<"$stderr")" 1
    assert_regex "$stderr" "run-mutants: warning: contain: no PID namespace here: unshare: .*: stray processes are looked for among each run's descendants only"
    killed_and_contained "$PROJECT" nobody
}

# --- scripts/run-tests (make check) -----------------------------------------------

@test "run-tests: a file that leaves a process running fails the run, named; a hung test fails alone; one TAP stream" {
    LEAK=nabla-leak-$$-$BATS_TEST_NUMBER
    local d=$BATS_TEST_TMPDIR/suite
    mkdir "$d"
    # (Not here-documents: bats would rewrite their @test lines as this
    # file's.)
    printf '%s\n' '@test "passes" {' '    true' '}' >"$d/a.bats"
    printf '%s\n' '@test "leaves a process behind" {' \
        "    (setsid bash -c 'exec -a $LEAK sleep 600' </dev/null >/dev/null 2>&1 3>&- &)" \
        '}' '@test "hangs" {' '    sleep 600' '}' >"$d/b.bats"
    BATS_TEST_TIMEOUT=2 run --separate-stderr "$REPO_ROOT/scripts/run-tests" suite "$d"
    assert_failure 1
    # One plan, first; the tests numbered on across the files.
    assert_line --index 0 "1..3"
    assert_equal "$(grep -c '^1\.\.' <<<"$output")" 1
    # Each with its time.
    assert_line --regexp '^ok 1 passes in [0-9]+ms$'
    assert_line --regexp '^ok 2 leaves a process behind in [0-9]+ms$'
    assert_line --regexp '^not ok 3 hangs in [0-9]+ms # timeout after 2s$'
    assert_line "suite: processes left running (killed) by: $d/b.bats"
    assert_line --index $((${#lines[@]} - 1)) "suite: 3 tests, 1 failures, 0 skipped"
    assert_regex "$stderr" "(^|"$'\n'")contain: $d/b\.bats left 1 process running \(killed now\): [0-9]+ root $LEAK 600($|"$'\n'")"
    ! left_running || fail "left running after run-tests: $(left_running)"
    # A process left behind alone fails the run too.
    printf '%s\n' '@test "leaves a process behind" {' \
        "    (setsid bash -c 'exec -a $LEAK sleep 600' </dev/null >/dev/null 2>&1 3>&- &)" \
        '}' >"$d/b.bats"
    run -1 --separate-stderr "$REPO_ROOT/scripts/run-tests" suite "$d"
    assert_line "suite: processes left running (killed) by: $d/b.bats"
    assert_line "suite: 2 tests, 0 failures, 0 skipped"
    ! left_running || fail "left running after run-tests: $(left_running)"
    # Nothing left behind: status 0. Each test has 300 s by default.
    rm "$d/b.bats"
    printf '%s\n' '@test "passes" {' \
        '    echo "$BATS_TEST_TIMEOUT" >"$BATS_TEST_DIRNAME/timeout"' '}' \
        >"$d/a.bats"
    run -0 --separate-stderr env -u BATS_TEST_TIMEOUT \
        "$REPO_ROOT/scripts/run-tests" suite "$d"
    assert_equal "${#lines[@]}" 3
    assert_line --index 0 "1..1"
    assert_line --index 1 --regexp '^ok 1 passes in [0-9]+ms$'
    assert_line --index 2 "suite: 1 tests, 0 failures, 0 skipped"
    assert_equal "$(cat "$d/timeout")" 300
}
