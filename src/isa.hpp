// The kernel level a process runs: chosen once from the CPU's features (never its model)
// and capped by the environment variable CONVT_MAX_ISA.
#pragma once

namespace convt {

// In increasing order: a level runs on every CPU that has a higher one.
enum class Isa { kBaseline = 0, kAvx2 = 1, kAvx512 = 2 };
constexpr int kIsaCount = 3;

// "baseline", "avx2", "avx512".
const char* isa_name(Isa isa);
// The best level this CPU (and its operating system) supports: avx512 needs AVX-512F (with
// AVX2 and FMA), avx2 needs AVX2 and FMA, baseline is what the compiler targets without
// extra flags (SSE2 on x86-64; the only level on other architectures).
Isa cpu_best_isa();
// The level in use: cpu_best_isa() capped by CONVT_MAX_ISA (avx512, avx2 or baseline, any
// case; other values are ignored). Decided on the first call, fixed for the process.
Isa active_isa();

}  // namespace convt
