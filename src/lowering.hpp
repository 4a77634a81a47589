// What a lowering is: one entry of the table in lowerings.cpp, as oneDNN keeps a list of
// implementations. An entry says whether it can run a layer and a run shape, whether AUTO
// should take it, what it packs at create, how it plans a run and how it runs one; the
// planner and the operator only walk the table. Adding a lowering is its own files, a
// CONVT_ALGORITHM_* value in convt.h and a line in the table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "shape.hpp"

namespace convt_impl {

struct KernelLevel;  // kernels/levels.hpp

// Weights a lowering repacked at create for its own use; each lowering derives its own.
struct PackedWeights {
  virtual ~PackedWeights() = default;
};

// What a lowering decided for one run shape; each lowering derives its own. `items` is the
// number of independent work items (a run uses at most that many threads), and each
// thread needs `bytes_per_thread` of scratch (a whole number of 64-byte lines).
struct LoweringPlan {
  virtual ~LoweringPlan() = default;
  int64_t items = 1;
  size_t bytes_per_thread = 0;
};

// One run's buffers, of the sizes the layer and shape say (checked by the operator).
struct RunArgs {
  const LayerSpec& layer;
  const RunShape& shape;
  const float* weight;           // (in_channels, out_channels/groups, kernel...), PyTorch's
  const float* bias;             // out_channels floats, or nullptr
  const float* input;            // (N, in_channels, spatial...), or (N, spatial..., C) where
                                 // the lowering reads channels last
  float* output;                 // (N, out_channels, out spatial...), or channels last where
                                 // it writes so
  const PackedWeights* packed;   // what this lowering packed at create, or nullptr
};

class Lowering {
 public:
  virtual ~Lowering() = default;

  virtual int32_t algorithm() const = 0;  // CONVT_ALGORITHM_*
  virtual const char* name() const = 0;   // convt_algorithm_name's answer

  // nullptr when this lowering can run the layer; otherwise why not (the message of
  // CONVT_ERROR_UNSUPPORTED when it is forced at create).
  virtual const char* cannot_run(const LayerSpec&) const { return nullptr; }
  // "" when it can run this shape of a layer it can run; otherwise why not (the message
  // when it is forced and run on that shape).
  virtual std::string cannot_fit(const LayerSpec&, const RunShape&) const { return {}; }

  // Whether AUTO may take it for some shape of this layer at this kernel level (its
  // weights are packed at create when this holds or it is forced), and whether it takes
  // it for this shape. AUTO takes the first entry of the table whose rules hold.
  virtual bool auto_takes_layer(const LayerSpec&, const KernelLevel&) const = 0;
  virtual bool auto_takes_shape(const LayerSpec&, const RunShape&, const PackedWeights*,
                                const KernelLevel&) const {
    return true;
  }

  // Whether it reads a channels-last input, and writes a channels-last output, as they are
  // (CONVT_LAYOUT_CHANNELS_LAST); otherwise the operator hands it channels-first copies
  // (layout.hpp). Activations are every lowering's own: it applies them where it stores.
  virtual bool reads_channels_last() const { return false; }
  virtual bool writes_channels_last() const { return false; }

  // Packs the weights for this lowering at create (nullptr: it reads PyTorch's layout).
  virtual std::unique_ptr<const PackedWeights> pack(const LayerSpec&, const float* /*weight*/,
                                                    const KernelLevel&) const {
    return nullptr;
  }
  // The plan of one run on at most max_threads threads. Deterministic in its arguments.
  virtual std::unique_ptr<const LoweringPlan> plan(const LayerSpec&, const RunShape&,
                                                   const PackedWeights*,
                                                   int max_threads) const = 0;
  // Runs it on `threads` threads; workspace: threads * plan.bytes_per_thread bytes,
  // 64-byte aligned (nullptr when that is 0).
  virtual void run(const RunArgs&, const LoweringPlan&, int threads, void* workspace) const = 0;
};

}  // namespace convt_impl
