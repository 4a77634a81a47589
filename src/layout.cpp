#include "layout.hpp"

#include <algorithm>

#include "kernels/levels.hpp"
#include "parallel.hpp"

namespace convt_impl {
namespace {

// Rows of the source one work item transposes (bounds the item count).
constexpr int64_t kRowsPerItem = 256;

// Each of `batch` (rows x cols) matrices transposed, in items of kRowsPerItem source rows.
void transpose_batch(const float* src, int64_t batch, int64_t rows, int64_t cols, float* dst,
                     int threads) {
  const int64_t blocks = (rows + kRowsPerItem - 1) / kRowsPerItem;
  parallel_for(batch * blocks, threads, [&](int64_t item, int) {
    const int64_t n = item / blocks, r0 = item % blocks * kRowsPerItem;
    const int64_t r1 = std::min(rows, r0 + kRowsPerItem);
    kernels().transpose(src + (n * rows + r0) * cols, r1 - r0, cols, cols,
                        dst + n * rows * cols + r0, rows, nullptr, nullptr);
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
