#include "operator.hpp"

#include <cstdlib>
#include <memory>

#include "error.hpp"
#include "layout.hpp"
#include "parallel.hpp"
#include "workspace.hpp"

namespace convt_impl {

Operator::Operator(const LayerSpec& layer, const float* weight, const float* bias)
    : layer_(layer),
      weight_(weight, weight + layer.weight_elems()),
      bias_(bias ? std::vector<float>(bias, bias + layer.out_channels) : std::vector<float>()),
      candidates_(choose_candidates(layer, weight)) {
  configure_blas_once();
}

void Operator::run(const RunShape& shape, const float* input, float* output,
                   size_t output_capacity, void* workspace, size_t workspace_bytes) const {
  constexpr convt_status kInvalid = CONVT_ERROR_INVALID_ARGUMENT;
  if (static_cast<uint64_t>(shape.output_elems) > output_capacity)
    fail(kInvalid, "output_capacity is ", output_capacity, " floats, but the output has ",
         shape.output_elems);
  // Planned first: a batch of 0 is decided as a batch of 1 (a forced algorithm that cannot
  // run the shape fails), then nothing is read or written.
  const Plan plan = this->plan(shape);
  if (shape.output_elems == 0) return;
  if (!input) fail(kInvalid, "input is NULL");
  if (!output) fail(kInvalid, "output is NULL");

  if (workspace && workspace_bytes < plan.workspace_bytes)
    fail(kInvalid, "workspace_size is ", workspace_bytes, " bytes, but this run needs ",
         plan.workspace_bytes, " (see convt_workspace_size)");
  std::unique_ptr<void, decltype(&std::free)> owned(nullptr, &std::free);
  void* scratch = run_scratch(workspace, plan.workspace_bytes, owned);

  // Channels-last tensors the lowering computes channels first: copies in the workspace.
  const int64_t pixels_in = shape.in_volume(), pixels_out = shape.out_volume();
  const auto copy = [&](int64_t at) {
    return reinterpret_cast<float*>(static_cast<unsigned char*>(scratch) + at);
  };
  if (plan.input_copy_at >= 0) {
    float* first = copy(plan.input_copy_at);
    channels_last_to_first(input, shape.batch, pixels_in, layer_.in_channels, first, plan.threads);
    input = first;
  }
  float* lowering_output = plan.output_copy_at >= 0 ? copy(plan.output_copy_at) : output;

  const RunArgs args{layer_, shape, weight_.data(), bias_.empty() ? nullptr : bias_.data(),
                     input,  lowering_output, plan.candidate->packed.get()};
  plan.candidate->lowering->run(args, *plan.detail, plan.threads, scratch);

  if (plan.output_copy_at >= 0)
    channels_first_to_last(lowering_output, shape.batch, layer_.out_channels, pixels_out, output,
                           plan.threads);
}

}  // namespace convt_impl
