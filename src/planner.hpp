// The planner: which lowerings a layer may use (at create), and which one a run uses, on how
// many threads, with how much scratch. It only walks the table (lowerings.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "lowering.hpp"

namespace convt_impl {

// Where a run's scratch starts: the first boundary this far into the workspace (a cache
// line; the lowerings keep each thread's part of it a whole number of lines).
constexpr int64_t kWorkspaceAlign = 64;

// A lowering a handle may run, with the weights it packed at create.
struct Candidate {
  const Lowering* lowering = nullptr;
  std::unique_ptr<const PackedWeights> packed;
};

// Throws CONVT_ERROR_INVALID_ARGUMENT for an unknown algorithm and CONVT_ERROR_UNSUPPORTED
// for a forced one that cannot run the layer.
void check_algorithm(const LayerSpec& layer);

// The forced algorithm alone, or under AUTO every lowering whose layer rule holds at the
// kernel level in use, in the table's order; each packs its weights here. Throws as
// check_algorithm.
std::vector<Candidate> choose_candidates(const LayerSpec& layer, const float* weight);

struct Plan {
  const Candidate* candidate = nullptr;        // what runs (never nullptr after make_plan)
  std::unique_ptr<const LoweringPlan> detail;  // its plan for this shape
  int threads = 1;
  size_t workspace_bytes = 0;  // the run's peak scratch, plus kWorkspaceAlign of slack
  // Channels-last tensors the lowering does not take as they are (layout.hpp): the input's
  // and the output's channels-first copies, at these byte offsets into the aligned
  // workspace (after the lowering's threads * bytes_per_thread); -1: none.
  int64_t input_copy_at = -1, output_copy_at = -1;
  int32_t algorithm() const { return candidate->lowering->algorithm(); }
};

// Deterministic in (layer, shape): the same inputs always give the same plan. Throws
// CONVT_ERROR_UNSUPPORTED when a forced algorithm cannot run this shape.
Plan make_plan(const LayerSpec& layer, const RunShape& shape,
               const std::vector<Candidate>& candidates);

}  // namespace convt_impl
