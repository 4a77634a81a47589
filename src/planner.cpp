#include "planner.hpp"

#include <algorithm>

#include "checked.hpp"
#include "error.hpp"
#include "kernels/levels.hpp"
#include "lowerings.hpp"
#include "parallel.hpp"

namespace convt_impl {

void check_algorithm(const LayerSpec& l) {
  if (l.algorithm == CONVT_ALGORITHM_AUTO) return;
  const Lowering* forced = find_lowering(l.algorithm);
  if (!forced) fail(CONVT_ERROR_INVALID_ARGUMENT, "unknown algorithm: ", l.algorithm);
  if (const char* why = forced->cannot_run(l))
    fail(CONVT_ERROR_UNSUPPORTED, "algorithm ", forced->name(), " cannot run this layer: ", why);
}

std::vector<Candidate> choose_candidates(const LayerSpec& l, const float* weight) {
  check_algorithm(l);
  std::vector<Candidate> out;
  const KernelLevel& level = kernels();
  auto add = [&](const Lowering* lowering) {
    Candidate c;
    c.lowering = lowering;
    c.packed = lowering->pack(l, weight, level);
    out.push_back(std::move(c));
  };
  if (l.algorithm == CONVT_ALGORITHM_AUTO) {
    for (const Lowering* lowering : lowerings())
      if (!lowering->cannot_run(l) && lowering->auto_takes_layer(l, level)) add(lowering);
    if (out.empty()) fail(CONVT_ERROR_INTERNAL, "no lowering runs this layer");
    return out;
  }
  add(find_lowering(l.algorithm));
  return out;
}

Plan make_plan(const LayerSpec& l, const RunShape& s, const std::vector<Candidate>& candidates) {
  Plan p;
  const KernelLevel& level = kernels();
  if (l.algorithm == CONVT_ALGORITHM_AUTO) {
    for (const Candidate& c : candidates)
      if (c.lowering->cannot_fit(l, s).empty() &&
          c.lowering->auto_takes_shape(l, s, c.packed.get(), level)) {
        p.candidate = &c;
        break;
      }
    if (!p.candidate) fail(CONVT_ERROR_INTERNAL, "no lowering runs this shape");
  } else {
    p.candidate = &candidates.front();
    const std::string why = p.candidate->lowering->cannot_fit(l, s);
    if (!why.empty())
      fail(CONVT_ERROR_UNSUPPORTED, "algorithm ", p.candidate->lowering->name(),
           " cannot run this shape: ", why);
  }
  const int max_threads = effective_threads(l.num_threads);
  p.detail = p.candidate->lowering->plan(l, s, p.candidate->packed.get(), max_threads);
  p.threads = static_cast<int>(std::clamp<int64_t>(p.detail->items, 1, max_threads));
  // + kWorkspaceAlign: a caller's workspace may start anywhere (malloc gives 16-byte
  // alignment); the run starts at its first 64-byte boundary (Operator::run).
  const int64_t per_thread = static_cast<int64_t>(p.detail->bytes_per_thread);
  int64_t bytes = checked_mul(p.threads, per_thread, "workspace");
  // Copies of channels-last tensors for a lowering that computes channels first, each a
  // whole number of cache lines.
  const auto add_copy = [&](int64_t floats) {
    const int64_t at = bytes;
    bytes = checked_add(bytes, checked_mul(ceil_div(floats, 16), kWorkspaceAlign, "workspace"),
                        "workspace");
    return at;
  };
  if (l.channels_last()) {
    if (!p.candidate->lowering->reads_channels_last()) p.input_copy_at = add_copy(s.input_elems);
    if (!p.candidate->lowering->writes_channels_last()) p.output_copy_at = add_copy(s.output_elems);
  }
  if (s.batch > 0 && bytes > 0)
    p.workspace_bytes = checked_bytes(checked_add(bytes, kWorkspaceAlign, "workspace"), 1, "workspace");
  return p;
}

}  // namespace convt_impl
