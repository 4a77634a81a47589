// Depthwise transposed convolution (groups == in_channels == out_channels) as a direct,
// vectorized gather: one input plane, one kH x kW filter, one output plane per work item.
//
// Per plane: the input is first copied into a zero-bordered buffer, so that every tap of
// every output phase (see phases.hpp) reads valid memory for every output: the inner loop
// has no edge cases. The output rows of one row phase are then built in blocks, W-phase by
// W-phase, 16 outputs at a time: all taps of the phase are summed in registers and stored
// once into a small row buffer (adding into memory tap by tap stalls on store forwarding),
// and the W-phases of each row are interleaved into the output. Every output element is
// written exactly once. GEMM cannot help here (K = 1): this is bound by loads and memory
// traffic.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../kernels.hpp"
#include "../parallel.hpp"
#include "../phases.hpp"
#include "../simd.hpp"
#include "lowering.hpp"

namespace convt {
namespace {

// Rows are computed in whole vectors of up to kVec floats (the widest level's); the
// bordered copy and the row buffers are sized for that, whatever the level.
constexpr int64_t kVec = 16;

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

// Output rows of one row phase computed per pass: the taps are set up once per pass and
// W-phase instead of once per row (for a 4x4 stride-2 kernel on 56-wide rows the set-up
// cost as much as the row's 16 multiply-adds).
constexpr int64_t kRowBlock = 16;

}  // namespace

// Everything about a layer's planes that does not depend on the data, computed once per run.
struct DepthwiseGeometry {
  DimPhases ph, pw;
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t top = 0, left = 0, padded_h = 0, padded_w = 0;  // the zero-bordered input copy
  int64_t acc_stride = 0;                                  // floats per W-phase row buffer
  struct Column {                                          // one W-phase
    int64_t q0 = 0, n = 0, first = 0;  // outputs first + j*stride, j in [0, n), from q = q0 + j
    std::vector<Tap> taps;
  };
  std::vector<Column> cols;
  int64_t even = -1;  // stride 2: the W-phase whose outputs come first in adjacent pairs

  DepthwiseGeometry(const LayerSpec& l, const RunShape& s)
      : ph(make_phases(l.kernel[0], l.stride[0], l.padding[0], l.dilation[0])),
        pw(make_phases(l.kernel[1], l.stride[1], l.padding[1], l.dilation[1])),
        in_h(s.in_h), in_w(s.in_w), out_h(s.out_h), out_w(s.out_w) {
    // Rows: phase row q reads input rows q - offset; q runs over [q_begin, q_end).
    int64_t lo_h = 0, hi_h = in_h - 1;
    for (int64_t r = 0; r < ph.stride; ++r) {
      const int64_t q0 = ph.q_begin(r), q1 = ph.q_end(r, out_h);
      if (q0 >= q1) continue;
      for (const Tap& t : ph.taps[static_cast<size_t>(r)])
        lo_h = std::min(lo_h, q0 - t.offset), hi_h = std::max(hi_h, q1 - 1 - t.offset);
    }
    // Columns: W-phase output j reads input column q0 + j - offset, j rounded up to vectors.
    int64_t lo_w = 0, hi_w = in_w - 1, longest = 0;
    cols.resize(static_cast<size_t>(pw.stride));
    for (int64_t r = 0; r < pw.stride; ++r) {
      Column& c = cols[static_cast<size_t>(r)];
      c.q0 = pw.q_begin(r);
      c.n = std::max<int64_t>(0, pw.q_end(r, out_w) - c.q0);
      c.first = c.q0 * pw.stride + r - pw.padding;
      c.taps = pw.taps[static_cast<size_t>(r)];
      longest = std::max(longest, c.n);
      if (c.n == 0) continue;
      for (const Tap& t : c.taps)
        lo_w = std::min(lo_w, c.q0 - t.offset),
        hi_w = std::max(hi_w, c.q0 + round_up(c.n, kVec) - 1 - t.offset);
    }
    top = -lo_h;
    left = -lo_w;
    padded_h = hi_h + 1 + top;
    padded_w = hi_w + 1 + left;
    acc_stride = round_up(longest, kVec);
    if (pw.stride == 2 && cols[0].n == cols[1].n) {
      if (cols[0].first + 1 == cols[1].first) even = 0;
      if (cols[1].first + 1 == cols[0].first) even = 1;
    }
  }

  int64_t workspace_floats() const {
    return padded_h * padded_w + kRowBlock * acc_stride * pw.stride;
  }
};

namespace {

// One plane, in vectors of type Vec, S sums at a time (the per-level entry points are below).
template <typename Vec, int S>
__attribute__((always_inline)) inline void plane(const DepthwiseGeometry& g, const float* x,
                                                 const float* wk, int64_t kw_n, float b,
                                                 float* out, float* scratch) {
  constexpr int64_t L = kLanes<Vec>;
  // The zero-bordered copy of the input plane.
  float* padded = scratch;
  float* acc = scratch + g.padded_h * g.padded_w;
  std::memset(padded, 0, static_cast<size_t>(g.padded_h * g.padded_w) * sizeof(float));
  for (int64_t h = 0; h < g.in_h; ++h)
    std::memcpy(padded + (h + g.top) * g.padded_w + g.left, x + h * g.in_w,
                static_cast<size_t>(g.in_w) * sizeof(float));

  constexpr int kMaxTaps = 64;
  const float* src[kMaxTaps];
  float w[kMaxTaps];
  const int64_t sw = g.pw.stride;
  for (int64_t ry = 0; ry < g.ph.stride; ++ry) {
    // Output rows oh = q * stride + ry - padding, q in [q_begin, q_end), in blocks.
    const int64_t q_first = g.ph.q_begin(ry), q_last = g.ph.q_end(ry, g.out_h);
    const auto& taps_y = g.ph.taps[static_cast<size_t>(ry)];
    for (int64_t q0 = q_first; q0 < q_last; q0 += kRowBlock) {
      const int64_t rows = std::min(kRowBlock, q_last - q0);
      for (int64_t rx = 0; rx < sw; ++rx) {
        const DepthwiseGeometry::Column& c = g.cols[static_cast<size_t>(rx)];
        int count = 0;
        for (const Tap& ty : taps_y) {
          const float* row = padded + (q0 - ty.offset + g.top) * g.padded_w + g.left + c.q0;
          for (const Tap& tx : c.taps) {
            if (count == kMaxTaps) break;  // never with kernels below 8x8 per phase
            src[count] = row - tx.offset;
            w[count] = wk[ty.k * kw_n + tx.k];
            ++count;
          }
        }
        const bool many = static_cast<size_t>(count) < taps_y.size() * c.taps.size();
        for (int64_t r = 0; r < rows; ++r) {
          float* a = acc + (r * sw + rx) * g.acc_stride;
          const int64_t shift = r * g.padded_w;  // row q0 + r
          if (many) {  // very many taps: sum tap by tap into memory
            std::fill(a, a + c.n, b);
            for (const Tap& ty : taps_y) {
              const float* row =
                  padded + (q0 + r - ty.offset + g.top) * g.padded_w + g.left + c.q0;
              for (const Tap& tx : c.taps) {
                const float wt = wk[ty.k * kw_n + tx.k];
                for (int64_t j = 0; j < c.n; ++j) a[j] += wt * row[j - tx.offset];
              }
            }
            continue;
          }
          // S independent sums at a time: FMA latency, not throughput, bounds one chain.
          int64_t j = 0;
          for (; j + S * L <= round_up(c.n, L); j += S * L) {
            Vec sum[S];
#pragma GCC unroll 8
            for (int u = 0; u < S; ++u) sum[u] = Vec{} + b;
            for (int i = 0; i < count; ++i) {
              const float* p = src[i] + shift + j;
#pragma GCC unroll 8
              for (int u = 0; u < S; ++u) sum[u] += w[i] * load<Vec>(p + u * L);
            }
#pragma GCC unroll 8
            for (int u = 0; u < S; ++u) store(a + j + u * L, sum[u]);
          }
          for (; j < c.n; j += L) {
            Vec sum = Vec{} + b;
            for (int i = 0; i < count; ++i) sum += w[i] * load<Vec>(src[i] + shift + j);
            store(a + j, sum);
          }
        }
      }
      // The block's rows, their W-phases interleaved into the output.
      for (int64_t r = 0; r < rows; ++r) {
        const float* acc_row = acc + r * sw * g.acc_stride;
        float* out_row = out + ((q0 + r) * g.ph.stride + ry - g.ph.padding) * g.out_w;
        if (sw == 1) {
          std::memcpy(out_row + g.cols[0].first, acc_row,
                      static_cast<size_t>(g.cols[0].n) * sizeof(float));
        } else if (g.even >= 0) {
          float* __restrict dst = out_row + g.cols[static_cast<size_t>(g.even)].first;
          const float* __restrict a0 = acc_row + g.even * g.acc_stride;
          const float* __restrict a1 = acc_row + (1 - g.even) * g.acc_stride;
          for (int64_t j = 0; j < g.cols[0].n; ++j) {
            dst[2 * j] = a0[j];
            dst[2 * j + 1] = a1[j];
          }
        } else {
          for (int64_t rx = 0; rx < sw; ++rx) {
            const DepthwiseGeometry::Column& c = g.cols[static_cast<size_t>(rx)];
            const float* a = acc_row + rx * g.acc_stride;
            for (int64_t j = 0; j < c.n; ++j) out_row[c.first + j * sw] = a[j];
          }
        }
      }
    }
  }
}

}  // namespace

// Per level: the sums in one register of the level each (a wider generic vector is
// compiled through the stack there), and enough independent sums for its FMA latency.
#define CONVT_DEPTHWISE_LEVEL(ns, target, Vec)                                             \
  namespace ns {                                                                          \
  target void depthwise_plane(const DepthwiseGeometry& g, const float* x, const float* wk, \
                              int64_t kw_n, float b, float* out, float* scratch) {        \
    plane<Vec, kLanes<Vec> >= 16 ? 4 : 8>(g, x, wk, kw_n, b, out, scratch);               \
  }                                                                                       \
  }
CONVT_FOR_EACH_LEVEL(CONVT_DEPTHWISE_LEVEL)
#undef CONVT_DEPTHWISE_LEVEL

// The zero border is as wide as the kernel's reach (dilation * (kernel - 1)): keep it sane.
constexpr int64_t kMaxKernelExtent = 1 << 12;

bool depthwise_possible(const LayerSpec& l) {
  return l.in_per_group() == 1 && l.out_per_group() == 1 && subpixel_possible(l) &&
         l.dilation[0] * (l.kernel[0] - 1) <= kMaxKernelExtent &&
         l.dilation[1] * (l.kernel[1] - 1) <= kMaxKernelExtent;
}

bool depthwise_fits(const LayerSpec& l, const RunShape& s) {
  // The bordered plane copy spans the rows and columns the output reaches: for an output
  // much larger than stride x input (a huge output_padding next to a huge dilation of a
  // 1-tap kernel) it would be as large as the output itself.
  for (int d = 0; d < 2; ++d) {
    const int64_t in = d == 0 ? s.in_h : s.in_w, out = d == 0 ? s.out_h : s.out_w;
    if (out > (in + 2) * l.stride[d] + 2 * kMaxKernelExtent) return false;  // in <= 2^31
  }
  return true;
}

size_t depthwise_workspace_per_thread(const LayerSpec& l, const RunShape& s) {
  return static_cast<size_t>(DepthwiseGeometry(l, s).workspace_floats()) * sizeof(float);
}

void run_depthwise(const RunArgs& a, int threads, float* workspace) {
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const DepthwiseGeometry g(l, s);
  const auto plane_fn = kernels().depthwise_plane;
  const int64_t in_plane = s.in_h * s.in_w, out_plane = s.out_h * s.out_w;
  const int64_t per_thread = g.workspace_floats();
  parallel_for(s.batch * l.out_channels, threads, [&](int64_t item, int slot) {
    const int64_t c = item % l.out_channels;
    plane_fn(g, a.input + item * in_plane, a.weight + c * l.kernel_area(), l.kernel[1],
          a.bias ? a.bias[c] : 0.0f, a.output + item * out_plane, workspace + slot * per_thread);
  });
}

}  // namespace convt
