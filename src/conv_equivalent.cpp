#include "conv_equivalent.hpp"

namespace convt {

void conv_weight_from_transposed(const LayerSpec& l, const float* weight, float* conv_weight) {
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t kh_n = l.kernel[0], kw_n = l.kernel[1], area = l.kernel_area();
  for (int64_t g = 0; g < l.groups; ++g)
    for (int64_t o = 0; o < cout_g; ++o)
      for (int64_t i = 0; i < cin_g; ++i) {
        const float* src = weight + ((g * cin_g + i) * cout_g + o) * area;
        float* dst = conv_weight + ((g * cout_g + o) * cin_g + i) * area;
        for (int64_t kh = 0; kh < kh_n; ++kh)
          for (int64_t kw = 0; kw < kw_n; ++kw)
            dst[kh * kw_n + kw] = src[(kh_n - 1 - kh) * kw_n + (kw_n - 1 - kw)];
      }
}

}  // namespace convt
