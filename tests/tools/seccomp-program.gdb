# gdb -batch -x seccomp-program.gdb --args PROGRAM...: stops PROGRAM at its
# first seccomp(2) call and prints the BPF program it loads, one
# struct sock_filter per line as 16 hex digits (k, jf, jt, code), then
# "instructions: N". x86-64: the struct sock_fprog pointer is in rdx.
catch syscall seccomp
run
set $prog_ptr = (unsigned long *)$rdx
set $prog_len = *(unsigned short *)$prog_ptr
set $prog_insns = (unsigned long *)$prog_ptr[1]
set $i = 0
while $i < $prog_len
  printf "%016lx\n", $prog_insns[$i]
  set $i = $i + 1
end
printf "instructions: %d\n", $prog_len
kill
