// The oracle: a transposed convolution written as its definition. Every input pixel
// (n, ci, h, w) adds x * weight[ci, co, kh, kw] to output pixel
// (h*stride - padding + kh*dilation, w*stride - padding + kw*dilation) of every output
// channel co of its group. No tiling, no threads, no BLAS: short enough to trust by reading.
#include "lowering.hpp"

namespace convt {

void run_reference(const RunArgs& a) {
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t kh_n = l.kernel[0], kw_n = l.kernel[1];
  const int64_t out_plane = s.out_h * s.out_w;

  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t co = 0; co < l.out_channels; ++co) {
      float* plane = a.output + (n * l.out_channels + co) * out_plane;
      const float b = a.bias ? a.bias[co] : 0.0f;
      for (int64_t i = 0; i < out_plane; ++i) plane[i] = b;
    }

  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t ci = 0; ci < l.in_channels; ++ci) {
      const int64_t g = ci / cin_g;
      for (int64_t h = 0; h < s.in_h; ++h)
        for (int64_t w = 0; w < s.in_w; ++w) {
          const float x = a.input[((n * l.in_channels + ci) * s.in_h + h) * s.in_w + w];
          for (int64_t co_l = 0; co_l < cout_g; ++co_l) {
            const int64_t co = g * cout_g + co_l;
            const float* wk = a.weight + (ci * cout_g + co_l) * kh_n * kw_n;
            float* plane = a.output + (n * l.out_channels + co) * out_plane;
            for (int64_t kh = 0; kh < kh_n; ++kh) {
              const int64_t oh = h * l.stride[0] - l.padding[0] + kh * l.dilation[0];
              if (oh < 0 || oh >= s.out_h) continue;
              for (int64_t kw = 0; kw < kw_n; ++kw) {
                const int64_t ow = w * l.stride[1] - l.padding[1] + kw * l.dilation[1];
                if (ow < 0 || ow >= s.out_w) continue;
                plane[oh * s.out_w + ow] += x * wk[kh * kw_n + kw];
              }
            }
          }
        }
    }
}

}  // namespace convt
