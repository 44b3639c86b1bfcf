#!/usr/bin/env bats
# The fuzz harnesses of tests/fuzz/ run once over each of their seed inputs
# (tests/fuzz/corpus/NAME) and regression inputs (tests/fuzz/regress/NAME):
#   - the replay drivers, built with gcc and ASan/UBSan (make fuzz-replay);
#   - the libFuzzer binaries (make fuzz-build; clang and
#     libclang-rt-14-dev, which scripts/install-deps installs).
# `make check` builds both first; run alone, this file builds what is
# missing (make, in the repository) and fails, saying why, if it cannot:
# nothing is skipped. A crash, sanitizer report or broken harness invariant
# fails the test.

load helpers

FUZZ_SRC=$REPO_ROOT/tests/fuzz

# ensure_built BIN WHAT: builds BIN (a target of tests/fuzz/fuzz.mk) with
# make if it is missing; fails, with make's last lines, if it cannot.
ensure_built() {
    local bin=$1 what=$2
    [[ -x $bin ]] && return 0
    local rel=${bin#"$REPO_ROOT"/}
    if [[ $rel != build/* ]]; then
        fail "$bin not built, and not in this repository's build/ ($what)"
        return 1
    fi
    local out
    if ! out=$(make -C "$REPO_ROOT" "$rel" 2>&1) || [[ ! -x $bin ]]; then
        {
            echo "$bin is not built and 'make $rel' failed ($what):"
            tail -5 <<<"$out"
        } | fail
        return 1
    fi
}

# fuzz_inputs NAME: the input files of harness NAME, one per line.
fuzz_inputs() {
    find "$FUZZ_SRC/corpus/$1" "$FUZZ_SRC/regress/$1" -type f ! -name '.*' |
        sort
}

replay() {
    local name=$1 bin=$NABLA_BUILD/tests/fuzz/replay_$1
    ensure_built "$bin" "gcc, ASan/UBSan"
    local count
    count=$(fuzz_inputs "$name" | wc -l)
    ((count > 0)) || fail "no inputs in $FUZZ_SRC/corpus/$name"
    run "$bin" "$FUZZ_SRC/corpus/$name" "$FUZZ_SRC/regress/$name"
    assert_success
    assert_line "replay: $count inputs, no finding"
}

libfuzzer() {
    local name=$1 bin=$NABLA_BUILD/tests/fuzz/fuzz_$1
    ensure_built "$bin" "needs clang and libclang-rt-14-dev: scripts/install-deps"
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
