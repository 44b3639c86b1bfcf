#!/usr/bin/env bats
# A packed app's options at their edges: the exact --mem a guest needs
# (room for its stack above its segments), device names of 67 and 68
# characters, empty values. Each refusal is one line naming the problem,
# before the guest starts; nabla-pack refuses the same defaults at pack time.

load helpers

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
}

# refused REGEX COMMAND [ARGS...]: refused by the stub (status 125), one
# line on stderr matching REGEX, and the guest never started.
refused() {
    refuses_one_line "$@"
    refute_output --partial "nabla: solo5 bindings"
    refute_output --partial "Hello, World"
    refute_output --partial "boot count"
}

@test "--mem must leave 64 KiB for the stack above the guest's segments: one line with the size needed" {
    # hello with a larger .bss: its segments end 32 KiB below a MiB
    # boundary, the one --mem where the room for the stack, not the
    # segments themselves, decides.
    python3 "$REPO_ROOT/tests/tools/mutate.py" bss-end-32k-below-mib \
        "$HELLO_SPT" bigbss.spt || fail "mutate.py failed"
    pack_file bigbss.spt bigbss
    run -0 ./bigbss --mem=8 x
    assert_line "Hello, World"
    local end
    end=$(sed -n 's/^nabla: text+data: 0x100000 - 0x\([0-9a-f]*\)$/\1/p' <<<"$output")
    [[ -n $end ]] || fail "no text+data line: $output"
    end=$((16#$end))
    local page_end=$(((end + 4095) & ~4095)) mib=$((1 << 20))
    local need=$(((page_end + 65536 + mib - 1) / mib))
    ((page_end <= (need - 1) * mib)) ||
        fail "the segments (end $end) do not end within 64 KiB below a MiB boundary: fix mutate.py bss-end-32k-below-mib"
    refused "--mem=$((need - 1)) is too small for this unikernel \(needs at least $need MiB\)$" \
        ./bigbss --mem=$((need - 1)) x
    run -0 ./bigbss --mem=$need --solo5:quiet x
    assert_output "Hello, World
x"
}

@test "a device name of 67 characters is looked up; one of 68 is refused as too long" {
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" blkcount
    local n67 n68
    n67=$(printf 'a%.0s' $(seq 67))
    n68=${n67}a
    refused "^blkcount: error: not declared in manifest: '$n67' \(in --block:$n67=\.\.\.\)$" \
        ./blkcount --block:$n67=x
    refused "^blkcount: error: device name in --block: is 68 characters long, more than 67: '$n68'$" \
        ./blkcount --block:$n68=x
    refused "^blkcount: error: device name in --net-mac: is 68 characters long, more than 67: '$n68'$" \
        ./blkcount --net-mac:$n68=x
    # The same default, at pack time.
    pack_fails "device name in --block: is 68 characters long, more than 67: '$n68'$" \
        "$NABLA_BUILD/examples/blkcount/blkcount.spt" --block:$n68=x
}

@test "a device option without a name or a value is refused as malformed" {
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" blkcount
    local opt
    for opt in --block:storage= --block:=disk.img --block:storage \
        --block-sector-size:storage=; do
        refused "^blkcount: error: malformed option '$opt': expected --block(-sector-size)?:NAME=(PATH|BYTES)$" \
            ./blkcount "$opt"
    done
    pack_fails "malformed option '--block:storage=': expected --block:NAME=PATH$" \
        "$NABLA_BUILD/examples/blkcount/blkcount.spt" --block:storage=
}
