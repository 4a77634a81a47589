#include "plan.hpp"

#include <algorithm>

#include "checked.hpp"
#include "error.hpp"
#include "kernels.hpp"
#include "parallel.hpp"

namespace convt {
namespace {

// The pointwise lowering needs the output to be the input's size (no output_padding).
bool pointwise_fits(const LayerSpec& l, const RunShape& s) {
  return pointwise_possible(l) && s.out_h == s.in_h && s.out_w == s.in_w;
}

// Cost model for AUTO, from the measurements of `convt-bench --algorithm all` on the
// public suite and the held-out layers (README "Performance"). Both GEMM lowerings do the
// same multiply-adds; sub-pixel runs them on convt's own register-blocked kernel
// (lowering/gemm_kernel.cpp: 80-90 % of this machine's peak where OpenBLAS reaches 65-80 %
// on these shapes), reads its taps out of one bordered copy of the input instead of an
// im2col, and stores every output once instead of scatter-adding, so it wins on every
// layer measured (1.1x dcgan_g2 to 7x espcn_k6s2, fcn32s 2.1x, fsrcnn 1.75x) except where
// its GEMMs do much more work than the layer needs: waste > 1.5, i.e. inputs barely larger
// than one kernel window (dcgan_proj, a 4x4 kernel on a 1x1 input: 16, 14x slower). There
// GEMM + col2im (or POINTWISE for 1x1 layers) runs.
constexpr double kMaxSubpixelWaste = 1.5;

// At a level not yet timed on hardware (neon: only emulated so far), convt's own kernels
// run only where they do less work than the library's: the depthwise kernel for depthwise
// layers, POINTWISE (one sgemm, nothing else) where it fits, and sub-pixel only where its
// GEMMs do no more multiply-adds than the layer needs (it then also skips the im2col and
// the scatter-add); GEMM + col2im everywhere else.
int32_t choose_unmeasured(const LayerSpec& l, const RunShape& s, const SubpixelWeights* w) {
  if (depthwise_possible(l) && depthwise_fits(l, s)) return CONVT_ALGORITHM_DEPTHWISE;
  if (pointwise_fits(l, s)) return CONVT_ALGORITHM_POINTWISE;
  if (w && subpixel_waste(l, s, *w) <= 1.0 + 1e-9) return CONVT_ALGORITHM_SUBPIXEL;
  return CONVT_ALGORITHM_GEMM_COL2IM;
}

// Depthwise layers (K = 1 per tap: GEMM + col2im runs them at a few GFLOP/s) take the
// direct depthwise kernel, unless the kernel is a multiple of a stride above 1 in both
// dimensions (dilation 1): every phase then has the same whole sub-kernel, and sub-pixel
// ran them faster. Measured in the interleaved peers run (`--engines
// convt_subpixel,convt_depthwise`, 64 channels of 56x56 unless said), ms at 1 / 2 threads,
// sub-pixel vs the kernel: k4 s2 (the suite's) 0.156 / 0.097 vs 0.199 / 0.124, the same on
// 128 channels 0.31 / 0.17 vs 0.40 / 0.22 and on batch 4 x 32 channels of 28x28 0.098 /
// 0.066 vs 0.159 / 0.10, k2 s2 0.090 / 0.056 vs 0.127 / 0.088, k6 s3 (40x40) 0.28 / 0.17 vs
// 0.46 / 0.26, k4 s4 0.94 / 0.43 vs 1.48 / 0.76, k8 s4 1.00 / 0.50 vs 1.83 / 0.90. The
// kernel wins at stride 1 (k3 0.095 / 0.059 vs 0.099 / 0.063; k5, k7 and dilated k3 by
// 7-20 %) and where the phases' taps differ (k3 s2: 0.17 / 0.12 vs 0.32 / 0.40). (An older
// sub-pixel, before its whole-row items and slabs, lost on every one of these.)
bool depthwise_prefers_subpixel(const LayerSpec& l) {
  return l.stride[0] > 1 && l.stride[1] > 1 && l.kernel[0] % l.stride[0] == 0 &&
         l.kernel[1] % l.stride[1] == 0 && l.dilation[0] == 1 && l.dilation[1] == 1;
}

// Kernel == stride > 1, no padding or dilation: every phase is one tap, a GEMM on the
// input itself. At baseline with SSE-class OpenBLAS kernels sub-pixel ran it faster
// (unet_up 6.3 against 10.5 ms at 2 threads), with AVX2 ones 2.3x slower. (1x1: POINTWISE.)
bool baseline_prefers_subpixel(const LayerSpec& l) {
  return blas_is_sse_class() && l.kernel[0] == l.stride[0] && l.kernel[1] == l.stride[1] &&
         l.stride[0] * l.stride[1] > 1 &&
         l.padding[0] == 0 && l.padding[1] == 0 && l.dilation[0] == 1 && l.dilation[1] == 1 &&
         subpixel_possible(l);
}

int32_t choose_algorithm(const LayerSpec& l, const RunShape& s, const SubpixelWeights* w) {
  if (l.algorithm != CONVT_ALGORITHM_AUTO) return l.algorithm;
  const KernelLevel& level = kernels();
  if (level.isa == Isa::kBaseline) {
    // At the baseline level GEMM + col2im (or POINTWISE) wins every suite layer but the
    // depthwise ones (their own kernel: K = 1 per tap keeps OpenBLAS slow too) and, where
    // OpenBLAS runs SSE-class kernels as well, the layers whose phases are plain GEMMs on
    // the input in place (sub-pixel: no im2col and no scatter).
    if (depthwise_possible(l) && depthwise_fits(l, s)) return CONVT_ALGORITHM_DEPTHWISE;
    if (w && baseline_prefers_subpixel(l)) return CONVT_ALGORITHM_SUBPIXEL;
    return pointwise_fits(l, s) ? CONVT_ALGORITHM_POINTWISE : CONVT_ALGORITHM_GEMM_COL2IM;
  }
  if (!level.measured) return choose_unmeasured(l, s, w);
  const bool subpixel_fits = w && subpixel_waste(l, s, *w) <= kMaxSubpixelWaste;
  if (depthwise_possible(l) && depthwise_fits(l, s) &&
      !(subpixel_fits && depthwise_prefers_subpixel(l)))
    return CONVT_ALGORITHM_DEPTHWISE;
  if (subpixel_fits) return CONVT_ALGORITHM_SUBPIXEL;
  if (pointwise_fits(l, s)) return CONVT_ALGORITHM_POINTWISE;
  return CONVT_ALGORITHM_GEMM_COL2IM;
}

int thread_count(const LayerSpec& l, int64_t items) {
  return static_cast<int>(
      std::max<int64_t>(1, std::min<int64_t>(effective_threads(l.num_threads), items)));
}

}  // namespace

bool auto_may_use_subpixel(const LayerSpec& l) {
  if (!subpixel_possible(l)) return false;
  if (kernels().isa == Isa::kBaseline)
    return !depthwise_possible(l) && baseline_prefers_subpixel(l);
  if (!kernels().measured) return !depthwise_possible(l);
  if (depthwise_possible(l)) return depthwise_prefers_subpixel(l);
  return true;
}

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
      p.subpixel = plan_subpixel(l, s, *w, effective_threads(l.num_threads));
      p.threads = thread_count(l, p.subpixel.items);
      per_thread = static_cast<int64_t>(p.subpixel.bytes_per_thread);
      break;
    case CONVT_ALGORITHM_DEPTHWISE:
      if (!depthwise_fits(l, s))
        fail(CONVT_ERROR_UNSUPPORTED, "algorithm depthwise cannot run this shape: its output [",
             s.out_h, ", ", s.out_w, "] is far larger than stride x input");
      p.threads = thread_count(l, s.batch * l.out_channels);
      per_thread = static_cast<int64_t>(depthwise_workspace_per_thread(l, s));
      break;
    case CONVT_ALGORITHM_POINTWISE:
      if (!pointwise_fits(l, s))
        fail(CONVT_ERROR_UNSUPPORTED, "algorithm pointwise cannot run this shape: it needs an "
             "output of the input's size, but output_padding is [", s.output_padding[0], ", ",
             s.output_padding[1], "]");
      p.pointwise = plan_pointwise(l, s);
      p.threads = thread_count(l, p.pointwise.items);
      break;
    default:
      break;
  }
  // + kWorkspaceAlign: a caller's workspace may start anywhere (malloc gives 16-byte
  // alignment); the run starts at its first 64-byte boundary (Operator::run).
  if (s.batch > 0 && per_thread > 0)
    p.workspace_bytes = checked_bytes(
        checked_add(checked_mul(p.threads, per_thread, "workspace"), kWorkspaceAlign, "workspace"),
        1, "workspace");
  return p;
}

}  // namespace convt
