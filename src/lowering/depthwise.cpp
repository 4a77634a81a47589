// Depthwise transposed convolution (groups == in_channels == out_channels) as a direct,
// vectorized gather: one input plane, one kH x kW filter, one output plane per work item.
//
// Each output row is built phase by phase (see phases.hpp): the outputs of one W-phase are
// contiguous in a small row buffer, every tap adds a contiguous run of input pixels times
// one weight to it (a loop the compiler vectorizes), and the buffer is then stored to every
// stride-th output column. Every output element is written exactly once: no zero fill, no
// scatter-add. GEMM cannot help here (K = 1); this is bound by memory traffic.
#include <algorithm>

#include "../parallel.hpp"
#include "../phases.hpp"
#include "lowering.hpp"

namespace convt {
namespace {

// acc[j] += src[j] * w for j in [0, n): the hot loop, compiled for AVX-512, AVX2 and the
// baseline, chosen at load time (GCC/clang function multiversioning).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void axpy(float* __restrict acc, const float* __restrict src, float w, int64_t n) {
  for (int64_t j = 0; j < n; ++j) acc[j] += src[j] * w;
}

void plane(const float* x, int64_t in_h, int64_t in_w, const float* wk, int64_t kw_n, float b,
           float* out, int64_t out_h, int64_t out_w, const DimPhases& ph, const DimPhases& pw,
           float* acc) {
  for (int64_t oh = 0; oh < out_h; ++oh) {
    const int64_t ry = (oh + ph.padding) % ph.stride, qy = (oh + ph.padding) / ph.stride;
    float* out_row = out + oh * out_w;
    for (int64_t rx = 0; rx < pw.stride; ++rx) {
      const int64_t q0 = pw.q_begin(rx), n = pw.q_end(rx, out_w) - q0;
      if (n <= 0) continue;
      std::fill(acc, acc + n, b);
      for (const Tap& ty : ph.taps[static_cast<size_t>(ry)]) {
        const int64_t h = qy - ty.offset;
        if (h < 0 || h >= in_h) continue;
        const float* x_row = x + h * in_w;
        for (const Tap& tx : pw.taps[static_cast<size_t>(rx)]) {
          // input column q - offset must lie in [0, in_w), q = q0 + j
          const int64_t j_lo = std::max<int64_t>(0, tx.offset - q0);
          const int64_t j_hi = std::min<int64_t>(n, in_w + tx.offset - q0);
          if (j_lo >= j_hi) continue;
          axpy(acc + j_lo, x_row + (q0 + j_lo - tx.offset), wk[ty.k * kw_n + tx.k], j_hi - j_lo);
        }
      }
      const int64_t first = q0 * pw.stride + rx - pw.padding;
      if (pw.stride == 1) {
        std::copy(acc, acc + n, out_row + first);
      } else {
        for (int64_t j = 0; j < n; ++j) out_row[first + j * pw.stride] = acc[j];
      }
    }
  }
}

}  // namespace

bool depthwise_possible(const LayerSpec& l) {
  return l.in_per_group() == 1 && l.out_per_group() == 1 && subpixel_possible(l);
}

size_t depthwise_workspace_per_thread(const RunShape& s) {
  return static_cast<size_t>(s.out_w) * sizeof(float);
}

void run_depthwise(const RunArgs& a, int threads, float* workspace) {
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const DimPhases ph = make_phases(l.kernel[0], l.stride[0], l.padding[0], l.dilation[0]);
  const DimPhases pw = make_phases(l.kernel[1], l.stride[1], l.padding[1], l.dilation[1]);
  const int64_t in_plane = s.in_h * s.in_w, out_plane = s.out_h * s.out_w;
  const int64_t per_thread = static_cast<int64_t>(depthwise_workspace_per_thread(s) / sizeof(float));
  parallel_for(s.batch * l.out_channels, threads, [&](int64_t item, int slot) {
    const int64_t c = item % l.out_channels;
    plane(a.input + item * in_plane, s.in_h, s.in_w, a.weight + c * l.kernel_area(), l.kernel[1],
          a.bias ? a.bias[c] : 0.0f, a.output + item * out_plane, s.out_h, s.out_w, ph, pw,
          workspace + slot * per_thread);
  });
}

}  // namespace convt
