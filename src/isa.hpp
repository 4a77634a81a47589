// The kernel level a process runs: chosen once from the CPU's features (never its model)
// and capped by the environment variable CONVT_MAX_ISA.
#pragma once

namespace convt_impl {

// Each architecture's levels, in increasing order: a level runs on every CPU that has a
// higher one. The baseline is the compiler's portable code: SSE2 vectors on x86-64 (its
// ABI's minimum), plain scalar C++ on aarch64, generic 4-float vectors elsewhere.
#if defined(__aarch64__)
enum class Isa { kBaseline = 0, kNeon = 1 };
constexpr int kIsaCount = 2;
#elif defined(__x86_64__)
enum class Isa { kBaseline = 0, kAvx2 = 1, kAvx512 = 2 };
constexpr int kIsaCount = 3;
#else
enum class Isa { kBaseline = 0 };
constexpr int kIsaCount = 1;
#endif

// "baseline", "avx2", "avx512", "neon".
const char* isa_name(Isa isa);
// The best level this CPU (and its operating system) supports. x86-64: avx512 needs
// AVX-512F (with AVX2 and FMA), avx2 needs AVX2 and FMA. aarch64: neon needs ASIMD (every
// arm64 CPU has it; read from the kernel's hardware capabilities all the same).
Isa cpu_best_isa();
// The level in use: cpu_best_isa() capped by CONVT_MAX_ISA (a level of this architecture,
// any case; other values are ignored). Decided on the first call, fixed for the process.
Isa active_isa();

}  // namespace convt_impl
