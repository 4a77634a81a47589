// One layer: its validated parameters, its own copy of the weights and what its lowerings
// packed from them. Immutable after construction, so any number of threads may run it at
// once.
#pragma once

#include <cstddef>
#include <vector>

#include "planner.hpp"
#include "shape.hpp"

namespace convt_impl {

class Operator {
 public:
  // layer: validated (validate_layer); weight: layer.weight_elems() floats; bias:
  // out_channels floats or nullptr. Both are copied. Throws convt_impl::Error.
  Operator(const LayerSpec& layer, const float* weight, const float* bias);

  const LayerSpec& layer() const { return layer_; }
  RunShape run_shape(const int64_t* input_shape, const int64_t* output_size) const {
    return resolve_run_shape(layer_, input_shape, output_size);
  }
  Plan plan(const RunShape& shape) const { return make_plan(layer_, shape, candidates_); }

  // Checks buffers against the shape, then runs. workspace may be nullptr (see
  // workspace.hpp).
  void run(const RunShape& shape, const float* input, float* output, size_t output_capacity,
           void* workspace, size_t workspace_bytes) const;

 private:
  LayerSpec layer_;
  std::vector<float> weight_;
  std::vector<float> bias_;
  std::vector<Candidate> candidates_;
};

}  // namespace convt_impl
