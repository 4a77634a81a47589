#include "gemm_kernel.hpp"

#include "../cpu_dispatch.hpp"

#include <algorithm>
#include <cstring>

namespace convt {
namespace {

typedef float Vec16 __attribute__((vector_size(64)));
// The same, for loads and stores at any float-aligned address.
typedef float Vec16u __attribute__((vector_size(64), aligned(4)));
constexpr int64_t NR = 32;  // two Vec16

// One R x 32 block of C over the whole depth k, from a packed A panel (k x h, h >= R) and
// B's rows (row kk starts at b_rows[kk] + j). `cols` < 32 only at the right edge, where
// B's columns are copied into a zero-padded row first (unless the caller says B's rows may
// be read past n). R x 2 accumulators are never addressed, so they stay in registers
// (AVX-512: up to 24 of the 32, plus two B vectors and a broadcast A value).
template <int R>
__attribute__((always_inline)) inline void block(int64_t k, const float* a, int64_t h,
                                                 const float* const* b_rows, int64_t j,
                                                 float* c, int64_t ldc, int64_t cols,
                                                 bool over_read) {
  Vec16 acc[R][2];
  for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = Vec16{};
  float edge[NR];
  for (int64_t kk = 0; kk < k; ++kk, a += h) {
    const float* b = b_rows[kk] + j;
    Vec16 b0, b1;
    if (cols == NR || over_read) {
      b0 = *reinterpret_cast<const Vec16u*>(b);
      b1 = *reinterpret_cast<const Vec16u*>(b + 16);
    } else {
      for (int64_t q = 0; q < NR; ++q) edge[q] = q < cols ? b[q] : 0.0f;
      b0 = *reinterpret_cast<const Vec16u*>(edge);
      b1 = *reinterpret_cast<const Vec16u*>(edge + 16);
    }
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) {
      acc[r][0] += a[r] * b0;
      acc[r][1] += a[r] * b1;
    }
  }
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) {
    float* dst = c + r * ldc;
    if (cols == NR) {
      *reinterpret_cast<Vec16u*>(dst) = acc[r][0];
      *reinterpret_cast<Vec16u*>(dst + 16) = acc[r][1];
    } else {
      float tile[NR];
      *reinterpret_cast<Vec16u*>(tile) = acc[r][0];
      *reinterpret_cast<Vec16u*>(tile + 16) = acc[r][1];
      for (int64_t q = 0; q < cols; ++q) dst[q] = tile[q];
    }
  }
}

// A block of exactly `rows` rows of a panel: no multiplications spent on padding rows.
__attribute__((always_inline)) inline void block_rows(int64_t rows, int64_t k, const float* a,
                                                      int64_t h, const float* const* b_rows,
                                                      int64_t j, float* c, int64_t ldc,
                                                      int64_t cols, bool over_read) {
#define CONVT_BLOCK(R) \
  case R:              \
    return block<R>(k, a, h, b_rows, j, c, ldc, cols, over_read);
  switch (rows) {
    CONVT_BLOCK(1) CONVT_BLOCK(2) CONVT_BLOCK(3) CONVT_BLOCK(4) CONVT_BLOCK(5) CONVT_BLOCK(6)
    CONVT_BLOCK(7) CONVT_BLOCK(9) CONVT_BLOCK(10) CONVT_BLOCK(11) CONVT_BLOCK(12)
    default: return block<8>(k, a, h, b_rows, j, c, ldc, cols, over_read);
  }
#undef CONVT_BLOCK
}

}  // namespace

void pack_a(int64_t m, int64_t k, const float* a, int64_t lda, float* packed) {
  const int64_t h = panel_rows(m);
  for (int64_t i0 = 0; i0 < m; i0 += h)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t r = 0; r < h; ++r)
        *packed++ = i0 + r < m ? a[(i0 + r) * lda + kk] : 0.0f;
}

CONVT_TARGET_CLONES("avx512f", "arch=haswell", "default")
void gemm_packed(int64_t m, int64_t n, int64_t k, const float* a_packed, int64_t packed_rows,
                 const float* const* b_rows, float* c, int64_t ldc, bool b_padded) {
  // Columns in blocks whose slice of B (k x nb) stays in the core's L2 while every panel of
  // A passes over it; each A panel (k x h) is reused across the block's 32-column strips.
  // (Copying B's strips into contiguous panels first measured slower here.)
  const int64_t h = panel_rows(packed_rows);
  const int64_t nb = std::max<int64_t>(NR, (256 * 1024 / (std::max<int64_t>(k, 1) * 4)) / NR * NR);
  for (int64_t j0 = 0; j0 < n; j0 += nb) {
    const int64_t j1 = std::min(n, j0 + nb);
    for (int64_t i0 = 0; i0 < m; i0 += h) {
      const float* a = a_packed + i0 * k;
      const int64_t rows = std::min(h, m - i0);
      for (int64_t j = j0; j < j1; j += NR)
        block_rows(rows, k, a, h, b_rows, j, c + i0 * ldc + j, ldc, std::min(NR, j1 - j),
                   b_padded);
    }
  }
}

}  // namespace convt
