#include "layout.hpp"

#include <algorithm>

#include "parallel.hpp"

namespace convt_impl {
namespace {

// Tiles of kTile x kTile: both sides' rows stay in L1 while a tile is moved.
constexpr int64_t kTile = 16;
// Rows of the source one work item transposes (whole tiles; bounds the item count).
constexpr int64_t kRowsPerItem = 256;

// dst (cols x rows, row stride ld_dst) = src (rows x cols, row stride ld_src) transposed.
void transpose(const float* src, int64_t rows, int64_t cols, int64_t ld_src, float* dst,
               int64_t ld_dst) {
  for (int64_t r0 = 0; r0 < rows; r0 += kTile)
    for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
      const int64_t r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
      for (int64_t c = c0; c < c1; ++c)
        for (int64_t r = r0; r < r1; ++r) dst[c * ld_dst + r] = src[r * ld_src + c];
    }
}

// Each of `batch` (rows x cols) matrices transposed, in items of kRowsPerItem source rows.
void transpose_batch(const float* src, int64_t batch, int64_t rows, int64_t cols, float* dst,
                     int threads) {
  const int64_t blocks = (rows + kRowsPerItem - 1) / kRowsPerItem;
  parallel_for(batch * blocks, threads, [&](int64_t item, int) {
    const int64_t n = item / blocks, r0 = item % blocks * kRowsPerItem;
    const int64_t r1 = std::min(rows, r0 + kRowsPerItem);
    transpose(src + (n * rows + r0) * cols, r1 - r0, cols, cols, dst + n * rows * cols + r0,
              rows);
  });
}

}  // namespace

void channels_last_to_first(const float* src, int64_t batch, int64_t pixels, int64_t channels,
                            float* dst, int threads) {
  transpose_batch(src, batch, pixels, channels, dst, threads);
}

void channels_first_to_last(const float* src, int64_t batch, int64_t channels, int64_t pixels,
                            float* dst, int threads) {
  transpose_batch(src, batch, channels, pixels, dst, threads);
}

}  // namespace convt_impl
