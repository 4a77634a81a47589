// Each level's transpose (levels.hpp): dst[c * ld_dst + r] = f(src[r * ld_src + c] +
// bias[r]), in square tiles transposed in registers (8 x 8 on x86's vector levels, 4 x 4
// elsewhere), the edges one float at a time. It moves channels-last tensors to and from
// the channels-first planes the lowerings compute on, and stores channels-first results
// into channels-last outputs, with their bias and activation.
#include <algorithm>
#include <cstring>

#include "activation.hpp"
#include "levels.hpp"

namespace convt_impl {
namespace {

// Transposes the T x T tile in v (v[i] is row i) in place.
__attribute__((always_inline)) inline void transpose_tile(Vec8 (&v)[8]) {
  Vec8 t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = __builtin_shufflevector(v[i], v[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] = __builtin_shufflevector(v[i], v[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < 8; i += 4)
    for (int j = 0; j < 2; ++j) {
      u[i + 2 * j] = __builtin_shufflevector(t[i + j], t[i + j + 2], 0, 1, 8, 9, 4, 5, 12, 13);
      u[i + 2 * j + 1] = __builtin_shufflevector(t[i + j], t[i + j + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  for (int i = 0; i < 4; ++i) {
    v[i] = __builtin_shufflevector(u[i], u[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    v[i + 4] = __builtin_shufflevector(u[i], u[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}
__attribute__((always_inline)) inline void transpose_tile(Vec4 (&v)[4]) {
  const Vec4 t0 = __builtin_shufflevector(v[0], v[1], 0, 4, 1, 5);
  const Vec4 t1 = __builtin_shufflevector(v[0], v[1], 2, 6, 3, 7);
  const Vec4 t2 = __builtin_shufflevector(v[2], v[3], 0, 4, 1, 5);
  const Vec4 t3 = __builtin_shufflevector(v[2], v[3], 2, 6, 3, 7);
  v[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
  v[1] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
  v[2] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
  v[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

__attribute__((always_inline)) inline void transpose_tile(Vec1 (&)[1]) {}

// The matrix in T x T tiles in registers (rows, cols >= T): a last partial tile in either
// direction is a whole one moved back to end at the edge, overlapping the tile before it
// (whose values it writes again, the same), so that no edge falls to scalar code.
template <typename V, typename F>
__attribute__((always_inline)) inline void tiles(const float* src, int64_t rows, int64_t cols,
                                                 int64_t ld_src, float* dst, int64_t ld_dst,
                                                 const float* bias, F f) {
  constexpr int64_t T = kLanes<V>;
  for (int64_t rr = 0; rr < rows; rr += T) {
    const int64_t r0 = std::min(rr, rows - T);
    V b{};
    if (bias) b = load<V>(bias + r0);
    for (int64_t cc = 0; cc < cols; cc += T) {
      const int64_t c0 = std::min(cc, cols - T);
      V v[T];
      for (int i = 0; i < T; ++i) v[i] = load<V>(src + (r0 + i) * ld_src + c0);
      transpose_tile(v);
      for (int i = 0; i < T; ++i) v[i] += b;
      f.all(v);
      for (int i = 0; i < T; ++i) store(dst + (c0 + i) * ld_dst + r0, v[i]);
    }
  }
}

// Tiles of the level's size where both sides reach it, else of Half's (4 x 4), else one
// float at a time.
template <typename Vec, typename Half, typename F>
__attribute__((always_inline)) inline void transpose_impl(const float* src, int64_t rows,
                                                          int64_t cols, int64_t ld_src,
                                                          float* dst, int64_t ld_dst,
                                                          const float* bias, F f) {
  if (rows >= kLanes<Vec> && cols >= kLanes<Vec>)
    return tiles<Vec>(src, rows, cols, ld_src, dst, ld_dst, bias, f);
  if constexpr (kLanes<Half> < kLanes<Vec>)
    if (rows >= kLanes<Half> && cols >= kLanes<Half>)
      return tiles<Half>(src, rows, cols, ld_src, dst, ld_dst, bias, f);
  for (int64_t r = 0; r < rows; ++r) {
    const float b = bias ? bias[r] : 0.0f;
    for (int64_t c = 0; c < cols; ++c) dst[c * ld_dst + r] = f(src[r * ld_src + c] + b);
  }
}

// The tile of each level: 8 x 8 in AVX registers (also at avx512, where a 16 x 16 tile
// would take most of the register file in shuffles), 4 x 4 in SSE or NEON ones, scalar for
// aarch64's baseline.
template <typename LevelVec>
struct TileOf {
  using type = Vec4;
  using half = Vec4;
};
template <>
struct TileOf<Vec8> {
  using type = Vec8;
  using half = Vec4;
};
template <>
struct TileOf<Vec16> {
  using type = Vec8;
  using half = Vec4;
};
template <>
struct TileOf<Vec1> {
  using type = Vec1;
  using half = Vec1;
};
}  // namespace

#define CONVT_TRANSPOSE_LEVEL(ns, target, Vec)                                                \
  namespace ns {                                                                             \
  target void transpose(const float* src, int64_t rows, int64_t cols, int64_t ld_src,        \
                        float* dst, int64_t ld_dst, const float* bias, const Activation* act) { \
    using Tile = TileOf<Vec>::type;                                                          \
    using Half = TileOf<Vec>::half;                                                          \
    if (!act || act->none())                                                                 \
      transpose_impl<Tile, Half>(src, rows, cols, ld_src, dst, ld_dst, bias, Plain{});       \
    else                                                                                     \
      transpose_impl<Tile, Half>(src, rows, cols, ld_src, dst, ld_dst, bias, Activated{act}); \
  }                                                                                          \
  }
CONVT_FOR_EACH_LEVEL(CONVT_TRANSPOSE_LEVEL)
#undef CONVT_TRANSPOSE_LEVEL

}  // namespace convt_impl
