#!/usr/bin/env bats
# nabla-pack's command-line conventions: --help and `help COMMAND` for every
# subcommand, unknown commands named as such (with the nearest one), the
# output option in its three spellings, no output written over an input,
# an executable packed already refused as input with the right advice, and
# --mem's limit named.

load helpers

COMMANDS=(inspect verify extract oci gen-manifest query-manifest query-abi help)

# The commands nabla-pack's own usage lists ("       nabla-pack CMD ...").
listed_commands() {
    "$PACK" help | sed -n 's/^       nabla-pack \([a-z-]*\) .*/\1/p'
}

@test "every subcommand answers --help and -h on stdout with status 0, as 'nabla-pack help CMD' does" {
    run -0 listed_commands
    assert_equal "${lines[*]}" "${COMMANDS[*]}"
    local c
    for c in "${COMMANDS[@]}"; do
        run -0 --separate-stderr "$PACK" "$c" --help
        assert_equal "$stderr" ""
        assert_regex "${lines[0]}" "^usage: nabla-pack $c( |$)"
        ((${#lines[@]} >= 2)) || fail "$c --help: only '${lines[0]}'"
        local text=$output
        # Wherever --help stands among the command's arguments.
        run -0 --separate-stderr "$PACK" "$c" some-file --help
        assert_equal "$output" "$text"
        run -0 --separate-stderr "$PACK" "$c" -h
        assert_equal "$output" "$text"
        run -0 --separate-stderr "$PACK" help "$c"
        assert_equal "$stderr" ""
        assert_equal "$output" "$text"
    done
    run -0 "$PACK" inspect --help
    assert_line "  --json          the same as one JSON object"
    run -0 "$PACK" extract --help
    assert_line "  -o DIR, --output=DIR  the directory (made if it does not exist)"
}

@test "nabla-pack help and nabla-pack --help print the usage on stdout, status 0" {
    run -0 --separate-stderr "$PACK" help
    assert_equal "$stderr" ""
    assert_line --index 0 --regexp '^usage: nabla-pack \[OPTIONS\] UNIKERNEL'
    assert_line "       nabla-pack help [COMMAND]"
    local text=$output
    run -0 --separate-stderr "$PACK" --help
    assert_equal "$output" "$text"
    assert_line --partial "-o OUT, --output=OUT"
    # Without arguments: the usage on stderr, status 1.
    run -1 --separate-stderr "$PACK"
    assert_equal "$output" ""
    assert_regex "$stderr" '^usage: nabla-pack '
}

@test "an unknown subcommand is named as such, with the nearest command if one is close" {
    cd "$BATS_TEST_TMPDIR"
    fails_one_line "^nabla-pack: error: unknown command 'inspcet' \(did you mean 'inspect'\?\)$" \
        "$PACK" inspcet app
    fails_one_line "\(did you mean 'verify'\?\)$" "$PACK" verfy app
    fails_one_line "\(did you mean 'extract'\?\)$" "$PACK" extarct app -o d
    fails_one_line "\(did you mean 'query-abi'\?\)$" "$PACK" qeury-abi app
    fails_one_line "\(did you mean 'gen-manifest'\?\)$" "$PACK" genmanifest m.json m.c
    fails_one_line "\(did you mean 'help'\?\)$" "$PACK" hepl
    fails_one_line "^nabla-pack: error: unknown command 'frobnicate', and no file of that name to pack \(see nabla-pack help\)$" \
        "$PACK" frobnicate
    fails_one_line "^nabla-pack: error: unknown command 'nope' \(see nabla-pack help\)$" \
        "$PACK" help nope
    fails_one_line "\(did you mean 'inspect'\?\)$" "$PACK" help inspetc
    # A path is a path: a missing one is a missing file.
    fails_one_line "missing\.spt.*No such file" "$PACK" missing.spt
    fails_one_line "sub/inspcet.*No such file" "$PACK" sub/inspcet
    # A file with a word for a name is packed, not taken for a command.
    cp "$HELLO_SPT" inspcet
    run -0 "$PACK" inspcet -q -o packed -- word
    runs_hello ./packed word2
}

@test "--output=FILE and --output FILE are -o FILE, for packing, extract, oci and gen-manifest" {
    cd "$BATS_TEST_TMPDIR"
    # The same --name: by default, the app's name is the output's.
    run -0 "$PACK" -q -o a --name=x "$HELLO_SPT"
    run -0 "$PACK" -q --output=b --name=x "$HELLO_SPT"
    run -0 "$PACK" -q "$HELLO_SPT" --output c --name=x
    cmp a b
    cmp a c
    runs_hello ./b out

    run -0 "$PACK" extract "$HELLO" --output=x1
    assert_line "x1/hello.spt"
    run -0 "$PACK" extract --output x2 "$HELLO"
    cmp x1/hello.spt x2/hello.spt

    run -0 "$PACK" oci "$HELLO" --output=img -t t1
    assert_regex "$output" '^oci:img:t1 sha256:[0-9a-f]{64}$'

    run -0 "$PACK" gen-manifest "$REPO_ROOT/examples/hello/manifest.json" --output=m.c
    run -0 "$PACK" gen-manifest "$REPO_ROOT/examples/hello/manifest.json" -o m2.c
    cmp m.c m2.c

    # No value, an empty one, or two outputs: one line, nothing written.
    pack_fails "^nabla-pack: error: --output= needs a path$" --output= "$HELLO_SPT"
    fails_one_line "^nabla-pack: error: --output needs a path$" "$PACK" "$HELLO_SPT" --output
    fails_one_line "^nabla-pack: error: two outputs given \('d1', then 'd2'\)$" "$PACK" -o d1 --output=d2 "$HELLO_SPT"
    fails_one_line "^nabla-pack: error: extract: --output needs a path$" "$PACK" extract "$HELLO" --output
    [[ ! -e d1 && ! -e d2 ]] || fail "an output was written"
}

# same_refused OUT INPUT ROLE [nabla-pack args...]: the command is refused
# with one line naming OUT and INPUT, and INPUT keeps its bytes and inode.
same_refused() {
    local out=$1 in=$2 role=$3
    shift 3
    local before ino
    before=$(sha256sum <"$in")
    ino=$(stat -L -c %i "$in")
    fails_one_line "^nabla-pack: error: output '$out' is the same file as the input $role '[^']*': refusing to overwrite it \(choose another output\)$" \
        "$PACK" "$@"
    assert_equal "$(sha256sum <"$in")" "$before"
    assert_equal "$(stat -L -c %i "$in")" "$ino"
    local leftovers=("$out".tmp*)
    [[ ! -e ${leftovers[0]} ]] || fail "temporary file left: ${leftovers[*]}"
}

@test "an output that is an input (the same name, a symbolic or a hard link, the default name) is refused before anything is written" {
    cd "$BATS_TEST_TMPDIR"
    cp "$HELLO_SPT" g.spt
    cp "$REPO_ROOT/examples/hello/manifest.json" m.json
    same_refused g.spt g.spt unikernel -o g.spt g.spt
    same_refused ./g.spt g.spt unikernel g.spt --output=./g.spt
    ln -s g.spt link
    same_refused link g.spt unikernel -o link g.spt
    ln g.spt hard
    same_refused hard g.spt unikernel -o hard g.spt
    mkdir sub && ln -s .. sub/up
    same_refused sub/up/g.spt g.spt unikernel -o sub/up/g.spt g.spt
    same_refused m.json m.json manifest -o m.json g.spt m.json
    cp "$NABLA_BUILD/stub/nabla-stub" stub
    same_refused stub stub stub -o stub --stub=stub g.spt
    # The default output, NAME.nabla, for a unikernel called NAME.nabla.
    cp g.spt app.nabla
    same_refused app.nabla app.nabla unikernel app.nabla
    same_refused m.json m.json manifest gen-manifest m.json m.json
    same_refused ./m.json m.json manifest gen-manifest m.json -o ./m.json
    # extract and oci: the packed executable is the input.
    cp "$HELLO" app
    mkdir -p out && ln -s ../app out/app.spt
    same_refused out/app.spt app executable extract app -o out
    same_refused app app executable oci app -o app
    # Another name is fine.
    run -0 "$PACK" -q -o g2 g.spt
    runs_hello ./g2 fine
}

@test "an executable packed already is refused as input, with the advice to extract its guest" {
    cd "$BATS_TEST_TMPDIR"
    pack_fails "^nabla-pack: error: $HELLO is already a packed nabla executable; use 'nabla-pack extract' to get its guest$" \
        "$HELLO"
    # Stripped, or with a manifest given as well: the same.
    cp "$HELLO" stripped
    strip stripped
    pack_fails "stripped is already a packed nabla executable; use 'nabla-pack extract'" \
        stripped "$REPO_ROOT/examples/hello/manifest.json"
    # The advice works: the extracted guest packs.
    run -0 "$PACK" extract stripped -o x
    run -0 "$PACK" -q -o again x/stripped.spt
    runs_hello ./again advice
}

@test "--mem too large, zero or not a number: one line naming the limits" {
    pack_fails "^nabla-pack: error: invalid --mem=600000: at most 520192 MiB \(508 GiB: guest memory ends below the stub\)$" \
        --mem=600000 "$HELLO_SPT"
    pack_fails "invalid --mem=520193: at most 520192 MiB" --mem=520193 "$HELLO_SPT"
    pack_fails "invalid --mem=99999999999999999999999: at most 520192 MiB" \
        --mem=99999999999999999999999 "$HELLO_SPT"
    pack_fails "^nabla-pack: error: invalid --mem=0: at least 1 MiB$" --mem=0 "$HELLO_SPT"
    pack_fails "^nabla-pack: error: invalid --mem=64M: expected a size in MiB, 1 to 520192$" \
        --mem=64M "$HELLO_SPT"
    # The limit itself is accepted.
    pack_file "$HELLO_SPT" "$BATS_TEST_TMPDIR/max" --mem=520192
    run -0 "$PACK" inspect "$BATS_TEST_TMPDIR/max"
    assert_line "memory:      520192 MiB"
}
