#include "plan.hpp"

#include <algorithm>

#include "checked.hpp"
#include "error.hpp"
#include "parallel.hpp"

namespace convt {
namespace {

// The pointwise lowering needs the output to be the input's size (no output_padding).
bool pointwise_fits(const LayerSpec& l, const RunShape& s) {
  return pointwise_possible(l) && s.out_h == s.in_h && s.out_w == s.in_w;
}

// The thinnest GEMM the sub-pixel lowering would run: rows (merged phases x out/groups)
// and average depth K' over its chunks.
struct SubpixelShape {
  int64_t min_rows = 0;
  double depth = 0;
};
SubpixelShape subpixel_shape(const LayerSpec& l) {
  SubpixelShape r{INT64_MAX, 0};
  const std::vector<PhaseChunk> chunks = phase_chunks(l);
  int64_t with_taps = 0;
  for (const PhaseChunk& c : chunks) {
    if (c.taps() == 0) continue;
    r.min_rows = std::min(r.min_rows, static_cast<int64_t>(c.phases.size()) * l.out_per_group());
    r.depth += static_cast<double>(l.in_per_group() * c.taps());
    ++with_taps;
  }
  if (with_taps == 0) return SubpixelShape{};
  r.depth /= static_cast<double>(with_taps);
  return r;
}

// Cost model for AUTO, from measurements on the public suite and held-out layers
// (bench/shapes.txt, bench/heldout.txt; see README "Performance"). OpenBLAS's sgemm runs
// well only when none of M, N, K is thin; the choice follows the GEMM shapes each lowering
// makes:
//  - depthwise layers: the direct kernel, always (GEMM with K = 1 runs at a few GFLOP/s);
//  - 1x1 / stride 1 / no padding: one sgemm straight into the output, always;
//  - sub-pixel (M = merged phases x out/groups, K' = in/groups x taps, outputs stored
//    once) when its GEMMs are not thin: M >= 64, or M >= 32 with K' >= 128 on average; and
//    its im2col does not do much more work than the layer needs (waste <= 1.5: not, e.g., a
//    4x4 kernel on a 1x1 input); measured: wins on dcgan, unet_up, dilated, decoder_op and,
//    with phases merged (M 21 x 13), fcn32s;
//  - otherwise GEMM + col2im (M = out/groups * kH * kW is never thin): fsrcnn (M 9 with
//    all phases merged), grouped (K' 72), dcgan_proj (waste 16).
constexpr double kMaxSubpixelWaste = 1.5;

bool subpixel_gemms_wide(const LayerSpec& l) {
  const SubpixelShape g = subpixel_shape(l);
  return g.min_rows >= 64 || (g.min_rows >= 32 && g.depth >= 128);
}

}  // namespace

bool auto_may_use_subpixel(const LayerSpec& l) {
  return subpixel_possible(l) && !depthwise_possible(l) && !pointwise_possible(l) &&
         subpixel_gemms_wide(l);
}

namespace {

int32_t choose_algorithm(const LayerSpec& l, const RunShape& s, const SubpixelWeights* w) {
  if (l.algorithm != CONVT_ALGORITHM_AUTO) return l.algorithm;
  if (depthwise_possible(l)) return CONVT_ALGORITHM_DEPTHWISE;
  if (pointwise_fits(l, s)) return CONVT_ALGORITHM_POINTWISE;
  if (w && subpixel_gemms_wide(l) && subpixel_waste(l, s, *w) <= kMaxSubpixelWaste)
    return CONVT_ALGORITHM_SUBPIXEL;
  return CONVT_ALGORITHM_GEMM_COL2IM;
}

int thread_count(const LayerSpec& l, int64_t items) {
  return static_cast<int>(
      std::max<int64_t>(1, std::min<int64_t>(effective_threads(l.num_threads), items)));
}

}  // namespace

void check_algorithm_possible(const LayerSpec& l) {
  const char* why = nullptr;
  switch (l.algorithm) {
    case CONVT_ALGORITHM_SUBPIXEL:
      if (!subpixel_possible(l)) why = "subpixel needs strides <= 64";
      break;
    case CONVT_ALGORITHM_DEPTHWISE:
      if (!depthwise_possible(l))
        why = "depthwise needs groups == in_channels == out_channels, strides <= 64 and "
              "dilation * (kernel - 1) <= 4096";
      break;
    case CONVT_ALGORITHM_POINTWISE:
      if (!pointwise_possible(l)) why = "pointwise needs a 1x1 kernel, stride 1 and padding 0";
      break;
    default:
      break;
  }
  if (why)
    fail(CONVT_ERROR_UNSUPPORTED, "algorithm ", convt_algorithm_name(l.algorithm),
         " cannot run this layer: ", why);
}

Plan make_plan(const LayerSpec& l, const RunShape& s, const SubpixelWeights* w) {
  Plan p;
  p.algorithm = choose_algorithm(l, s, w);
  int64_t per_thread = 0;
  switch (p.algorithm) {
    case CONVT_ALGORITHM_GEMM_COL2IM:
      p.gemm = plan_gemm_col2im(l, s);
      p.threads = thread_count(l, p.gemm.items);
      per_thread = static_cast<int64_t>(p.gemm.bytes_per_thread);
      break;
    case CONVT_ALGORITHM_SUBPIXEL:
      if (!w) fail(CONVT_ERROR_INTERNAL, "sub-pixel weights were not packed");
      p.subpixel = plan_subpixel(l, s, *w);
      p.threads = thread_count(l, p.subpixel.items);
      per_thread = static_cast<int64_t>(p.subpixel.bytes_per_thread);
      break;
    case CONVT_ALGORITHM_DEPTHWISE:
      p.threads = thread_count(l, s.batch * l.out_channels);
      per_thread = static_cast<int64_t>(depthwise_workspace_per_thread(l, s));
      break;
    case CONVT_ALGORITHM_POINTWISE:
      if (!pointwise_fits(l, s))
        fail(CONVT_ERROR_UNSUPPORTED, "algorithm pointwise cannot run this shape: it needs an "
             "output of the input's size, but output_padding is [", s.output_padding[0], ", ",
             s.output_padding[1], "]");
      p.threads = thread_count(l, s.batch * l.groups *
                                      ((s.in_h * s.in_w + pointwise_pixels_per_item(l, s) - 1) /
                                       pointwise_pixels_per_item(l, s)));
      break;
    default:
      break;
  }
  if (s.batch > 0 && per_thread > 0)
    p.workspace_bytes = checked_bytes(checked_mul(p.threads, per_thread, "workspace"), 1, "workspace");
  return p;
}

}  // namespace convt
