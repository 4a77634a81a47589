#include "pack.hpp"

namespace convt {

bool subpixel_possible(const LayerSpec& l) {
  return l.stride[0] <= kMaxPhaseStride && l.stride[1] <= kMaxPhaseStride;
}

SubpixelWeights pack_subpixel(const LayerSpec& l, const float* weight) {
  SubpixelWeights s;
  s.ph = make_phases(l.kernel[0], l.stride[0], l.padding[0], l.dilation[0]);
  s.pw = make_phases(l.kernel[1], l.stride[1], l.padding[1], l.dilation[1]);
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t kw_n = l.kernel[1], area = l.kernel_area();
  s.offset.resize(static_cast<size_t>(l.groups * l.stride[0] * l.stride[1]));
  s.data.resize(static_cast<size_t>(l.weight_elems()));  // every tap lands in one phase
  int64_t at = 0;
  for (int64_t g = 0; g < l.groups; ++g)
    for (int64_t ry = 0; ry < l.stride[0]; ++ry)
      for (int64_t rx = 0; rx < l.stride[1]; ++rx) {
        s.offset[static_cast<size_t>(s.index(g, ry, rx))] = at;
        const auto& ty = s.ph.taps[static_cast<size_t>(ry)];
        const auto& tx = s.pw.taps[static_cast<size_t>(rx)];
        for (int64_t co = 0; co < cout_g; ++co)
          for (int64_t ci = 0; ci < cin_g; ++ci) {
            const float* w = weight + ((g * cin_g + ci) * cout_g + co) * area;
            for (const Tap& a : ty)
              for (const Tap& b : tx) s.data[static_cast<size_t>(at++)] = w[a.k * kw_n + b.k];
          }
      }
  return s;
}

}  // namespace convt
