#!/usr/bin/env bats
# A packed file checks itself: a copy cut short is refused at every start
# with one line (stub/entry.c), and APP --verify checks every loaded byte
# against the checksums nabla-pack verify uses (common/packed_file.c).

load helpers

setup() {
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" \
        "$BATS_TEST_TMPDIR/app" --block:storage=disk.img --mem=32
    APP=$BATS_TEST_TMPDIR/app
    truncate -s 64K "$BATS_TEST_TMPDIR/disk.img"
}

# entry_code_end FILE: the offset nabla-pack recorded as the end of the
# stub's entry code (inspect --json).
entry_code_end() {
    "$PACK" inspect --json "$1" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["entry_code_end"])'
}

# cut_copy LEN: the first LEN bytes of APP, as an executable $BATS_TEST_TMPDIR/cut.
cut_copy() {
    head -c "$1" "$APP" >"$BATS_TEST_TMPDIR/cut"
    chmod 755 "$BATS_TEST_TMPDIR/cut"
}

# flip_copy OFFSET: APP with the byte at OFFSET changed, as
# $BATS_TEST_TMPDIR/flipped.
flip_copy() {
    cp "$APP" "$BATS_TEST_TMPDIR/flipped"
    python3 - "$BATS_TEST_TMPDIR/flipped" "$1" <<'PY'
import sys
path, off = sys.argv[1], int(sys.argv[2])
with open(path, 'r+b') as f:
    f.seek(off)
    b = f.read(1)[0]
    f.seek(off)
    f.write(bytes([b ^ 0x5a]))
PY
}

# segment_offset KIND: a file offset in the middle of the first guest or
# stub PT_LOAD with file bytes, or in the payload; or (last) the last byte
# of the PT_LOAD that ends furthest into the file.
segment_offset() {
    python3 - "$APP" "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
loads = [struct.unpack_from('<IIQQQQQQ', d, phoff + 56 * i) for i in range(phnum)]
if sys.argv[2] == 'last':
    print(max(off + fs for t, f, off, va, pa, fs, ms, al in loads if t == 1) - 1)
    sys.exit()
for i in range(phnum):
    t, f, off, va, pa, fs, ms, al = struct.unpack_from('<IIQQQQQQ', d, phoff + 56 * i)
    if t != 1 or fs == 0:
        continue
    kind = 'payload' if va == 0x7f00100000 else 'stub' if va >= 0x7f00000000 else 'guest'
    if kind == sys.argv[2]:
        print(off + fs // 2 if kind != 'payload' else 0x1000 + 40)
        break
PY
}

# unloaded_tail FILE: checks that FILE has DWARF, that its allocated
# sections all lie before the unallocated ones and that it ends with its
# section header table; prints the offsets where each unallocated section
# and the table start, and their middles.
unloaded_tail() {
    python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
shoff, = struct.unpack_from('<Q', d, 40)
shnum, shstrndx = struct.unpack_from('<HH', d, 60)
secs = [struct.unpack_from('<IIQQQQIIQQ', d, shoff + 64 * i) for i in range(shnum)]
strs = secs[shstrndx][4]
name = lambda s: d[strs + s[0]:d.index(b'\0', strs + s[0])].decode()
files = [s for s in secs[1:] if s[1] != 8]  # not SHT_NOBITS
alloc = [s[4] + s[5] for s in files if s[2] & 2]
unalloc = [s for s in files if not s[2] & 2]
if '.debug_info' not in [name(s) for s in unalloc]:
    sys.exit('no .debug_info')
if max(alloc) > min(s[4] for s in unalloc):
    sys.exit('an allocated section after an unallocated one')
if shoff + 64 * shnum != len(d):
    sys.exit('the file does not end with its section header table')
cuts = []
for off, size in [(s[4], s[5]) for s in unalloc] + [(shoff, 64 * shnum)]:
    cuts += [off, off + size // 2]
print(*cuts)
PY
}

@test "a copy cut short anywhere after the stub's entry code is refused at start with one line, status 125" {
    local size end len
    size=$(stat -c %s "$APP")
    end=$(entry_code_end "$APP")
    # The entry code lies early: in the first 16 KiB (headers, payload,
    # the stub's first page).
    assert_in_range "entry_code_end" "$end" 4096 16384
    # 60 cuts spread over the file, every page boundary of the first 64 KiB
    # after the entry code, its very end, and one byte short.
    local cuts=() k
    for k in $(seq 0 59); do
        cuts+=($((end + (size - end) * k / 60)))
    done
    for ((k = (end + 4095) / 4096 * 4096; k < size && k < 65536; k += 4096)); do
        cuts+=("$k" $((k + 1)) $((k - 1)))
    done
    cuts+=("$end" $((size - 1)))
    # And in the unloaded tail: the file ends with the section header
    # table, after the symbols and DWARF, which follow every PT_LOAD; a cut
    # at the start or in the middle of each of them, or of the table.
    local tail
    tail=$(unloaded_tail "$APP")
    [[ $tail == *" "* ]] || fail "$tail"
    cuts+=($tail)
    for len in "${cuts[@]}"; do
        ((len >= end && len < size)) || continue
        cut_copy "$len"
        run -125 --separate-stderr "$BATS_TEST_TMPDIR/cut" --solo5:quiet
        assert_one_stderr_line
        assert_equal "$stderr" "cut: error: incomplete copy: $len of $size bytes (the file was cut short, as by an interrupted copy: copy it again)"
        assert_equal "$output" ""
    done
    # The whole file runs.
    run -0 "$APP" --solo5:quiet
    assert_output "boot count: 1"
}

@test "a copy cut before the end of the entry code never runs the guest: exec fails, or it dies before the stub can tell" {
    local end len text
    end=$(entry_code_end "$APP")
    # The stub's text starts on the page boundary below the entry code.
    text=$((end / 4096 * 4096))
    for len in 0 64 100 1000 4096 4097 $((text - 1)) $((text + 1)) $((end - 100)) $((end - 1)); do
        cut_copy "$len"
        run "$BATS_TEST_TMPDIR/cut" --solo5:quiet
        [[ $output != *"boot count"* ]] || fail "cut at $len ran the guest"
        if ((len == 0)); then
            # An empty file is an empty shell script.
            assert_equal "$status" 0
        elif ((len < 4096)); then
            # The kernel could not read the program headers, or the
            # payload page is missing: exec format error, or SIGBUS.
            [[ $status == 126 || $status == 135 ]] || fail "cut at $len: status $status"
        elif ((len < text)); then
            assert_equal "$status" 135
        else
            # Inside the stub's first page: the rest of it reads as zeros,
            # so the entry code dies (SIGSEGV, SIGBUS) or, cut only in its
            # constants, still refuses.
            [[ $status == 125 || $status == 135 || $status == 139 ]] ||
                fail "cut at $len: status $status"
        fi
    done
}

@test "a stripped copy keeps the stub's entry code early, and a cut one is refused too" {
    strip -o "$BATS_TEST_TMPDIR/stripped" "$APP"
    local end size
    end=$(entry_code_end "$BATS_TEST_TMPDIR/stripped")
    size=$(stat -c %s "$BATS_TEST_TMPDIR/stripped")
    # strip lays segments out by p_paddr, which nabla-pack sets to their
    # file offsets: the stub still comes right after the payload.
    run -0 python3 - "$BATS_TEST_TMPDIR/stripped" "$end" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
entry, = struct.unpack_from('<Q', d, 24)
for i in range(phnum):
    t, f, off, va, pa, fs, ms, al = struct.unpack_from('<IIQQQQQQ', d, phoff + 56 * i)
    if t == 1 and va <= entry < va + fs:
        print(off + entry - va < int(sys.argv[2]) <= 16384)
PY
    assert_output True
    run -0 "$BATS_TEST_TMPDIR/stripped" --solo5:quiet
    head -c $((size - 4096)) "$BATS_TEST_TMPDIR/stripped" >"$BATS_TEST_TMPDIR/cut"
    chmod 755 "$BATS_TEST_TMPDIR/cut"
    refuses_one_line "incomplete copy: $((size - 4096)) of $size bytes" \
        "$BATS_TEST_TMPDIR/cut"
}

@test "the entry code calls and reads nothing outside its own section" {
    local stub=$NABLA_BUILD/stub/nabla-stub
    run -0 objdump -h "$stub"
    local start len
    read -r start len < <(awk '$2 == ".text.entry" { print $4, $3 }' <<<"$output")
    [[ -n $start ]] || fail "no .text.entry section in $stub"
    # The code that runs before the file is known to be complete: _start
    # and entry_check_complete, with all it inlines. Every address they
    # name (jump targets, RIP-relative constants) lies inside the section,
    # and entry_check_complete calls no function at all.
    local fn a n
    for fn in _start entry_check_complete; do
        run -0 objdump -d --no-show-raw-insn --disassemble="$fn" "$stub"
        n=0
        for a in $(grep -v '>:$' <<<"$output" | grep -oE '[0-9a-f]+ <[^>]+>' |
            cut -d' ' -f1); do
            python3 -c 'import sys; a, s, n = (int(x, 16) for x in sys.argv[1:]); sys.exit(not s <= a < s + n)' \
                "$a" "$start" "$len" ||
                fail "$fn refers to 0x$a, outside .text.entry (0x$start + 0x$len)"
            n=$((n + 1))
        done
        ((n > 0)) || fail "$fn: no address found in its code: $output"
    done
    ! grep -wq call <<<"$output" || fail "entry_check_complete calls: $output"
}

@test "--verify: an intact file says OK with the checksum nabla-pack verify gives" {
    run -0 "$PACK" verify "$APP"
    local sum=${output##*"(sha256 "}
    sum=${sum%)}
    [[ $sum =~ ^[0-9a-f]{64}$ ]] || fail "no checksum in: $output"
    run -0 --separate-stderr "$APP" --verify
    assert_equal "$output" "app: OK (sha256 $sum)"
    assert_equal "$stderr" ""
    # Also stripped (strip rewrites headers and drops sections, not loaded
    # bytes) and from another directory.
    strip -o "$BATS_TEST_TMPDIR/stripped" "$APP"
    cd /
    run -0 "$BATS_TEST_TMPDIR/stripped" --verify
    assert_output "stripped: OK (sha256 $sum)"
}

@test "--verify: one byte changed in the guest, the stub, the payload or the last loaded byte: one line naming the damage, 125" {
    local where off want
    for where in guest stub payload last; do
        off=$(segment_offset "$where")
        flip_copy "$off"
        case $where in
        guest | last) want="damaged: guest segment 0x[0-9a-f]+-0x[0-9a-f]+ [-r][-w][-x] \(checksum mismatch\)" ;;
        stub) want="damaged: stub segment 0x7f00000000-0x[0-9a-f]+ r-x \(checksum mismatch\)" ;;
        payload) want="damaged: the payload \(checksum mismatch\)" ;;
        esac
        refuses_one_line "^flipped: error: $want" "$BATS_TEST_TMPDIR/flipped" --verify
        assert_equal "$output" ""
        # nabla-pack verify says the same, with the path.
        fails_one_line "^nabla-pack: error: $BATS_TEST_TMPDIR/flipped: $want" \
            "$PACK" verify "$BATS_TEST_TMPDIR/flipped"
    done
}

@test "--verify: a truncated copy says how much is missing, 125" {
    local size end len
    size=$(stat -c %s "$APP")
    end=$(entry_code_end "$APP")
    for len in "$end" $((size / 2)) $((size - 1)); do
        cut_copy "$len"
        refuses_one_line "^cut: error: incomplete copy: $len of $size bytes" \
            "$BATS_TEST_TMPDIR/cut" --verify
        fails_one_line "incomplete copy: $len of $size bytes" \
            "$PACK" verify "$BATS_TEST_TMPDIR/cut"
    done
}

@test "--verify is an option of its own" {
    refuses_one_line "^app: error: --verify takes no other argument: app --verify$" \
        "$APP" --mem=32 --verify
    # After --, it is the guest's.
    run -0 "$APP" -- --verify
}

# exec_by_fd FILE ARGS...: runs FILE through /proc/self/fd/N of a
# close-on-exec fd, so that the path it was started by is gone once it runs.
exec_by_fd() {
    python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.execv(f"/proc/self/fd/{fd}", sys.argv[1:])' "$@"
}

@test "the size check goes by the path the app was started by, and confirms a short size through /proc/self/exe" {
    needs_ptrace
    local size
    size=$(stat -c %s "$APP")
    cut_copy $((size / 2))
    cd "$BATS_TEST_TMPDIR"
    cp app run-me
    # Renamed over right after execve (as a package upgrade does): the path
    # now names a short file, the process runs the complete one.
    run -0 "${GDB[@]}" -ex starti -ex 'shell mv cut run-me' -ex continue \
        --args ./run-me --solo5:quiet
    assert_line "boot count: 1"
    refute_output --partial "incomplete copy"
    # Started by a path that is gone once it runs: a complete file runs, a
    # cut one is refused all the same.
    run -0 exec_by_fd "$APP" --solo5:quiet
    assert_output "boot count: 2"
    cut_copy $((size / 2))
    run -125 --separate-stderr exec_by_fd "$BATS_TEST_TMPDIR/cut" --solo5:quiet
    assert_one_stderr_line
    assert_equal "$stderr" "cut: error: incomplete copy: $((size / 2)) of $size bytes (the file was cut short, as by an interrupted copy: copy it again)"
}
