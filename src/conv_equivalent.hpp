// The weight of the ordinary convolution that equals a transposed convolution (see
// convt_conv_weight_from_transposed in convt.h for the whole equivalence).
#pragma once

#include "shape.hpp"

namespace convt_impl {

// weight: (in, out/groups, kernel...) -> conv_weight: (out, in/groups, kernel...), channels
// swapped per group and the kernel flipped in every spatial dimension.
void conv_weight_from_transposed(const LayerSpec& layer, const float* weight, float* conv_weight);

}  // namespace convt_impl
