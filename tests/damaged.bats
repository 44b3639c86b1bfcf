#!/usr/bin/env bats
# Damaged packed files, as a bad copy or a hostile edit leaves them: the
# stub refuses each one before the guest runs, with exactly one line naming
# the damage, and `nabla-pack verify` tells any changed byte, the first and
# the last of every part included. Every damaged file is made here, in the
# test, by tests/tools/payload.py.

load helpers

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
}

# damage FILE ACTION...: tests/tools/payload.py on FILE.
damage() {
    python3 "$REPO_ROOT/tests/tools/payload.py" "$@" ||
        fail "payload.py $* failed"
}

# stub_refuses_damaged REGEX FILE [ARGS...]: FILE exits 125 (a refusal of
# the stub) with one line "NAME: error: damaged executable: ..." matching
# REGEX on stderr, and the guest never started (nothing on stdout).
stub_refuses_damaged() {
    local regex=$1
    shift
    refuses_one_line "$regex" "$@"
    assert_regex "$stderr" ': error: damaged executable: '
    assert_equal "$output" ""
}

@test "control: an undamaged copy runs" {
    pack_file "$HELLO_SPT" hello
    run -0 ./hello --solo5:quiet x
    assert_output "Hello, World
x"
}

@test "a manifest of 65 entries in the payload (room made for them): refused with one line" {
    pack_file "$HELLO_SPT" hello
    # The payload segment maps 8 KiB more of the file, so that 65 entries
    # fit inside it: only the entry count can be refused.
    damage hello grow-payload 8192 mft-entries 65 set mft_size $((8 + 65 * 104)) >/dev/null
    stub_refuses_damaged 'damaged executable: bad manifest$' ./hello x
}

@test "a manifest entry of unknown type 7 in the payload: refused with one line naming it" {
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" blkcount
    truncate -s 1M disk.img
    damage blkcount mft-entry-type 1 7
    stub_refuses_damaged 'damaged executable: manifest entry 1 has type 0x7$' \
        ./blkcount --block:storage=disk.img
}

@test "the manifest at an offset that is not a multiple of 8: refused with one line" {
    pack_file "$HELLO_SPT" hello
    local off size
    off=$(damage hello get mft_offset)
    size=$(damage hello get mft_size)
    # Four bytes earlier, four bytes longer: still inside the payload, and
    # what it would read there still looks like a manifest of 1 entry.
    damage hello set mft_offset $((off - 4)) set mft_size $((size + 4))
    stub_refuses_damaged 'damaged executable: bad manifest$' ./hello x
}

@test "a list of default arguments running past the payload: refused with one line" {
    pack_file "$HELLO_SPT" hello -- one two
    damage hello set args_size 0x7fffffff
    stub_refuses_damaged 'damaged executable: an offset lies outside the payload$' ./hello
    # The same with its offset past the end.
    pack_file "$HELLO_SPT" hello -- one two
    damage hello set args_offset 0x7fffff00
    stub_refuses_damaged 'damaged executable: an offset lies outside the payload$' ./hello
}

@test "two guest segments on the same page: refused with one line" {
    pack_file "$HELLO_SPT" hello
    damage hello overlap-loads
    stub_refuses_damaged 'damaged executable: guest segment at 0x100000 out of order \(it begins below the end of the one before it, 0x101000\)$' ./hello x
}

# --- nabla-pack verify ----------------------------------------------------------

# verify_refuses FILE: nabla-pack verify FILE exits 1 with one line saying
# the file is damaged.
verify_refuses() {
    fails_one_line "$1: damaged: " "$PACK" verify "$1"
    assert_equal "$output" ""
}

@test "verify (nabla-pack verify, APP --verify): a flipped first or last byte of the payload is found" {
    # No default options or arguments: the payload ends in the manifest's
    # padding, which only the checksum covers.
    pack_file "$HELLO_SPT" hello
    run -0 "$PACK" verify hello
    local off
    for off in $(damage hello offsets payload-ends); do
        cp hello bad
        damage bad flip "$off"
        cmp -s hello bad && fail "byte $off not changed"
        verify_refuses bad
    done
    # The last byte of the payload is one only the checksum covers: verify
    # must say "checksum mismatch", not anything the payload check finds.
    cp hello bad
    damage bad flip "$(damage hello offsets payload-ends | tail -1)"
    fails_one_line 'bad: damaged: the payload \(checksum mismatch\)' \
        "$PACK" verify bad
    # The app's own check says the same.
    refuses_one_line '^bad: error: damaged: the payload \(checksum mismatch\), do not run it$' \
        ./bad --verify
}

@test "verify (nabla-pack verify, APP --verify): a flipped last byte of every other segment (guest and stub) is found" {
    pack_file "$HELLO_SPT" hello
    local offs off
    mapfile -t offs < <(damage hello offsets load-ends)
    ((${#offs[@]} >= 3)) || fail "only ${#offs[@]} segments with file data"
    for off in "${offs[@]}"; do
        cp hello bad
        damage bad flip "$off"
        local what='damaged: (guest|stub) segment 0x[0-9a-f]+-0x[0-9a-f]+ [-rwx]{3} \(checksum mismatch\)'
        fails_one_line "bad: $what" "$PACK" verify bad
        refuses_one_line "^bad: error: $what, do not run it$" ./bad --verify
    done
}

# --- what the stub jumps to, and where the guest's segments may lie -----------

@test "a guest segment moved into the boot pages or below them: refused with one line, never a crash" {
    local addr
    # 0x11000: the boot information page; 0x20000: the exit trampoline's;
    # 0x30000: elsewhere in the boot page range; 0x8000: below guest memory.
    for addr in 0x11000 0x20000 0x30000 0x8000; do
        pack_file "$HELLO_SPT" hello
        damage hello move-load 0 "$addr"
        stub_refuses_damaged "damaged executable: guest segment $addr-0x[0-9a-f]+ lies outside 0x100000-0x20000000, where guest segments belong$" \
            ./hello x
    done
}

@test "a guest entry point outside the guest's code: refused with one line, never a jump there" {
    local entry
    # Its read-only data, its writable data, the boot pages, nowhere.
    for entry in 0x101000 0x102000 0x11000 0; do
        pack_file "$HELLO_SPT" hello
        damage hello set guest_entry "$entry"
        stub_refuses_damaged "damaged executable: the guest's entry point $(printf '%#x' "$entry") is not in its code$" \
            ./hello x
    done
}

@test "an exit trampoline outside the guest's code: refused with one line, never a jump there" {
    pack_file "$HELLO_SPT" hello
    local at
    at=$(damage hello get trampoline)
    ((at != 0)) || fail "hello's trampoline is not in its text: pick another guest"
    # Its writable data; 8 bytes before the end of its text: the
    # trampoline does not fit there.
    local text_end
    text_end=$(readelf -lW hello | awk '$1 == "LOAD" && $8 == "E" { print $3, $5; exit }')
    text_end=$((${text_end% *} + ${text_end#* }))
    for at in 0x102000 $((text_end - 8)); do
        pack_file "$HELLO_SPT" hello
        damage hello set trampoline "$at"
        stub_refuses_damaged "damaged executable: the exit trampoline $(printf '%#x' "$at") is not in the guest's code$" \
            ./hello x
    done
}
