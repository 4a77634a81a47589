#include "isa.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

namespace convt {
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
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx2: return "avx2";
    default: return "baseline";
  }
}

Isa cpu_best_isa() {
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
  // Feature bits (cpuid, and XGETBV for the operating system's register state), as
  // libgcc's or compiler-rt's resolver reads them.
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2 && __builtin_cpu_supports("avx512f")) return Isa::kAvx512;
  if (avx2) return Isa::kAvx2;
#endif
  return Isa::kBaseline;
}

Isa active_isa() {
  static const Isa isa = decide_isa();  // thread-safe initialization
  return isa;
}

}  // namespace convt
