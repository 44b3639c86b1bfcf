#!/usr/bin/env bats
# The fuzz harnesses of tests/fuzz/ run once over each of their seed inputs
# (tests/fuzz/corpus/NAME) and regression inputs (tests/fuzz/regress/NAME):
#   - the replay drivers, built with gcc and ASan/UBSan (make fuzz-replay);
#   - the libFuzzer binaries, if they were built (make fuzz-build or make
#     fuzz: they need clang and libclang-rt-14-dev); skipped otherwise.
# A crash, sanitizer report or broken harness invariant fails the test.

load helpers

FUZZ_SRC=$REPO_ROOT/tests/fuzz

# fuzz_inputs NAME: the input files of harness NAME, one per line.
fuzz_inputs() {
    find "$FUZZ_SRC/corpus/$1" "$FUZZ_SRC/regress/$1" -type f ! -name '.*' |
        sort
}

replay() {
    local name=$1 bin=$NABLA_BUILD/tests/fuzz/replay_$1
    [[ -x $bin ]] || skip "$bin not built (make fuzz-replay)"
    local count
    count=$(fuzz_inputs "$name" | wc -l)
    ((count > 0)) || fail "no inputs in $FUZZ_SRC/corpus/$name"
    run "$bin" "$FUZZ_SRC/corpus/$name" "$FUZZ_SRC/regress/$name"
    assert_success
    assert_line "replay: $count inputs, no finding"
}

libfuzzer() {
    local name=$1 bin=$NABLA_BUILD/tests/fuzz/fuzz_$1
    [[ -x $bin ]] ||
        skip "$bin not built (make fuzz-build; needs clang, libclang-rt-14-dev)"
    local -a files
    mapfile -t files < <(fuzz_inputs "$name")
    ((${#files[@]} > 0)) || fail "no inputs in $FUZZ_SRC/corpus/$name"
    # Files (not directories) as arguments: each is run once and libFuzzer
    # writes nothing back; a crash artifact would go to the test's tmpdir.
    run "$bin" -artifact_prefix="$BATS_TEST_TMPDIR/" "${files[@]}"
    assert_success
    local executed
    executed=$(grep -c '^Executed ' <<<"$output")
    [[ $executed == "${#files[@]}" ]] ||
        fail "libFuzzer executed $executed of ${#files[@]} inputs"
}

@test "fuzz replay (ASan/UBSan): guest ELF reader over seeds and regressions" {
    replay elf
}

@test "fuzz replay (ASan/UBSan): manifest readers over seeds and regressions" {
    replay manifest
}

@test "fuzz replay (ASan/UBSan): stub options over seeds and regressions" {
    replay options
}

@test "libFuzzer: guest ELF reader over seeds and regressions" {
    libfuzzer elf
}

@test "libFuzzer: manifest readers over seeds and regressions" {
    libfuzzer manifest
}

@test "libFuzzer: stub options over seeds and regressions" {
    libfuzzer options
}
