#include "operator.hpp"

#include <cstdlib>
#include <memory>
#include <new>

#include "error.hpp"
#include "parallel.hpp"

namespace convt {
namespace {

// Scratch for runs without a caller workspace: one buffer per calling thread, kept for its
// next run and freed when the thread exits. A fresh allocation per run costs page faults
// that can take longer than a small layer's whole run. Buffers above kMaxKept are not kept.
constexpr size_t kMaxKept = size_t(64) << 20;

struct ThreadScratch {
  void* data = nullptr;
  size_t bytes = 0;
  ~ThreadScratch() { std::free(data); }
};
thread_local ThreadScratch t_scratch;

// A 64-byte aligned workspace of at least `bytes` (free it with std::free); throws
// CONVT_ERROR_OUT_OF_MEMORY when it cannot be had.
void* allocate_workspace(size_t bytes, size_t* rounded) {
  *rounded = (bytes + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, *rounded);
  if (!p) fail(CONVT_ERROR_OUT_OF_MEMORY, "cannot allocate a workspace of ", *rounded, " bytes");
  return p;
}

// The calling thread's scratch of at least `bytes`; nullptr if it is not to be kept. Throws
// CONVT_ERROR_OUT_OF_MEMORY when it cannot be had (the old buffer is released first).
void* thread_scratch(size_t bytes) {
  if (bytes > kMaxKept) return nullptr;
  if (t_scratch.bytes < bytes) {
    std::free(t_scratch.data);
    t_scratch.data = nullptr;
    t_scratch.bytes = 0;
    size_t rounded;
    t_scratch.data = allocate_workspace(bytes, &rounded);
    t_scratch.bytes = rounded;
  }
  return t_scratch.data;
}

}  // namespace

Operator::Operator(const LayerSpec& layer, const float* weight, const float* bias)
    : layer_(layer),
      weight_(weight, weight + layer.weight_elems()),
      bias_(bias ? std::vector<float>(bias, bias + layer.out_channels) : std::vector<float>()) {
  const bool may_subpixel =
      layer.algorithm == CONVT_ALGORITHM_SUBPIXEL ||
      (layer.algorithm == CONVT_ALGORITHM_AUTO && auto_may_use_subpixel(layer));
  if (may_subpixel) subpixel_ = pack_subpixel(layer, weight, active_isa());
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
  if (!workspace && plan.workspace_bytes > 0) {
    workspace = thread_scratch(plan.workspace_bytes);
    if (!workspace) {  // too large to keep: this run's own
      size_t rounded;
      owned.reset(allocate_workspace(plan.workspace_bytes, &rounded));
      workspace = owned.get();
    }
  }

  // The scratch starts at the workspace's first 64-byte boundary (the plan's size counts
  // the slack): each thread's part then starts a cache line, whatever the caller's
  // allocator gave. (In a std::vector's workspace, 16 bytes past a line, unet_up ran 3-9 %
  // and k31_s21 2-7 % slower.)
  if (workspace) {
    const uintptr_t at = reinterpret_cast<uintptr_t>(workspace);
    const uintptr_t align = static_cast<uintptr_t>(kWorkspaceAlign);
    workspace = static_cast<unsigned char*>(workspace) + ((align - at % align) % align);
  }

  const RunArgs args{layer_, shape, weight_.data(), bias_.empty() ? nullptr : bias_.data(),
                     input, output};
  switch (plan.algorithm) {
    case CONVT_ALGORITHM_REFERENCE:
      run_reference(args);
      break;
    case CONVT_ALGORITHM_GEMM_COL2IM:
      run_gemm_col2im(args, plan.gemm, plan.threads, static_cast<float*>(workspace));
      break;
    case CONVT_ALGORITHM_SUBPIXEL:
      run_subpixel(args, subpixel_, plan.subpixel, plan.threads, static_cast<float*>(workspace));
      break;
    case CONVT_ALGORITHM_DEPTHWISE:
      run_depthwise(args, plan.threads, static_cast<float*>(workspace));
      break;
    case CONVT_ALGORITHM_POINTWISE:
      run_pointwise(args, plan.pointwise, plan.threads);
      break;
    default:
      fail(CONVT_ERROR_INTERNAL, "planner chose unknown algorithm ", plan.algorithm);
  }
}

}  // namespace convt
