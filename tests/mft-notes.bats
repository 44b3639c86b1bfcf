#!/usr/bin/env bats
# MFT1 (manifest) notes that break the limits, as a hostile or broken
# toolchain writes them: nabla-pack and query-manifest refuse each with one
# line and the exact bound, never read past a buffer (`make check` runs this
# file under ASan/UBSan too). Each note is written here, in the test, by
# tests/tools/mutate.py: appended at the end of a good guest under a PT_NOTE
# of its own, with the guest's own note renamed out of the way.

load helpers
load broken-guest

# refused REGEX: nabla-pack packs broken.spt: no, with one line naming the
# file; query-manifest says the same after "manifest validation failed: "
# or as it is.
refused() {
    pack_fails "broken\.spt: $1$" "$BATS_TEST_TMPDIR/broken.spt"
    fails_one_line "^nabla-pack: error: .*broken\.spt: (manifest validation failed: )?$1$" \
        "$PACK" query-manifest "$BATS_TEST_TMPDIR/broken.spt"
    refute_output --partial "runtime error"
    refute_output --partial "AddressSanitizer"
}

@test "control: the guest's manifest copied into a note of its own packs and runs" {
    broken mft-note-copy
    pack_file "$BATS_TEST_TMPDIR/broken.spt" "$BATS_TEST_TMPDIR/ok"
    run -42 "$BATS_TEST_TMPDIR/ok" --solo5:quiet 42
    broken mft-note-copy "$GOOD_DEV"
    run -0 "$PACK" query-manifest "$BATS_TEST_TMPDIR/broken.spt"
    assert_output --partial '{ "name": "storage", "type": "BLOCK_BASIC" }'
}

@test "an MFT1 note of 65 entries: the descriptor is refused with its bounds" {
    # 4 + 8 + 65 x 104 = 6772 bytes; 64 entries take 6668.
    broken mft-note-65
    refused 'MFT1 note descriptor of 6772 bytes: must be 12 to 6668'
    broken mft-note-65 "$GOOD_DEV"
    refused 'MFT1 note descriptor of 6772 bytes: must be 12 to 6668'
}

@test "an MFT1 note one entry longer than its entries: refused, the size must be exact" {
    broken mft-note-long
    refused 'manifest note is 216 bytes, but 1 entries take 112'
    broken mft-note-long "$GOOD_DEV"
    refused 'manifest note is 320 bytes, but 2 entries take 216'
}

@test "an MFT1 note whose entry claims to be attached: refused" {
    broken entry0-attached
    refused 'manifest entry 0 is marked attached'
}
