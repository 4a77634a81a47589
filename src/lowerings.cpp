#include "lowerings.hpp"

namespace convt_impl {

// Each lowering's one object, defined in its own file.
const Lowering& pointwise_lowering();    // lowering/pointwise.cpp
const Lowering& subpixel_lowering();     // lowering/subpixel/
const Lowering& depthwise_lowering();    // lowering/depthwise.cpp
const Lowering& gemm_col2im_lowering();  // lowering/gemm_col2im.cpp
const Lowering& reference_lowering();    // lowering/reference.cpp

// AUTO's order: the cheap special cases first (each rules out what it does not win),
// GEMM + col2im, which runs every layer, last but for the oracle, which AUTO never takes.
const std::vector<const Lowering*>& lowerings() {
  static const std::vector<const Lowering*> table = {
      &pointwise_lowering(), &subpixel_lowering(),  &depthwise_lowering(),
      &gemm_col2im_lowering(), &reference_lowering(),
  };
  return table;
}

const Lowering* find_lowering(int32_t algorithm) {
  for (const Lowering* l : lowerings())
    if (l->algorithm() == algorithm) return l;
  return nullptr;
}

}  // namespace convt_impl
