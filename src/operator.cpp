#include "operator.hpp"

#include <cstdlib>
#include <memory>

#include "error.hpp"
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
  if (shape.output_elems == 0) return;  // batch 0: nothing to read or write
  if (!input) fail(kInvalid, "input is NULL");
  if (!output) fail(kInvalid, "output is NULL");

  const Plan plan = this->plan(shape);
  if (workspace && workspace_bytes < plan.workspace_bytes)
    fail(kInvalid, "workspace_size is ", workspace_bytes, " bytes, but this run needs ",
         plan.workspace_bytes, " (see convt_workspace_size)");
  std::unique_ptr<void, decltype(&std::free)> owned(nullptr, &std::free);
  void* scratch = run_scratch(workspace, plan.workspace_bytes, owned);

  const RunArgs args{layer_,  shape,  weight_.data(), bias_.empty() ? nullptr : bias_.data(),
                     input,   output, plan.candidate->packed.get()};
  plan.candidate->lowering->run(args, *plan.detail, plan.threads, scratch);
}

}  // namespace convt_impl
