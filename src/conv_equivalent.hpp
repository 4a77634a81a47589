// The weight of the ordinary convolution that equals a transposed convolution (see
// convt_conv_weight_from_transposed in convt.h for the whole equivalence).
#pragma once

#include "shape.hpp"

namespace convt {

// weight: (in, out/groups, kH, kW) -> conv_weight: (out, in/groups, kH, kW), channels swapped
// per group and the kernel flipped in H and W.
void conv_weight_from_transposed(const LayerSpec& layer, const float* weight, float* conv_weight);

}  // namespace convt
