#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses into tests/fuzz/corpus/.

    tests/fuzz/gen-seeds.py [--build DIR]

corpus/elf       small hand-made guest ELFs (valid ones and one of each kind
                 of refusal) and, with --build, a few built guests from DIR
                 (default build), whole and stripped
corpus/manifest  manifest.json files (the examples', the test guests' and
                 variants) and binary MFT1 descriptors for manifest_check()
corpus/options   inputs of fuzz_options (see the layout in fuzz_options.c)

Run from anywhere; it overwrites the files it writes and nothing else.
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")

# --- include/nabla/abi.h --------------------------------------------------
ABI1, MFT1 = 0x31494241, 0x3154464D
SPT, SPT_VERSION = 2, 2
MFT_BLOCK, MFT_NET, MFT_RESERVED = 1, 2, 1 << 30
ENTRY_SIZE, NAME_SIZE = 104, 68

PT_LOAD, PT_INTERP, PT_NOTE, PT_DYNAMIC, PT_TLS = 1, 3, 4, 2, 7
PT_GNU_STACK = 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4
BASE = 0x100000


def write(sub, name, data):
    d = os.path.join(CORPUS, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def align(n, a):
    return (n + a - 1) & ~(a - 1)


def mft(devices, version=1, entries=None, entry0=(b"", MFT_RESERVED)):
    """An MFT1 descriptor: devices is a list of (name bytes, type)."""
    rows = [entry0] + list(devices)
    out = struct.pack("<II", version, len(rows) if entries is None else entries)
    for name, typ in rows:
        e = bytearray(ENTRY_SIZE)
        e[: len(name)] = name[:NAME_SIZE]
        struct.pack_into("<I", e, 68, typ)
        out += bytes(e)
    return out


def note(name, typ, desc, a):
    n = struct.pack("<III", len(name), len(desc), typ) + name
    n += b"\0" * (align(len(n), a) - len(n)) + desc
    return n + b"\0" * (align(len(n), a) - len(n))


def abi_note(target=SPT, version=SPT_VERSION, a=4):
    return note(b"Solo5\0", ABI1, struct.pack("<IIII", target, version, 0, 0), a)


def mft_note(desc):
    # As Solo5 writes it: 4 bytes of padding begin the descriptor.
    return note(b"Solo5\0", MFT1, b"\0" * 4 + desc, 4)


class Elf:
    """A guest ELF: code at BASE, notes in the same R+X segment."""

    def __init__(self, devices=((b"storage", MFT_BLOCK), (b"service", MFT_NET))):
        self.e_type = 2  # ET_EXEC
        self.machine = 62  # EM_X86_64
        self.notes = [(abi_note(), 4), (mft_note(mft(devices)), 4)]
        self.interp = None
        self.extra_phdrs = []  # (type, flags, offset, vaddr, filesz, memsz, align)
        self.bss = True
        self.symbols = False
        self.code_flags = PF_R | PF_X
        self.entry_off = 0x80

    def build(self):
        nph = 2 + len(self.notes) + (1 if self.interp else 0) + \
            len(self.extra_phdrs) + (1 if self.bss else 0)
        body = bytearray(64 + 56 * nph)
        body += b"\xf4" * (align(len(body), 16) + 0x40 - len(body))  # hlt
        phdrs = []
        code_end = None
        if self.interp:
            off = len(body)
            body += self.interp
            phdrs.append((PT_INTERP, PF_R, off, BASE + off, len(self.interp),
                          len(self.interp), 1))
        for data, a in self.notes:
            body += b"\0" * (align(len(body), 8) - len(body))
            off = len(body)
            body += data
            phdrs.append((PT_NOTE, PF_R, off, BASE + off, len(data), len(data), a))
        shoff = 0
        sh = b""
        if self.symbols:
            body += b"\0" * (align(len(body), 8) - len(body))
            strtab = b"\0_start\0solo5_app_main\0"
            symoff = len(body)
            body += bytes(24)
            body += struct.pack("<IBBHQQ", 1, 0x12, 0, 1, BASE + self.entry_off, 4)
            body += struct.pack("<IBBHQQ", 8, 0x12, 0, 1, BASE + 0x90, 4)
            stroff = len(body)
            body += strtab
            body += b"\0" * (align(len(body), 8) - len(body))
            shoff = len(body)
            sh = bytes(64)
            sh += struct.pack("<IIQQQQIIQQ", 0, 2, 0, 0, symoff, 72, 2, 1, 8, 24)
            sh += struct.pack("<IIQQQQIIQQ", 0, 3, 0, 0, stroff, len(strtab), 0, 0, 1, 0)
            body += sh
        code_end = len(body)
        phdrs.insert(0, (PT_LOAD, self.code_flags, 0, BASE, code_end, code_end, 0x1000))
        if self.bss:
            phdrs.append((PT_LOAD, PF_R | PF_W, 0, BASE + 0x10000, 0, 0x2000, 0x1000))
        phdrs += self.extra_phdrs
        phdrs.append((PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 8))
        assert len(phdrs) == nph
        eh = struct.pack("<16sHHIQQQIHHHHHH",
                         b"\x7fELF\x02\x01\x01" + bytes(9), self.e_type,
                         self.machine, 1, BASE + self.entry_off, 64, shoff, 0,
                         64, 56, nph, 64 if self.symbols else 0,
                         3 if self.symbols else 0, 0)
        body[:64] = eh
        for i, (t, fl, off, va, fs, ms, al) in enumerate(phdrs):
            struct.pack_into("<IIQQQQQQ", body, 64 + 56 * i, t, fl, off, va, va,
                             fs, ms, al)
        return bytes(body)


def elf_seeds():
    write("elf", "tiny-valid", Elf().build())
    e = Elf(())
    e.bss = False
    write("elf", "tiny-valid-nodevices", e.build())
    e = Elf()
    e.interp = b"/nonexistent/solo5/\0"
    e.symbols = True
    write("elf", "tiny-valid-interp-symbols", e.build())
    e = Elf([(b"d%d" % i, MFT_BLOCK if i % 2 else MFT_NET) for i in range(1, 64)])
    write("elf", "tiny-valid-63devices", e.build())
    e = Elf()  # both notes in one PT_NOTE
    e.notes = [(abi_note() + mft_note(mft([(b"storage", MFT_BLOCK)])), 4)]
    write("elf", "tiny-valid-onenote", e.build())
    e = Elf()
    e.extra_phdrs = [(PT_TLS, PF_R, 0, 0, 0, 0, 8)]
    write("elf", "tiny-valid-tls", e.build())
    # One of each refusal.
    e = Elf()
    e.e_type = 3
    write("elf", "bad-dyn", e.build())
    e = Elf()
    e.code_flags = PF_R | PF_W | PF_X
    write("elf", "bad-wx", e.build())
    e = Elf()
    e.entry_off = 0x20000
    write("elf", "bad-entry", e.build())
    e = Elf()
    e.interp = b"/lib64/ld-linux-x86-64.so.2\0"
    write("elf", "bad-interp", e.build())
    e = Elf()
    e.notes.append((abi_note(), 4))
    write("elf", "bad-two-abi", e.build())
    e = Elf()
    e.notes[0] = (abi_note(target=1), 4)
    write("elf", "bad-hvt", e.build())
    e = Elf()
    e.notes[1] = (mft_note(mft([(b"a", MFT_BLOCK), (b"a", MFT_NET)])), 4)
    write("elf", "bad-dup-device", e.build())
    e = Elf()
    e.extra_phdrs = [(PT_LOAD, PF_R, 0, BASE, 0x100, 0x100, 0x1000)]
    write("elf", "bad-overlap", e.build())
    e = Elf()
    e.extra_phdrs = [(PT_DYNAMIC, PF_R, 0, 0, 0, 0, 8)]
    write("elf", "bad-dynamic", e.build())
    e = Elf()
    e.extra_phdrs = [(PT_LOAD, PF_R, 0, 0x7f000000, 0, 0x1000, 0x1000)]
    write("elf", "bad-above-mem", e.build())
    e = Elf()
    e.machine = 183
    write("elf", "bad-aarch64", e.build())
    write("elf", "bad-truncated", Elf().build()[:100])


def copy_guests(build):
    """A few built guests, whole and stripped (small seeds, same layout)."""
    whole = ["examples/hello/hello.spt", "tests/guests/blk63.spt",
             "tests/guests/netecho2.spt", "tests/guests/tls.spt"]
    stripped = whole + ["examples/blkcount/blkcount.spt",
                        "examples/netecho/netecho.spt",
                        "tests/guests/globals.spt", "tests/guests/execdata.spt"]
    for rel in whole:
        src = os.path.join(build, rel)
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(CORPUS, "elf", os.path.basename(rel)))
    for rel in stripped:
        src = os.path.join(build, rel)
        if os.path.exists(src):
            dst = os.path.join(CORPUS, "elf", os.path.basename(rel) + ".stripped")
            subprocess.run(["strip", "-s", "-o", dst, src], check=True)
            os.chmod(dst, 0o644)


def manifest_seeds():
    for rel in ["examples/hello/manifest.json", "examples/blkcount/manifest.json",
                "examples/netecho/manifest.json", "tests/guests/blk63.json",
                "tests/guests/netecho2.json"]:
        name = rel.replace("/", "-").replace("examples-", "").replace("tests-guests-", "guest-")
        shutil.copyfile(os.path.join(ROOT, rel), os.path.join(CORPUS, "manifest", name))

    def js(devs, extra="", typ='"solo5.manifest"', version="1"):
        d = ",\n        ".join('{ "name": %s, "type": %s }' % x for x in devs)
        return ('{\n    "type": %s,\n    "version": %s,%s\n    "devices": [\n        %s\n    ]\n}\n'
                % (typ, version, extra, d))

    B, N = '"BLOCK_BASIC"', '"NET_BASIC"'
    variants = {
        "two.json": js([('"storage"', B), ('"service"', N)]),
        "name67.json": js([('"%s"' % ("a" * 67), B)]),
        "name68.json": js([('"%s"' % ("a" * 68), B)]),
        "dup.json": js([('"x"', B), ('"x"', N)]),
        "badtype.json": js([('"x"', '"CHAR_BASIC"')]),
        "nulname.json": js([('"x\\u0000y"', B)]),
        "nultype.json": js([('"x"', '"NET_BASIC\\u0000"')]),
        "badchars.json": js([('"x-y"', B)]),
        "emptyname.json": js([('""', B)]),
        "unknownkey.json": js([('"x"', B)], extra='\n    "extra": true,'),
        "version2.json": js([], version="2"),
        "version-double.json": js([], version="1.0"),
        "wrongdoc.json": js([], typ='"solo5.other"'),
        "64devices.json": js([('"d%d"' % i, B) for i in range(1, 65)]),
        "notobject.json": '[1, 2, 3]\n',
        "trailing.json": js([]) + "{}\n",
        "truncated.json": js([('"x"', B)])[:40],
        "empty.json": "",
        "devices-object.json": '{"type": "solo5.manifest", "version": 1, "devices": {}}',
        "device-not-object.json": '{"type": "solo5.manifest", "version": 1, "devices": ["x"]}',
        "utf8.json": js([('"caf\u00e9"', B)]),
        "comment.json": '/* c */ {"type": "solo5.manifest", "version": 1, "devices": []}',
    }
    for name, text in variants.items():
        write("manifest", name, text)
    write("manifest", "badutf8.json", b'{"type": "solo5.\xff", "version": 1, "devices": []}')
    write("manifest", "nulbyte.json", b'{"type": "solo5.manifest", "version": 1, "devices": []}\0x')
    # Binary MFT1 descriptors, for manifest_check().
    write("manifest", "mft-none.bin", mft([]))
    write("manifest", "mft-two.bin", mft([(b"storage", MFT_BLOCK), (b"service", MFT_NET)]))
    write("manifest", "mft-63.bin",
          mft([(b"d%d" % i, MFT_BLOCK) for i in range(1, 64)]))
    write("manifest", "mft-name67.bin", mft([(b"a" * 67, MFT_NET)]))
    write("manifest", "mft-unterminated.bin", mft([(b"a" * 68, MFT_NET)]))
    write("manifest", "mft-dup.bin", mft([(b"a", MFT_NET), (b"a", MFT_BLOCK)]))
    write("manifest", "mft-badentry0.bin", mft([], entry0=(b"x", MFT_RESERVED)))
    write("manifest", "mft-toomany.bin", mft([], entries=65))
    write("manifest", "mft-short.bin", mft([(b"a", MFT_NET)])[:-1])


# The harness's longest device names are "a" and "b" followed by this.
TAIL66 = "234567890123456789012345678901234567890123456789012345678901234567"


def options_seeds():
    # Header: manifest, number of default options, number of default
    # arguments (as digits); then NUL-separated strings.
    seeds = {
        "empty": "000",
        "args": "000hello\0world",
        "block": "100--block:storage=disk.img\0x",
        "net-dashdash": "200--net:service=tap0\0--\0--foo",
        "all": "300--mem=64\0--block:storage=/tmp/disk\0--net:service=@3\0"
               "--net-mac:service=02:00:00:00:00:01\0"
               "--block-sector-size:storage=4096\0arg",
        "default-override": "110--block:storage=blkcount.img\0--block:storage=other.img",
        "default-twice": "120--block:storage=a\0--block:storage=b\0x",
        "cmdline-twice": "100--block:storage=a\0--block:storage=b",
        "wrong-type": "100--net:storage=x",
        "undeclared": "100--block:disk=x",
        "malformed": "100--block:storage\0--block:=x\0--block:storage=",
        "mem-max": "800--mem=520192",
        "mem-bad": "000--mem=0\0--mem=abc\0--mem=99999999999999999999",
        "help": "000--help",
        "help-defaults": "312--net:service=tap0\0a\0b\0--help",
        "version": "000--version\0-h",
        "solo5": "000--solo5:quiet\0x",
        "unknown": "000--unknown",
        "unknown-default": "010--bogus",
        "default-args": "002hello\0world",
        "default-args-override": "012--mem=32\0x\0y\0--mem=64\0--\0z",
        "prefixes": "400--block:a=x\0--net:ab=y\0--block:abc=z\0--net:A=w\0"
                    "--net-mac:A=aa:bb:cc:dd:ee:ff",
        "long-names": "500--block:a" + TAIL66 + "=x\0--net:b" + TAIL66 + "=y\0"
                      "--block:a" + TAIL66 + "7=z",
        "max": "700--block:d1=x\0--net:d2=@0\0--block:d63=z\0--block-sector-size:d3=512\0"
               "--net-mac:d62=02:00:00:00:00:00",
        "several": "600--net:net0=@0\0--net-mac:net1=01:00:00:00:00:00\0"
                   "--block:disk0=rel/path\0--block-sector-size:disk1=65536",
        "sector-defaults": "620--block-sector-size:disk0=1024\0--block:disk1=img\0--net:net0=tap9",
        "user-forwards": "610--net:net0=user\0--net-forward:net0=tcp:8080:80,"
                         "udp:127.0.0.1:5353:53,tcp:10.1.2.3:1:65535\0"
                         "--net-forward:net1=tcp:80,tcp:8081:80,tcp:8081:81",
        # Five and six fields; a port on every address and on one address;
        # port 0 (tests/mutate/mutants: netforward-*).
        "user-forwards-bad": "610--net:net0=user\0"
                             "--net-forward:net0=tcp:127.0.0.1:8080:80:1\0"
                             "--net-forward:net1=udp:1:2:3:4:5:6",
        "user-forwards-clash": "610--net:net0=user\0"
                               "--net-forward:net0=tcp:8081:80,tcp:127.0.0.1:8081:81\0"
                               "--net-forward:net1=udp:0:7",
    }
    for name, text in seeds.items():
        write("options", name, text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"),
                    help="build directory with the guests to copy")
    args = ap.parse_args()
    elf_seeds()
    copy_guests(args.build)
    manifest_seeds()
    options_seeds()
    return 0


if __name__ == "__main__":
    sys.exit(main())
