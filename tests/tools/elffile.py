"""elffile.py: what tests/tools/payload.py and pie.py share: a 64-bit
little-endian ELF file read into memory, its program headers, where an
address lies in the file, and the walk over a command line's actions.
Layouts from <elf.h>."""
import struct

PH = struct.Struct('<IIQQQQQQ')  # Elf64_Phdr
PT_LOAD = 1


def number(s):
    """A number from the command line: decimal or 0x..."""
    return int(s, 0)


class ElfFile:
    """The bytes of an ELF file (d, a bytearray) and its program headers,
    each a list [type, flags, offset, vaddr, paddr, filesz, memsz, align].
    die(message) is the calling tool's way to stop."""

    def __init__(self, path, die):
        self.path = path
        self.die = die
        self.d = bytearray(open(path, 'rb').read())
        if self.d[:4] != b'\x7fELF':
            die('%s: not an ELF file' % path)
        self.phoff, = struct.unpack_from('<Q', self.d, 32)
        self.phnum, = struct.unpack_from('<H', self.d, 56)

    def ph(self, i):
        return list(PH.unpack_from(self.d, self.phoff + i * PH.size))

    def set_ph(self, i, p):
        PH.pack_into(self.d, self.phoff + i * PH.size, *p)

    def file_offset(self, vaddr):
        """The file offset of address vaddr, in a PT_LOAD's file bytes."""
        for i in range(self.phnum):
            p = self.ph(i)
            if p[0] == PT_LOAD and p[3] <= vaddr < p[3] + p[5]:
                return p[2] + vaddr - p[3]
        self.die('%#x is in no PT_LOAD\'s file bytes' % vaddr)

    def save(self):
        with open(self.path, 'wb') as f:
            f.write(self.d)


def actions(args, die):
    """Yields each action of args (a list of words) with a function that
    takes the action's next argument (die if there is none)."""
    args = list(args)
    while args:
        action = args.pop(0)

        def arg():
            if not args:
                die('%s: missing argument' % action)
            return args.pop(0)

        yield action, arg
