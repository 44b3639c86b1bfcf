#!/usr/bin/env bats
# Where a disk image path leads (common/devopts.h): state:REL in the
# service's state directory ($STATE_DIRECTORY/REL, else
# /var/lib/APPNAME/REL), a relative default next to the executable, an
# absolute one as it is; nabla-pack inspect and APP --help say which rule
# each default follows.

load helpers

BLKCOUNT_SPT=$NABLA_BUILD/examples/blkcount/blkcount.spt

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    # An app name of this test run's own, for /var/lib/NAME.
    NAME=nabla-state-test-$$-$BATS_TEST_NUMBER
    VAR_LIB_DIR=
}

teardown() {
    if [[ -n $VAR_LIB_DIR ]]; then
        rm -rf "$VAR_LIB_DIR"
    fi
}

# counts IMAGE N: block 0 of IMAGE holds blkcount's boot count N (8 bytes,
# little-endian, after its 8-byte magic; 0 for a zeroed image).
counts() {
    run -0 python3 -c 'import struct, sys; print(struct.unpack_from("<Q", open(sys.argv[1], "rb").read(), 8)[0])' "$1"
    assert_output "$2"
}

@test "state:REL with \$STATE_DIRECTORY: the first directory of the list" {
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/app" --block:storage=state:disk.img
    mkdir one two
    truncate -s 1M one/disk.img two/disk.img
    STATE_DIRECTORY=$BATS_TEST_TMPDIR/one:$BATS_TEST_TMPDIR/two run -0 ./app --solo5:quiet
    assert_output "boot count: 1"
    STATE_DIRECTORY=$BATS_TEST_TMPDIR/one run -0 ./app --solo5:quiet
    assert_output "boot count: 2"
    counts one/disk.img 2
    counts two/disk.img 0
    # A subdirectory, from anywhere.
    mkdir one/sub
    truncate -s 1M one/sub/d.img
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/app" --block:storage=state:sub/d.img
    cd /
    STATE_DIRECTORY=$BATS_TEST_TMPDIR/one run -0 "$BATS_TEST_TMPDIR/app" --solo5:quiet
    assert_output "boot count: 1"
    counts "$BATS_TEST_TMPDIR/one/sub/d.img" 1
}

@test "state:REL without \$STATE_DIRECTORY: /var/lib/APPNAME, the output's file name or --name" {
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/$NAME" --block:storage=state:disk.img
    # Not there: the line names the path and where it came from.
    refuses_one_line "^$NAME: error: block device 'storage': cannot open disk image '/var/lib/$NAME/disk.img' \\(state:, \\\$STATE_DIRECTORY not set\\) for reading and writing: No such file or directory$" \
        env -u STATE_DIRECTORY "./$NAME"
    # An empty STATE_DIRECTORY is none.
    refuses_one_line "'/var/lib/$NAME/disk.img'" env STATE_DIRECTORY= "./$NAME"
    # --name gives another directory, whatever the file is called.
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/app" --name="$NAME-x" \
        --block:storage=state:disk.img
    refuses_one_line "'/var/lib/$NAME-x/disk.img'" env -u STATE_DIRECTORY ./app
    ((EUID == 0)) || skip "needs root to make /var/lib/$NAME"
    VAR_LIB_DIR=/var/lib/$NAME
    mkdir "$VAR_LIB_DIR"
    truncate -s 1M "$VAR_LIB_DIR/disk.img"
    run -0 env -u STATE_DIRECTORY "./$NAME" --solo5:quiet
    assert_output "boot count: 1"
    counts "$VAR_LIB_DIR/disk.img" 1
}

@test "a relative default is next to the executable, an absolute one as it is, from any directory" {
    mkdir -p bin data
    truncate -s 1M bin/near.img data/abs.img
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/bin/near" --block:storage=near.img
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/bin/abs" \
        --block:storage="$BATS_TEST_TMPDIR/data/abs.img"
    cd /
    STATE_DIRECTORY=$BATS_TEST_TMPDIR/data run -0 "$BATS_TEST_TMPDIR/bin/near" --solo5:quiet
    assert_output "boot count: 1"
    counts "$BATS_TEST_TMPDIR/bin/near.img" 1
    run -0 "$BATS_TEST_TMPDIR/bin/abs" --solo5:quiet
    assert_output "boot count: 1"
    counts "$BATS_TEST_TMPDIR/data/abs.img" 1
    # On the command line, state: works too; a relative path is the
    # current directory's.
    cd "$BATS_TEST_TMPDIR/data"
    STATE_DIRECTORY=$BATS_TEST_TMPDIR/bin run -0 "$BATS_TEST_TMPDIR/bin/abs" \
        --block:storage=state:near.img --solo5:quiet
    assert_output "boot count: 2"
    run -0 "$BATS_TEST_TMPDIR/bin/near" --block:storage=abs.img --solo5:quiet
    assert_output "boot count: 2"
}

@test "nabla-pack inspect and APP --help say which rule each default path follows" {
    mkdir bin
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/bin/s" --name=svc \
        --block:storage=state:disk.img
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/bin/r" --block:storage=r.img
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/bin/a" --block:storage=/srv/a.img
    run -0 "$PACK" inspect bin/s
    assert_line "name:        svc (state directory: \$STATE_DIRECTORY, else /var/lib/svc)"
    assert_line "  --block:storage=state:disk.img (state directory: \$STATE_DIRECTORY/disk.img, else /var/lib/svc/disk.img)"
    run -0 "$PACK" inspect bin/r
    assert_line "  --block:storage=r.img (next to the executable: \$(dirname APP)/r.img)"
    run -0 "$PACK" inspect bin/a
    assert_line "  --block:storage=/srv/a.img (absolute)"
    local f rule
    for f in s:state-directory r:next-to-executable a:absolute; do
        run -0 "$PACK" inspect --json "bin/${f%%:*}"
        rule=$(python3 -c 'import json, sys; j = json.loads(sys.argv[1]); print(j["name"], j["default_paths"][0]["device"], j["default_paths"][0]["rule"])' "$output")
        case $f in
        s:*) assert_equal "$rule" "svc storage state-directory" ;;
        *) assert_equal "$rule" "${f%%:*} storage ${f#*:}" ;;
        esac
    done
    # --help: the rule, and where the path leads in this run.
    STATE_DIRECTORY=/run/x run -0 bin/s --help
    assert_line "  --block:storage=state:disk.img"
    assert_line "      (state directory: \$STATE_DIRECTORY/disk.img, else /var/lib/svc/disk.img; here: /run/x/disk.img)"
    run -0 env -u STATE_DIRECTORY bin/s --help
    assert_line --partial "; here: /var/lib/svc/disk.img)"
    run -0 bin/r --help
    assert_line "      (next to the executable; here: $BATS_TEST_TMPDIR/bin/r.img)"
    run -0 bin/a --help
    assert_line "      (absolute)"
}

@test "a state: path that is empty, absolute or leaves the directory is refused, at pack time and at run time" {
    local bad
    for bad in "state:" "state:/srv/x.img" "state:../x.img" "state:a/../../x.img" "state:.."; do
        pack_fails "invalid path '$bad'" "$BLKCOUNT_SPT" --block:storage="$bad"
    done
    pack_file "$BLKCOUNT_SPT" "$BATS_TEST_TMPDIR/app" --block:storage=state:disk.img
    refuses_one_line "^app: error: invalid path 'state:../x.img': '..' would leave the state directory$" \
        ./app --block:storage=state:../x.img
    # A name that is no file name cannot be a state directory.
    pack_fails "app name 'a/b' is not a file name" "$BLKCOUNT_SPT" --name=a/b
    pack_fails "app name '' is not a file name" "$BLKCOUNT_SPT" --name=
    pack_fails "app name '..' is not a file name" "$BLKCOUNT_SPT" --name=..
}
