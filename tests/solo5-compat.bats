#!/usr/bin/env bats
# Solo5 compatibility, both ways, shown with the project's own guests: the
# MFT1 note is byte for byte what Solo5's toolchain emits; a program written
# as Solo5's test programs are (its own C library functions, its own note)
# links with the bindings and packs; the bindings export only the Solo5
# interface; --mem=2 runs a small guest; query-manifest and query-abi print
# what solo5-elftool prints, for a bare guest and for a packed file.

load helpers

SOLO5_STYLE=$NABLA_BUILD/tests/solo5-style
BLKCOUNT_SPT=$NABLA_BUILD/examples/blkcount/blkcount.spt

# note_bytes FILE: the .note.solo5.manifest section as one hex string.
note_bytes() {
    objcopy -O binary --only-section=.note.solo5.manifest "$1" "$BATS_TEST_TMPDIR/note.bin" &&
        od -An -v -tx1 "$BATS_TEST_TMPDIR/note.bin" | tr -d ' \n'
}

@test "MFT1 note of a guest with no devices: Solo5's exact bytes (descsz 0x74, padding, struct mft at 24)" {
    run -0 note_bytes "$HELLO_SPT"
    # namesz 6, descsz 0x74, "MFT1", "Solo5\0\0\0", 4 zero bytes, version 1,
    # entries 1, then entry 0: empty name, type 1 << 30, the rest zero.
    local want="06000000740000004d465431536f6c6f350000000000000001000000""01000000"
    want+=$(printf '00%.0s' $(seq 68))"00000040"$(printf '00%.0s' $(seq 32))
    assert_equal "${#output}" $((0x88 * 2))
    assert_equal "$output" "$want"
}

@test "MFT1 note with a device: descsz = 4 + 8 + 2 x 104, in a 4-byte aligned PT_NOTE" {
    run -0 note_bytes "$BLKCOUNT_SPT"
    assert_equal "${output:0:48}" "06000000dc0000004d465431536f6c6f3500000000000000"
    # entry 1 at 24 + 8 + 104: "storage", type BLOCK_BASIC
    assert_equal "${output:$(((24 + 8 + 104) * 2)):16}" "73746f7261676500"
    assert_equal "${output:$(((24 + 8 + 104 + 68) * 2)):8}" "01000000"
    run -0 readelf -lW "$BLKCOUNT_SPT"
    run -0 awk '$1 == "NOTE" { print $NF }' <<<"$output"
    assert_output $'0x4\n0x4'
}

@test "the bindings export only the Solo5 interface: solo5_*, _start, __stack_chk_guard, __stack_chk_fail" {
    run -0 nm -g --defined-only "$NABLA_BUILD/bindings/nabla.o"
    local sym bad=()
    while read -r _ _ sym; do
        case "$sym" in
        solo5_* | _start | __stack_chk_guard | __stack_chk_fail) ;;
        *) bad+=("$sym") ;;
        esac
    done <<<"$output"
    assert_equal "${bad[*]}" ""
    assert_output --partial " T solo5_console_write"
    assert_output --partial " T _start"
    # no C library function among its globals, defined or not
    run -0 nm -g "$NABLA_BUILD/bindings/nabla.o"
    refute_line --regexp ' [TDBRW] (memcpy|memset|memmove|memcmp|strlen|strcmp)$'
}

@test "a Solo5-style program with its own memcpy & co. and its own MFT1 note links, packs and runs" {
    local spt=$SOLO5_STYLE/ownlibc.spt
    # its own string functions are the ones in the guest
    run -0 nm "$spt"
    assert_line --regexp ' T memcpy$'
    assert_line --regexp ' T strlen$'
    truncate -s 64K "$BATS_TEST_TMPDIR/disk.img"
    pack_file "$spt" "$BATS_TEST_TMPDIR/ownlibc" --block:storage=disk.img
    run -0 "$BATS_TEST_TMPDIR/ownlibc" hello
    assert_output --partial "cmdline: 'hello'"
    assert_output --partial "SUCCESS"
    # the guest wrote its block through the filter
    run -0 head -c 512 "$BATS_TEST_TMPDIR/disk.img"
    assert_output "$(printf 'S%.0s' $(seq 512))"
}

@test "solo5.h alone gives bool, true and false (as Solo5's header does)" {
    printf '#include "solo5.h"\nbool f(void) { return true || false; }\n' >"$BATS_TEST_TMPDIR/b.c"
    run -0 gcc -std=c11 -Wall -Werror -nostdinc -isystem "$(gcc -print-file-name=include)" \
        -I "$REPO_ROOT/include" -ffreestanding -fsyntax-only "$BATS_TEST_TMPDIR/b.c"
}

@test "--mem=2 runs a small guest, as Solo5's tests run every spt program" {
    run -0 "$HELLO" --mem=2 two
    assert_output --partial "Hello, World"
    assert_output --partial "two"
    # the heap is not empty: the stack reserve shrinks in a small guest
    local heap
    heap=$(sed -n 's/^nabla: heap: *\(0x[0-9a-f]*\) - \(0x[0-9a-f]*\)$/\1 \2/p' <<<"$output")
    read -r lo hi <<<"$heap"
    [[ -n $lo && -n $hi ]] || fail "no heap line in: $output"
    (( hi - lo >= 256 * 1024 )) || fail "heap $lo - $hi smaller than 256 KiB at --mem=2"
    pack_file "$SOLO5_STYLE/ownlibc.spt" "$BATS_TEST_TMPDIR/ownlibc" --mem=2 \
        --block:storage=disk.img
    truncate -s 4K "$BATS_TEST_TMPDIR/disk.img"
    run -0 "$BATS_TEST_TMPDIR/ownlibc"
    assert_output --partial "SUCCESS"
}

@test "--mem=1 leaves no room for the guest: one line, exit 125" {
    run -125 --separate-stderr "$HELLO" --mem=1
    assert_one_stderr_line
    assert_equal "$output" ""
    [[ $stderr == *"--mem="*"too small"* || $stderr == *"guest memory"* ]] ||
        fail "unexpected message: $stderr"
}

@test "query-manifest prints solo5-elftool's JSON, for the bare guest and the packed file" {
    local want='{
  "type": "solo5.manifest",
  "version": 1,
  "devices": [
    { "name": "storage", "type": "BLOCK_BASIC" }
  ]
}'
    run -0 "$PACK" query-manifest "$BLKCOUNT_SPT"
    assert_output "$want"
    run -0 "$PACK" query-manifest "$NABLA_BUILD/examples/blkcount/blkcount"
    assert_output "$want"
    run -0 "$PACK" query-manifest "$GUESTS/netecho2.spt"
    assert_output '{
  "type": "solo5.manifest",
  "version": 1,
  "devices": [
    { "name": "service", "type": "NET_BASIC" },
    { "name": "service2", "type": "NET_BASIC" }
  ]
}'
    run -0 "$PACK" query-manifest "$HELLO_SPT"
    assert_output '{
  "type": "solo5.manifest",
  "version": 1,
  "devices": [
  ]
}'
}

@test "query-abi prints solo5-elftool's JSON, for the bare guest and the packed file" {
    local want='{
  "type": "solo5.abi",
  "target": "spt",
  "version": 2
}'
    run -0 "$PACK" query-abi "$HELLO_SPT"
    assert_output "$want"
    run -0 "$PACK" query-abi "$HELLO"
    assert_output "$want"
}

@test "query-abi names the target of a guest built for another tender" {
    cp "$HELLO_SPT" "$BATS_TEST_TMPDIR/hvt.spt"
    # ABI1's abi_target (first descriptor word) from spt (2) to hvt (1)
    python3 - "$BATS_TEST_TMPDIR/hvt.spt" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.find(b'\x06\x00\x00\x00\x10\x00\x00\x00ABI1Solo5\x00\x00\x00')
assert i >= 0 and d[i + 20:i + 24] == b'\x02\x00\x00\x00'
d[i + 20] = 1
open(sys.argv[1], 'wb').write(d)
PY
    run -0 "$PACK" query-abi "$BATS_TEST_TMPDIR/hvt.spt"
    assert_line '  "target": "hvt",'
    run -1 --separate-stderr "$PACK" -o "$BATS_TEST_TMPDIR/x" "$BATS_TEST_TMPDIR/hvt.spt"
    assert_one_stderr_line
    assert_equal "$stderr" "nabla-pack: error: $BATS_TEST_TMPDIR/hvt.spt: built for hvt (ABI target 1), not spt"
}

@test "query-manifest and query-abi on what is not a unikernel: one line, exit 1" {
    local f
    for f in /bin/true "$BATS_TEST_TMPDIR/none" "$REPO_ROOT/README.md"; do
        run -1 --separate-stderr "$PACK" query-manifest "$f"
        assert_one_stderr_line
        run -1 --separate-stderr "$PACK" query-abi "$f"
        assert_one_stderr_line
    done
    run -1 --separate-stderr "$PACK" query-abi
    assert_one_stderr_line
    run -1 --separate-stderr "$PACK" query-manifest a b
    assert_one_stderr_line
}

@test "gen-manifest takes solo5-elftool's positional form: IN OUT" {
    run -0 "$PACK" gen-manifest "$REPO_ROOT/examples/blkcount/manifest.json" "$BATS_TEST_TMPDIR/m.c"
    run -0 "$PACK" gen-manifest "$REPO_ROOT/examples/blkcount/manifest.json" -o "$BATS_TEST_TMPDIR/m2.c"
    cmp "$BATS_TEST_TMPDIR/m.c" "$BATS_TEST_TMPDIR/m2.c"
    run -1 --separate-stderr "$PACK" gen-manifest "$REPO_ROOT/examples/blkcount/manifest.json" a b
    assert_one_stderr_line
}

@test "a guest whose MFT1 note has nabla's old layout (descsz without the padding) is refused clearly" {
    cp "$HELLO_SPT" "$BATS_TEST_TMPDIR/old.spt"
    python3 - "$BATS_TEST_TMPDIR/old.spt" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.find(b'\x06\x00\x00\x00\x74\x00\x00\x00MFT1Solo5\x00\x00\x00')
assert i >= 0
d[i + 4] = 0x70
open(sys.argv[1], 'wb').write(d)
PY
    run -1 --separate-stderr "$PACK" -o "$BATS_TEST_TMPDIR/x" "$BATS_TEST_TMPDIR/old.spt"
    assert_one_stderr_line
    # read as Solo5 reads it, the note ends 4 bytes before its PT_NOTE does
    assert_equal "$stderr" "nabla-pack: error: $BATS_TEST_TMPDIR/old.spt: note does not fall within valid size"
}

@test "a guest that reads %fs:0x28 without setting up TLS dies with SIGSEGV (Solo5's test_notls)" {
    pack_guest fsread
    run -139 "$BATS_TEST_TMPDIR/fsread"
    assert_output --partial "fsread: reading"
    refute_output --partial "survived"
}
