#include "levels.hpp"

#include <cblas.h>

#include <cstring>
#include <initializer_list>

namespace convt_impl {
namespace {

// The levels, in Isa order.
#define CONVT_LEVEL(isa, measured, ns)                                                    \
  KernelLevel {                                                                           \
    isa, measured, ns::kTile, ns::gemm_packed, ns::gemm_packed_zip2, ns::bias_activate, ns::transpose, \
        ns::interleave_rows, ns::depthwise_plane, ns::depthwise_row_channels_last                                                               \
  }
const KernelLevel kLevels[] = {
    CONVT_LEVEL(Isa::kBaseline, true, baseline),
#if CONVT_HAVE_X86_LEVELS
    CONVT_LEVEL(Isa::kAvx2, true, avx2),
    CONVT_LEVEL(Isa::kAvx512, true, avx512),
#elif CONVT_HAVE_NEON_LEVEL
    CONVT_LEVEL(Isa::kNeon, false, neon),
#endif
};
static_assert(sizeof kLevels / sizeof kLevels[0] == kIsaCount, "one entry per level, in order");
#undef CONVT_LEVEL
constexpr int kLevelCount = static_cast<int>(sizeof kLevels / sizeof kLevels[0]);

}  // namespace

const KernelLevel& kernels_at(Isa isa) {
  const int i = static_cast<int>(isa);
  return kLevels[i < kLevelCount ? i : 0];
}

const KernelLevel& kernels() {
  static const KernelLevel& level = kernels_at(active_isa());
  return level;
}

bool own_gemm_kernel_pays(const KernelLevel& level) {
  return level.isa != Isa::kBaseline && level.measured;
}

bool blas_is_sse_class() {
#if defined(__x86_64__)
  static const bool sse = [] {
    const char* core = openblas_get_corename();
    if (!core) return false;
    for (const char* old : {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom",
                            "Katmai", "Coppermine", "Northwood", "Banias", "Athlon", "Opteron",
                            "Opteron_SSE3", "Barcelona", "Bobcat", "Nano"})
      if (std::strcmp(core, old) == 0) return true;
    return false;
  }();
  return sse;
#else
  return false;
#endif
}

}  // namespace convt_impl
