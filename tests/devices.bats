#!/usr/bin/env bats
# Block and net devices of a packed executable: attaching disk images, the
# errors that stop the stub before the guest starts, 63 devices at once and
# the seccomp confinement of block I/O.

load helpers

BLKCOUNT_SPT=$NABLA_BUILD/examples/blkcount/blkcount.spt
BLKCOUNT_EXAMPLE=$NABLA_BUILD/examples/blkcount/blkcount
NETECHO_EXAMPLE=$NABLA_BUILD/examples/netecho/netecho

setup() {
    # Core dumps of guests killed by SIGSYS, if any, land here.
    cd "$BATS_TEST_TMPDIR" || return 1
    PUBLIC_DIR=
}

teardown() {
    if [[ -n $PUBLIC_DIR ]]; then
        rm -rf "$PUBLIC_DIR"
    fi
}

sha() {
    sha256sum "$1" | cut -d' ' -f1
}

# pack_blkcount [pack args...]: blkcount with the default
# --block:storage=disk.img (unless other pack args are given), into
# $BATS_TEST_TMPDIR/blkcount, next to a fresh zeroed 1 MiB disk.img.
pack_blkcount() {
    if (($# == 0)); then
        set -- --block:storage=disk.img
    fi
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/blkcount" "$@"
    BLKCOUNT=$BATS_TEST_TMPDIR/blkcount
    DISK=$BATS_TEST_TMPDIR/disk.img
    rm -f "$DISK"
    truncate -s 1M "$DISK"
}

# refuses REGEX COMMAND [ARGS...]: exit status 125 (the stub's refusal),
# exactly one line on stderr matching REGEX, and no sign of the guest on stdout (no bindings banner, no
# output of blkcount or netecho).
refuses() {
    refuses_one_line "$@"
    refute_output --partial "boot count"
    refute_output --partial "netecho:"
    refute_output --partial "nabla: solo5 bindings"
}

# blkcount_refuses REGEX IMAGE [ARGS...]: refuses, and IMAGE (if it exists)
# is byte-identical afterwards.
blkcount_refuses() {
    local regex=$1 image=$2
    shift 2
    local before=
    if [[ -e $image ]]; then
        before=$(sha "$image")
    fi
    refuses "$regex" "$BLKCOUNT" "$@"
    if [[ -n $before ]]; then
        assert_equal "$(sha "$image")" "$before"
    fi
}

# counts_to N ARGS...: the next run of blkcount with ARGS prints
# "boot count: N".
counts_to() {
    local n=$1
    shift
    run -0 "$BLKCOUNT" "$@"
    assert_line "boot count: $n"
}

# Makes a 0755 directory that user 65534 can reach (BATS_TEST_TMPDIR is
# private to root).
make_public_dir() {
    PUBLIC_DIR=$(mktemp -d /tmp/nabla-devices.XXXXXX)
    chmod 0755 "$PUBLIC_DIR"
}

run_as_nobody() {
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

need_unshare() {
    if ! unshare -n true 2>/dev/null; then
        skip "cannot make a private network namespace (unshare -n)"
    fi
}

# --- working disks ---------------------------------------------------------

@test "blkcount counts 1, 2, 3 on a fresh zeroed image" {
    pack_blkcount
    counts_to 1
    counts_to 2
    counts_to 3
    # Block 0 on the host: the magic and the count (little-endian).
    run -0 od -An -c -N8 "$DISK"
    assert_output --regexp 'N +A +B +L +A +C +N +T'
    run -0 od -An -tu1 -j8 -N8 "$DISK"
    assert_output --regexp '^ *3 +0 +0 +0 +0 +0 +0 +0$'
}

@test "blkcount counts 1, 2, 3 with --block-sector-size:storage=4096" {
    pack_blkcount
    rm -f "$DISK"
    truncate -s 64K "$DISK"
    counts_to 1 --block-sector-size:storage=4096
    counts_to 2 --block-sector-size:storage=4096
    counts_to 3 --block-sector-size:storage=4096
    run -0 od -An -tu1 -j8 -N8 "$DISK"
    assert_output --regexp '^ *3 +0 +0 +0 +0 +0 +0 +0$'
    assert_equal "$(stat -c %s "$DISK")" 65536
}

@test "--block:storage=PATH on the command line overrides the default" {
    pack_blkcount
    truncate -s 4K other.img
    local before
    before=$(sha "$DISK")
    counts_to 1 --block:storage="$BATS_TEST_TMPDIR/other.img"
    counts_to 2 --block:storage=other.img
    assert_equal "$(sha "$DISK")" "$before"
}

@test "a copied app with its image counts on the copy's image, from any cwd" {
    local orig_dir=$NABLA_BUILD/examples/blkcount
    [[ -x $BLKCOUNT_EXAMPLE && -f $orig_dir/blkcount.img ]] ||
        fail "no $BLKCOUNT_EXAMPLE or its blkcount.img (run 'make all' first)"
    local orig_sha
    orig_sha=$(sha "$orig_dir/blkcount.img")
    mkdir copy cwd
    cp "$BLKCOUNT_EXAMPLE" "$orig_dir/blkcount.img" copy/
    # Start the copy's count from zero, whatever the original's is.
    dd if=/dev/zero of=copy/blkcount.img bs=512 count=1 conv=notrunc status=none
    # A decoy in the cwd: a relative default must not resolve against it.
    truncate -s 1M cwd/blkcount.img
    local decoy_sha
    decoy_sha=$(sha cwd/blkcount.img)

    cd cwd
    run -0 "$BATS_TEST_TMPDIR/copy/blkcount"
    assert_line "boot count: 1"
    run -0 ../copy/blkcount
    assert_line "boot count: 2"
    cd /
    run -0 "$BATS_TEST_TMPDIR/copy/blkcount"
    assert_line "boot count: 3"

    run -0 od -An -tu1 -j8 -N8 "$BATS_TEST_TMPDIR/copy/blkcount.img"
    assert_output --regexp '^ *3 +0 +0 +0 +0 +0 +0 +0$'
    assert_equal "$(sha "$BATS_TEST_TMPDIR/cwd/blkcount.img")" "$decoy_sha"
    assert_equal "$(sha "$orig_dir/blkcount.img")" "$orig_sha"
}

# --- block device errors -----------------------------------------------------

@test "disk image missing: refused, and not created" {
    pack_blkcount
    rm -f "$DISK"
    blkcount_refuses "storage.*cannot open disk image.*disk.img.*No such file" \
        "$DISK"
    [[ ! -e $DISK ]] || fail "the stub created $DISK"
}

@test "disk image not readable and writable by the user: refused" {
    ((EUID == 0)) || skip "needs root to run as user 65534 with setpriv"
    make_public_dir
    pack_file "$BLKCOUNT_SPT" "$PUBLIC_DIR/blkcount" --block:storage=disk.img
    BLKCOUNT=$PUBLIC_DIR/blkcount
    local image=$PUBLIC_DIR/disk.img
    truncate -s 1M "$image"
    chmod 0600 "$image"
    local denied="storage.*cannot open disk image.*disk.img.*reading and writing.*Permission denied"
    # No access at all.
    refuses_one_line "$denied" run_as_nobody "$BLKCOUNT"
    refute_output --partial "boot count"
    refute_output --partial "nabla: solo5 bindings"
    # Readable but not writable.
    chmod 0644 "$image"
    local before
    before=$(sha "$image")
    refuses_one_line "$denied" run_as_nobody "$BLKCOUNT"
    refute_output --partial "boot count"
    refute_output --partial "nabla: solo5 bindings"
    assert_equal "$(sha "$image")" "$before"
    # The same app, as root, can count on it: the refusal was the mode.
    run -0 "$BLKCOUNT"
    assert_line "boot count: 1"
}

@test "a disk image that is not a regular file or block device: refused" {
    pack_blkcount
    blkcount_refuses "storage.*'/dev/null' is not a regular file or block device" \
        "$DISK" --block:storage=/dev/null
    mkdir dir.img
    blkcount_refuses "storage.*cannot open disk image.*dir.img.*Is a directory" \
        "$DISK" --block:storage=dir.img
}

@test "empty disk image: refused" {
    pack_blkcount
    : >"$DISK"
    blkcount_refuses "storage.*disk.img.*is empty" "$DISK"
    assert_equal "$(stat -c %s "$DISK")" 0
}

@test "disk image size not a multiple of the block size: refused" {
    pack_blkcount
    truncate -s 1000 "$DISK"
    blkcount_refuses "storage.*disk.img.*1000 bytes.*must be block aligned.*512" \
        "$DISK"
    # A 512-multiple that is no 4096-multiple, with sector size 4096.
    truncate -s $((4096 * 3 + 512)) "$DISK"
    blkcount_refuses "storage.*disk.img.*12800 bytes.*must be block aligned.*4096" \
        "$DISK" --block-sector-size:storage=4096
}

@test "disk image smaller than one block: refused" {
    pack_blkcount
    truncate -s 100 "$DISK"
    blkcount_refuses "storage.*disk.img.*100 bytes.*smaller than one block.*512" \
        "$DISK"
    truncate -s 1024 "$DISK"
    blkcount_refuses "storage.*disk.img.*1024 bytes.*smaller than one block.*4096" \
        "$DISK" --block-sector-size:storage=4096
}

@test "sector size not a power of two, or below 512: refused" {
    pack_blkcount
    local size
    for size in 1000 256 0 511 65536 x 4096x; do
        blkcount_refuses "storage.*sector size '$size' is invalid.*power of two" \
            "$DISK" --block-sector-size:storage=$size
    done
}

@test "a block device not in the manifest: refused" {
    pack_blkcount
    blkcount_refuses "not declared in manifest: 'nosuch'" "$DISK" \
        --block:nosuch=x
    blkcount_refuses "not declared in manifest: 'nosuch'" "$DISK" \
        --block-sector-size:nosuch=4096
}

@test "a declared block device that is not attached: refused, naming it" {
    # Packed without the default --block:storage=disk.img.
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/blkcount"
    BLKCOUNT=$BATS_TEST_TMPDIR/blkcount
    truncate -s 1M disk.img
    blkcount_refuses "'storage'.*not attached.*--block:storage=" disk.img
    # Attached on the command line, the same executable works.
    counts_to 1 --block:storage=disk.img
}

@test "the same device twice on the command line: refused" {
    pack_blkcount
    blkcount_refuses "'storage'.*twice" "$DISK" \
        --block:storage=disk.img --block:storage=disk.img
    blkcount_refuses "'storage'.*twice" "$DISK" \
        --block-sector-size:storage=512 --block-sector-size:storage=512
    refuses "'service'.*twice" "$NETECHO_EXAMPLE" \
        --net:service=nosuchtap0 --net:service=nosuchtap0
}

@test "a block option for a net device, and a net option for a block device: refused" {
    pack_blkcount
    blkcount_refuses "'storage'.*BLOCK_BASIC" "$DISK" --net:storage=tap0
    refuses "'service'.*NET_BASIC" "$NETECHO_EXAMPLE" --block:service=x
}

# --- net device errors ---------------------------------------------------------

@test "a bad MAC address: refused" {
    local mac
    for mac in zz:00:00:00:00:01 02:00:00:00:00 02:00:00:00:00:00:00 \
        03:00:00:00:00:01; do
        refuses "'service'.*MAC address '$mac' is" \
            "$NETECHO_EXAMPLE" --net-mac:service=$mac --net:service=@5 5</dev/null
    done
}

@test "--net:service=@57 with fd 57 not open: refused" {
    refuses "'service'.*'@57' is not an open file descriptor" \
        bash -c 'exec 57>&-; exec "$@"' - "$NETECHO_EXAMPLE" --net:service=@57
}

@test "a tap interface that does not exist: refused, saying how to make one" {
    need_unshare
    refuses "'service'.*'nosuchtap0' not found.*ip tuntap add nosuchtap0 mode tap" \
        unshare -n "$NETECHO_EXAMPLE" --net:service=nosuchtap0
}

@test "a tap interface that is down: refused" {
    need_unshare
    [[ -c /dev/net/tun ]] || skip "no /dev/net/tun"
    refuses "'service'.*tap0.*down" unshare -n bash -c \
        'ip tuntap add tap0 mode tap || exit 99; exec "$@"' - \
        "$NETECHO_EXAMPLE" --net:service=tap0
}

# --- defaults at pack time ---------------------------------------------------

@test "nabla-pack refuses a default for an undeclared device" {
    fails_one_line "not declared in manifest: 'nosuch'" \
        "$PACK" -o "$BATS_TEST_TMPDIR/out" "$BLKCOUNT_SPT" --block:nosuch=x
    [[ ! -e $BATS_TEST_TMPDIR/out ]] || fail "nabla-pack wrote its output"
}

@test "nabla-pack refuses a default given twice" {
    fails_one_line "'storage'.*twice" "$PACK" -o "$BATS_TEST_TMPDIR/out" \
        "$BLKCOUNT_SPT" --block:storage=a.img --block:storage=b.img
    [[ ! -e $BATS_TEST_TMPDIR/out ]] || fail "nabla-pack wrote its output"
}

# --- 63 block devices ----------------------------------------------------------

@test "63 block devices at once: each gets its own data" {
    pack_guest blk63
    local args=() n
    for n in $(seq 1 63); do
        truncate -s 4K "d$n.img"
        args+=("--block:d$n=d$n.img")
    done
    run -0 "$BATS_TEST_TMPDIR/blk63" "${args[@]}"
    assert_line "63 devices ok"
    # Block 0 of dN holds bytes (N * 37 + j) mod 256; the rest is untouched.
    run -0 python3 - "$BATS_TEST_TMPDIR" <<'EOF'
import sys
bad = []
for n in range(1, 64):
    with open(f"{sys.argv[1]}/d{n}.img", "rb") as f:
        data = f.read()
    want = bytes((n * 37 + j) % 256 for j in range(512)) + bytes(4096 - 512)
    if data != want:
        bad.append(f"d{n}")
print("bad images:", " ".join(bad) if bad else "none")
EOF
    assert_output "bad images: none"
}

# --- seccomp confinement of block I/O -------------------------------------------

# blkbad_case BLOCK_SIZE CASE: CASE dies with SIGSYS and leaves the image
# (8 blocks of random data) byte-identical.
blkbad_case() {
    local bs=$1 case=$2
    head -c $((8 * bs)) /dev/urandom >bad.img
    local before
    before=$(sha bad.img)
    run -159 "$BATS_TEST_TMPDIR/blkbad" --block:storage=bad.img \
        --block-sector-size:storage="$bs" "$case"
    refute_output --partial "was allowed"
    assert_equal "$(sha bad.img)" "$before"
}

@test "blkbad good-write: a raw pwrite64 of one block is allowed" {
    pack_guest blkbad
    local bs
    for bs in 512 4096; do
        head -c $((8 * bs)) /dev/urandom >bad.img
        run -0 "$BATS_TEST_TMPDIR/blkbad" --block:storage=bad.img \
            --block-sector-size:storage="$bs" good-write
        assert_line "ok"
        # Block 0 is all 'G', the last block all 'L'.
        run -0 python3 -c '
import sys
d = open("bad.img", "rb").read()
bs = int(sys.argv[1])
print(d[:bs] == b"G" * bs and d[-bs:] == b"L" * bs and len(d) == 8 * bs)
' "$bs"
        assert_output "True"
    done
}

@test "blkbad read-past-end: raw pread64 at offset = capacity dies with SIGSYS" {
    pack_guest blkbad
    blkbad_case 512 read-past-end
    blkbad_case 4096 read-past-end
}

@test "blkbad write-past-end: raw pwrite64 at offset = capacity dies with SIGSYS" {
    pack_guest blkbad
    blkbad_case 512 write-past-end
    blkbad_case 4096 write-past-end
}

@test "blkbad wrong-size: raw pwrite64 of two blocks dies with SIGSYS" {
    pack_guest blkbad
    blkbad_case 512 wrong-size
    blkbad_case 4096 wrong-size
}

@test "blkbad other-fd: raw pread64 on another fd dies with SIGSYS" {
    pack_guest blkbad
    blkbad_case 512 other-fd
    blkbad_case 4096 other-fd
}

# --- one image, one app: the lock --------------------------------------------

@test "two instances on one disk image: the second is refused with one line naming the image and the holder; the image is intact" {
    pack_guest blkhold --block:storage=disk.img
    truncate -s 64K disk.img
    local app=$BATS_TEST_TMPDIR/blkhold
    # The first holds the image for 3 s; its output goes to a file.
    "$app" --solo5:quiet 3000 first >first.out 2>&1 &
    local first=$!
    wait_until --pid "$first" 5 grep -q holding first.out || true
    assert_equal "$(cat first.out)" "holding"
    local before
    before=$(sha disk.img)
    refuses "^blkhold: error: block device 'storage': disk image '$BATS_TEST_TMPDIR/disk.img' is in use by another process \\(pid $first\\): an image is for one app at a time$" \
        "$app" --solo5:quiet 0 second
    refute_output --partial "holding"
    # Named on the command line, by another path, it is the same file.
    ln -s disk.img link.img
    refuses "disk image 'link.img' is in use by another process \\(pid $first\\)" \
        "$app" --block:storage=link.img --solo5:quiet 0 third
    assert_equal "$(sha disk.img)" "$before"
    wait "$first"
    assert_equal "$(cat first.out)" "holding
done"
    run -0 python3 -c 'import sys; print(open(sys.argv[1], "rb").read(16).rstrip(b"\0").decode())' disk.img
    assert_output "first"
    # The lock went with the first instance.
    run -0 "$app" --solo5:quiet 0 fourth
    assert_output "holding
done"
}

@test "one disk image given to two block devices of one app is refused" {
    pack_guest blk63
    local args=() n
    for n in $(seq 1 63); do
        truncate -s 4K "d$n.img"
        args+=("--block:d$n=d$n.img")
    done
    args[9]=--block:d10=d3.img
    local before
    before=$(sha d3.img)
    refuses "^blk63: error: block device 'd10': disk image 'd3.img' is given to another block device of this app too$" \
        "$BATS_TEST_TMPDIR/blk63" "${args[@]}"
    assert_equal "$(sha d3.img)" "$before"
}
