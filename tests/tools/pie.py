#!/usr/bin/env python3
"""pie.py FILE ACTION...: changes a position-independent guest ELF (a
static PIE, ET_DYN) in place, one precise way per action, as a broken
toolchain or a hostile edit would. Layouts from <elf.h>.

Actions (applied in order):
  retag OLD NEW          the first dynamic entry tagged OLD gets tag NEW,
                         value kept (tags by name: DEBUG, NEEDED, REL,
                         RELR, JMPREL, TEXTREL, FLAGS_1, RELA, RELASZ,
                         RELAENT, NULL, or a number)
  dyn-set TAG VALUE      the value of the first dynamic entry tagged TAG
  no-null                every DT_NULL of the dynamic segment made DT_DEBUG
  rela-set I FIELD VALUE field offset, info or addend of relocation I
  place-zero I           the 8 bytes relocation I writes, zeroed in the
                         file (as a linker that leaves places empty does)
  phdr-set TYPE FIELD VALUE  a field (vaddr, memsz, align) of the first
                         program header of TYPE (LOAD, DYNAMIC, GNU_RELRO)
  e-type N               e_type (2 ET_EXEC, 3 ET_DYN)
Used by tests/aslr.bats."""
import struct
import sys

from elffile import ElfFile, actions, number

DYN = struct.Struct('<qQ')
RELA = struct.Struct('<QQq')
PT = {'LOAD': 1, 'DYNAMIC': 2, 'GNU_RELRO': 0x6474e552}
DT = {'NULL': 0, 'NEEDED': 1, 'PLTRELSZ': 2, 'RELA': 7, 'RELASZ': 8,
      'RELAENT': 9, 'REL': 17, 'TEXTREL': 22, 'JMPREL': 23, 'DEBUG': 21,
      'FLAGS': 30, 'RELR': 36, 'FLAGS_1': 0x6ffffffb}
PH_FIELDS = {'type': 0, 'flags': 1, 'offset': 2, 'vaddr': 3, 'filesz': 5,
             'memsz': 6, 'align': 7}


def die(msg):
    sys.exit('pie.py: ' + msg)


def tag(s):
    return DT[s] if s in DT else number(s)


class Elf(ElfFile):
    def __init__(self, path):
        super().__init__(path, die)

    def find_ph(self, ptype):
        for i in range(self.phnum):
            if self.ph(i)[0] == ptype:
                return i
        die('no program header of type %#x' % ptype)

    def dynamic(self):
        """(file offset, tag, value) of each entry up to DT_NULL."""
        p = self.ph(self.find_ph(PT['DYNAMIC']))
        out = []
        for off in range(p[2], p[2] + p[5], DYN.size):
            t, v = DYN.unpack_from(self.d, off)
            out.append((off, t, v))
            if t == 0:
                break
        return out

    def entry(self, t):
        for e in self.dynamic():
            if e[1] == t:
                return e
        die('no dynamic entry tagged %#x' % t)

    def rela_at(self, i):
        rela = self.entry(DT['RELA'])[2]
        return self.file_offset(rela + i * RELA.size)


def main():
    if len(sys.argv) < 3:
        die('usage: pie.py FILE ACTION... (see the top of this file)')
    e = Elf(sys.argv[1])
    for action, arg in actions(sys.argv[2:], die):
        if action == 'retag':
            old, new = tag(arg()), tag(arg())
            off, _, v = e.entry(old)
            DYN.pack_into(e.d, off, new, v)
        elif action == 'dyn-set':
            t = tag(arg())
            off = e.entry(t)[0]
            DYN.pack_into(e.d, off, t, number(arg()))
        elif action == 'rela-set':
            i, field, value = number(arg()), arg(), number(arg())
            off = e.rela_at(i)
            r = list(RELA.unpack_from(e.d, off))
            r[['offset', 'info', 'addend'].index(field)] = value
            RELA.pack_into(e.d, off, *r)
        elif action == 'place-zero':
            r = RELA.unpack_from(e.d, e.rela_at(number(arg())))
            struct.pack_into('<Q', e.d, e.file_offset(r[0]), 0)
        elif action == 'phdr-set':
            i = e.find_ph(PT[arg()])
            p = e.ph(i)
            field = PH_FIELDS[arg()]
            p[field] = number(arg())
            e.set_ph(i, p)
        elif action == 'no-null':
            p = e.ph(e.find_ph(PT['DYNAMIC']))
            for off in range(p[2], p[2] + p[5], DYN.size):
                t, v = DYN.unpack_from(e.d, off)
                if t == 0:
                    DYN.pack_into(e.d, off, DT['DEBUG'], v)
        elif action == 'e-type':
            struct.pack_into('<H', e.d, 16, number(arg()))
        else:
            die('unknown action %r' % action)
    e.save()


if __name__ == '__main__':
    main()
