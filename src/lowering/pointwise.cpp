// 1x1 kernels with stride 1, no padding and no output_padding: the transposed convolution is
// a plain matrix product per batch item and group, out_g (out/g x HW) = W_g^T x X_g, which
// sgemm writes straight into the output; the bias is added while the block is in cache.
// Work items are (batch item, group, block of pixels).
#include <cblas.h>

#include <algorithm>

#include "../checked.hpp"
#include "../parallel.hpp"
#include "lowering.hpp"

namespace convt {
namespace {
constexpr int64_t kMinItems = 8;
constexpr int64_t kMinPixelsPerItem = 256;  // below this, sgemm's N gets too thin
}  // namespace

bool pointwise_possible(const LayerSpec& l) {
  return l.kernel[0] == 1 && l.kernel[1] == 1 && l.stride[0] == 1 && l.stride[1] == 1 &&
         l.padding[0] == 0 && l.padding[1] == 0;
}

PointwiseTiling plan_pointwise(const LayerSpec& l, const RunShape& s) {
  PointwiseTiling t;
  const int64_t pixels = s.in_h * s.in_w;
  const int64_t outer = std::max<int64_t>(1, s.batch * l.groups);
  const int64_t wanted = std::max<int64_t>(1, ceil_div(kMinItems, outer));
  int64_t per = std::max(kMinPixelsPerItem, ceil_div(pixels, wanted));
  per = (per + 15) / 16 * 16;
  t.pixels_per_item = std::min({per, pixels, static_cast<int64_t>(INT32_MAX)});
  t.blocks = ceil_div(pixels, t.pixels_per_item);
  t.items = s.batch * l.groups * t.blocks;
  return t;
}

void run_pointwise(const RunArgs& a, const PointwiseTiling& t, int threads) {
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t pixels = s.in_h * s.in_w;  // == output pixels
  const int64_t per = t.pixels_per_item, blocks = t.blocks;
  parallel_for(t.items, threads, [&](int64_t item, int) {
    const int64_t block = item % blocks;
    const int64_t g = (item / blocks) % l.groups;
    const int64_t n = item / (blocks * l.groups);
    const int64_t p0 = block * per, np = std::min(per, pixels - p0);
    const float* x = a.input + (n * l.in_channels + g * cin_g) * pixels + p0;
    float* out = a.output + (n * l.out_channels + g * cout_g) * pixels + p0;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(cout_g),
                static_cast<int>(np), static_cast<int>(cin_g), 1.0f,
                a.weight + g * cin_g * cout_g, static_cast<int>(cout_g), x,
                static_cast<int>(pixels), 0.0f, out, static_cast<int>(pixels));
    if (a.bias)
      for (int64_t co = 0; co < cout_g; ++co) {
        const float b = a.bias[g * cout_g + co];
        float* row = out + co * pixels;
        for (int64_t p = 0; p < np; ++p) row[p] += b;
      }
  });
}

}  // namespace convt
