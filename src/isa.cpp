#include "isa.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace convt_impl {
namespace {

bool parse_isa(const char* text, Isa* isa) {
  if (!text) return false;
  std::string s(text);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int i = 0; i < kIsaCount; ++i)
    if (s == isa_name(static_cast<Isa>(i))) {
      *isa = static_cast<Isa>(i);
      return true;
    }
  return false;
}

Isa decide_isa() {
  Isa isa = cpu_best_isa();
  Isa cap;
  if (parse_isa(std::getenv("CONVT_MAX_ISA"), &cap)) isa = std::min(isa, cap);
  return isa;
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
#if defined(__aarch64__)
    case Isa::kNeon: return "neon";
#elif defined(__x86_64__)
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx2: return "avx2";
#endif
    default: return "baseline";
  }
}

Isa cpu_best_isa() {
#if defined(__x86_64__) && defined(__GNUC__)
  // Feature bits (cpuid, and XGETBV for the operating system's register state), as
  // libgcc's or compiler-rt's resolver reads them.
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2 && __builtin_cpu_supports("avx512f")) return Isa::kAvx512;
  if (avx2) return Isa::kAvx2;
#elif defined(__aarch64__) && defined(__linux__)
  if (getauxval(AT_HWCAP) & HWCAP_ASIMD) return Isa::kNeon;
#elif defined(__aarch64__)
  return Isa::kNeon;  // ASIMD is part of the architecture's base profile
#endif
  return Isa::kBaseline;
}

Isa active_isa() {
  static const Isa isa = decide_isa();  // thread-safe initialization
  return isa;
}

}  // namespace convt_impl
