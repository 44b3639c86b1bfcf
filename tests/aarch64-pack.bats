#!/usr/bin/env bats
# Cross-packing: nabla-pack on this x86_64 host packs an aarch64 guest into
# an aarch64 executable (the guest's e_machine picks the stub nabla-pack
# carries for it), byte-reproducibly, and reads it back (inspect, verify,
# extract, query-*); a guest for any other machine is refused. What the
# packed file does under qemu-user, which has no seccomp: it refuses to
# run, with one line. Running it for real: tests/aarch64-stub.bats (VM).

load helpers

AB=$NABLA_BUILD/aarch64
A64_HELLO_SPT=$AB/examples/hello/hello.spt
AARCH64_STUB=$AB/stub/nabla-stub

setup() {
    [[ -f $AARCH64_STUB && -f $A64_HELLO_SPT ]] ||
        skip "nothing built for aarch64 (make NABLA_AARCH64=0, or no cross toolchain)"
    cd "$BATS_TEST_TMPDIR" || return 1
}

# e_machine of FILE, from its ELF header (2 bytes at offset 18).
e_machine() {
    od -An -tu2 -j18 -N2 "$1" | tr -d ' '
}

@test "an aarch64 guest packs into an aarch64 executable whose stub is the aarch64 one" {
    run -0 "$PACK" -o hello "$A64_HELLO_SPT" -- from arm64
    assert_output --partial "exit trampoline in the guest's text"
    assert_equal "$(e_machine hello)" 183
    run -0 readelf -hW hello
    assert_line --regexp '^ *Machine: +AArch64$'
    # The stub's entry point, and its code byte for byte: the packed
    # file's first stub segment holds the aarch64 stub's first PT_LOAD.
    local entry stub_entry
    entry=$(readelf -hW hello | sed -n 's/^ *Entry point address: *//p')
    stub_entry=$(readelf -hW "$AARCH64_STUB" | sed -n 's/^ *Entry point address: *//p')
    assert_equal "$entry" "$stub_entry"
    aarch64-linux-gnu-objcopy -O binary --only-section=.stub.0 hello stub0.bin
    local size
    size=$(stat -c %s stub0.bin)
    ((size > 4096)) || fail ".stub.0 is $size bytes"
    cmp -n "$size" stub0.bin "$AARCH64_STUB" || fail "the stub's text is not the aarch64 stub's"
    # The x86_64 guest still gets the x86_64 stub.
    run -0 "$PACK" -q -o hello-x86 "$HELLO_SPT"
    assert_equal "$(e_machine hello-x86)" 62
}

@test "packing an aarch64 guest is byte-reproducible, wherever it runs from" {
    mkdir -p a b
    "$PACK" -q -o a/app "$A64_HELLO_SPT" --mem=64 -- one two
    (cd b && "$PACK" -q -o app "$A64_HELLO_SPT" --mem=64 -- one two)
    sleep 1
    SOURCE_DATE_EPOCH=1 "$PACK" -q -o c-app "$A64_HELLO_SPT" --name=app --mem=64 -- one two
    cmp a/app b/app
    cmp a/app c-app
}

@test "inspect: an aarch64 app's architecture and its policies, the guest's and the user-mode relay's (no arch_prctl, no x32)" {
    "$PACK" -q -o sweep "$AB/tests/guests/sweep.spt"
    run -0 "$PACK" inspect sweep
    assert_line "architecture: aarch64"
    assert_line "  allow pread64 (storage) if fd == the fd of 'storage' and count == the block size of 'storage' and offset <= the capacity of 'storage' - its block size"
    assert_line "  kill the process on any other system call and on any other architecture"
    refute_output --partial "arch_prctl"
    refute_output --partial "x32"
    # Its net device may be in user mode: the relay's policy, aarch64's.
    assert_line "  allow accept4 (forwarded connections) if flags == SOCK_NONBLOCK|SOCK_CLOEXEC"
    local relay_a64
    relay_a64=$(sed -n '/^relay of a net device in user mode/,$p' <<<"$output")
    [[ -n $relay_a64 ]] || fail "no relay policy: $output"
    run -0 "$PACK" inspect --json sweep
    run -0 python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["architecture"]); print("arch_prctl" in json.dumps(d))' <<<"$output"
    assert_output $'aarch64\nFalse'
    # The same guest for x86_64: its policy has both, and a relay.
    "$PACK" -q -o sweep-x86 "$GUESTS/sweep.spt"
    run -0 "$PACK" inspect sweep-x86
    assert_line "architecture: x86_64"
    assert_line "  allow arch_prctl (TLS base) if code == ARCH_SET_FS"
    assert_line "  kill the process on any other system call, on any other architecture and on x32 calls"
    # The same relay rules but for x32, which aarch64 does not have.
    local relay_x86
    relay_x86=$(sed -n '/^relay of a net device in user mode/,$p' <<<"$output")
    assert_equal "${relay_x86//, on any other architecture and on x32 calls/ and on any other architecture}" "$relay_a64"
}

@test "verify an aarch64 app, and find a flipped byte in its stub" {
    "$PACK" -q -o hello "$A64_HELLO_SPT"
    run -0 "$PACK" verify hello
    assert_output --regexp '^hello: OK \(sha256 [0-9a-f]{64}\)$'
    local off
    off=$(readelf -SW hello | sed -n 's/.*\] \.stub\.0 *PROGBITS *[0-9a-f]* \([0-9a-f]*\) .*/\1/p')
    [[ -n $off ]] || fail "no .stub.0: $(readelf -SW hello)"
    printf '\377' | dd of=hello bs=1 seek=$((16#$off + 4096)) conv=notrunc status=none
    run -1 "$PACK" verify hello
    assert_output --regexp '^nabla-pack: error: hello: damaged: stub segment 0x7f00000000-.* \(checksum mismatch\)'
}

@test "extract gives back an aarch64 guest that packs again, idempotently" {
    "$PACK" -q -o blkcount "$AB/examples/blkcount/blkcount.spt" --block:storage=disk.img
    run -0 "$PACK" extract blkcount -o out
    assert_equal "$(e_machine out/blkcount.spt)" 183
    run -0 readelf -lW out/blkcount.spt
    assert_output --partial "[Requesting program interpreter: /nonexistent/solo5/]"
    "$PACK" -q -o again out/blkcount.spt out/manifest.json --block:storage=disk.img
    run -0 "$PACK" inspect again
    assert_line "architecture: aarch64"
    run -0 "$PACK" extract again -o out2
    cmp out/blkcount.spt out2/again.spt
}

@test "query-abi and query-manifest read aarch64 guests and apps as the x86_64 ones" {
    "$PACK" -q -o blk63 "$AB/tests/guests/blk63.spt"
    local q
    for q in query-abi query-manifest; do
        run -0 "$PACK" "$q" "$GUESTS/blk63.spt"
        local want=$output
        run -0 "$PACK" "$q" "$AB/tests/guests/blk63.spt"
        assert_equal "$output" "$want"
        run -0 "$PACK" "$q" blk63
        assert_equal "$output" "$want"
    done
}

@test "the exit trampoline lies on a 4-byte boundary in aarch64 text that ends on none" {
    # hello's text segment, 2 bytes shorter: it ends 2 bytes past a
    # multiple of 4, where x86_64's trampoline would start.
    cp "$A64_HELLO_SPT" short.spt
    run -0 python3 - short.spt <<'EOF'
import struct, sys
p = sys.argv[1]
d = bytearray(open(p, 'rb').read())
phoff, = struct.unpack_from('<Q', d, 0x20)
phnum, = struct.unpack_from('<H', d, 0x38)
for i in range(phnum):
    o = phoff + 56 * i
    t, f = struct.unpack_from('<II', d, o)
    if t == 1 and f & 1:
        fsz, msz = struct.unpack_from('<QQ', d, o + 32)
        struct.pack_into('<QQ', d, o + 32, fsz - 2, msz - 2)
        print("text end %#x" % (struct.unpack_from('<Q', d, o + 16)[0] + fsz - 2))
open(p, 'wb').write(d)
EOF
    local text_end=$((${output##* }))
    ((text_end % 4 == 2)) || fail "text ends at $output"
    "$PACK" -q -o short short.spt
    run -0 "$PACK" inspect short
    local tramp
    tramp=$(sed -n 's/^exit trampoline: \(0x[0-9a-f]*\), in the guest.s text$/\1/p' <<<"$output")
    [[ -n $tramp ]] || fail "no trampoline in the text: $output"
    assert_equal "$((tramp))" "$(((text_end + 3) & ~3))"
}

@test "a guest for another machine (riscv, ppc64) is refused with one line" {
    local m
    for m in 243:riscv 21:ppc64; do
        cp "$A64_HELLO_SPT" other.spt
        printf "\\$(printf %03o $((${m%%:*} & 255)))\\000" |
            dd of=other.spt bs=1 seek=18 conv=notrunc status=none
        run -1 "$PACK" -o other other.spt
        assert_output "nabla-pack: error: other.spt: ELF for machine ${m#*:} (e_machine ${m%%:*}): nabla is for x86_64 and aarch64"
        [[ ! -e other ]] || fail "an output was written"
    done
}

@test "a position-independent aarch64 guest is refused with one line (guest ASLR is x86_64's only so far)" {
    cp "$A64_HELLO_SPT" dyn.spt
    printf '\003\000' | dd of=dyn.spt bs=1 seek=16 conv=notrunc status=none
    run -1 "$PACK" -o dyn dyn.spt
    assert_output "nabla-pack: error: dyn.spt: a position-independent guest for aarch64: guest ASLR is x86_64's only so far (link it at a fixed address)"
    [[ ! -e dyn ]] || fail "an output was written"
}

@test "--stub= must be for the guest's architecture" {
    run -1 "$PACK" -o hello --stub="$NABLA_BUILD/stub/nabla-stub" "$A64_HELLO_SPT"
    assert_output "nabla-pack: error: $NABLA_BUILD/stub/nabla-stub: a stub for x86_64, but the guest is for aarch64"
    run -1 "$PACK" -o hello --stub="$AARCH64_STUB" "$HELLO_SPT"
    assert_output "nabla-pack: error: $AARCH64_STUB: a stub for aarch64, but the guest is for x86_64"
    # The aarch64 stub given by name makes the same file as the built-in one.
    "$PACK" -q -o a --stub="$AARCH64_STUB" "$A64_HELLO_SPT" --name=hello
    "$PACK" -q -o b "$A64_HELLO_SPT" --name=hello
    cmp a b
}

@test "under qemu-user, which has no seccomp, an aarch64 app refuses to run: one line, status 125" {
    command -v qemu-aarch64 >/dev/null || skip "no qemu-aarch64 (Debian's qemu-user)"
    "$PACK" -q -o hello "$A64_HELLO_SPT"
    run -125 --separate-stderr qemu-aarch64 ./hello
    assert_output ""
    assert_equal "$stderr" "hello: error: no seccomp filters here, so the guest cannot be confined (qemu-user implements none: run it on an arm64 kernel): seccomp: Function not implemented"
    # Checking the file needs no seccomp.
    run -0 qemu-aarch64 ./hello --verify
    assert_output --regexp '^hello: OK \(sha256 [0-9a-f]{64}\)$'
}

@test "the aarch64 stub's entry code calls and reads nothing outside its own section" {
    # As tests/selfcheck.bats checks x86_64's: what runs before the file is
    # known to be complete (_start, entry_check_complete and all they
    # inline) names only addresses inside .text.entry: branch targets, and
    # constants reached by adrp + add; entry_check_complete calls nothing.
    local od=aarch64-linux-gnu-objdump
    command -v $od >/dev/null || skip "no $od (binutils-aarch64-linux-gnu)"
    run -0 $od -h "$AARCH64_STUB"
    local start len
    read -r start len < <(awk '$2 == ".text.entry" { print $4, $3 }' <<<"$output")
    [[ -n $start ]] || fail "no .text.entry section in $AARCH64_STUB"
    local fn
    for fn in _start entry_check_complete; do
        $od -d --no-show-raw-insn --disassemble="$fn" "$AARCH64_STUB" >"$fn.dis"
        run -0 python3 - "$fn.dis" "$start" "$len" "$fn" <<'PY'
import re, sys
dis, start, length, fn = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16), sys.argv[4]
page, seen, bad, calls = {}, 0, [], 0
for line in open(dis):
    m = re.match(r'\s*([0-9a-f]+):\s+(\S+)\s*(.*)', line)
    if not m:
        continue
    op, args = m.group(2), m.group(3)
    addr = None
    if op == 'adrp':
        reg, target = re.match(r'(\w+), ([0-9a-f]+)', args).groups()
        page[reg] = int(target, 16)
    elif op == 'add':
        a = re.match(r'(\w+), (\w+), #0x([0-9a-f]+)$', args)
        if a and a.group(2) in page:
            addr = page.pop(a.group(2)) + int(a.group(3), 16)
    elif op in ('b', 'bl', 'cbz', 'cbnz', 'tbz', 'tbnz') or op.startswith('b.'):
        t = re.search(r'([0-9a-f]+) <', args)
        if t:
            addr = int(t.group(1), 16)
        calls += op == 'bl'
    if addr is not None:
        seen += 1
        if not start <= addr < start + length:
            bad.append('%s: %#x' % (line.strip(), addr))
if fn == 'entry_check_complete' and calls:
    bad.append('%d calls' % calls)
print('addresses %d, outside: %s' % (seen, bad or 'none'))
PY
        assert_output --regexp '^addresses [1-9][0-9]*, outside: none$'
    done
}
