// One layer: its validated parameters and its own copy of the weights. Immutable after
// construction, so any number of threads may run it at once.
#pragma once

#include <cstddef>
#include <vector>

#include "pack.hpp"
#include "plan.hpp"
#include "shape.hpp"

namespace convt {

class Operator {
 public:
  // weight: layer.weight_elems() floats; bias: out_channels floats or nullptr (copied).
  Operator(const LayerSpec& layer, const float* weight, const float* bias);

  const LayerSpec& layer() const { return layer_; }
  RunShape run_shape(const int64_t* input_shape, const int64_t* output_size) const {
    return resolve_run_shape(layer_, input_shape, output_size);
  }
  Plan plan(const RunShape& shape) const {
    return make_plan(layer_, shape, subpixel_.data.empty() ? nullptr : &subpixel_);
  }

  // Checks buffers against the shape, then runs. workspace may be nullptr (allocated here).
  void run(const RunShape& shape, const float* input, float* output, size_t output_capacity,
           void* workspace, size_t workspace_bytes) const;

 private:
  LayerSpec layer_;
  std::vector<float> weight_;
  std::vector<float> bias_;
  SubpixelWeights subpixel_;  // packed at create when the sub-pixel lowering may run
};

}  // namespace convt
