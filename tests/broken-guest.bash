# Shared by the bats files that pack broken guests made by
# tests/tools/mutate.py from a good one (elf.bats, mft-notes.bats):
# `load broken-guest` after `load helpers`.

# The good guests: one without devices, one whose manifest declares a block
# device ('storage', BLOCK_BASIC).
GOOD=$GUESTS/exitcode.spt
GOOD_DEV=$NABLA_BUILD/examples/blkcount/blkcount.spt

# broken MODE [GOOD-GUEST]: writes $BATS_TEST_TMPDIR/broken.spt, GOOD-GUEST
# (default $GOOD) changed by mutate.py MODE.
broken() {
    local mode=$1 src=${2:-$GOOD}
    [[ -f $src ]] || fail "no guest $src (run 'make all' first)"
    python3 "$REPO_ROOT/tests/tools/mutate.py" "$mode" "$src" \
        "$BATS_TEST_TMPDIR/broken.spt" || fail "mutate.py $mode $src failed"
}
