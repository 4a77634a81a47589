#include "gemm_kernel.hpp"

#include "../cpu_dispatch.hpp"

#include <algorithm>
#include <cstring>

namespace convt {
namespace {

typedef float Vec16 __attribute__((vector_size(64)));
// The same, for loads and stores at any float-aligned address.
typedef float Vec16u __attribute__((vector_size(64), aligned(4)));
constexpr int64_t NR = 32;  // columns per block: two Vec16 (one at the right edge)
// How far ahead of its reads a block prefetches A (4 KB: 128 steps of an 8-row panel).
// A large layer's packed weights come from L3 or memory, each panel for a few strips only
// (dcgan_g2: 8 MB of weights, 32-64 columns per item); the hardware prefetcher alone left
// the kernel at 110-140 GFLOP/s there against 250 with A in cache, this at 207-242.
constexpr int64_t kPrefetchFloats = 1024;

// One R x (16 V) block of C over the whole depth k (V = 1 or 2 vectors of 16 columns), from
// a packed A panel (k x h, h >= R) and B's rows (row kk starts at b_rows[kk] + j), each row r
// of the block starting from bias[r] (0 without a bias). `cols` <
// 16 V only at the right edge, where B's columns are copied into a zero-padded row first
// (unless the caller says B's rows may be read past n). The R x V accumulators are never
// addressed, so they stay in registers (AVX-512: up to 24 of the 32, plus two B vectors and
// a broadcast A value).
// Zip: rows 2i and 2i + 1 of the block are zipped (first[0], second[0], first[1], ...)
// into row i of the destination, 2 x 32 values (only R even, 32 columns).
template <int R, int V, bool Zip = false>
__attribute__((always_inline)) inline void block(int64_t k, const float* a, int64_t h,
                                                 const float* const* b_rows, int64_t j,
                                                 float* c, int64_t ldc, int64_t cols,
                                                 bool over_read, const float* bias) {
  constexpr int64_t W = 16 * V;
  Vec16 acc[R][V];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) acc[r][v] = Vec16{} + (bias ? bias[r] : 0.0f);
  float edge[W];
  for (int64_t kk = 0; kk < k; ++kk, a += h) {
    __builtin_prefetch(a + kPrefetchFloats);
    const float* b = b_rows[kk] + j;
    Vec16 bv[V];
    if (cols == W || over_read) {
      for (int v = 0; v < V; ++v) bv[v] = *reinterpret_cast<const Vec16u*>(b + 16 * v);
    } else {
      for (int64_t q = 0; q < W; ++q) edge[q] = q < cols ? b[q] : 0.0f;
      for (int v = 0; v < V; ++v) bv[v] = *reinterpret_cast<const Vec16u*>(edge + 16 * v);
    }
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < V; ++v) acc[r][v] += a[r] * bv[v];
  }
  if constexpr (Zip) {
    if constexpr (R % 2 == 0 && V == 2) {
#pragma GCC unroll 6
      for (int r = 0; r < R; r += 2) {
        float* dst = c + r / 2 * ldc;
        for (int v = 0; v < V; ++v) {
          const Vec16 lo = __builtin_shufflevector(acc[r][v], acc[r + 1][v], 0, 16, 1, 17, 2,
                                                   18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
          const Vec16 hi = __builtin_shufflevector(acc[r][v], acc[r + 1][v], 8, 24, 9, 25, 10,
                                                   26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
          *reinterpret_cast<Vec16u*>(dst + 32 * v) = lo;
          *reinterpret_cast<Vec16u*>(dst + 32 * v + 16) = hi;
        }
      }
    }
    return;
  }
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) {
    float* dst = c + r * ldc;
    if (cols == W) {
      for (int v = 0; v < V; ++v) *reinterpret_cast<Vec16u*>(dst + 16 * v) = acc[r][v];
    } else {
      float tile[W];
      for (int v = 0; v < V; ++v) *reinterpret_cast<Vec16u*>(tile + 16 * v) = acc[r][v];
      for (int64_t q = 0; q < cols; ++q) dst[q] = tile[q];
    }
  }
}

// A block of exactly `rows` rows of a panel (no multiplications spent on padding rows), one
// vector wide where at most 16 columns are left.
template <int V, bool Zip = false>
__attribute__((always_inline)) inline void block_rows(int64_t rows, int64_t k, const float* a,
                                                      int64_t h, const float* const* b_rows,
                                                      int64_t j, float* c, int64_t ldc,
                                                      int64_t cols, bool over_read,
                                                      const float* bias) {
#define CONVT_BLOCK(R) \
  case R:              \
    return block<R, V, Zip>(k, a, h, b_rows, j, c, ldc, cols, over_read, bias);
  if constexpr (Zip) {  // even rows only
    switch (rows) {
      CONVT_BLOCK(2) CONVT_BLOCK(4) CONVT_BLOCK(6) CONVT_BLOCK(8) CONVT_BLOCK(10)
      default: return block<12, V, Zip>(k, a, h, b_rows, j, c, ldc, cols, over_read, bias);
    }
  } else {
    switch (rows) {
      CONVT_BLOCK(1) CONVT_BLOCK(2) CONVT_BLOCK(3) CONVT_BLOCK(4) CONVT_BLOCK(5) CONVT_BLOCK(6)
      CONVT_BLOCK(7) CONVT_BLOCK(8) CONVT_BLOCK(9) CONVT_BLOCK(10) CONVT_BLOCK(11)
      default: return block<12, V>(k, a, h, b_rows, j, c, ldc, cols, over_read, bias);
    }
  }
#undef CONVT_BLOCK
}

}  // namespace

void pack_a(int64_t m, int64_t k, const float* a, int64_t lda, int64_t tall, float* packed) {
  const int64_t h = panel_rows(m, tall);
  for (int64_t i0 = 0; i0 < m; i0 += h)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t r = 0; r < h; ++r)
        *packed++ = i0 + r < m ? a[(i0 + r) * lda + kk] : 0.0f;
}

// The blocking both GEMMs share: columns in blocks whose slice of B (k x nb) stays in the
// core's L2 while every panel of A passes over it; each A panel (k x h) is reused across
// the block's 32-column strips. (Copying B's strips into contiguous panels first measured
// slower here.) Zip: the blocks are stored through `zip` (gemm_packed_zip2), else into C.
// A template with `if constexpr`, inlined into each target clone: shared through a lambda
// instead, the lambda's body was compiled for the baseline target (50x slower).
template <bool Zip>
__attribute__((always_inline)) inline void gemm_blocks(
    int64_t m, int64_t n, int64_t k, const float* a_packed, int64_t h,
    const float* const* b_rows, int64_t b_col0, float* c, int64_t ldc, bool b_padded,
    const float* bias, const Zip2Store* zip) {
  const int64_t nb = std::max<int64_t>(NR, (256 * 1024 / (std::max<int64_t>(k, 1) * 4)) / NR * NR);
  for (int64_t j0 = 0; j0 < n; j0 += nb) {
    const int64_t j1 = std::min(n, j0 + nb);
    for (int64_t i0 = 0; i0 < m; i0 += h) {
      const float* a = a_packed + i0 * k;
      const int64_t rows = std::min(h, m - i0);
      const float* row_bias = bias ? bias + i0 : nullptr;
      for (int64_t j = j0; j < j1; j += NR) {
        if constexpr (Zip) {
          float* dst = zip->out + i0 / 2 * zip->ldo + j / zip->width * zip->row_step +
                       2 * (j % zip->width);
          block_rows<2, true>(rows, k, a, h, b_rows, j, dst, zip->ldo, NR, true, row_bias);
        } else {
          const int64_t cols = std::min(NR, j1 - j);
          float* c_block = c + i0 * ldc + j;
          if (cols > 16 || (cols < 16 && !b_padded))  // (the copying edge is faster 2 wide)
            block_rows<2>(rows, k, a, h, b_rows, b_col0 + j, c_block, ldc, cols, b_padded,
                          row_bias);
          else
            block_rows<1>(rows, k, a, h, b_rows, b_col0 + j, c_block, ldc, cols, b_padded,
                          row_bias);
        }
      }
    }
  }
}

CONVT_TARGET_CLONES("avx512f", "arch=haswell", "default")
void gemm_packed(int64_t m, int64_t n, int64_t k, const float* a_packed, int64_t packed_rows,
                 int64_t tall, const float* const* b_rows, int64_t b_col0, float* c, int64_t ldc,
                 bool b_padded, const float* bias) {
  gemm_blocks<false>(m, n, k, a_packed, panel_rows(packed_rows, tall), b_rows, b_col0, c, ldc,
                     b_padded, bias, nullptr);
}

CONVT_TARGET_CLONES("avx512f", "arch=haswell", "default")
void gemm_packed_zip2(int64_t m, int64_t n, int64_t k, const float* a_packed,
                      int64_t packed_rows, int64_t tall, const float* const* b_rows,
                      const float* bias, const Zip2Store& out) {
  gemm_blocks<true>(m, n, k, a_packed, panel_rows(packed_rows, tall), b_rows, 0, nullptr, 0,
                    true, bias, &out);
}

}  // namespace convt
