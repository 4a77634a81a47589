// The GEMM kernel, written once against a vector type and a tile; each level (levels.hpp)
// compiles it with its own vector width and block height, inside a function carrying the
// level's target attribute (the always-inline templates below are compiled there).
#include "gemm.hpp"

#include <algorithm>

#include "../cache.hpp"
#include "activation.hpp"
#include "simd.hpp"

namespace convt_impl {
namespace {

// How far ahead of its reads a block prefetches A (4 KB: 128 steps of an 8-row panel):
// a large layer's packed weights stream from L3 or memory, each panel for a few strips.
constexpr int64_t kPrefetchFloats = 1024;

// One R x (V vectors) block of C over the whole depth k, from a packed A panel (k x h,
// h >= R) and B's rows (row kk starts at b_rows[kk] + j), each row r of the block starting
// from bias[r] (0 without a bias). `cols` < V lanes only at the right edge, where B's
// columns are copied into a zero-padded row first (unless the caller says B's rows may be
// read past n). The R x V accumulators are never addressed, so they stay in registers.
// Zip: rows 2i and 2i + 1 of the block are zipped (first[0], second[0], first[1], ...)
// into row i of the destination, 2 x 2 vectors (R even, V == 2, whole vectors). act: the
// activation applied as the block is stored (where C is the output), or nullptr.
template <typename Vec, int R, int V, bool Zip = false>
__attribute__((always_inline)) inline void block(int64_t k, const float* a, int64_t h,
                                                 const float* const* b_rows, int64_t j,
                                                 float* c, int64_t ldc, int64_t cols,
                                                 bool over_read, const float* bias,
                                                 const Activation* act, BiasActivateFn act_fn) {
  constexpr int L = kLanes<Vec>;
  constexpr int64_t W = L * V;
  Vec acc[R][V];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) acc[r][v] = Vec{} + (bias ? bias[r] : 0.0f);
  float edge[W];
  for (int64_t kk = 0; kk < k; ++kk, a += h) {
    __builtin_prefetch(a + kPrefetchFloats);
    const float* b = b_rows[kk] + j;
    Vec bv[V];
    if (cols == W || over_read) {
      for (int v = 0; v < V; ++v) bv[v] = load<Vec>(b + L * v);
    } else {
      for (int64_t q = 0; q < W; ++q) edge[q] = q < cols ? b[q] : 0.0f;
      for (int v = 0; v < V; ++v) bv[v] = load<Vec>(edge + L * v);
    }
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < V; ++v) acc[r][v] += a[r] * bv[v];
  }
  if (act) {  // the level's own routine, out of line: one copy of each activation's code
    alignas(64) float tile[R * V * L];
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < V; ++v) store(tile + (r * V + v) * L, acc[r][v]);
    act_fn(tile, tile, R * V * L, 0.0f, *act);
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < V; ++v) acc[r][v] = load<Vec>(tile + (r * V + v) * L);
  }
  if constexpr (Zip) {
    if constexpr (R % 2 == 0 && V == 2) {
#pragma GCC unroll 6
      for (int r = 0; r < R; r += 2) {
        float* dst = c + r / 2 * ldc;
        for (int v = 0; v < V; ++v) {
          Vec lo, hi;
          zip(acc[r][v], acc[r + 1][v], lo, hi);
          store(dst + 2 * L * v, lo);
          store(dst + 2 * L * v + L, hi);
        }
      }
    }
    return;
  }
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) {
    float* dst = c + r * ldc;
    if (cols == W) {
      for (int v = 0; v < V; ++v) store(dst + L * v, acc[r][v]);
    } else {
      float tile[W];
      for (int v = 0; v < V; ++v) store(tile + L * v, acc[r][v]);
      for (int64_t q = 0; q < cols; ++q) dst[q] = tile[q];
    }
  }
}

// A block of exactly `rows` rows of a panel (no multiplications spent on padding rows):
// a switch over 1 .. MaxR (even rows only when zipping).
template <typename Vec, int MaxR, int V, bool Zip, int R = 1>
__attribute__((always_inline)) inline void block_rows(int64_t rows, int64_t k, const float* a,
                                                      int64_t h, const float* const* b_rows,
                                                      int64_t j, float* c, int64_t ldc,
                                                      int64_t cols, bool over_read,
                                                      const float* bias, const Activation* act,
                                                      BiasActivateFn act_fn) {
  if constexpr (R >= MaxR) {
    block<Vec, MaxR, V, Zip>(k, a, h, b_rows, j, c, ldc, cols, over_read, bias, act, act_fn);
  } else {
    if constexpr (!Zip || R % 2 == 0)
      if (rows == R)
        return block<Vec, R, V, Zip>(k, a, h, b_rows, j, c, ldc, cols, over_read, bias, act,
                                     act_fn);
    block_rows<Vec, MaxR, V, Zip, R + 1>(rows, k, a, h, b_rows, j, c, ldc, cols, over_read,
                                         bias, act, act_fn);
  }
}

// The blocking both GEMMs share: columns in blocks whose slice of B (k x nb) stays in the
// core's L2 while every panel of A passes over it; each A panel (k x h) is reused across
// the block's strips of 2 vectors. (Copying B's strips into contiguous panels first
// measured slower.) Zip: the blocks are stored through `zip` (gemm_packed_zip2), else
// into C.
template <typename Vec, int MaxR, bool Zip>
__attribute__((always_inline)) inline void gemm_blocks(
    int64_t m, int64_t n, int64_t k, const float* a_packed, int64_t a_depth, int64_t h,
    const float* const* b_rows, int64_t b_col0, float* c, int64_t ldc, bool b_padded,
    const float* bias, const Activation* act, BiasActivateFn act_fn, const Zip2Store* zip) {
  constexpr int64_t L = kLanes<Vec>, NR = 2 * L;
  const int64_t nb = std::max<int64_t>(NR, (kGemmBlockBytes / (std::max<int64_t>(k, 1) * 4)) / NR * NR);
  for (int64_t j0 = 0; j0 < n; j0 += nb) {
    const int64_t j1 = std::min(n, j0 + nb);
    for (int64_t i0 = 0; i0 < m; i0 += h) {
      const float* a = a_packed + i0 * a_depth;
      const int64_t rows = std::min(h, m - i0);
      const float* row_bias = bias ? bias + i0 : nullptr;
      for (int64_t j = j0; j < j1; j += NR) {
        if constexpr (Zip) {
          float* dst = zip->out + i0 / 2 * zip->ldo + j / zip->width * zip->row_step +
                       2 * (j % zip->width);
          block_rows<Vec, MaxR, 2, true>(rows, k, a, h, b_rows, j, dst, zip->ldo, NR, true,
                                         row_bias, act, act_fn);
        } else {
          const int64_t cols = std::min(NR, j1 - j);
          float* c_block = c + i0 * ldc + j;
          if (cols > L || (cols < L && !b_padded))  // (the copying edge is faster 2 wide)
            block_rows<Vec, MaxR, 2, false>(rows, k, a, h, b_rows, b_col0 + j, c_block, ldc,
                                            cols, b_padded, row_bias, act, act_fn);
          else
            block_rows<Vec, MaxR, 1, false>(rows, k, a, h, b_rows, b_col0 + j, c_block, ldc,
                                            cols, b_padded, row_bias, act, act_fn);
        }
      }
    }
  }
}

}  // namespace

void pack_a(int64_t m, int64_t k, const float* a, int64_t lda, int64_t h, float* packed) {
  for (int64_t i0 = 0; i0 < m; i0 += h)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t r = 0; r < h; ++r)
        *packed++ = i0 + r < m ? a[(i0 + r) * lda + kk] : 0.0f;
}

// One level's two entry points: its vector type (two per tile row), its tallest block.
#define CONVT_GEMM_LEVEL(ns, target, Vec)                                                    \
  namespace ns {                                                                            \
  static_assert(kTile.cols == 2 * kLanes<Vec> && kTile.cols <= kPaddedColumns);             \
  target void gemm_packed(int64_t m, int64_t n, int64_t k, const float* a_packed,           \
                          int64_t a_depth, int64_t h, const float* const* b_rows,           \
                          int64_t b_col0, float* c, int64_t ldc, bool b_padded,             \
                          const float* bias, const Activation* act) {                       \
    gemm_blocks<Vec, kTile.max_rows, false>(m, n, k, a_packed, a_depth, h, b_rows, b_col0, c,  \
                                            ldc, b_padded, bias, act, bias_activate, nullptr); \
  }                                                                                         \
  target void gemm_packed_zip2(int64_t m, int64_t n, int64_t k, const float* a_packed,       \
                               int64_t a_depth, int64_t h, const float* const* b_rows,      \
                               const float* bias, const Activation* act,                    \
                               const Zip2Store& out) {                                      \
    gemm_blocks<Vec, kTile.max_rows, true>(m, n, k, a_packed, a_depth, h, b_rows, 0, nullptr, \
                                           0, true, bias, act, bias_activate, &out);        \
  }                                                                                         \
  }

CONVT_FOR_EACH_LEVEL(CONVT_GEMM_LEVEL)
#undef CONVT_GEMM_LEVEL

}  // namespace convt_impl
