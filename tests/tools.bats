#!/usr/bin/env bats
# nabla-pack verify, inspect and extract.

load helpers

setup() {
    pack_file "$NABLA_BUILD/examples/hello/hello.spt" "$BATS_TEST_TMPDIR/hello" \
        --mem=64 -- one two
    APP=$BATS_TEST_TMPDIR/hello
}

@test "verify accepts an intact packed file, also after strip" {
    run "$PACK" verify "$APP"
    assert_success
    assert_output --regexp "OK \(sha256 [0-9a-f]{64}\)"
    strip -o "$BATS_TEST_TMPDIR/stripped" "$APP"
    run "$PACK" verify "$BATS_TEST_TMPDIR/stripped"
    assert_success
}

@test "verify refuses a copy with one byte changed in the guest, the stub or the payload" {
    local where
    for where in guest stub payload; do
        cp "$APP" "$BATS_TEST_TMPDIR/bad"
        local off
        off=$(python3 - "$APP" "$where" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
for i in range(phnum):
    t, f, off, va, pa, fs, ms, al = struct.unpack_from('<IIQQQQQQ', d, phoff + 56 * i)
    if t != 1 or fs == 0:
        continue
    kind = 'payload' if va == 0x7f00100000 else 'stub' if va >= 0x7f00000000 else 'guest'
    if kind == sys.argv[2]:
        print(off + fs // 2 if kind != 'payload' else 0x1000 + 40)
        break
PY
)
        printf '\x5a' | dd of="$BATS_TEST_TMPDIR/bad" bs=1 seek="$off" \
            conv=notrunc status=none
        cmp -s "$APP" "$BATS_TEST_TMPDIR/bad" && fail "no byte changed for $where"
        run --separate-stderr "$PACK" verify "$BATS_TEST_TMPDIR/bad"
        assert_failure 1
        assert_equal "$(wc -l <<<"$stderr")" 1
        [[ $stderr == *"checksum mismatch"* ]] || fail "$where: $stderr"
    done
}

@test "verify refuses truncated copies with one line" {
    local size len
    size=$(stat -c %s "$APP")
    for len in 0 100 4096 $((size / 2)) $((size - 1)); do
        head -c "$len" "$APP" >"$BATS_TEST_TMPDIR/short"
        run --separate-stderr "$PACK" verify "$BATS_TEST_TMPDIR/short"
        assert_failure 1
        assert_equal "$(wc -l <<<"$stderr")" 1
    done
}

@test "inspect --json describes the app: segments, devices, defaults, policy" {
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" \
        "$BATS_TEST_TMPDIR/blkcount" --block:storage=disk.img --mem=32
    run "$PACK" inspect --json "$BATS_TEST_TMPDIR/blkcount"
    assert_success
    python3 - "$output" <<'PY'
import json, sys
j = json.loads(sys.argv[1])
assert j["abi_target"] == 2 and j["abi_version"] == 2, j
assert j["mem_mb"] == 32, j
assert j["devices"] == [{"name": "storage", "type": "BLOCK_BASIC"}], j
assert j["default_options"] == ["--block:storage=disk.img"], j
assert len(j["segments"]) >= 2 and all(s["vaddr"] >= 0x100000 for s in j["segments"])
assert any("pwrite64 (storage)" in p for p in j["policy"]), j["policy"]
assert j["policy"][-1].startswith("kill the process"), j["policy"]
PY
}

@test "extract gives back a guest that packs and runs the same, idempotently" {
    run "$PACK" extract "$APP" -o "$BATS_TEST_TMPDIR/out"
    assert_success
    [ -f "$BATS_TEST_TMPDIR/out/hello.spt" ]
    run cat "$BATS_TEST_TMPDIR/out/manifest.json"
    assert_output --partial '"solo5.manifest"'
    # The extracted guest is a bare Solo5 guest again: it does not run alone.
    run -127 "$BATS_TEST_TMPDIR/out/hello.spt"
    pack_file "$BATS_TEST_TMPDIR/out/hello.spt" "$BATS_TEST_TMPDIR/again" \
        "$BATS_TEST_TMPDIR/out/manifest.json"
    run "$BATS_TEST_TMPDIR/again" --solo5:quiet x
    assert_success
    assert_output "Hello, World
x"
    run "$PACK" extract "$BATS_TEST_TMPDIR/again" -o "$BATS_TEST_TMPDIR/out2"
    assert_success
    cmp "$BATS_TEST_TMPDIR/out/hello.spt" "$BATS_TEST_TMPDIR/out2/again.spt"
}

@test "extract replaces its outputs whole: a file linked to them stays as it was" {
    local out=$BATS_TEST_TMPDIR/out
    mkdir "$out"
    echo keep >"$BATS_TEST_TMPDIR/other"
    echo keep >"$BATS_TEST_TMPDIR/other.json"
    ln "$BATS_TEST_TMPDIR/other" "$out/hello.spt"
    ln -s "$BATS_TEST_TMPDIR/other.json" "$out/manifest.json"
    run -0 "$PACK" extract "$APP" -o "$out"
    run -0 cat "$BATS_TEST_TMPDIR/other" "$BATS_TEST_TMPDIR/other.json"
    assert_output "keep
keep"
    [[ ! -L $out/manifest.json ]] || fail "manifest.json is still the link"
    run -0 "$PACK" query-manifest "$out/hello.spt"
    # No temporary file is left next to them.
    run -0 ls "$out"
    assert_output "hello.spt
manifest.json"
}

@test "the same inputs give a byte-identical packed file" {
    mkdir "$BATS_TEST_TMPDIR/again"
    pack_file "$NABLA_BUILD/examples/hello/hello.spt" \
        "$BATS_TEST_TMPDIR/again/hello" --mem=64 -- one two
    cmp "$APP" "$BATS_TEST_TMPDIR/again/hello"
    # The app's name (the output's file name, or --name) is one of them.
    pack_file "$NABLA_BUILD/examples/hello/hello.spt" "$BATS_TEST_TMPDIR/h2" \
        --name=hello --mem=64 -- one two
    cmp "$APP" "$BATS_TEST_TMPDIR/h2"
    pack_file "$NABLA_BUILD/examples/hello/hello.spt" "$BATS_TEST_TMPDIR/h3" \
        --mem=64 -- one two
    ! cmp -s "$APP" "$BATS_TEST_TMPDIR/h3" || fail "the name made no difference"
}

@test "a file packed with another payload format version: one line saying so, not 'damaged'" {
    cp "$HELLO" "$BATS_TEST_TMPDIR/old"
    # the payload header at file offset 0x1000: magic (8 bytes), then version
    python3 - "$BATS_TEST_TMPDIR/old" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
assert d[0x1000:0x1008] == b'NABLAPK\0'
struct.pack_into('<I', d, 0x1008, 1)
open(sys.argv[1], 'wb').write(d)
PY
    run -125 --separate-stderr "$BATS_TEST_TMPDIR/old"
    assert_one_stderr_line
    [[ $stderr == *"packed by another version of nabla-pack (payload format 1, not "*"): pack the unikernel again" ]] ||
        fail "unexpected: $stderr"
    [[ $stderr != *damaged* ]] || fail "calls it damaged: $stderr"
    run -1 --separate-stderr "$PACK" inspect "$BATS_TEST_TMPDIR/old"
    assert_one_stderr_line
    [[ $stderr == *"payload format 1"* && $stderr != *damaged* ]] || fail "unexpected: $stderr"
}
