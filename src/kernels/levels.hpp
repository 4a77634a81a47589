// convt's own kernels, one set per level (isa.hpp), in one table (levels.cpp), the way
// XNNPACK keeps a gemm config per ISA: each level's GEMM tile fits its register file, and
// its routines are compiled for its instruction set (a target attribute per function, so
// nothing built for a higher level can run on a CPU without it). Everything that
// vectorizes goes through kernels(): the level is chosen once per process.
#pragma once

#include <cstdint>

#include "../activation.hpp"
#include "../isa.hpp"
#include "simd.hpp"

namespace convt_impl {

// The register tile of a level's GEMM kernel (kernels/gemm.hpp): A is packed in
// panels of `rows` rows (`tall_rows` where every matrix of a layer is deep, see
// kTallPanelDepth), a block of C is at most `max_rows` x `cols` and keeps its
// max_rows * cols / lanes accumulators in registers; cols is two vectors of the level.
struct GemmTile {
  int64_t rows, tall_rows, max_rows, cols;
};

// A zipping store for gemm_packed_zip2 (kernels/gemm.hpp).
struct Zip2Store {
  float* out = nullptr;
  int64_t ldo = 0, row_step = 0, width = 0;
};
struct DepthwiseGeometry;  // lowering/depthwise.cpp
struct DepthwiseRow;       // lowering/depthwise.cpp

// A level's bias_activate (below), for kernels that call it out of line.
using BiasActivateFn = void (*)(float* dst, const float* src, int64_t n, float bias,
                                const Activation& act);

// The routines every level provides; their contracts are in the headers named.
#define CONVT_LEVEL_KERNELS                                                                   \
  /* kernels/gemm.hpp */                                                                      \
  void gemm_packed(int64_t m, int64_t n, int64_t k, const float* a_packed, int64_t a_depth,  \
                   int64_t h, const float* const* b_rows, int64_t b_col0, float* c,           \
                   int64_t ldc, bool b_padded, const float* bias, const Activation* act);     \
  void gemm_packed_zip2(int64_t m, int64_t n, int64_t k, const float* a_packed,              \
                        int64_t a_depth, int64_t h, const float* const* b_rows,              \
                        const float* bias, const Activation* act, const Zip2Store& out);     \
  /* kernels/activation.hpp: dst[j] = act(src[j] + bias), j < n (dst may be src) */          \
  void bias_activate(float* dst, const float* src, int64_t n, float bias,                    \
                     const Activation& act);                                                  \
  /* kernels/transpose.cpp: dst[c*ld_dst + r] = act(src[r*ld_src + c] + bias[r]) */         \
  void transpose(const float* src, int64_t rows, int64_t cols, int64_t ld_src, float* dst,   \
                 int64_t ld_dst, const float* bias, const Activation* act);                 \
  /* lowering/subpixel/store.cpp */                                                           \
  void interleave_rows(float* out, int64_t out_plane, int64_t row_step, int64_t channels,    \
                       int64_t rows, int64_t out_w, int64_t pw, int64_t sw, const float* c,   \
                       const int64_t* at0, const int64_t* co_step, const int64_t* q_step,     \
                       const float* bias, const Activation& act);                             \
  /* lowering/depthwise.cpp */                                                                \
  void depthwise_plane(const DepthwiseGeometry& g, const float* const* slices,               \
                       const float* const* filters, int64_t count, int64_t kw_n, float b,     \
                       const Activation& act, float* out, float* acc);                       \
  void depthwise_row_channels_last(const DepthwiseRow& row, const Activation& act);

// Each level's tile (its kernels are compiled from these). The baseline's vector: SSE2's 4
// floats on x86-64 (in its ABI); one float on aarch64 (plain scalar code: a 4-float vector
// already is NEON, the level above); a generic 4-float vector elsewhere.
namespace baseline {
#if defined(__x86_64__)
#define CONVT_BASELINE_VEC Vec4
constexpr GemmTile kTile{6, 6, 6, 8};  // SSE2: 16 registers of 4 floats
#elif defined(__aarch64__)
#define CONVT_BASELINE_VEC Vec1
constexpr GemmTile kTile{6, 6, 6, 2};  // scalar: 12 of the 32 FP registers accumulate
#else
#define CONVT_BASELINE_VEC Vec4
constexpr GemmTile kTile{6, 6, 6, 8};
#endif
CONVT_LEVEL_KERNELS
}  // namespace baseline
#if defined(__x86_64__)
#define CONVT_HAVE_X86_LEVELS 1
namespace avx2 {
constexpr GemmTile kTile{6, 6, 6, 16};  // 16 ymm: 12 accumulators, 2 of B, 1 of A
CONVT_LEVEL_KERNELS
}  // namespace avx2
namespace avx512 {
constexpr GemmTile kTile{8, 12, 12, 32};  // 32 zmm: up to 24 accumulators
CONVT_LEVEL_KERNELS
}  // namespace avx512
#define CONVT_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define CONVT_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#elif defined(__aarch64__)
#define CONVT_HAVE_NEON_LEVEL 1
namespace neon {
constexpr GemmTile kTile{8, 12, 12, 8};  // 32 q registers: up to 24 accumulators
CONVT_LEVEL_KERNELS
}  // namespace neon
#endif

// Expands M(namespace, target attribute, register vector) once per level: how each kernel
// file defines its routines for every level from one template. (NEON needs no target
// attribute: ASIMD is in aarch64's base instruction set.)
#if CONVT_HAVE_X86_LEVELS
#define CONVT_FOR_EACH_LEVEL(M)                                                         \
  M(baseline, , CONVT_BASELINE_VEC) M(avx2, CONVT_TARGET_AVX2, Vec8)                    \
  M(avx512, CONVT_TARGET_AVX512, Vec16)
#elif CONVT_HAVE_NEON_LEVEL
#define CONVT_FOR_EACH_LEVEL(M) M(baseline, , CONVT_BASELINE_VEC) M(neon, , Vec4)
#else
#define CONVT_FOR_EACH_LEVEL(M) M(baseline, , CONVT_BASELINE_VEC)
#endif

struct KernelLevel {
  Isa isa;
  // Whether this level's kernels were timed against OpenBLAS on real hardware (README
  // "Performance"). The planner trusts only measured levels beyond the safe rules: neon has
  // run only under emulation so far.
  bool measured;
  GemmTile tile;
  decltype(&baseline::gemm_packed) gemm_packed;
  decltype(&baseline::gemm_packed_zip2) gemm_packed_zip2;
  decltype(&baseline::bias_activate) bias_activate;
  decltype(&baseline::transpose) transpose;
  decltype(&baseline::interleave_rows) interleave_rows;
  decltype(&baseline::depthwise_plane) depthwise_plane;
  decltype(&baseline::depthwise_row_channels_last) depthwise_row_channels_last;
};

// The kernels of the level in use (active_isa()).
const KernelLevel& kernels();
// The kernels of a given level (packing for a level, tests); that level must be one the
// CPU supports.
const KernelLevel& kernels_at(Isa isa);

// Whether convt's own GEMM kernel beats OpenBLAS at the level in use: at every measured level
// but the baseline (SSE2 on x86-64: no FMA, 4 lanes), where it runs well below OpenBLAS,
// which still dispatches to the CPU's best kernels (docs/performance.md, per level).
bool own_gemm_kernel_pays(const KernelLevel& level);
inline bool own_gemm_kernel_pays() { return own_gemm_kernel_pays(kernels()); }

// Whether OpenBLAS runs SSE-class kernels: an old CPU, or a new one its detection does not
// know (Debian 12's OpenBLAS 0.3.21 runs this project's Sapphire Rapids-class Xeon as
// "Prescott"). Read once from openblas_get_corename(); false on other architectures.
bool blas_is_sse_class();

}  // namespace convt_impl
