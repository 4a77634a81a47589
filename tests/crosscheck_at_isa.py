#!/usr/bin/python3
"""Run tools/crosscheck_torch.py at the kernel level CONVT_MAX_ISA names.

    CONVT_MAX_ISA=avx2 /usr/bin/python3 tests/crosscheck_at_isa.py \\
        tools/crosscheck_torch.py build/libconvt.so [cross-check arguments]

Loads the library as the cross-check does (ctypes.CDLL) and asks convt_cpu_isa(). When
CONVT_MAX_ISA names a level (avx512, avx2, baseline; any case) and the library runs another
one: exit 77 (ctest: skipped) if the CPU lacks that level according to /proc/cpuinfo (read
here, independently of the library), else exit 1. Otherwise the cross-check runs in this
process's place, with the same interpreter and environment (so the library it loads runs
the same level), and its exit status is this script's.
"""

import ctypes
import os
import platform
import sys

LEVELS = ["baseline", "avx2", "avx512"]


def cpu_best_level():
    """The best level this CPU has, from /proc/cpuinfo's flags (every processor's)."""
    if platform.machine().lower() not in ("x86_64", "amd64", "i386", "i686"):
        return "baseline", "not x86"
    common = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags") and ":" in line:
                    flags = set(line.split(":", 1)[1].split())
                    common = flags if common is None else common & flags
    except OSError:
        pass
    if common is None:
        return "baseline", "no flags in /proc/cpuinfo"
    if "avx2" in common and "fma" in common:
        return ("avx512" if "avx512f" in common else "avx2"), "/proc/cpuinfo"
    return "baseline", "/proc/cpuinfo"


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    script, library = sys.argv[1], sys.argv[2]
    cap = os.environ.get("CONVT_MAX_ISA")
    if cap is not None and cap.lower() in LEVELS:
        want = cap.lower()
        try:
            lib = ctypes.CDLL(library)
            lib.convt_cpu_isa.restype = ctypes.c_char_p
            lib.convt_cpu_isa.argtypes = []
            got = lib.convt_cpu_isa().decode()
        except (OSError, AttributeError) as e:
            print(f"crosscheck_at_isa: cannot load {library}: {e}")
            return 2
        if got != want:
            best, source = cpu_best_level()
            if LEVELS.index(best) < LEVELS.index(want):
                print(f"crosscheck_at_isa: SKIP: CONVT_MAX_ISA={cap}, but this CPU's best kernel "
                      f"level is {best} (from {source}); convt_cpu_isa() is {got}")
                return 77
            print(f"crosscheck_at_isa: FAIL: CONVT_MAX_ISA={cap} and this CPU has that level "
                  f"(best {best}, from {source}), but convt_cpu_isa() is {got}")
            return 1
        print(f"crosscheck_at_isa: convt_cpu_isa() is {got} (CONVT_MAX_ISA={cap})")
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, script] + sys.argv[2:])
    return 2  # not reached


if __name__ == "__main__":
    sys.exit(main())
