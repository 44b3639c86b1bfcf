# Shared by the bats files that run commands in the arm64 VM
# (scripts/arm64-vm): their setup_file leaves vm-status, vm-run.log and the
# VM's results under $BATS_FILE_TMPDIR; each file's needs_vm skips for its
# own missing parts, then calls vm_ran.

# vm_ran: skips unless the VM could be booted here; fails if it was booted
# but did not run to the end.
vm_ran() {
    local dir=$BATS_FILE_TMPDIR
    if ! grep -q '^ready ' "$dir/vm-status"; then
        skip "no arm64 VM: $(cat "$dir/vm-status")"
    fi
    if [[ ! -f $dir/vm/done ]]; then
        {
            echo "the arm64 VM did not run to the end:"
            cat "$dir/vm-run.log"
            tail -n 20 "$dir/vm/console" 2>/dev/null
        } | fail
    fi
}

# vm_result NAME: $status, $output, $lines and $stderr of command NAME in
# the VM (after needs_vm).
vm_result() {
    needs_vm
    local r=$BATS_FILE_TMPDIR/vm/$1
    [[ -f $r.status ]] || fail "no result for VM command '$1'"
    status=$(cat "$r.status")
    output=$(cat "$r.out")
    stderr=$(cat "$r.err")
    lines=()
    local line
    while IFS= read -r line; do
        lines+=("$line")
    done <"$r.out"
}
