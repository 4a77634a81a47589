#include "plan.hpp"

#include <algorithm>

#include "checked.hpp"
#include "parallel.hpp"

namespace convt {

// Cost model. For now there is one fast lowering: AUTO is GEMM + col2im for every shape.
// The forced algorithms are honoured as given.
static int32_t choose_algorithm(const LayerSpec& layer, const RunShape&) {
  if (layer.algorithm != CONVT_ALGORITHM_AUTO) return layer.algorithm;
  return CONVT_ALGORITHM_GEMM_COL2IM;
}

Plan make_plan(const LayerSpec& layer, const RunShape& shape) {
  Plan p;
  p.algorithm = choose_algorithm(layer, shape);
  if (p.algorithm == CONVT_ALGORITHM_GEMM_COL2IM) {
    p.gemm = plan_gemm_col2im(layer, shape);
    p.threads = static_cast<int>(
        std::max<int64_t>(1, std::min<int64_t>(effective_threads(layer.num_threads), p.gemm.items)));
    if (shape.batch > 0)
      p.workspace_bytes = checked_bytes(
          checked_mul(p.threads, static_cast<int64_t>(p.gemm.bytes_per_thread), "workspace"), 1,
          "workspace");
  }
  return p;
}

}  // namespace convt
