#!/usr/bin/env bats
# make install / make uninstall (mk/install.mk): a unikernel built outside the
# source tree with the installed files alone (pkg-config, nabla.mk, nabla-cc),
# packed with the installed nabla-pack; the man pages.

load helpers

# The suite may run under `make check`: the makes it starts (nabla's own, and
# a third-party project's) must not inherit that make's flags and overrides.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

setup_file() {
    export ROOT=$BATS_FILE_TMPDIR/root
    export INST=$ROOT/usr/local
    make -s -C "$REPO_ROOT" install DESTDIR="$ROOT" PREFIX=/usr/local \
        >"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
        echo "failed: $?" >"$BATS_FILE_TMPDIR/install.failed"
}

setup() {
    if [[ -e $BATS_FILE_TMPDIR/install.failed ]]; then
        {
            echo "make install DESTDIR=$ROOT PREFIX=/usr/local $(cat "$BATS_FILE_TMPDIR/install.failed"):"
            cat "$BATS_FILE_TMPDIR/install.log"
        } | fail
    fi
    # A third-party project: the hello example, outside the tree.
    PROJ=$BATS_TEST_TMPDIR/project
    mkdir -p "$PROJ"
    cp "$REPO_ROOT/examples/hello/hello.c" "$REPO_ROOT/examples/hello/manifest.json" "$PROJ/"
    # Only the installed files: nothing of the repository on the paths.
    PKGCONF=(env PKG_CONFIG_PATH="$INST/lib/pkgconfig" PKG_CONFIG_LIBDIR=
        pkg-config --define-variable=prefix="$INST")
}

@test "make install puts every file in place under DESTDIR/PREFIX" {
    local f
    for f in bin/nabla-pack bin/nabla-cc lib/nabla/nabla-stub \
        lib/nabla/aarch64/nabla-stub \
        bin/x86_64-solo5-none-static-cc bin/x86_64-solo5-none-static-ld \
        bin/x86_64-solo5-none-static-objcopy; do
        [[ -f $INST/$f && -x $INST/$f ]] || fail "$f: missing or not executable"
    done
    for f in lib/nabla/nabla.o lib/nabla/libc.a lib/nabla/guest.ld lib/nabla/nabla.mk \
        lib/nabla/pie/nabla.o lib/nabla/pie/libc.a lib/nabla/guest-pie.ld \
        lib/pkgconfig/nabla-pie.pc \
        lib/pkgconfig/nabla.pc include/nabla/solo5.h include/nabla/nabla/abi.h \
        include/nabla/libc/stdio.h include/nabla/libc/string.h \
        include/nabla/libc/stdlib.h include/nabla/libc/limits.h \
        share/man/man1/nabla-pack.1 share/man/man1/nabla-cc.1 \
        share/man/man7/nabla.7; do
        [[ -f $INST/$f ]] || fail "$f: missing"
    done
    # The packer <-> stub contract (common/packed_layout.h) is private: no
    # guest or user compiles against it.
    run find "$INST/include" -name 'packed*'
    assert_output ""
    # Nothing outside the prefix.
    run find "$ROOT" -mindepth 1 -maxdepth 2 -not -path "$ROOT/usr" -not -path "$ROOT/usr/local"
    assert_output ""
    run "$INST/bin/nabla-pack" --version
    assert_success
    assert_output --partial "nabla-pack"
}

@test "nabla.pc names the real prefix, and DESTDIR is reached with --define-variable" {
    run env PKG_CONFIG_PATH="$INST/lib/pkgconfig" pkg-config --libs nabla
    assert_success
    assert_output --partial "-Wl,-T,/usr/local/lib/nabla/guest.ld"
    assert_output --partial "/usr/local/lib/nabla/nabla.o"

    run "${PKGCONF[@]}" --cflags nabla
    assert_success
    assert_output --partial "-I$INST/include/nabla"
    assert_output --partial "-ffreestanding"
    assert_output --partial "-fno-pie"
    assert_output --partial "-fstack-protector-strong"
    assert_output --partial "-mstack-protector-guard=global"

    run "${PKGCONF[@]}" --libs nabla
    assert_success
    assert_output --partial "-nostdlib"
    assert_output --partial "-static"
    assert_output --partial "-no-pie"
    assert_output --partial "-Wl,-T,$INST/lib/nabla/guest.ld"
    assert_output --partial "$INST/lib/nabla/nabla.o"

    run "${PKGCONF[@]}" --variable=nabla_pack nabla
    assert_output "$INST/bin/nabla-pack"
}

@test "a third-party Makefile with two pkg-config variables builds hello; the installed nabla-pack packs it" {
    printf '%s\n' \
        'CFLAGS = -O2 -g $(shell $(PKG_CONFIG) --cflags nabla)' \
        'LDFLAGS = $(shell $(PKG_CONFIG) --libs nabla)' \
        'hello.spt: hello.o manifest.o' \
        $'\t$(CC) $^ $(LDFLAGS) -o $@' \
        'manifest.c: manifest.json' \
        $'\tnabla-pack gen-manifest $< -o $@' >"$PROJ/Makefile"
    run env PATH="$INST/bin:/usr/bin:/bin" make -C "$PROJ" \
        PKG_CONFIG="${PKGCONF[*]}"
    assert_success
    refute_output --partial "$REPO_ROOT"
    run "$INST/bin/nabla-pack" -q -o "$PROJ/hello" "$PROJ/hello.spt"
    assert_success
    runs_hello "$PROJ/hello" installed
}

@test "a third-party Makefile that includes the installed nabla.mk builds and packs hello" {
    printf '%s\n' \
        "include $INST/lib/nabla/nabla.mk" \
        'hello: hello.spt' \
        $'\t$(NABLA_PACK) -q -o $@ $<' \
        'hello.spt: hello.o manifest.o' \
        $'\t$(CC) $(NABLA_LDFLAGS) $^ $(NABLA_LIBS) -o $@' \
        '%.o: %.c' \
        $'\t$(CC) $(NABLA_CFLAGS) -c $< -o $@' \
        'manifest.c: manifest.json' \
        $'\t$(NABLA_PACK) gen-manifest $< -o $@' >"$PROJ/Makefile"
    run make -C "$PROJ"
    assert_success
    refute_output --partial "$REPO_ROOT"
    assert_output --partial "$INST/bin/nabla-pack"
    assert_output --partial "-Wl,-T,$INST/lib/nabla/guest.ld"
    runs_hello "$PROJ/hello" installed
}

@test "nabla-cc --manifest=manifest.json compiles and links hello in one step" {
    cd "$PROJ"
    run "$INST/bin/nabla-cc" --manifest=manifest.json -O2 -g -Wall -Wextra -Werror \
        hello.c -o hello.spt
    assert_success
    assert_output ""
    run "$INST/bin/nabla-pack" -q -o hello hello.spt
    assert_success
    runs_hello "$PROJ/hello" installed
    # The guest keeps its DWARF: its own source file is named.
    run readelf --debug-dump=info hello
    assert_output --partial "hello.c"
}

@test "nabla-cc: separate compilation, then a link with --manifest FILE; from PATH through a symlink" {
    mkdir "$BATS_TEST_TMPDIR/bin"
    ln -s "$INST/bin/nabla-cc" "$BATS_TEST_TMPDIR/bin/nabla-cc"
    cd "$PROJ"
    run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" nabla-cc -O2 -c hello.c -o hello.o
    assert_success
    run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" nabla-cc --manifest manifest.json hello.o -o hello.spt
    assert_success
    # A guest ELF, not runnable on the host by itself.
    run readelf -lW hello.spt
    assert_output --partial "/nonexistent/solo5/"
    run "$INST/bin/nabla-pack" -q -o hello hello.spt
    assert_success
    runs_hello "$PROJ/hello" installed
}

@test "nabla-cc adds the same flags as pkg-config; refuses --manifest with -c and a bad manifest" {
    run "$INST/bin/nabla-cc" --print-cflags
    assert_success
    local cc_cflags=$output
    run "${PKGCONF[@]}" --cflags nabla
    assert_equal "$cc_cflags" "${output% }"

    cd "$PROJ"
    run -1 --separate-stderr "$INST/bin/nabla-cc" --manifest=manifest.json -c hello.c
    assert_one_stderr_line
    assert_regex "$stderr" '^nabla-cc: error: .*linking'

    echo '{"type": "solo5.manifest", "version": 1, "devices": [{"name": "x"' >bad.json
    run -1 "$INST/bin/nabla-cc" --manifest=bad.json hello.c -o bad.spt
    assert_output --partial "nabla-cc: error:"
    [[ ! -e bad.spt ]] || fail "bad.spt was written"
    # No temporary directory left behind.
    run find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'nabla-cc.*' -newer "$PROJ/hello.c"
    assert_output ""
}

# libc_guest DIR: copies the guest of tests/libc-guest (it includes <stdio.h>,
# <string.h> and <stdlib.h>) into DIR and cds there.
libc_guest() {
    mkdir -p "$1"
    cp "$REPO_ROOT"/tests/libc-guest/* "$1/"
    cd "$1"
}

# runs_libc_guest SPT: packs SPT with the installed nabla-pack and runs it:
# strtol, labs and snprintf of the guest libc at work.
runs_libc_guest() {
    run -0 "$INST/bin/nabla-pack" -q -o "${1%.spt}" "$1" -- 40 2
    run -0 "${1%.spt}" --solo5:quiet 0x10 -20 -1
    assert_line "3 numbers, sum -5 (|sum| 5)"
    run -0 "${1%.spt}"
    assert_line "2 numbers, sum 42 (|sum| 42)"
    run -1 "${1%.spt}" --solo5:quiet 12 abc
    assert_line "not a number: 'abc'"
}

@test "nabla-cc: <stdio.h>, <string.h>, <stdlib.h> are the installed guest libc's, never the host's" {
    libc_guest "$BATS_TEST_TMPDIR/g"
    # -H: every header read, one per line on stderr.
    run -0 --separate-stderr "$INST/bin/nabla-cc" -H -c sum.c -o sum.o
    local h
    for h in stdio string stdlib; do
        assert_regex "$stderr" "(^|"$'\n'")\. $INST/include/nabla/libc/$h\.h"
    done
    assert_regex "$stderr" "\. $INST/include/nabla/solo5\.h"
    # The compiler's own stddef.h, nothing of the host's C library.
    refute_regex "$stderr" '/usr/include/'
    # A header the guest libc does not have is an error, not glibc's.
    printf '#include <unistd.h>\nint x;\n' >u.c
    run -1 "$INST/bin/nabla-cc" -c u.c -o u.o
    assert_output --partial "unistd.h: No such file or directory"

    run -0 "$INST/bin/nabla-cc" --manifest=manifest.json -O2 -Wall -Wextra \
        -Werror sum.o -o sum.spt
    runs_libc_guest "$PWD/sum.spt"
}

@test "the libc guest builds with pkg-config's flags, with the installed nabla.mk and with x86_64-solo5-none-static-cc" {
    libc_guest "$BATS_TEST_TMPDIR/pc"
    printf '%s\n' \
        'CFLAGS = -O2 -Wall -Wextra -Werror $(shell $(PKG_CONFIG) --cflags nabla)' \
        'LDFLAGS = $(shell $(PKG_CONFIG) --libs nabla)' \
        'sum.spt: sum.o manifest.o' \
        $'\t$(CC) $^ $(LDFLAGS) -o $@' \
        'manifest.c: manifest.json' \
        $'\tnabla-pack gen-manifest $< -o $@' >Makefile
    run -0 env PATH="$INST/bin:/usr/bin:/bin" make PKG_CONFIG="${PKGCONF[*]}"
    assert_output --partial "-nostdinc -isystem $INST/include/nabla/libc"
    runs_libc_guest "$PWD/sum.spt"

    libc_guest "$BATS_TEST_TMPDIR/mk"
    printf '%s\n' \
        "include $INST/lib/nabla/nabla.mk" \
        'sum.spt: sum.o manifest.o' \
        $'\t$(CC) $(NABLA_LDFLAGS) $^ $(NABLA_LIBS) -o $@' \
        '%.o: %.c' \
        $'\t$(CC) $(NABLA_CFLAGS) -Wall -Werror -c $< -o $@' \
        'manifest.c: manifest.json' \
        $'\t$(NABLA_PACK) gen-manifest $< -o $@' >Makefile
    run -0 make
    assert_output --partial "-nostdinc -isystem $INST/include/nabla/libc"
    runs_libc_guest "$PWD/sum.spt"

    libc_guest "$BATS_TEST_TMPDIR/solo5"
    local cc=$INST/bin/x86_64-solo5-none-static-cc
    run -0 "$INST/bin/nabla-pack" gen-manifest manifest.json manifest.c
    run -0 "$cc" -O2 -Wall -Werror -c sum.c manifest.c
    run -0 "$cc" -z solo5-abi=spt sum.o manifest.o -o sum.spt
    runs_libc_guest "$PWD/sum.spt"
}

@test "the source tree's linker/nabla.mk builds the libc guest with the tree's libc headers, staged in build/sdk" {
    libc_guest "$BATS_TEST_TMPDIR/tree"
    printf '%s\n' \
        "NABLA_BUILD = $NABLA_BUILD" \
        "include $REPO_ROOT/linker/nabla.mk" \
        'sum.spt: sum.o manifest.o' \
        $'\t$(CC) $(NABLA_LDFLAGS) $^ $(NABLA_LIBS) -o $@' \
        '%.o: %.c' \
        $'\t$(CC) $(NABLA_CFLAGS) -Wall -Werror -c $< -o $@' \
        'manifest.c: manifest.json' \
        $'\t$(NABLA_PACK) gen-manifest $< -o $@' >Makefile
    run -0 make
    local staged=$NABLA_BUILD/sdk/include/nabla
    assert_output --partial "-nostdinc -isystem $staged/libc"
    assert_output --partial "$NABLA_BUILD/sdk/lib/nabla/nabla.o"
    local h
    for h in "$REPO_ROOT"/libc/include/*.h; do
        cmp "$h" "$staged/libc/${h##*/}" || fail "$staged/libc/${h##*/} is not $h"
    done
    runs_libc_guest "$PWD/sum.spt"
}

@test "the source tree's linker/nabla.mk without a build says to run make first, in one line" {
    printf '%s\n' "NABLA_BUILD = $BATS_TEST_TMPDIR/nobuild" \
        "include $REPO_ROOT/linker/nabla.mk" 'all: ; @echo built' >"$BATS_TEST_TMPDIR/Makefile"
    run -2 make -C "$BATS_TEST_TMPDIR"
    assert_line --partial "nabla: no $BATS_TEST_TMPDIR/nobuild/sdk/lib/nabla/nabla.mk: run make in $REPO_ROOT first.  Stop."
    refute_output --partial built
}

# The tree's own guests are built with the SDK staged in build/sdk/, the
# files make install installs (mk/sdk.mk). (The bindings and the libc in
# them are compiled from the tree: they are the SDK's inputs.)
@test "the tree's guests are compiled against the staged SDK's headers, for x86_64, as PIEs, for aarch64 and Solo5-style" {
    local spt dirs
    for spt in examples/hello/hello.spt tests/guests/exitcode.spt \
        examples/httpd/httpd.spt pie/examples/hello/hello.spt \
        tests/solo5-style/ownlibc.spt aarch64/examples/hello/hello.spt; do
        [[ $spt != aarch64/* || -e $NABLA_BUILD/$spt ]] || continue
        dirs=$(readelf --debug-dump=line "$NABLA_BUILD/$spt" 2>/dev/null)
        [[ $dirs == *"$NABLA_BUILD/sdk/include/nabla"* ]] ||
            fail "$spt: not compiled against $NABLA_BUILD/sdk/include/nabla"
    done
}

@test "make install installs the staged SDK: the same files, the same bytes, but where a file names its prefix" {
    local f n=0
    while read -r f; do
        n=$((n + 1))
        [[ -e $INST/$f ]] || fail "$f: staged in $NABLA_BUILD/sdk, not installed"
        case $f in
        lib/pkgconfig/*.pc) ;; # prefix=
        lib/nabla/nabla.mk)
            diff <(grep -v '^#   include ' "$NABLA_BUILD/sdk/$f") \
                <(grep -v '^#   include ' "$INST/$f") ;;
        *) cmp "$NABLA_BUILD/sdk/$f" "$INST/$f" ;;
        esac
    done < <(cd "$NABLA_BUILD/sdk" && find . -type f -printf '%P\n')
    ((n > 30)) || fail "only $n files staged"
    # And nothing more is installed.
    run bash -c "cd '$INST' && find . -type f | wc -l"
    assert_output "$n"
}

# Solo5's toolchain conventions, as its tests build their programs.
@test "x86_64-solo5-none-static-cc: compile, gen-manifest, link with -z solo5-abi=spt; query, pack and run" {
    local d=$BATS_TEST_TMPDIR/solo5 cc=$INST/bin/x86_64-solo5-none-static-cc
    mkdir -p "$d"
    cp "$REPO_ROOT"/tests/solo5-style/toolchain/* "$d/"
    cd "$d"
    run -0 "$INST/bin/nabla-pack" gen-manifest manifest.json manifest.c
    run -0 "$cc" -O2 -Wall -Werror -c app.c -o app.o
    run -0 "$cc" -c manifest.c -o manifest.o
    run -0 "$cc" -z solo5-abi=spt app.o manifest.o -o app.spt
    run -0 "$INST/bin/nabla-pack" query-abi app.spt
    assert_line '  "target": "spt",'
    run -0 "$INST/bin/nabla-pack" query-manifest app.spt
    assert_line '    { "name": "storage", "type": "BLOCK_BASIC" }'
    truncate -s 8K disk.img
    run -0 "$INST/bin/nabla-pack" -q -o app app.spt --block:storage=disk.img
    run -0 ./app --solo5:quiet Hello_Solo5
    assert_line "Hello_Solo5"
    assert_line "SUCCESS"
}

@test "x86_64-solo5-none-static-ld and -objcopy link and copy as Solo5's do; other ABIs are refused" {
    local d=$BATS_TEST_TMPDIR/solo5 t=$INST/bin/x86_64-solo5-none-static
    mkdir -p "$d"
    cd "$d"
    run -0 "$t-cc" -c "$REPO_ROOT/tests/solo5-style/ownlibc.c" -o ownlibc.o
    run -0 "$t-ld" -z solo5-abi=spt ownlibc.o -o ownlibc.spt
    run -0 "$t-objcopy" ownlibc.spt copy.spt
    cmp ownlibc.spt copy.spt
    run -0 "$INST/bin/nabla-pack" query-manifest copy.spt
    assert_line '    { "name": "storage", "type": "BLOCK_BASIC" }'
    truncate -s 4K disk.img
    run -0 "$INST/bin/nabla-pack" -q -o app copy.spt --mem=2 --block:storage=disk.img
    run -0 ./app
    assert_line "SUCCESS"
    run -1 --separate-stderr "$t-cc" -z solo5-abi=hvt ownlibc.o -o x.hvt
    assert_one_stderr_line
    assert_equal "$stderr" "x86_64-solo5-none-static-cc: error: solo5-abi=hvt: nabla builds spt unikernels only (use -z solo5-abi=spt)"
    run -1 --separate-stderr "$t-ld" -z solo5-abi=nope ownlibc.o -o x
    assert_one_stderr_line
    [[ ! -e x.hvt && ! -e x ]] || fail "a refused link left an output file"
}

@test "the man pages render without warnings" {
    command -v man >/dev/null || fail "no man command (Debian package man-db)"
    local page
    for page in man1/nabla-pack.1 man1/nabla-cc.1 man7/nabla.7; do
        run bash -c 'MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null' - \
            "$INST/share/man/$page"
        assert_success
        assert_output ""
        run env MANWIDTH=80 man -l "$INST/share/man/$page"
        assert_success
        assert_line "NAME"
        assert_output --partial "EXIT STATUS"
    done
    run env MANWIDTH=80 man -l "$INST/share/man/man7/nabla.7"
    assert_output --partial -- "--block:NAME=PATH"
    assert_output --partial "159"
}

@test "make uninstall removes every installed file" {
    local root=$BATS_TEST_TMPDIR/root2
    run make -s -C "$REPO_ROOT" install DESTDIR="$root" PREFIX=/opt/nabla
    assert_success
    run find "$root" -type f
    assert_line "$root/opt/nabla/bin/nabla-cc"
    run make -s -C "$REPO_ROOT" uninstall DESTDIR="$root" PREFIX=/opt/nabla
    assert_success
    run find "$root" -not -type d
    assert_output ""
    [[ ! -e $root/opt/nabla/lib/nabla ]] || fail "lib/nabla is still there"
    [[ ! -e $root/opt/nabla/include/nabla ]] || fail "include/nabla is still there"
}

# A position-independent guest (docs/aslr.md), from the installed files, in
# each of the four ways: it packs as a PIE and runs at a random address.
# pie_runs SPT: SPT is ET_DYN; packed, hello runs at an address above 1 TiB.
pie_runs() {
    run -0 readelf -h "$1"
    assert_output --regexp 'Type: +DYN'
    run -0 "$INST/bin/nabla-pack" -q -o "$1.app" "$1"
    run -0 "$INST/bin/nabla-pack" inspect "$1.app"
    assert_line --regexp '^kind: +position-independent'
    run -0 "$1.app" pie
    assert_line "Hello, World"
    assert_line pie
    local start
    start=$(sed -n 's/^nabla: text+data: \(0x[0-9a-f]*\) .*/\1/p' <<<"$output")
    ((start >= 1 << 40)) || fail "text at $start, not at a random address above 1 TiB"
}

@test "a position-independent guest with nabla-cc -static-pie, x86_64-solo5-none-static-cc -z solo5-aslr, pkg-config nabla-pie and nabla.mk" {
    cd "$PROJ"
    run -0 "$INST/bin/nabla-cc" -static-pie --manifest=manifest.json -O2 hello.c -o cc.spt
    pie_runs "$PWD/cc.spt"
    run -0 "$INST/bin/nabla-pack" gen-manifest manifest.json manifest.c
    local s=$INST/bin/x86_64-solo5-none-static-cc
    run -0 "$s" -z solo5-aslr -O2 -c hello.c -o s-hello.o
    run -0 "$s" -z solo5-aslr -c manifest.c -o s-manifest.o
    run -0 "$s" -z solo5-aslr s-hello.o s-manifest.o -o solo5.spt
    pie_runs "$PWD/solo5.spt"
    run -0 "$INST/bin/x86_64-solo5-none-static-ld" -z solo5-aslr s-hello.o s-manifest.o -o ld.spt
    pie_runs "$PWD/ld.spt"
    gcc $("${PKGCONF[@]}" --cflags nabla-pie) -c hello.c -o p-hello.o
    gcc $("${PKGCONF[@]}" --cflags nabla-pie) -c manifest.c -o p-manifest.o
    gcc p-hello.o p-manifest.o $("${PKGCONF[@]}" --libs nabla-pie) -o pc.spt
    $("${PKGCONF[@]}" --variable=finish nabla-pie) pc.spt
    pie_runs "$PWD/pc.spt"
    printf '%s\n' "include $INST/lib/nabla/nabla.mk" \
        'mk.spt: hello.o manifest.o' \
        $'\t$(CC) $(NABLA_PIE_LDFLAGS) $^ $(NABLA_PIE_LIBS) -o $@' \
        $'\t$(NABLA_PIE_FINISH) $@' \
        '%.o: %.c' \
        $'\t$(CC) $(NABLA_PIE_CFLAGS) -c $< -o $@' >Makefile
    rm -f hello.o manifest.o
    run -0 make mk.spt
    pie_runs "$PWD/mk.spt"
    # Left ET_EXEC, as GNU ld marks it: nabla-pack says what to run.
    gcc p-hello.o p-manifest.o $("${PKGCONF[@]}" --libs nabla-pie) -o exec.spt
    run -1 --separate-stderr "$INST/bin/nabla-pack" -o exec exec.spt
    assert_regex "$stderr" "a PIE marked ET_EXEC .*elfedit --output-type=dyn exec.spt"
    run -1 --separate-stderr "$INST/bin/nabla-cc" --target=aarch64 -static-pie -c hello.c
    assert_regex "$stderr" "position-independent guests are x86_64 only"
}
