#!/usr/bin/env bats
# Distribution packaging: byte-reproducible output, stripping as packaging
# tools do it, a .deb of a packed unikernel (examples/debian/build-deb) that
# lintian accepts, and the systemd unit examples.

load helpers

BUILD_DEB=$REPO_ROOT/examples/debian/build-deb

# sha256 FILE: the file's SHA-256 in hex.
sha256() {
    sha256sum "$1" | cut -d' ' -f1
}

# verify_ok FILE: nabla-pack verify accepts FILE.
verify_ok() {
    run "$PACK" verify "$1"
    assert_success
    assert_output --regexp "^.*: OK \(sha256 [0-9a-f]{64}\)$"
}

# build_hello_deb OUTDIR [build-deb options]: a .deb of the packed hello
# example, with a fixture license; sets DEB to its path.
build_hello_deb() {
    local outdir=$1
    shift
    printf 'Test fixture: not a license.\n\nSecond paragraph.\n' \
        >"$BATS_TEST_TMPDIR/LICENSE"
    run --separate-stderr "$BUILD_DEB" --pack "$PACK" --version 0.1.0-1 \
        --maintainer 'Nabla Tests <nabla-tests@example.org>' \
        --license LicenseRef-fixture --license-file "$BATS_TEST_TMPDIR/LICENSE" \
        -o "$outdir" "$@" "$HELLO"
    assert_success
    DEB=$output
    [[ -f $DEB ]] || fail "build-deb printed '$DEB', which is not a file"
}

@test "packing twice gives the same bytes, whatever the directory, umask, output name (same --name) and time zone" {
    local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/sub/other-name
    mkdir "$BATS_TEST_TMPDIR/sub"
    pack_file "$HELLO_SPT" "$a" --name=app -- x
    run bash -c 'cd / && umask 077 && TZ=Asia/Kathmandu LC_ALL=C.UTF-8 \
        exec "$1" -q -o "$2" --name=app "$3" -- x' - "$PACK" "$b" "$HELLO_SPT"
    assert_success
    assert_equal "$(sha256 "$b")" "$(sha256 "$a")"
    # A guest with devices and defaults, and a guest copied elsewhere; the
    # app's name is the output's file name.
    cp "$NABLA_BUILD/examples/blkcount/blkcount.spt" "$BATS_TEST_TMPDIR/sub/"
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" "$BATS_TEST_TMPDIR/c" \
        --mem=64 --block:storage=disk.img -- y
    pack_file "$BATS_TEST_TMPDIR/sub/blkcount.spt" "$BATS_TEST_TMPDIR/sub/c" \
        --mem=64 --block:storage=disk.img -- y
    cmp "$BATS_TEST_TMPDIR/c" "$BATS_TEST_TMPDIR/sub/c"
}

@test "SOURCE_DATE_EPOCH changes nothing: nothing time-dependent is written" {
    local plain=$BATS_TEST_TMPDIR/plain
    pack_file "$HELLO_SPT" "$plain" --name=hello
    local epoch
    for epoch in 1 1700000000; do
        run env SOURCE_DATE_EPOCH=$epoch "$PACK" -q -o "$BATS_TEST_TMPDIR/e$epoch" \
            --name=hello "$HELLO_SPT"
        assert_success
        assert_equal "$(sha256 "$BATS_TEST_TMPDIR/e$epoch")" "$(sha256 "$plain")"
    done
    # And the packed file is the same as the one make built, a while ago.
    assert_equal "$(sha256 "$HELLO")" "$(sha256 "$plain")"
}

@test "a copy stripped with strip runs and verifies" {
    local f=$BATS_TEST_TMPDIR/hello-strip
    cp "$HELLO" "$f"
    run strip "$f"
    assert_success
    run readelf -SW "$f"
    refute_output --partial ".symtab"
    refute_output --partial ".debug_info"
    runs_hello "$f" stripped
    verify_ok "$f"
}

@test "a copy stripped with objcopy --strip-debug runs, verifies and keeps the guest's symbols" {
    local f=$BATS_TEST_TMPDIR/hello-nodebug
    run objcopy --strip-debug "$HELLO" "$f"
    assert_success
    run readelf -SW "$f"
    refute_output --partial ".debug_info"
    run nm "$f"
    assert_line --regexp ' T solo5_app_main$'
    runs_hello "$f" nodebug
    verify_ok "$f"
}

@test "dh_strip's handling (debug file, strip, debuglink) keeps it running; gdb finds the guest's sources" {
    local d=$BATS_TEST_TMPDIR/dh
    mkdir "$d"
    cp "$HELLO" "$d/hello"
    # What dh_strip does to an executable with automatic debug symbols.
    run objcopy --only-keep-debug --compress-debug-sections "$d/hello" "$d/hello.debug"
    assert_success
    run strip --remove-section=.comment --remove-section=.note --strip-unneeded "$d/hello"
    assert_success
    run objcopy --add-gnu-debuglink="$d/hello.debug" "$d/hello"
    assert_success

    run readelf -SW "$d/hello"
    assert_output --partial ".gnu_debuglink"
    refute_output --partial ".debug_info"
    runs_hello "$d/hello" dh-stripped
    verify_ok "$d/hello"
    run readelf --debug-dump=info "$d/hello.debug"
    assert_output --partial "hello.c"

    command -v gdb >/dev/null || fail "no gdb (Debian package gdb)"
    run gdb -nx -batch -iex 'set debuginfod enabled off' \
        -ex 'info line solo5_app_main' "$d/hello"
    assert_success
    assert_output --regexp 'Line [0-9]+ of "[^"]*hello\.c"'
}

# build_id FILE: the GNU build ID readelf reads from FILE's notes.
build_id() {
    readelf -nW "$1" | awk '/Build ID:/ { print $3 }'
}

@test "dwz compresses a packed file's DWARF: the result runs, verifies with the same checksum, keeps its build ID, gdb reads it, a cut copy is refused" {
    command -v dwz >/dev/null || fail "no dwz (Debian package dwz)"
    local f=$BATS_TEST_TMPDIR/hello-dwz
    # What dh_dwz does, on a copy: dwz rewrites the file in place. It
    # refuses a file with an allocated section after an unallocated one.
    cp "$HELLO" "$f"
    run -0 --separate-stderr dwz -- "$f"
    assert_equal "$stderr" ""
    run -0 readelf -SW "$f"
    assert_output --partial ".debug_info"
    # It did rewrite the DWARF: smaller, the loaded bytes untouched.
    (($(stat -c %s "$f") < $(stat -c %s "$HELLO"))) ||
        fail "dwz left $f as large as $HELLO"
    runs_hello "$f" dwz
    run -0 "$PACK" verify "$HELLO"
    local sum=$output
    run -0 "$PACK" verify "$f"
    assert_equal "${output##* }" "${sum##* }"
    run -0 "$f" --verify
    assert_equal "${output##* }" "${sum##* }"
    assert_equal "$(build_id "$f")" "$(build_id "$HELLO")"
    [[ -n $(build_id "$f") ]] || fail "no build ID in $f"
    run -0 "${GDB[@]}" -ex 'info line solo5_app_main' "$f"
    assert_output --regexp 'Line [0-9]+ of "[^"]*hello\.c"'
    # The rewritten file still ends with its section header table, so a cut
    # in its DWARF is refused at start.
    local size shoff
    size=$(stat -c %s "$f")
    shoff=$(readelf -hW "$f" | awk '/Start of section headers/ { print $5 }')
    head -c $((shoff - 100)) "$f" >"$BATS_TEST_TMPDIR/cut"
    chmod 755 "$BATS_TEST_TMPDIR/cut"
    refuses_one_line "incomplete copy: $((shoff - 100)) of $size bytes" \
        "$BATS_TEST_TMPDIR/cut"
}

@test "verify is not fooled: a stripped copy with one guest byte changed is refused" {
    local f=$BATS_TEST_TMPDIR/hello-damaged
    cp "$HELLO" "$f"
    strip "$f"
    # The file offset of the guest's text segment (at 0x100000).
    local off
    off=$(readelf -lW "$f" | awk '$1 == "LOAD" && $3 == "0x0000000000100000" { print $2 }')
    [[ -n $off ]] || fail "no LOAD segment at 0x100000 in $f"
    off=$((off + 16))
    printf '\xcc' | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
    run "$PACK" verify "$f"
    assert_failure
}

@test "build-deb makes a .deb of hello: /usr/bin/nabla-hello, control, copyright, changelog, man page" {
    build_hello_deb "$BATS_TEST_TMPDIR/out"
    assert_equal "${DEB##*/}" "nabla-hello_0.1.0-1_amd64.deb"

    run dpkg-deb --field "$DEB" Package Version Architecture Maintainer Section Priority
    assert_success
    assert_line "Package: nabla-hello"
    assert_line "Version: 0.1.0-1"
    assert_line "Architecture: amd64"
    assert_line "Maintainer: Nabla Tests <nabla-tests@example.org>"
    run dpkg-deb --field "$DEB" Depends
    assert_output ""

    run dpkg-deb --contents "$DEB"
    assert_success
    assert_line --regexp '^-rwxr-xr-x root/root .* \./usr/bin/nabla-hello$'
    assert_line --regexp '^-rw-r--r-- root/root .* \./usr/share/doc/nabla-hello/copyright$'
    assert_line --regexp '^-rw-r--r-- root/root .* \./usr/share/doc/nabla-hello/changelog\.Debian\.gz$'
    assert_line --regexp '^-rw-r--r-- root/root .* \./usr/share/man/man1/nabla-hello\.1\.gz$'

    # Installed into a root of its own (not the system's dpkg database).
    local root=$BATS_TEST_TMPDIR/root
    run dpkg -x "$DEB" "$root"
    assert_success
    runs_hello "$root/usr/bin/nabla-hello" from-the-deb
    verify_ok "$root/usr/bin/nabla-hello"
    run "$root/usr/bin/nabla-hello" --help
    assert_output --partial "usage: nabla-hello"

    # gzip -n: no name, no time in the gzip headers.
    run file "$root/usr/share/doc/nabla-hello/changelog.Debian.gz"
    refute_output --partial "was \""
    refute_output --partial "last modified"
    run zcat "$root/usr/share/doc/nabla-hello/changelog.Debian.gz"
    assert_line --regexp '^nabla-hello \(0\.1\.0-1\) unstable; urgency=medium$'
    assert_line --regexp '^ -- Nabla Tests <nabla-tests@example.org>  .*[0-9]{4} [0-9:]{8} \+0000$'
    run head -1 "$root/usr/share/doc/nabla-hello/copyright"
    assert_output "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"

    run bash -c 'MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null' - \
        "$root/usr/share/man/man1/nabla-hello.1.gz"
    assert_output ""
    run env MANWIDTH=80 man -l "$root/usr/share/man/man1/nabla-hello.1.gz"
    assert_line --regexp '^ +nabla-hello - hello unikernel packed by nabla$'
    assert_output --partial -- "--mem=MB"
}

@test "lintian reports no errors on the .deb" {
    command -v lintian >/dev/null || fail "no lintian (Debian package lintian)"
    build_hello_deb "$BATS_TEST_TMPDIR/out"
    run lintian --fail-on error --display-info "$DEB"
    assert_success
    refute_line --regexp '^E: '
}

@test "build-deb is reproducible: same SOURCE_DATE_EPOCH, same .deb" {
    export SOURCE_DATE_EPOCH=1700000000
    build_hello_deb "$BATS_TEST_TMPDIR/one"
    local first=$DEB
    build_hello_deb "$BATS_TEST_TMPDIR/two"
    assert_equal "$(sha256 "$DEB")" "$(sha256 "$first")"
    run dpkg-deb --contents "$DEB"
    assert_line --regexp ' 2023-11-14 22:13 \./usr/bin/nabla-hello$'
}

@test "build-deb refuses what it cannot package, with one line on stderr" {
    fails_one_line 'license' "$BUILD_DEB" --pack "$PACK" --version 1.0-1 \
        --maintainer 'A B <a@example.org>' -o "$BATS_TEST_TMPDIR" "$HELLO"

    printf 'x\n' >"$BATS_TEST_TMPDIR/L"
    run -1 --separate-stderr "$BUILD_DEB" --pack "$PACK" --version 1.0-1 \
        --maintainer 'A B <a@example.org>' --license MIT \
        --license-file "$BATS_TEST_TMPDIR/L" -o "$BATS_TEST_TMPDIR" "$HELLO_SPT"
    assert_regex "${stderr_lines[-1]}" 'not a sound packed nabla executable'

    fails_one_line 'Debian version' \
        "$BUILD_DEB" --pack "$PACK" --version 'not a version' \
        --maintainer 'A B <a@example.org>' --license MIT \
        --license-file "$BATS_TEST_TMPDIR/L" -o "$BATS_TEST_TMPDIR" "$HELLO"
    run find "$BATS_TEST_TMPDIR" -name '*.deb'
    assert_output ""
}

@test "build-deb refuses a default that would resolve into /usr, with one line saying what to bake instead" {
    printf 'x\n' >"$BATS_TEST_TMPDIR/L"
    local args=(--pack "$PACK" --version 1.0-1 --maintainer 'A B <a@example.org>'
        --license MIT --license-file "$BATS_TEST_TMPDIR/L" -o "$BATS_TEST_TMPDIR/out")
    # blkcount as make packs it: its disk next to the executable.
    fails_one_line "^build-deb: error: .*/blkcount: default --block:storage=blkcount\.img is relative: installed as /usr/bin/nabla-blkcount it would open /usr/bin/blkcount\.img \(read-only /usr; state belongs under /var/lib\): pack with --block:storage=state:blkcount\.img$" \
        "$BUILD_DEB" "${args[@]}" "$NABLA_BUILD/examples/blkcount/blkcount"
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" "$BATS_TEST_TMPDIR/app" \
        --block:storage=/usr/share/app/disk.img
    fails_one_line "^build-deb: error: .*/app: default --block:storage=/usr/share/app/disk\.img points into /usr, which is read-only on an installed system: pack with --block:storage=state:disk\.img$" \
        "$BUILD_DEB" "${args[@]}" "$BATS_TEST_TMPDIR/app"
    [[ ! -e $BATS_TEST_TMPDIR/out ]] || fail "build-deb wrote $(ls "$BATS_TEST_TMPDIR/out")"
    # An absolute default elsewhere is the packager's choice.
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" "$BATS_TEST_TMPDIR/srv" \
        --block:storage=/srv/disk.img
    run -0 "$BUILD_DEB" "${args[@]}" "$BATS_TEST_TMPDIR/srv"
}

@test "the systemd unit examples pass systemd-analyze verify" {
    command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
    local unit name
    for unit in "$REPO_ROOT"/examples/systemd/*.service; do
        name=${unit##*/}
        name=${name%.service}
        # ExecStart names /usr/bin/NAME, which must exist for verify.
        sed "s|/usr/bin/$name|$HELLO|g" "$unit" >"$BATS_TEST_TMPDIR/${unit##*/}"
        run systemd-analyze verify --man=no "$BATS_TEST_TMPDIR/${unit##*/}"
        assert_success
        assert_output ""
    done
}

# --- distributions' own tools: a debhelper source package and an RPM spec of
# blkcount, its disk default in the state directory (state:blkcount.img) -----

# with_nabla_toolchain: nabla installed (make install, prefix /usr) once for
# this file into $BATS_FILE_TMPDIR/nabla, its bin/ first on PATH: the
# packages build with nabla-cc and nabla-pack as a packager has them.
with_nabla_toolchain() {
    local inst=$BATS_FILE_TMPDIR/nabla
    if [[ ! -x $inst/usr/bin/nabla-cc ]]; then
        run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
            make -s -C "$REPO_ROOT" install DESTDIR="$inst" PREFIX=/usr
        assert_success
    fi
    export PATH=$inst/usr/bin:$PATH
}

# needs_chroot: the installed packages run chrooted in their test root.
needs_chroot() {
    ((EUID == 0)) || skip "running an installed package in its test root needs chroot (root)"
}

# dpkg_install ROOT DEB...: installs the packages into ROOT, a directory with
# its own dpkg database, never the system's.
dpkg_install() {
    local root=$1
    shift
    mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
    touch "$root/var/lib/dpkg/status"
    run dpkg --root="$root" --log=/dev/null -i "$@"
    assert_success
}

# counts_boots ROOT IMAGE [ENV...]: /usr/bin/nabla-blkcount, run chrooted in
# ROOT (with the environment ENV), counts 1 then 2 on ROOT/IMAGE, which it
# makes first, as an administrator or a unit's ExecStartPre= would; nothing
# is written next to the executable.
counts_boots() {
    local root=$1 image=$2
    shift 2
    mkdir -p "$root$(dirname "$image")"
    truncate -s 1M "$root$image"
    run env "$@" chroot "$root" /usr/bin/nabla-blkcount --solo5:quiet
    assert_success
    assert_output "boot count: 1"
    run env "$@" chroot "$root" /usr/bin/nabla-blkcount --solo5:quiet
    assert_output "boot count: 2"
    run head -c 8 "$root$image"
    assert_output "NABLACNT"
    run find "$root/usr/bin" -type f
    assert_output "$root/usr/bin/nabla-blkcount"
}

# reads_guest_symbols ROOT: the installed executable has no symbols of its
# own; gdb finds the guest's through ROOT/usr/lib/debug (by build ID).
reads_guest_symbols() {
    local root=$1 exe=$1/usr/bin/nabla-blkcount
    run nm "$exe"
    assert_output --partial "no symbols"
    command -v gdb >/dev/null || fail "no gdb (Debian package gdb)"
    run "${GDB[@]}" -iex "set debug-file-directory /nonexistent" \
        -ex 'info line solo5_app_main' "$exe"
    refute_output --regexp 'Line [0-9]+ of'
    run "${GDB[@]}" -iex "set debug-file-directory $root/usr/lib/debug" \
        -ex 'info line solo5_app_main' -ex 'info line solo5_block_write' "$exe"
    assert_success
    assert_output --regexp 'Line [0-9]+ of "[^"]*blkcount\.c"'
    assert_output --regexp 'Line [0-9]+ of "[^"]*block\.c"'
}

@test "build-deb: blkcount with state:blkcount.img, installed with dpkg --root, runs from /usr/bin with its disk in the state directory" {
    local d=$BATS_TEST_TMPDIR
    pack_file "$NABLA_BUILD/examples/blkcount/blkcount.spt" "$d/nabla-blkcount" \
        --block:storage=state:blkcount.img
    printf 'Test fixture: not a license.\n' >"$d/L"
    run -0 --separate-stderr "$BUILD_DEB" --pack "$PACK" --version 1.0-1 \
        --maintainer 'A B <a@example.org>' --license MIT --license-file "$d/L" \
        -o "$d/out" "$d/nabla-blkcount"
    local deb=$output
    assert_equal "$deb" "$d/out/nabla-blkcount_1.0-1_amd64.deb"
    run dpkg-deb --contents "$deb"
    assert_line --regexp ' \./usr/bin/nabla-blkcount$'
    assert_line --regexp '^drwxr-xr-x root/root .* \./var/lib/nabla-blkcount/$'

    needs_chroot
    dpkg_install "$d/root" "$deb"
    counts_boots "$d/root" /var/lib/nabla-blkcount/blkcount.img
    counts_boots "$d/root" /srv/state/blkcount.img STATE_DIRECTORY=/srv/state
}

@test "debhelper: dpkg-buildpackage builds nabla-blkcount and its -dbgsym; installed, it runs from /usr/bin with its disk in the state directory" {
    with_nabla_toolchain
    local d=$BATS_TEST_TMPDIR/deb
    mkdir -p "$d/src"
    cp -r "$REPO_ROOT/examples/debian/debhelper/debian" "$d/src/"
    cp "$REPO_ROOT"/examples/blkcount/{blkcount.c,manifest.json} "$d/src/"
    cd "$d/src"
    # DH_VERBOSE: each tool says the commands it runs.
    run env DH_VERBOSE=1 dpkg-buildpackage -us -uc -b
    assert_success
    refute_output --partial "Could not find the BuildID"
    # dh_dwz ran dwz on the packed file (no override skips it), and
    # dh_strip ran after it.
    assert_line --regexp '^[[:space:]]*dwz .*debian/nabla-blkcount/usr/bin/nabla-blkcount$'
    refute_output --partial "override_dh_dwz"
    assert_output --regexp 'nabla-blkcount: OK \(sha256 [0-9a-f]{64}\)'
    local deb=$d/nabla-blkcount_0.1.0_amd64.deb dbg=$d/nabla-blkcount-dbgsym_0.1.0_amd64.deb
    [[ -f $deb && -f $dbg ]] || fail "no .deb and -dbgsym .deb: $(ls "$d")"
    run dpkg-deb --contents "$deb"
    assert_line --regexp ' \./usr/bin/nabla-blkcount$'
    assert_line --regexp '^drwxr-xr-x root/root .* \./var/lib/nabla-blkcount/$'
    run dpkg-deb --contents "$dbg"
    assert_line --regexp ' \./usr/lib/debug/\.build-id/[0-9a-f]{2}/[0-9a-f]{38}\.debug$'

    needs_chroot
    local root=$d/root
    dpkg_install "$root" "$deb" "$dbg"
    counts_boots "$root" /var/lib/nabla-blkcount/blkcount.img
    counts_boots "$root" /srv/state/blkcount.img STATE_DIRECTORY=/srv/state
    run "$PACK" verify "$root/usr/bin/nabla-blkcount"
    assert_success
    reads_guest_symbols "$root"
}

@test "debhelper and RPM: a disk default that would resolve into /usr stops the build" {
    with_nabla_toolchain
    local d=$BATS_TEST_TMPDIR/deb
    mkdir -p "$d/src"
    cp -r "$REPO_ROOT/examples/debian/debhelper/debian" "$d/src/"
    cp "$REPO_ROOT"/examples/blkcount/{blkcount.c,manifest.json} "$d/src/"
    sed -i 's/=state:blkcount\.img/=blkcount.img/' "$d/src/debian/rules"
    cd "$d/src"
    run dpkg-buildpackage -us -uc -b
    assert_failure
    assert_line "error: default --block:storage=blkcount.img would resolve into /usr/bin"
    run find "$d" -maxdepth 1 -name '*.deb'
    assert_output ""

    sed 's|=state:blkcount\.img|=/usr/share/blkcount.img|' \
        "$REPO_ROOT/examples/rpm/nabla-blkcount.spec" >"$BATS_TEST_TMPDIR/usr.spec"
    run rpmbuild -bb --define "_topdir $BATS_TEST_TMPDIR/rpm" \
        --define "_sourcedir $REPO_ROOT/examples/blkcount" "$BATS_TEST_TMPDIR/usr.spec"
    assert_failure
    assert_line "error: default --block:storage=/usr/share/blkcount.img points into /usr"
    run find "$BATS_TEST_TMPDIR/rpm" -name '*.rpm'
    assert_output ""
}

@test "RPM: rpmbuild builds nabla-blkcount and its -debuginfo (find-debuginfo --strict-build-id); installed with rpm -i --root, it runs from /usr/bin with its disk in the state directory" {
    with_nabla_toolchain
    local d=$BATS_TEST_TMPDIR/rpm
    mkdir -p "$d"
    run rpmbuild -bb --define "_topdir $d" \
        --define "_sourcedir $REPO_ROOT/examples/blkcount" \
        "$REPO_ROOT/examples/rpm/nabla-blkcount.spec"
    assert_success
    assert_output --regexp 'find-debuginfo .*--strict-build-id'
    refute_output --partial "ERROR"
    refute_output --partial "Missing build-id"
    assert_output --regexp 'nabla-blkcount: OK \(sha256 [0-9a-f]{64}\)'
    local rpms=$d/RPMS/x86_64
    local rpm=$rpms/nabla-blkcount-0.1.0-1.x86_64.rpm
    local dbg=$rpms/nabla-blkcount-debuginfo-0.1.0-1.x86_64.rpm
    [[ -f $rpm && -f $dbg ]] || fail "no package and -debuginfo: $(ls "$rpms")"
    run rpm -qlp "$rpm"
    assert_line /usr/bin/nabla-blkcount
    assert_line /var/lib/nabla-blkcount
    run rpm -qlp "$dbg"
    assert_line --regexp '^/usr/lib/debug/\.build-id/[0-9a-f]{2}/[0-9a-f]{38}\.debug$'

    needs_chroot
    local root=$d/root
    run rpm -i --nodeps --root "$root" --dbpath /var/lib/rpm "$rpm" "$dbg"
    assert_success
    run rpm -qa --root "$root" --dbpath /var/lib/rpm
    assert_line nabla-blkcount-0.1.0-1.x86_64
    counts_boots "$root" /var/lib/nabla-blkcount/blkcount.img
    counts_boots "$root" /srv/state/blkcount.img STATE_DIRECTORY=/srv/state
    run "$PACK" verify "$root/usr/bin/nabla-blkcount"
    assert_success
    reads_guest_symbols "$root"
}
