// Depthwise transposed convolution (groups == in_channels == out_channels) as a direct,
// vectorized gather: one output plane (a depth slice of one channel) per work item, from
// the input slices its depth taps read, each with its kH x kW filter.
//
// The input slices are first copied into zero-bordered buffers, so that every tap of every
// output phase (see phases.hpp) reads valid memory for every output: the inner loop has no
// edge cases. The output rows of one row phase are then built in blocks, W-phase by
// W-phase, a few vectors at a time: all taps of the phase are summed in registers and
// stored once into a small row buffer (adding into memory tap by tap stalls on store
// forwarding), and the W-phases of each row are interleaved into the output. Every output
// element is written exactly once. GEMM cannot help here (K = 1): this is bound by loads
// and memory traffic.
//
// Channels last, the channels are the vector: one output row per work item, each pixel's
// channels summed over the taps that reach it straight from the input (no bordered copies:
// a tap outside the input is skipped per pixel), weights packed at create as (tap, channel).
#include <algorithm>
#include <cstring>
#include <vector>

#include "../border.hpp"
#include "../kernels/activation.hpp"
#include "../kernels/levels.hpp"
#include "../kernels/simd.hpp"
#include "../lowering.hpp"
#include "../parallel.hpp"
#include "../phases.hpp"

namespace convt_impl {
namespace {

// Rows are computed in whole vectors of up to kVec floats (the widest level's); the
// bordered copy and the row buffers are sized for that, whatever the level.
constexpr int64_t kVec = 16;

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

DimPhases phases_of(const LayerSpec& l, int d) {
  return make_phases(l.kernel[d], l.stride[d], l.dilation[d]);
}

}  // namespace

// Everything about a layer's planes that does not depend on the data, computed once per run.
struct DepthwiseGeometry {
  // Output rows of one row phase computed per pass: the taps are set up once per pass and
  // W-phase instead of once per row (for a 4x4 stride-2 kernel on 56-wide rows the set-up
  // cost as much as the row's 16 multiply-adds).
  static constexpr int64_t kRowBlock = 16;

  DimPhases pd, ph, pw;
  Dims pad;  // the run's begin trim (RunShape::pad_begin)
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t top = 0, left = 0, padded_h = 0, padded_w = 0;  // a zero-bordered input slice
  int64_t acc_stride = 0;                                  // floats per W-phase row buffer
  struct Column {                                          // one W-phase
    int64_t q0 = 0, n = 0, first = 0;  // outputs first + j*stride, j in [0, n), from q = q0 + j
    std::vector<Tap> taps;
  };
  std::vector<Column> cols;
  int64_t even = -1;       // stride 2: the W-phase whose outputs come first in adjacent pairs
  int64_t max_slices = 0;  // the most input slices one output slice reads (depth taps)

  DepthwiseGeometry(const LayerSpec& l, const RunShape& s);
};

DepthwiseGeometry::DepthwiseGeometry(const LayerSpec& l, const RunShape& s)
    : pd(phases_of(l, kD)), ph(phases_of(l, kH)), pw(phases_of(l, kW)), pad(s.pad_begin),
      in_h(s.in[kH]), in_w(s.in[kW]), out_h(s.out[kH]), out_w(s.out[kW]) {
  // Rows: phase row q reads input rows q - offset; q runs over [q_begin, q_end).
  int64_t lo_h = 0, hi_h = in_h - 1;
  for (int64_t r = 0; r < ph.stride; ++r) {
    const int64_t q0 = ph.q_begin(r, pad[kH]), q1 = ph.q_end(r, out_h, pad[kH]);
    if (q0 >= q1) continue;
    for (const Tap& t : ph.taps[static_cast<size_t>(r)])
      lo_h = std::min(lo_h, q0 - t.offset), hi_h = std::max(hi_h, q1 - 1 - t.offset);
  }
  // Columns: W-phase output j reads input column q0 + j - offset, j rounded up to vectors.
  int64_t lo_w = 0, hi_w = in_w - 1, longest = 0;
  cols.resize(static_cast<size_t>(pw.stride));
  for (int64_t r = 0; r < pw.stride; ++r) {
    Column& c = cols[static_cast<size_t>(r)];
    c.q0 = pw.q_begin(r, pad[kW]);
    c.n = std::max<int64_t>(0, pw.q_end(r, out_w, pad[kW]) - c.q0);
    c.first = c.q0 * pw.stride + r - pad[kW];
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
  for (const auto& taps : pd.taps) max_slices = std::max<int64_t>(max_slices, taps.size());
}

namespace {

// One output plane, in vectors of type Vec, S sums at a time (the per-level entry points
// are below): the sum over `count` bordered input slices, each with its kH x kW filter, f
// (Plain or Activated) applied as the sums leave the registers.
template <typename Vec, int S, typename F>
__attribute__((always_inline)) inline void plane(const DepthwiseGeometry& g,
                                                 const float* const* slices,
                                                 const float* const* filters, int64_t count,
                                                 int64_t kw_n, float b, F f, float* out,
                                                 float* acc) {
  constexpr int64_t L = kLanes<Vec>;
  constexpr int kMaxTaps = 64;
  const float* src[kMaxTaps];
  float w[kMaxTaps];
  const int64_t sw = g.pw.stride;
  for (int64_t ry = 0; ry < g.ph.stride; ++ry) {
    // Output rows oh = q * stride + ry - padding, q in [q_begin, q_end), in blocks.
    const int64_t q_first = g.ph.q_begin(ry, g.pad[kH]), q_last = g.ph.q_end(ry, g.out_h, g.pad[kH]);
    const auto& taps_y = g.ph.taps[static_cast<size_t>(ry)];
    for (int64_t q0 = q_first; q0 < q_last; q0 += DepthwiseGeometry::kRowBlock) {
      const int64_t rows = std::min(DepthwiseGeometry::kRowBlock, q_last - q0);
      for (int64_t rx = 0; rx < sw; ++rx) {
        const DepthwiseGeometry::Column& c = g.cols[static_cast<size_t>(rx)];
        int n_taps = 0;
        const int64_t all = count * static_cast<int64_t>(taps_y.size() * c.taps.size());
        const bool many = all > kMaxTaps;
        if (!many)
          for (int64_t i = 0; i < count; ++i)
            for (const Tap& ty : taps_y) {
              const float* row = slices[i] + (q0 - ty.offset + g.top) * g.padded_w + g.left + c.q0;
              for (const Tap& tx : c.taps) {
                src[n_taps] = row - tx.offset;
                w[n_taps] = filters[i][ty.k * kw_n + tx.k];
                ++n_taps;
              }
            }
        for (int64_t r = 0; r < rows; ++r) {
          float* a = acc + (r * sw + rx) * g.acc_stride;
          const int64_t shift = r * g.padded_w;  // row q0 + r
          if (many) {  // very many taps: sum tap by tap into memory
            std::fill(a, a + c.n, b);
            for (int64_t i = 0; i < count; ++i)
              for (const Tap& ty : taps_y) {
                const float* row =
                    slices[i] + (q0 + r - ty.offset + g.top) * g.padded_w + g.left + c.q0;
                for (const Tap& tx : c.taps) {
                  const float wt = filters[i][ty.k * kw_n + tx.k];
                  for (int64_t j = 0; j < c.n; ++j) a[j] += wt * row[j - tx.offset];
                }
              }
            for (int64_t j = 0; j < c.n; ++j) a[j] = f(a[j]);
            continue;
          }
          // S independent sums at a time: FMA latency, not throughput, bounds one chain.
          int64_t j = 0;
          for (; j + S * L <= round_up(c.n, L); j += S * L) {
            Vec sum[S];
#pragma GCC unroll 8
            for (int u = 0; u < S; ++u) sum[u] = Vec{} + b;
            for (int i = 0; i < n_taps; ++i) {
              const float* p = src[i] + shift + j;
#pragma GCC unroll 8
              for (int u = 0; u < S; ++u) sum[u] += w[i] * load<Vec>(p + u * L);
            }
            f.all(sum);
#pragma GCC unroll 8
            for (int u = 0; u < S; ++u) store(a + j + u * L, sum[u]);
          }
          for (; j < c.n; j += L) {
            Vec sum = Vec{} + b;
            for (int i = 0; i < n_taps; ++i) sum += w[i] * load<Vec>(src[i] + shift + j);
            store(a + j, f(sum));
          }
        }
      }
      // The block's rows, their W-phases interleaved into the output.
      for (int64_t r = 0; r < rows; ++r) {
        const float* acc_row = acc + r * sw * g.acc_stride;
        float* out_row = out + ((q0 + r) * g.ph.stride + ry - g.pad[kH]) * g.out_w;
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
#define CONVT_DEPTHWISE_LEVEL(ns, target, Vec)                                               \
  namespace ns {                                                                            \
  target void depthwise_plane(const DepthwiseGeometry& g, const float* const* slices,       \
                              const float* const* filters, int64_t count, int64_t kw_n,     \
                              float b, const Activation& act, float* out, float* acc) {     \
    constexpr int kSums = kLanes<Vec> >= 16 ? 4 : 8;                                        \
    if (act.none())                                                                         \
      plane<Vec, kSums>(g, slices, filters, count, kw_n, b, Plain{}, out, acc);             \
    else                                                                                    \
      plane<Vec, kSums>(g, slices, filters, count, kw_n, b, Activated{&act}, out, acc);     \
  }                                                                                         \
  }
CONVT_FOR_EACH_LEVEL(CONVT_DEPTHWISE_LEVEL)
#undef CONVT_DEPTHWISE_LEVEL

// One channels-last output row: the input rows its (depth, height) taps read and their
// weights, and the width dimension's phases.
struct DepthwiseRow {
  const float* const* rows;     // `count` input rows (pixels `channels` floats apart)
  const float* const* filters;  // each row tap's packed weights at kw = 0: (kw, channel)
  int64_t count = 0;
  const DimPhases* pw = nullptr;
  int64_t pad_w = 0, in_w = 0, out_w = 0, channels = 0;
  const float* bias = nullptr;  // channels values, or nullptr
  const float** src = nullptr;  // per-thread room for count * (taps of a W-phase) addresses
  const float** wt = nullptr;   // ... and as many weight addresses
  float* out = nullptr;         // the row's first pixel
};

namespace {

// The pixels of one row, each from the taps that reach it, U vectors of channels at a time,
// then one vector, then one float; f (Plain or Activated) as the sums are stored.
template <typename Vec, typename F>
__attribute__((always_inline)) inline void row_channels_last(const DepthwiseRow& r, F f) {
  constexpr int64_t L = kLanes<Vec>;
  constexpr int U = 4;
  const int64_t C = r.channels, sw = r.pw->stride;
  for (int64_t ow = 0; ow < r.out_w; ++ow) {
    const int64_t t = ow + r.pad_w, q = t / sw, rx = t - q * sw;
    int64_t n = 0;
    for (const Tap& tap : r.pw->taps[static_cast<size_t>(rx)]) {
      const int64_t iw = q - tap.offset;
      if (iw < 0 || iw >= r.in_w) continue;
      for (int64_t i = 0; i < r.count; ++i) {
        r.src[n] = r.rows[i] + iw * C;
        r.wt[n] = r.filters[i] + tap.k * C;
        ++n;
      }
    }
    float* o = r.out + ow * C;
    int64_t c = 0;
    for (; c + U * L <= C; c += U * L) {
      Vec acc[U];
      for (int u = 0; u < U; ++u) acc[u] = r.bias ? load<Vec>(r.bias + c + u * L) : Vec{};
      for (int64_t i = 0; i < n; ++i)
        for (int u = 0; u < U; ++u)
          acc[u] += load<Vec>(r.src[i] + c + u * L) * load<Vec>(r.wt[i] + c + u * L);
      f.all(acc);
      for (int u = 0; u < U; ++u) store(o + c + u * L, acc[u]);
    }
    for (; c + L <= C; c += L) {
      Vec acc = r.bias ? load<Vec>(r.bias + c) : Vec{};
      for (int64_t i = 0; i < n; ++i) acc += load<Vec>(r.src[i] + c) * load<Vec>(r.wt[i] + c);
      store(o + c, f(acc));
    }
    for (; c < C; ++c) {
      float acc = r.bias ? r.bias[c] : 0.0f;
      for (int64_t i = 0; i < n; ++i) acc += r.src[i][c] * r.wt[i][c];
      o[c] = f(acc);
    }
  }
}

}  // namespace

#define CONVT_DEPTHWISE_CL_LEVEL(ns, target, Vec)                                            \
  namespace ns {                                                                            \
  target void depthwise_row_channels_last(const DepthwiseRow& row, const Activation& act) { \
    if (act.none())                                                                         \
      row_channels_last<Vec>(row, Plain{});                                                 \
    else                                                                                    \
      row_channels_last<Vec>(row, Activated{&act});                                         \
  }                                                                                         \
  }
CONVT_FOR_EACH_LEVEL(CONVT_DEPTHWISE_CL_LEVEL)
#undef CONVT_DEPTHWISE_CL_LEVEL

namespace {

// The row buffers hold a block of rows of every W-phase: strides up to this.
constexpr int64_t kMaxDepthwiseStride = 64;

struct DepthwisePlan : LoweringPlan {
  // Per thread: the slice and filter addresses, max_slices bordered slices, the row buffer.
  int64_t pointer_floats = 0, slice_floats = 0, acc_floats = 0;
  // Channels last: the most row taps (depth x height) of an output row, and of taps in W
  // per phase; per thread the addresses of both, and of their products.
  int64_t row_taps = 0, w_taps = 0;
};

// Channels last: the weights as (tap, channel), taps in (kd, kh, kw) order.
struct ChannelsLastWeights : PackedWeights {
  std::vector<float> data;
};

int64_t most_taps(const DimPhases& p) {
  int64_t most = 0;
  for (const auto& taps : p.taps) most = std::max<int64_t>(most, static_cast<int64_t>(taps.size()));
  return most;
}

class Depthwise final : public Lowering {
 public:
  int32_t algorithm() const override { return CONVT_ALGORITHM_DEPTHWISE; }
  const char* name() const override { return "depthwise"; }
  const char* cannot_run(const LayerSpec& l) const override {
    bool ok = l.is_depthwise();
    for (int d = 0; d < kMaxRank; ++d)
      ok = ok && l.stride[d] <= kMaxDepthwiseStride &&
           l.dilation[d] * (l.kernel[d] - 1) <= kMaxKernelExtent;
    return ok ? nullptr
              : "depthwise needs groups == in_channels == out_channels, strides <= 64 and "
                "dilation * (kernel - 1) <= 4096";
  }
  bool reads_channels_last() const override { return true; }
  bool writes_channels_last() const override { return true; }
  std::string cannot_fit(const LayerSpec& l, const RunShape& s) const override {
    // The bordered slice copies span the rows and columns the output reaches: for an
    // output much larger than stride x input (a huge output_padding next to a huge
    // dilation of a 1-tap kernel) they would be as large as the output itself. (Channels
    // last borders nothing.)
    if (l.channels_last()) return {};
    for (int d = kH; d < kMaxRank; ++d)
      if (s.out[d] > (s.in[d] + 2) * l.stride[d] + 2 * kMaxKernelExtent)  // in <= 2^31
        return "its output [" + dims_list(s.out, l.rank) + "] is far larger than stride x input";
    return {};
  }
  bool auto_takes_layer(const LayerSpec& l, const KernelLevel&) const override {
    return cannot_run(l) == nullptr;
  }
  std::unique_ptr<const PackedWeights> pack(const LayerSpec& l, const float* weight,
                                            const KernelLevel&) const override {
    if (!l.channels_last()) return nullptr;
    auto w = std::make_unique<ChannelsLastWeights>();
    const int64_t taps = l.kernel_volume(), c_n = l.out_channels;
    w->data.resize(static_cast<size_t>(taps * c_n));
    for (int64_t c = 0; c < c_n; ++c)
      for (int64_t t = 0; t < taps; ++t) w->data[static_cast<size_t>(t * c_n + c)] = weight[c * taps + t];
    return w;
  }
  std::unique_ptr<const LoweringPlan> plan(const LayerSpec& l, const RunShape& s,
                                           const PackedWeights*, int) const override {
    auto t = std::make_unique<DepthwisePlan>();
    if (l.channels_last()) {
      t->row_taps = most_taps(phases_of(l, kD)) * most_taps(phases_of(l, kH));
      t->w_taps = most_taps(phases_of(l, kW));
      t->items = s.batch * s.out[kD] * s.out[kH];
      const int64_t pointers = 2 * t->row_taps * (1 + t->w_taps);
      t->bytes_per_thread = (static_cast<size_t>(pointers) * sizeof(float*) + 63) / 64 * 64;
      return t;
    }
    const DepthwiseGeometry g(l, s);
    t->slice_floats = g.padded_h * g.padded_w;
    t->acc_floats = DepthwiseGeometry::kRowBlock * g.acc_stride * g.pw.stride;
    t->items = s.batch * l.out_channels * s.out[kD];
    t->pointer_floats = (2 * g.max_slices * static_cast<int64_t>(sizeof(float*)) / 4 + 15) / 16 * 16;
    const int64_t floats = t->pointer_floats + g.max_slices * t->slice_floats + t->acc_floats;
    t->bytes_per_thread = (static_cast<size_t>(floats) * sizeof(float) + 63) / 64 * 64;
    return t;
  }
  void run(const RunArgs& a, const LoweringPlan& plan, int threads,
           void* workspace) const override;
};

// Channels last: one output row (batch item, od, oh) per work item.
void run_channels_last(const RunArgs& a, const DepthwisePlan& t, int threads, void* workspace) {
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const DimPhases pd = phases_of(l, kD), ph = phases_of(l, kH), pw = phases_of(l, kW);
  const float* weights = static_cast<const ChannelsLastWeights*>(a.packed)->data.data();
  const int64_t c_n = l.out_channels, in_w = s.in[kW], in_h = s.in[kH], in_d = s.in[kD];
  const int64_t kw_n = l.kernel[kW], kh_n = l.kernel[kH];
  const auto row_fn = kernels().depthwise_row_channels_last;
  auto* scratch = static_cast<unsigned char*>(workspace);
  parallel_for(t.items, threads, [&](int64_t item, int slot) {
    const int64_t oh = item % s.out[kH], od = item / s.out[kH] % s.out[kD];
    const int64_t n = item / (s.out[kH] * s.out[kD]);
    const float** room = reinterpret_cast<const float**>(scratch + slot * t.bytes_per_thread);
    DepthwiseRow row;
    const float** rows = room;
    const float** filters = room + t.row_taps;
    row.src = room + 2 * t.row_taps;
    row.wt = row.src + t.row_taps * t.w_taps;
    // The (depth, height) taps that reach (od, oh): input row (q - offset) of each dimension.
    const int64_t zd = od + s.pad_begin[kD], zh = oh + s.pad_begin[kH];
    const int64_t rd = zd % pd.stride, qd = zd / pd.stride, rh = zh % ph.stride, qh = zh / ph.stride;
    for (const Tap& td : pd.taps[static_cast<size_t>(rd)]) {
      const int64_t id = qd - td.offset;
      if (id < 0 || id >= in_d) continue;
      for (const Tap& th : ph.taps[static_cast<size_t>(rh)]) {
        const int64_t ih = qh - th.offset;
        if (ih < 0 || ih >= in_h) continue;
        rows[row.count] = a.input + (((n * in_d + id) * in_h + ih) * in_w) * c_n;
        filters[row.count] = weights + ((td.k * kh_n + th.k) * kw_n) * c_n;
        ++row.count;
      }
    }
    row.rows = rows;
    row.filters = filters;
    row.pw = &pw;
    row.pad_w = s.pad_begin[kW];
    row.in_w = in_w;
    row.out_w = s.out[kW];
    row.channels = c_n;
    row.bias = a.bias;
    row.out = a.output + ((n * s.out[kD] + od) * s.out[kH] + oh) * s.out[kW] * c_n;
    row_fn(row, l.activation);
  });
}

void Depthwise::run(const RunArgs& a, const LoweringPlan& plan, int threads,
                    void* workspace) const {
  const auto& t = static_cast<const DepthwisePlan&>(plan);
  if (a.layer.channels_last()) return run_channels_last(a, t, threads, workspace);
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const DepthwiseGeometry g(l, s);
  const auto plane_fn = kernels().depthwise_plane;
  const int64_t in_slice = s.in[kH] * s.in[kW], out_slice = s.out[kH] * s.out[kW];
  const int64_t out_d = s.out[kD], filter = l.kernel[kH] * l.kernel[kW];
  auto* scratch = static_cast<unsigned char*>(workspace);
  parallel_for(t.items, threads, [&](int64_t item, int slot) {
    // Item: (batch item, channel, output depth slice od).
    const int64_t od = item % out_d, nc = item / out_d, c = nc % l.out_channels;
    auto* base = scratch + slot * t.bytes_per_thread;
    const float** slices = reinterpret_cast<const float**>(base);
    const float** filters = slices + g.max_slices;
    float* own = reinterpret_cast<float*>(base) + t.pointer_floats;
    float* out = a.output + nc * s.out_volume() + od * out_slice;
    const float b = a.bias ? a.bias[c] : 0.0f;
    // The depth taps that reach od: input slice q - offset, for od + padding = q*s + r.
    const int64_t r = (od + g.pad[kD]) % g.pd.stride, q = (od + g.pad[kD]) / g.pd.stride;
    int64_t count = 0;
    for (const Tap& td : g.pd.taps[static_cast<size_t>(r)]) {
      const int64_t id = q - td.offset;
      if (id < 0 || id >= s.in[kD]) continue;
      float* bordered = own + count * t.slice_floats;
      copy_bordered(a.input + nc * s.in_volume() + id * in_slice, g.in_h, g.in_w, -g.top,
                    -g.left, g.padded_h, g.padded_w, bordered);
      slices[count] = bordered;
      filters[count] = a.weight + c * l.kernel_volume() + td.k * filter;
      ++count;
    }
    if (count == 0) {  // no input reaches this slice: the bias alone
      std::fill(out, out + out_slice, l.activation.none() ? b : activated(b, l.activation));
      return;
    }
    plane_fn(g, slices, filters, count, l.kernel[kW], b, l.activation, out,
             own + g.max_slices * t.slice_floats);
  });
}

}  // namespace

const Lowering& depthwise_lowering() {
  static const Depthwise lowering;
  return lowering;
}

}  // namespace convt_impl
