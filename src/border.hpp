// The zero-bordered copy every gathering lowering reads its taps from: a window of an input
// plane with zeros wherever the window leaves the plane, so that the inner loops that read
// it have no edge cases.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernels/levels.hpp"

namespace convt_impl {

// Writes `rows` rows of `pitch` floats to dst: row r, column j holds plane[row0 + r][col0 + j]
// (an in_h x in_w plane, rows in_w floats apart) where that lies inside the plane, else 0.
// plane == nullptr (a depth slice outside the input) writes zeros only.
inline void copy_bordered(const float* plane, int64_t in_h, int64_t in_w, int64_t row0,
                          int64_t col0, int64_t rows, int64_t pitch, float* dst) {
  const int64_t c_lo = std::clamp<int64_t>(-col0, 0, pitch);
  const int64_t c_hi = std::clamp<int64_t>(in_w - col0, c_lo, pitch);
  for (int64_t r = 0; r < rows; ++r, dst += pitch) {
    const int64_t h = row0 + r;
    if (!plane || h < 0 || h >= in_h) {
      std::memset(dst, 0, static_cast<size_t>(pitch) * sizeof(float));
      continue;
    }
    const float* src = plane + h * in_w + col0;
    std::memset(dst, 0, static_cast<size_t>(c_lo) * sizeof(float));
    std::memcpy(dst + c_lo, src + c_lo, static_cast<size_t>(c_hi - c_lo) * sizeof(float));
    std::memset(dst + c_hi, 0, static_cast<size_t>(pitch - c_hi) * sizeof(float));
  }
}

// The same from a channels-last slice, for `channels` channels at once: channel c's rows go
// to dst + c * plane_stride. The slice is an in_h x in_w grid of pixels `pixel_stride`
// floats apart, channel 0 of each at `slice` (nullptr: outside the input, zeros only); each
// row's pixels are transposed into the channels' rows in the level's registers.
inline void copy_bordered_channels_last(const float* slice, int64_t pixel_stride,
                                        int64_t channels, int64_t in_h, int64_t in_w,
                                        int64_t row0, int64_t col0, int64_t rows, int64_t pitch,
                                        float* dst, int64_t plane_stride) {
  const int64_t c_lo = std::clamp<int64_t>(-col0, 0, pitch);
  const int64_t c_hi = std::clamp<int64_t>(in_w - col0, c_lo, pitch);
  const auto transpose = kernels().transpose;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t h = row0 + r;
    const bool inside = slice && h >= 0 && h < in_h;
    for (int64_t c = 0; c < channels; ++c) {
      float* row = dst + c * plane_stride + r * pitch;
      if (!inside) {
        std::memset(row, 0, static_cast<size_t>(pitch) * sizeof(float));
        continue;
      }
      std::memset(row, 0, static_cast<size_t>(c_lo) * sizeof(float));
      std::memset(row + c_hi, 0, static_cast<size_t>(pitch - c_hi) * sizeof(float));
    }
    if (inside && c_hi > c_lo)
      transpose(slice + (h * in_w + col0 + c_lo) * pixel_stride, c_hi - c_lo, channels,
                pixel_stride, dst + r * pitch + c_lo, plane_stride, nullptr, nullptr);
  }
}

}  // namespace convt_impl
