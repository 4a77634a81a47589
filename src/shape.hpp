// Shape rules: a layer's parameters checked as PyTorch checks them, and a layer plus an
// input shape turned into the sizes of one run. PyTorch's validation rules and messages
// live here and nowhere else; nothing here knows a lowering.
#pragma once

#include <cstdint>
#include <string>

#include "convt/convt.h"
#include "activation.hpp"
#include "dims.hpp"

namespace convt_impl {

// A layer, as the C layer hands it over (every rank in the internal (D, H, W) form, see
// dims.hpp); validate_layer checks it. The algorithm is CONVT_ALGORITHM_*.
struct LayerSpec {
  int rank = 2;  // the caller's spatial_dims
  int64_t in_channels = 0, out_channels = 0, groups = 1;
  Dims kernel{1, 1, 1}, stride{1, 1, 1}, padding{0, 0, 0}, output_padding{0, 0, 0};
  Dims dilation{1, 1, 1};
  Dims padding_end{0, 0, 0};  // CONVT_PADDING_EXPLICIT's end trim
  int32_t padding_kind = CONVT_PADDING_SYMMETRIC;
  int32_t algorithm = CONVT_ALGORITHM_AUTO;
  int32_t num_threads = 0;
  bool has_bias = false;
  int32_t layout = CONVT_LAYOUT_CHANNELS_FIRST;  // CONVT_LAYOUT_*
  Activation activation;

  // (N, spatial..., C) input and output tensors.
  bool channels_last() const { return layout == CONVT_LAYOUT_CHANNELS_LAST; }

  // Under ONNX's rules (every padding kind but SYMMETRIC), output_size is ONNX's
  // output_shape and output_padding is checked against the stride alone.
  bool onnx_padding() const { return padding_kind != CONVT_PADDING_SYMMETRIC; }

  int64_t in_per_group() const { return in_channels / groups; }
  int64_t out_per_group() const { return out_channels / groups; }
  int64_t kernel_volume() const { return volume(kernel); }
  // Floats in the weight tensor (in_channels, out_channels/groups, kernel...).
  int64_t weight_elems() const { return in_channels * out_per_group() * kernel_volume(); }
  // groups == in_channels == out_channels: each output channel reads one input channel.
  bool is_depthwise() const { return in_per_group() == 1 && out_per_group() == 1; }
};

// Throws convt_impl::Error with PyTorch-style messages (CONVT_ERROR_INVALID_ARGUMENT,
// SIZE_OVERFLOW for sizes that do not fit, UNSUPPORTED for BLAS's int dimensions) unless
// every parameter is valid. Entries of the leading unused dimensions must be the identity.
void validate_layer(const LayerSpec& layer);

// The sizes of one run: a layer applied to an input of a given shape.
struct RunShape {
  int64_t batch = 0;
  Dims in{1, 1, 1}, out{1, 1, 1};
  Dims output_padding{0, 0, 0};  // effective: from the layer or from output_size
  // The zeros trimmed at the start of each dimension: output index o is position
  // o + pad_begin of the untrimmed output (PyTorch's padding; ONNX's begin pads, which
  // may follow from the input and output_size). Every lowering reads this, never the
  // layer's padding.
  Dims pad_begin{0, 0, 0};
  int64_t input_elems = 0, output_elems = 0;

  int64_t in_volume() const { return volume(in); }
  int64_t out_volume() const { return volume(out); }
};

// Checks input_shape (N, C, spatial...: 2 + rank entries) against the layer and resolves
// output_size (nullptr, or rank entries) as PyTorch's forward(input, output_size) does.
// Throws convt_impl::Error.
RunShape resolve_run_shape(const LayerSpec& layer, const int64_t* input_shape,
                           const int64_t* output_size);

// The begin trim of a run without output_size (RunShape::pad_begin): the same for every
// input size under each padding kind, so lowerings may plan on it at create.
Dims default_pad_begin(const LayerSpec& layer);

// The caller's entries of a size or parameter, "a, b, c" (for messages).
std::string dims_list(const Dims& v, int rank);

}  // namespace convt_impl
