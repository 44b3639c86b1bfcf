#!/usr/bin/env python3
"""mutate.py MODE IN OUT: writes a copy of the guest ELF IN to OUT, broken
in the way MODE says (the modes: see mutate(); 'none' copies IN unchanged,
'elf32' ignores IN and writes a tiny 32-bit i386 executable). Layouts from
<elf.h> (ELF64, little-endian) and docs/abi.md. Exits with status 1 and a message
on stderr if IN does not have what MODE needs, if MODE is unknown or if it
changed nothing (so that a test never passes on a file that was not broken
the way it says).

Called by tests/elf.bats (its broken helper) as
    python3 tests/tools/mutate.py MODE GOOD.spt $BATS_TEST_TMPDIR/broken.spt
and usable by hand the same way, to look at a broken file."""
import struct
import sys

PH = struct.Struct('<IIQQQQQQ')  # type flags offset vaddr paddr filesz memsz align
PH_TYPE, PH_FLAGS, PH_OFFSET, PH_VADDR, PH_PADDR, PH_FILESZ, PH_MEMSZ, \
    PH_ALIGN = range(8)
PT_NULL, PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_TLS = 0, 1, 2, 3, 4, 7
PT_GNU_STACK = 0x6474e551
PF_X, PF_W, PF_R = 1, 2, 4
ABI1, MFT1 = 0x31494241, 0x3154464d
# Offsets in the ELF header.
E_CLASS, E_DATA, E_TYPE, E_MACHINE, E_ENTRY = 4, 5, 16, 18, 24
E_PHOFF, E_SHOFF, E_PHENTSIZE, E_PHNUM = 32, 40, 54, 56
# struct mft / struct mft_entry.
MFT_ENTRIES, MFT_E0, ENTRY_SIZE, ENTRY_TYPE, NAME_SIZE = 4, 8, 104, 68, 68


def need(cond, what):
    if not cond:
        sys.exit('mutate.py: input has no %s' % what)


class Elf:
    def __init__(self, data):
        self.d = bytearray(data)
        need(self.d[:4] == b'\x7fELF' and self.d[E_CLASS] == 2, 'ELF64 header')

    def u16(self, off, v=None):
        if v is not None:
            struct.pack_into('<H', self.d, off, v)
        return struct.unpack_from('<H', self.d, off)[0]

    def u32(self, off, v=None):
        if v is not None:
            struct.pack_into('<I', self.d, off, v)
        return struct.unpack_from('<I', self.d, off)[0]

    def u64(self, off, v=None):
        if v is not None:
            struct.pack_into('<Q', self.d, off, v)
        return struct.unpack_from('<Q', self.d, off)[0]

    @property
    def phoff(self):
        return self.u64(E_PHOFF)

    @property
    def phnum(self):
        return self.u16(E_PHNUM)

    def ph(self, i):
        return list(PH.unpack_from(self.d, self.phoff + i * PH.size))

    def set_ph(self, i, field, value):
        p = self.ph(i)
        p[field] = value
        PH.pack_into(self.d, self.phoff + i * PH.size, *p)

    def phs(self, ptype):
        return [i for i in range(self.phnum) if self.ph(i)[PH_TYPE] == ptype]

    def loads(self):
        return [i for i in self.phs(PT_LOAD) if self.ph(i)[PH_MEMSZ] > 0]

    def load_with(self, flags, without=0):
        for i in self.loads():
            f = self.ph(i)[PH_FLAGS]
            if f & flags == flags and not f & without:
                return i
        need(False, 'PT_LOAD with flags %#x' % flags)

    def notes(self):
        """(phdr index, note offset, namesz, descsz, type, desc offset)."""
        out = []
        for i in self.phs(PT_NOTE):
            p = self.ph(i)
            align = 8 if p[PH_ALIGN] == 8 else 4
            off, end = p[PH_OFFSET], p[PH_OFFSET] + p[PH_FILESZ]
            while off + 12 <= end:
                namesz, descsz, ntype = struct.unpack_from('<III', self.d, off)
                if namesz == 6 and self.d[off + 12:off + 18] == b'Solo5\0':
                    desc = off + 20  # a Solo5 note, whatever p_align says
                else:
                    desc = off + 12 + (-(12 + namesz) % align) + namesz
                out.append((i, off, namesz, descsz, ntype, desc))
                off = desc + descsz + (-descsz % align)
        return out

    def note(self, ntype):
        found = [n for n in self.notes() if n[4] == ntype and n[2] == 6]
        need(len(found) == 1, 'single note of type %#x' % ntype)
        return found[0]


def mutate(e, mode):
    size = len(e.d)
    text = e.load_with(PF_R | PF_X)
    abi = e.note(ABI1)
    mft = e.note(MFT1)
    # struct mft follows the 4 bytes of padding that begin MFT1's descriptor.
    abi_desc, mft_desc = abi[5], mft[5] + 4
    entry1 = mft_desc + MFT_E0 + ENTRY_SIZE

    if mode == 'none':
        pass
    # --- ELF header ------------------------------------------------------
    elif mode == 'phoff-outside':
        e.u64(E_PHOFF, size + 0x1000)
    elif mode == 'shoff-outside':
        need(e.u64(E_SHOFF) != 0, 'section header table')
        e.u64(E_SHOFF, size + 0x1000)
    elif mode == 'shoff-odd':
        # The section header table moved one byte on, to an odd offset.
        shoff, shnum = e.u64(E_SHOFF), e.u16(60)
        need(shoff != 0 and shoff + shnum * 64 == size,
             'section header table at the end')
        e.d = e.d[:shoff] + b'\0' + e.d[shoff:]
        e.u64(E_SHOFF, shoff + 1)
    elif mode == 'phnum-too-large':
        e.u16(E_PHNUM, (size - e.phoff) // PH.size + 1)
    elif mode == 'phentsize':
        e.u16(E_PHENTSIZE, 32)
    elif mode == 'machine-riscv':
        e.u16(E_MACHINE, 243)  # EM_RISCV
    elif mode == 'big-endian':
        e.d[E_DATA] = 2  # ELFDATA2MSB
    elif mode == 'et-dyn':
        e.u16(E_TYPE, 3)  # ET_DYN
    elif mode == 'entry-rodata':
        ro = e.load_with(PF_R, without=PF_W | PF_X)
        e.u64(E_ENTRY, e.ph(ro)[PH_VADDR])
    elif mode == 'entry-past-text':
        p = e.ph(text)
        e.u64(E_ENTRY, p[PH_VADDR] + p[PH_MEMSZ])
    # --- program headers ---------------------------------------------------
    elif mode == 'overlap':
        first, second = e.loads()[:2]
        need(e.ph(first)[PH_VADDR] % 0x1000 == e.ph(second)[PH_OFFSET] % 0x1000,
             'second PT_LOAD that can move onto the first one')
        e.set_ph(second, PH_VADDR, e.ph(first)[PH_VADDR])
    elif mode == 'below-min':
        e.set_ph(text, PH_VADDR, e.ph(text)[PH_VADDR] - 0x10000)
    elif mode == 'above-mem':
        data = e.load_with(PF_R | PF_W)
        e.set_ph(data, PH_VADDR, 0x7f0000000000 + e.ph(data)[PH_VADDR] % 0x1000)
    elif mode == 'memsz-1g':
        data = e.load_with(PF_R | PF_W)
        e.set_ph(data, PH_MEMSZ, 1 << 30)
    elif mode == 'memsz-wraps':
        data = e.load_with(PF_R | PF_W)
        e.set_ph(data, PH_MEMSZ, 0xfffffffffff00000)
    elif mode == 'filesz-gt-memsz':
        e.set_ph(text, PH_FILESZ, e.ph(text)[PH_MEMSZ] + 1)
    elif mode == 'filesz-past-eof':
        # The PT_LOAD whose file data ends last grows past the end.
        i = max(e.phs(PT_LOAD), key=lambda k: e.ph(k)[PH_OFFSET] + e.ph(k)[PH_FILESZ])
        p = e.ph(i)
        grow = size - p[PH_OFFSET] + 1
        e.set_ph(i, PH_FILESZ, grow)
        e.set_ph(i, PH_MEMSZ, max(p[PH_MEMSZ], grow))
    elif mode == 'offset-past-eof':
        e.set_ph(text, PH_OFFSET, (size + 0x10000) & ~0xfff)
    elif mode == 'not-congruent':
        e.set_ph(text, PH_VADDR, e.ph(text)[PH_VADDR] + 0x800)
    elif mode == 'wx':
        e.set_ph(text, PH_FLAGS, e.ph(text)[PH_FLAGS] | PF_W)
    elif mode == 'no-load':
        for i in e.phs(PT_LOAD):
            e.set_ph(i, PH_TYPE, PT_NULL)
    elif mode == 'load-17':
        # A new program header table at the end of the file: the old one,
        # then 17 more small PT_LOADs far from the guest's own.
        table = bytes(e.d[e.phoff:e.phoff + e.phnum * PH.size])
        for k in range(17):
            table += PH.pack(PT_LOAD, PF_R, 0, 0x1000000 + k * 0x1000,
                             0x1000000 + k * 0x1000, 0, 0x1000, 0x1000)
        e.d += bytes(-len(e.d) % 8)
        phoff, phnum = len(e.d), e.phnum + 17
        e.d += table
        e.u64(E_PHOFF, phoff)
        e.u16(E_PHNUM, phnum)
    elif mode == 'pt-dynamic':
        stack = e.phs(PT_GNU_STACK)
        need(stack, 'PT_GNU_STACK')
        e.set_ph(stack[0], PH_TYPE, PT_DYNAMIC)
    elif mode == 'interp-other':
        interp = e.phs(PT_INTERP)
        need(interp, 'PT_INTERP')
        off = e.ph(interp[0])[PH_OFFSET]
        need(e.d[off:off + 20] == b'/nonexistent/solo5/\0', 'Solo5 PT_INTERP')
        e.d[off:off + 20] = b'/lib/ld-musl-x86.so\0'
    elif mode == 'interp-past-eof':
        interp = e.phs(PT_INTERP)
        need(interp, 'PT_INTERP')
        e.set_ph(interp[0], PH_FILESZ, size)
    # --- notes ---------------------------------------------------------------
    elif mode == 'abi-descsz-past-segment':
        e.u32(abi[1] + 4, 0x100)
    elif mode == 'abi-namesz-huge':
        e.u32(abi[1], 0xffffffff)
    elif mode == 'abi-descsz-huge':
        e.u32(abi[1] + 4, 0xfffffff0)
    elif mode == 'note-filesz-past-eof':
        e.set_ph(abi[0], PH_FILESZ, size)
    elif mode == 'note-offset-past-eof':
        e.set_ph(abi[0], PH_OFFSET, size + 8)
    elif mode == 'abi-missing':
        e.u32(abi[1] + 8, 0x12345678)
    elif mode == 'abi-duplicated':
        e.u32(mft[1] + 8, ABI1)
    elif mode == 'abi-short':
        # descsz 8: too short for struct abi1_info, still inside the segment.
        e.u32(abi[1] + 4, 8)
    elif mode == 'abi-hvt':
        e.u32(abi_desc, 1)
    elif mode == 'abi-target-99':
        e.u32(abi_desc, 99)
    elif mode == 'abi-version-3':
        e.u32(abi_desc + 4, 3)
    elif mode == 'mft-missing':
        e.u32(mft[1] + 8, 0x12345678)
    elif mode == 'mft-duplicated':
        # A second PT_NOTE (the PT_GNU_STACK header) covering the MFT1 note.
        stack = e.phs(PT_GNU_STACK)
        need(stack, 'PT_GNU_STACK')
        PH.pack_into(e.d, e.phoff + stack[0] * PH.size, *e.ph(mft[0]))
    elif mode == 'mft-entries-65':
        e.u32(mft_desc + MFT_ENTRIES, 65)
    elif mode == 'mft-entries-0':
        e.u32(mft_desc + MFT_ENTRIES, 0)
    elif mode == 'mft-version-2':
        e.u32(mft_desc, 2)
    elif mode in ('mft-note-copy', 'mft-note-65', 'mft-note-long'):
        # A second MFT1 note, written at the end of the file under a PT_NOTE
        # of its own (the PT_GNU_STACK header, reused); the guest's own note
        # is renamed out of the way, so that the new one is the only MFT1.
        # mft-note-copy: the guest's manifest as it was (a control);
        # mft-note-65: a manifest of 65 entries, descriptor to match;
        # mft-note-long: the guest's manifest and one entry's worth of
        # zeros more than its entries take.
        stack = e.phs(PT_GNU_STACK)
        need(stack, 'PT_GNU_STACK')
        entries = e.u32(mft_desc + MFT_ENTRIES)
        old = bytes(e.d[mft_desc:mft_desc + 8 + entries * ENTRY_SIZE])
        if mode == 'mft-note-65':
            mft_bytes = bytearray(old[:8] + bytes(65 * ENTRY_SIZE))
            struct.pack_into('<I', mft_bytes, MFT_ENTRIES, 65)
            mft_bytes[MFT_E0:MFT_E0 + entries * ENTRY_SIZE] = old[MFT_E0:]
        elif mode == 'mft-note-long':
            mft_bytes = old + bytes(ENTRY_SIZE)
        else:
            mft_bytes = old
        desc = bytes(4) + bytes(mft_bytes)
        note = struct.pack('<III', 6, len(desc), MFT1) + b'Solo5\0\0\0' + desc
        e.u32(mft[1] + 8, 0x12345678)
        e.d += bytes(-len(e.d) % 8)
        off = len(e.d)
        e.d += note
        PH.pack_into(e.d, e.phoff + stack[0] * PH.size, PT_NOTE, PF_R, off,
                     0, 0, len(note), len(note), 4)
    elif mode == 'bss-end-32k-below-mib':
        # A larger .bss (still zeros, still a good guest): the writable
        # PT_LOAD now ends 32 KiB below a MiB boundary, at least 1 MiB past
        # its start.
        data = e.load_with(PF_R | PF_W)
        p = e.ph(data)
        end = ((p[PH_VADDR] + (1 << 20)) | ((1 << 20) - 1)) + 1 - (32 << 10)
        e.set_ph(data, PH_MEMSZ, end - p[PH_VADDR])
    elif mode == 'entry0-attached':
        e.d[mft_desc + MFT_E0 + 96] = 1
    elif mode == 'mft-short':
        # descsz 4 + 8 (padding and header only) for a manifest of at least
        # one entry, in a PT_NOTE shrunk to match.
        e.u32(mft[1] + 4, 4 + 8)
        e.set_ph(mft[0], PH_FILESZ, mft_desc + 8 - e.ph(mft[0])[PH_OFFSET])
    elif mode == 'entry0-type':
        e.u32(mft_desc + MFT_E0 + ENTRY_TYPE, 1)
    elif mode == 'entry0-name':
        e.d[mft_desc + MFT_E0] = ord('x')
    elif mode.startswith('entry1-'):
        need(e.u32(mft_desc + MFT_ENTRIES) >= 2 and
             mft[3] >= 4 + 8 + 2 * ENTRY_SIZE,
             'manifest with a device')
        if mode == 'entry1-name-unterminated':
            e.d[entry1:entry1 + NAME_SIZE] = b'A' * NAME_SIZE
        elif mode == 'entry1-name-badchar':
            e.d[entry1:entry1 + 8] = b'sto-age\0'
        elif mode == 'entry1-name-empty':
            e.d[entry1] = 0
        elif mode == 'entry1-type-7':
            e.u32(entry1 + ENTRY_TYPE, 7)
        else:
            sys.exit('mutate.py: unknown mode ' + mode)
    else:
        sys.exit('mutate.py: unknown mode ' + mode)


def elf32():
    """A real (tiny) 32-bit i386 ELF executable: exit(0) by int 0x80."""
    code = bytes([0xb8, 1, 0, 0, 0, 0x31, 0xdb, 0xcd, 0x80])
    ehsize, phsize = 52, 32
    size = ehsize + phsize + len(code)
    ident = b'\x7fELF' + bytes([1, 1, 1, 0]) + bytes(8)
    eh = struct.pack('<16sHHIIIIIHHHHHH', ident, 2, 3, 1,
                     0x8048000 + ehsize + phsize, ehsize, 0, 0, ehsize,
                     phsize, 1, 40, 0, 0)
    ph = struct.pack('<IIIIIIII', PT_LOAD, 0, 0x8048000, 0x8048000, size,
                     size, PF_R | PF_X, 0x1000)
    return eh + ph + code


def main():
    mode, src, dst = sys.argv[1:4]
    if mode == 'elf32':
        data = elf32()
    else:
        with open(src, 'rb') as f:
            e = Elf(f.read())
        before = bytes(e.d)
        mutate(e, mode)
        if mode != 'none' and bytes(e.d) == before:
            sys.exit('mutate.py: %s changed nothing' % mode)
        data = bytes(e.d)
    with open(dst, 'wb') as f:
        f.write(data)


if __name__ == '__main__':
    main()
