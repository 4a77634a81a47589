// The kernel level a test process runs at (convt_cpu_isa(), include/convt/convt.h), checked
// against the CPU's features as /proc/cpuinfo lists them, read here independently of the
// library's own detection (src/isa.cpp asks cpuid).
//
// isa_guard() is what the test mains call first: a run asked for with CONVT_MAX_ISA=<level>
// (the ctest entries *_isa_avx2, *_isa_baseline) must run at that level, or be skipped
// (exit code 77) when the CPU lacks it, never silently run at a lower one.
#pragma once

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include "convt/convt.h"

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace test {

// convt's levels on this architecture in increasing order (src/isa.hpp); -1 for any other
// name.
inline int isa_rank(const std::string& name) {
  if (name == "baseline") return 0;
#if defined(__x86_64__)
  if (name == "avx2") return 1;
  if (name == "avx512") return 2;
#elif defined(__aarch64__)
  if (name == "neon") return 1;
#endif
  return -1;
}

inline std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct CpuLevel {
  std::string best;    // "avx512", "avx2", "neon" or "baseline"
  std::string source;  // where it was read, for messages
};

// The flags that every processor in /proc/cpuinfo lists on its `key` line ("flags" on x86,
// "Features" on aarch64), into *common; false when there is no such line.
inline bool cpuinfo_common_flags(const std::string& key, std::set<std::string>* common) {
  std::ifstream in("/proc/cpuinfo");
  bool seen = false;
  for (std::string line; std::getline(in, line);) {
    if (line.compare(0, key.size(), key) != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream words(line.substr(colon + 1));
    std::set<std::string> flags;
    for (std::string w; words >> w;) flags.insert(w);
    if (!seen) {
      *common = flags;
    } else {
      for (auto it = common->begin(); it != common->end();)
        it = flags.count(*it) ? std::next(it) : common->erase(it);
    }
    seen = true;
  }
  return seen;
}

// The best level this CPU has: avx512 needs avx512f, avx2 and fma; avx2 needs avx2 and fma
// (x86-64); neon needs asimd (aarch64); other architectures are baseline. A flag counts only
// if every processor listed in /proc/cpuinfo has it. (The kernel lists avx2 / avx512f only
// when the operating system saves their registers, as the library's XGETBV check requires.)
inline CpuLevel cpu_level_from_cpuinfo() {
  std::set<std::string> flags;
#if defined(__aarch64__)
  // Under qemu-user /proc/cpuinfo is the host's (no Features line): then the kernel's
  // hardware capabilities, which qemu emulates.
  if (cpuinfo_common_flags("Features", &flags))
    return {flags.count("asimd") ? "neon" : "baseline", "/proc/cpuinfo"};
  return {(getauxval(AT_HWCAP) & HWCAP_ASIMD) ? "neon" : "baseline",
          "getauxval(AT_HWCAP) (no Features in /proc/cpuinfo)"};
#elif defined(__x86_64__)
  bool avx2, fma, avx512f;
  const char* source = "/proc/cpuinfo";
  if (cpuinfo_common_flags("flags", &flags)) {
    avx2 = flags.count("avx2");
    fma = flags.count("fma");
    avx512f = flags.count("avx512f");
  } else {
#if defined(__GNUC__)
    // No /proc/cpuinfo (not Linux, or a sandbox without /proc): cpuid, as the library reads it.
    __builtin_cpu_init();
    avx2 = __builtin_cpu_supports("avx2");
    fma = __builtin_cpu_supports("fma");
    avx512f = __builtin_cpu_supports("avx512f");
    source = "__builtin_cpu_supports (no flags in /proc/cpuinfo)";
#else
    avx2 = fma = avx512f = false;
    source = "nothing (no flags in /proc/cpuinfo)";
#endif
  }
  return {avx2 && fma ? (avx512f ? "avx512" : "avx2") : "baseline", source};
#else
  return {"baseline", "neither x86-64 nor aarch64"};
#endif
}

// What convt_cpu_isa() must say: the CPU's best level, capped by CONVT_MAX_ISA when that
// names a level (any case); other values are ignored.
inline std::string expected_isa(const CpuLevel& cpu, const char* cap) {
  const int cap_rank = cap ? isa_rank(lowercase(cap)) : -1;
  if (cap_rank >= 0 && cap_rank < isa_rank(cpu.best)) return lowercase(cap);
  return cpu.best;
}

// Catch2's listing options: catch_discover_tests runs the binary with --list-test-names-only
// at build time, whatever CONVT_MAX_ISA says, and must not be skipped.
inline bool catch_listing_only(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.compare(0, 6, "--list") == 0 || a == "-l" || a == "-t" || a == "-h" || a == "-?" ||
        a == "--help")
      return true;
  }
  return false;
}

// -1: go on. Otherwise the exit code: 77 (skipped) when CONVT_MAX_ISA names a level this CPU
// does not have (the library then runs a lower one), 1 when the library does not run the
// level CONVT_MAX_ISA names although the CPU has it.
inline int isa_guard(const char* program) {
  const char* cap = std::getenv("CONVT_MAX_ISA");
  if (!cap) return -1;
  const std::string want = lowercase(cap);
  if (isa_rank(want) < 0) return -1;  // not a level: the library ignores it
  const std::string got = convt_cpu_isa();
  if (got == want) return -1;
  const CpuLevel cpu = cpu_level_from_cpuinfo();
  if (isa_rank(cpu.best) < isa_rank(want)) {
    std::fprintf(stderr,
                 "%s: SKIP: CONVT_MAX_ISA=%s, but this CPU's best kernel level is %s (from %s); "
                 "convt_cpu_isa() is %s\n",
                 program, cap, cpu.best.c_str(), cpu.source.c_str(), got.c_str());
    return 77;
  }
  std::fprintf(stderr,
               "%s: FAIL: CONVT_MAX_ISA=%s and this CPU has that level (best %s, from %s), but "
               "convt_cpu_isa() is %s\n",
               program, cap, cpu.best.c_str(), cpu.source.c_str(), got.c_str());
  return 1;
}

}  // namespace test
