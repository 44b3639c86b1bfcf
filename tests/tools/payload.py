#!/usr/bin/env python3
"""payload.py FILE ACTION...: damages a packed nabla executable in place, one
precise way per action, as a bad copy or a hostile edit would; or prints
where things are. Layouts from <elf.h> and common/packed_layout.h (checked
against its _Static_asserts: a changed layout fails here, loudly).

Actions (applied in order):
  get FIELD                print a struct nabla_payload field (decimal)
  set FIELD VALUE          set one (VALUE: decimal or 0x...)
  mft-entries N            the payload manifest's entry count
  mft-entry-type I TYPE    the type of its entry I
  grow-payload BYTES       the payload's PT_LOAD maps BYTES more of the file
                           (p_filesz and p_memsz), payload size printed
  overlap-loads            the second guest PT_LOAD (below the stub) moved
                           onto the first one's first page
  move-load I ADDR         the guest PT_LOAD I (0: the first below the stub)
                           moved to ADDR (p_vaddr; its page offset kept)
  flip OFFSET              xor the byte at file OFFSET with 0x5a
  pie-rela-offset I        print the file offset of the guest's relocation
                           I (payload format 4: a position-independent guest)
  offsets WHAT             print file offsets, one a line: 'payload-ends'
                           (first and last byte of the payload), 'load-ends'
                           (last file byte of every other PT_LOAD with file
                           data)
Used by tests/damaged.bats and tests/aslr.bats."""
import os
import re
import struct
import sys

from elffile import PT_LOAD, ElfFile, actions, number

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PACKED_H = os.path.join(ROOT, 'common', 'packed_layout.h')

PAYLOAD_BASE = 0x7f00100000
STUB_BASE = 0x7f00000000
HEADER_OFFSET = 0x1000  # NABLA_PAYLOAD_HEADER_OFFSET
# struct nabla_payload: name -> (offset, struct format).
FIELDS = {
    'version': (8, '<I'), 'abi_target': (12, '<I'), 'abi_version': (16, '<I'),
    'entry_code_end': (20, '<I'), 'guest_entry': (24, '<Q'),
    'kernel_end': (32, '<Q'), 'mem_mb': (40, '<Q'),
    'mft_offset': (48, '<I'), 'mft_size': (52, '<I'),
    'options_offset': (56, '<I'), 'options_size': (60, '<I'),
    'options_count': (64, '<I'), 'args_offset': (68, '<I'),
    'args_size': (72, '<I'), 'args_count': (76, '<I'),
    'name_offset': (80, '<I'), 'name_size': (84, '<I'),
    'trampoline': (88, '<Q'), 'tls_vaddr': (96, '<Q'),
    'segment_filesz': (128, '<Q'), 'entry': (256, '<Q'),
    'sums_offset': (264, '<I'), 'sums_count': (268, '<I'),
    'checksum': (272, '<Q'),
    # struct nabla_pie, after the header in payload format 4 (a PIE).
    'pie_rela_vaddr': (304, '<Q'), 'pie_rela_count': (312, '<Q'),
    'pie_relro_vaddr': (320, '<Q'), 'pie_relro_memsz': (328, '<Q'),
    'pie_align': (352, '<Q'), 'pie_flags': (360, '<I'),
}
PAYLOAD_SIZE = 304
# struct mft: entries at 4, entries from 8, 104 bytes each, type at 68.
MFT_ENTRIES, MFT_E0, ENTRY_SIZE, ENTRY_TYPE = 4, 8, 104, 68


def die(msg):
    sys.exit('payload.py: ' + msg)


def check_layout():
    """FIELDS must agree with packed_layout.h's assertions."""
    text = open(PACKED_H).read()
    asserted = dict((m.group(1), int(m.group(2))) for m in re.finditer(
        r'offsetof\(struct nabla_payload,\s*(\w+)\)\s*==\s*(\d+)', text))
    if not re.search(r'sizeof\(struct nabla_pie\)\s*==\s*64', text):
        die('%s: struct nabla_pie is no longer 64 bytes: update payload.py'
            % PACKED_H)
    for name, off in asserted.items():
        if name not in FIELDS or FIELDS[name][0] != off:
            die('%s asserts %s at %d; FIELDS says %s: update payload.py' %
                (PACKED_H, name, off, FIELDS.get(name, ('nothing',))[0]))
    m = re.search(r'sizeof\(struct nabla_payload\)\s*==\s*(\d+)', text)
    if not m or int(m.group(1)) != PAYLOAD_SIZE:
        die('%s: struct nabla_payload is no longer %d bytes: update '
            'payload.py' % (PACKED_H, PAYLOAD_SIZE))


class Packed(ElfFile):
    def __init__(self, path):
        super().__init__(path, die)
        self.payload_ph = None
        for i in range(self.phnum):
            p = self.ph(i)
            if p[0] == PT_LOAD and p[3] == PAYLOAD_BASE:
                self.payload_ph = i
        if self.payload_ph is None:
            die('%s: no payload PT_LOAD' % path)
        if self.d[HEADER_OFFSET:HEADER_OFFSET + 8] != b'NABLAPK\0':
            die('%s: no payload magic at %#x' % (path, HEADER_OFFSET))

    def field(self, name, value=None):
        if name not in FIELDS:
            die('no field %s (fields: %s)' % (name, ' '.join(FIELDS)))
        off, fmt = FIELDS[name]
        if value is not None:
            struct.pack_into(fmt, self.d, HEADER_OFFSET + off, value)
        return struct.unpack_from(fmt, self.d, HEADER_OFFSET + off)[0]

    def mft_at(self):
        return HEADER_OFFSET + self.field('mft_offset')


def main():
    check_layout()
    if len(sys.argv) < 3:
        die('usage: payload.py FILE ACTION... (see the top of this file)')
    pk = Packed(sys.argv[1])
    changed = False
    for action, arg in actions(sys.argv[2:], die):
        if action == 'get':
            print(pk.field(arg()))
        elif action == 'set':
            name = arg()
            pk.field(name, number(arg()))
            changed = True
        elif action == 'mft-entries':
            struct.pack_into('<I', pk.d, pk.mft_at() + MFT_ENTRIES,
                             number(arg()))
            changed = True
        elif action == 'mft-entry-type':
            i, t = number(arg()), number(arg())
            struct.pack_into('<I', pk.d, pk.mft_at() + MFT_E0 +
                             i * ENTRY_SIZE + ENTRY_TYPE, t)
            changed = True
        elif action == 'grow-payload':
            p = pk.ph(pk.payload_ph)
            grow = number(arg())
            if p[2] + p[5] + grow > len(pk.d):
                die('the file is too small to grow the payload by %d' % grow)
            p[5] += grow
            p[6] = max(p[6], p[5])
            pk.set_ph(pk.payload_ph, p)
            print(p[5] - HEADER_OFFSET)
            changed = True
        elif action == 'overlap-loads':
            loads = [i for i in range(pk.phnum)
                     if pk.ph(i)[0] == PT_LOAD and pk.ph(i)[3] < STUB_BASE]
            if len(loads) < 2:
                die('fewer than two guest PT_LOADs')
            a, b = pk.ph(loads[0]), pk.ph(loads[1])
            # b moves onto a's first page (page offsets kept congruent).
            b[3] = b[4] = (a[3] & ~0xfff) | (b[2] & 0xfff)
            pk.set_ph(loads[1], b)
            changed = True
        elif action == 'move-load':
            loads = [i for i in range(pk.phnum)
                     if pk.ph(i)[0] == PT_LOAD and pk.ph(i)[3] < STUB_BASE]
            i, addr = number(arg()), number(arg())
            if i >= len(loads):
                die('no guest PT_LOAD %d (%d of them)' % (i, len(loads)))
            q = pk.ph(loads[i])
            q[3] = (addr & ~0xfff) | (q[3] & 0xfff)
            pk.set_ph(loads[i], q)
            changed = True
        elif action == 'flip':
            off = number(arg())
            if off >= len(pk.d):
                die('offset %d past the end of the file' % off)
            pk.d[off] ^= 0x5a
            changed = True
        elif action == 'pie-rela-offset':
            if pk.field('version') != 4:
                die('not a position-independent guest (payload format %d)'
                    % pk.field('version'))
            print(pk.file_offset(pk.field('pie_rela_vaddr') +
                                 24 * number(arg())))
        elif action == 'offsets':
            what = arg()
            p = pk.ph(pk.payload_ph)
            if what == 'payload-ends':
                print(HEADER_OFFSET)
                print(p[2] + p[5] - 1)
            elif what == 'load-ends':
                for i in range(pk.phnum):
                    q = pk.ph(i)
                    if q[0] == PT_LOAD and i != pk.payload_ph and q[5] > 0:
                        print(q[2] + q[5] - 1)
            else:
                die('offsets: payload-ends or load-ends, not %r' % what)
        else:
            die('unknown action %r' % action)
    if changed:
        pk.save()


if __name__ == '__main__':
    main()
