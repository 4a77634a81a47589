// The planner: which lowering a run uses, on how many threads, with how much scratch.
#pragma once

#include <cstddef>

#include "lowering/lowering.hpp"
#include "pack.hpp"
#include "shape.hpp"

namespace convt {

// Where a run's scratch starts: the first boundary this far into the workspace (a cache
// line; the lowerings keep each thread's part of it a whole number of lines).
constexpr int64_t kWorkspaceAlign = 64;

struct Plan {
  int32_t algorithm = CONVT_ALGORITHM_REFERENCE;  // concrete, never AUTO
  int threads = 1;
  size_t workspace_bytes = 0;  // the run's peak scratch, plus kWorkspaceAlign of slack
  GemmCol2imTiling gemm;       // when algorithm == GEMM_COL2IM
  SubpixelTiling subpixel;     // when algorithm == SUBPIXEL
  PointwiseTiling pointwise;   // when algorithm == POINTWISE
};

// Throws CONVT_ERROR_UNSUPPORTED when the layer's forced algorithm cannot run it at all.
void check_algorithm_possible(const LayerSpec& layer);

// Whether AUTO may pick the sub-pixel lowering for some input shape (so its weights are
// worth packing at create).
bool auto_may_use_subpixel(const LayerSpec& layer);

// Deterministic in (layer, shape): the same inputs always give the same plan. `subpixel` is
// the handle's packed sub-pixel weights, or nullptr when it has none.
Plan make_plan(const LayerSpec& layer, const RunShape& shape, const SubpixelWeights* subpixel);

}  // namespace convt
