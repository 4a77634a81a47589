#include "conv_equivalent.hpp"

namespace convt_impl {

void conv_weight_from_transposed(const LayerSpec& l, const float* weight, float* conv_weight) {
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t taps = l.kernel_volume();
  // Reversing the flat index of a kernel reverses every dimension at once.
  for (int64_t g = 0; g < l.groups; ++g)
    for (int64_t o = 0; o < cout_g; ++o)
      for (int64_t i = 0; i < cin_g; ++i) {
        const float* src = weight + ((g * cin_g + i) * cout_g + o) * taps;
        float* dst = conv_weight + ((g * cout_g + o) * cin_g + i) * taps;
        for (int64_t t = 0; t < taps; ++t) dst[t] = src[taps - 1 - t];
      }
}

}  // namespace convt_impl
