// Shape rules: turns caller parameters into a validated layer description, and a layer plus
// an input shape into the sizes of one run. PyTorch's validation rules and messages live
// here and nowhere else.
#pragma once

#include <cstdint>

#include "convt/convt.h"

namespace convt {

// A layer whose parameters passed every check of convt_create. Index 0 is H, 1 is W.
struct LayerSpec {
  int64_t in_channels = 0, out_channels = 0, groups = 1;
  int64_t kernel[2] = {0, 0}, stride[2] = {1, 1}, padding[2] = {0, 0};
  int64_t output_padding[2] = {0, 0}, dilation[2] = {1, 1};
  int32_t algorithm = CONVT_ALGORITHM_AUTO;
  int32_t num_threads = 0;
  bool has_bias = false;

  int64_t in_per_group() const { return in_channels / groups; }
  int64_t out_per_group() const { return out_channels / groups; }
  int64_t kernel_area() const { return kernel[0] * kernel[1]; }
  // Floats in the weight tensor (in_channels, out_channels/groups, kH, kW).
  int64_t weight_elems() const { return in_channels * out_per_group() * kernel_area(); }
};

// Validates a full-size convt_params (the C layer has already expanded a caller's shorter
// struct with defaults). Throws convt::Error with PyTorch-style messages.
LayerSpec validate_layer(const convt_params& params, bool has_bias);

// The sizes of one run: a layer applied to an input of a given shape.
struct RunShape {
  int64_t batch = 0, in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t output_padding[2] = {0, 0};  // effective: from params or from output_size
  int64_t input_elems = 0, output_elems = 0;
};

// Checks input_shape (N, C, H, W) against the layer and resolves output_size (NULL or
// (H, W)) as PyTorch's forward(input, output_size) does. Throws convt::Error.
RunShape resolve_run_shape(const LayerSpec& layer, const int64_t* input_shape,
                           const int64_t* output_size);

}  // namespace convt
