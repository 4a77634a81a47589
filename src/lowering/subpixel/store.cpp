// Sub-pixel's stores: each phase's rows of C into its outputs, every stride-th column, or,
// where a set holds every column phase of an output row, interleaved into whole rows in
// registers. (The GEMM writes the output itself where it can: direct C and zip2, in
// lowering.cpp.)
#include <algorithm>

#include "../../kernels/activation.hpp"
#include "../../kernels/levels.hpp"
#include "../../kernels/simd.hpp"
#include "subpixel.hpp"

namespace convt_impl {
namespace {

// out[2j] = f(e[j] + bias), out[2j + 1] = f(f[j] + bias) for j < the vector's width (F: Plain
// or Act<kind>, kernels/activation.hpp).
template <typename Vec, typename F>
__attribute__((always_inline)) inline void interleave2(float* out, const float* e_src,
                                                       const float* f_src, float bias, F f) {
  Vec lo, hi;
  zip(f(load<Vec>(e_src) + bias), f(load<Vec>(f_src) + bias), lo, hi);
  store(out, lo);
  store(out + kLanes<Vec>, hi);
}

// One output row from its sw phase rows: out[o] = f(c[at[rx] + qx] + bias), where
// o + pw = qx * sw + rx (at[rx]: where phase rx's row sits in c, less its first qx; phases
// with no outputs in the row are never read). The row is written front to back: stride 2
// interleaves a Wide vector of each phase per step in registers, then narrower ones;
// larger strides read the sw phases of one qx by index, one float at a time.
template <typename Wide, typename F>
__attribute__((always_inline)) inline void interleave_row(float* out, int64_t out_w,
                                                          int64_t pw, int64_t sw,
                                                          const float* c, const int64_t* at,
                                                          float bias, F f) {
  if (sw == 2) {
    // Output o = 2j + i is phase (2j + i + pw) % 2 at qx = (2j + i + pw) / 2: pairs (first[j],
    // second[j]) from o = 0 for either parity of pw, so whole vectors from the row's start
    // (56-wide rows, pw 1: a scalar head and a 7-value tail before, none now).
    const int64_t r0 = pw & 1;
    const float* first = c + at[r0] + pw / 2;
    const float* second = c + at[1 - r0] + (pw + 1) / 2;
    int64_t o = 0;
    constexpr int64_t kStep = 2 * kLanes<Wide>;
    for (; o + kStep <= out_w; o += kStep)
      interleave2<Wide>(out + o, first + o / 2, second + o / 2, bias, f);
    if constexpr (kStep > 16)
      if (o + 16 <= out_w) {
        interleave2<Vec8>(out + o, first + o / 2, second + o / 2, bias, f);
        o += 16;
      }
    if constexpr (kStep > 8)
      if (o + 8 <= out_w) {
        interleave2<Vec4>(out + o, first + o / 2, second + o / 2, bias, f);
        o += 8;
      }
    // o is even here: whole pairs, then a last odd value. (Not one loop choosing first or
    // second by o's parity: GCC 12 with -fsanitize=undefined miscompiled that, wrong values.)
    for (; o + 2 <= out_w; o += 2) {
      out[o] = f(first[o / 2] + bias);
      out[o + 1] = f(second[o / 2] + bias);
    }
    if (o < out_w) out[o] = f(first[o / 2] + bias);
    return;
  }
  // Other strides: a head up to a whole qx, whole qx (all sw phases present), the tail.
  const int64_t end = out_w + pw;  // t = o + pw runs over [pw, end)
  int64_t t = pw;
  int64_t qx = t / sw, rx = t - qx * sw;
  for (; rx != 0 && t < end; ++t) {
    out[t - pw] = f(c[at[rx] + qx] + bias);
    if (++rx == sw) rx = 0, ++qx;
  }
  for (; t + sw <= end; t += sw, ++qx) {
    float* o = out + (t - pw);
    for (int64_t r = 0; r < sw; ++r) o[r] = f(c[at[r] + qx] + bias);
  }
  for (rx = 0; t < end; ++t) out[t - pw] = f(c[at[rx++] + qx] + bias);
}

// The output rows of `channels` channels x `rows` rows of one row residue: row (co, q) at
// out + co * out_plane + q * row_step, phase px's row of it at c + at0[px] + co *
// co_step[px] + q * q_step[px]; bias: one value per channel, or nullptr. One call per work
// item: a call per row (56 values in grouped) cost as much as a tenth of the interleave.
// With an activation, each row is interleaved plainly and then activated in vectors by the
// level's bias_activate while it is in L1 (an interleave of larger strides reads one float
// at a time; and one copy of each activation's code, not one per interleave).
template <typename Wide>
__attribute__((always_inline)) inline void interleave_rows_impl(
    float* out, int64_t out_plane, int64_t row_step, int64_t channels, int64_t rows,
    int64_t out_w, int64_t pw, int64_t sw, const float* c, const int64_t* at0,
    const int64_t* co_step, const int64_t* q_step, const float* bias, const Activation& act,
    BiasActivateFn act_fn) {
  int64_t at[subpixel::kMaxRowPhases];
  for (int64_t co = 0; co < channels; ++co) {
    const float b = bias ? bias[co] : 0.0f;
    for (int64_t q = 0; q < rows; ++q) {
      for (int64_t px = 0; px < sw; ++px) at[px] = at0[px] + co * co_step[px] + q * q_step[px];
      float* row = out + co * out_plane + q * row_step;
      interleave_row<Wide>(row, out_w, pw, sw, c, at, b, Plain{});
      if (!act.none()) act_fn(row, row, out_w, 0.0f, act);
    }
  }
}

}  // namespace

// Per level (kernels/levels.hpp): the interleave in the level's vectors, then the level's
// activation over each row where there is one.
#define CONVT_INTERLEAVE_LEVEL(ns, target, Vec)                                               \
  namespace ns {                                                                             \
  target void interleave_rows(float* out, int64_t out_plane, int64_t row_step,              \
                              int64_t channels, int64_t rows, int64_t out_w, int64_t pw,     \
                              int64_t sw, const float* c, const int64_t* at0,                \
                              const int64_t* co_step, const int64_t* q_step,                 \
                              const float* bias, const Activation& act) {                    \
    interleave_rows_impl<Vec>(out, out_plane, row_step, channels, rows, out_w, pw, sw, c,    \
                              at0, co_step, q_step, bias, act, bias_activate);               \
  }                                                                                          \
  }
CONVT_FOR_EACH_LEVEL(CONVT_INTERLEAVE_LEVEL)
#undef CONVT_INTERLEAVE_LEVEL

namespace subpixel {
namespace {

// The output columns of an item's positions [qx0, qx1) in W (o + pw = qx * sw + rx), as
// interleave_rows takes them: `len` columns from o0, whose first is at t = pw_eff of a row
// whose positions count from qx0 (every phase's row shifted by qx0).
struct Segment {
  int64_t o0, len, pw_eff, shift;
};
Segment segment(const Item& item, int64_t sw, int64_t pw, int64_t out_w) {
  if (item.qx0 == 0 && item.qx1 == INT64_MAX) return {0, out_w, pw, 0};
  const int64_t o0 = std::max<int64_t>(0, item.qx0 * sw - pw);
  const int64_t o1 = std::min(out_w, item.qx1 * sw - pw);
  return {o0, std::max<int64_t>(0, o1 - o0), o0 + pw - item.qx0 * sw, item.qx0};
}

}  // namespace

void store_chunk(const LayerSpec& l, const RunShape& s, const Weights& w, const Chunk& chunk,
                 const ChunkC& c, const Item& item) {
  const KernelLevel& kl = kernels_at(w.isa);
  const int64_t sh = l.stride[kH], sw = l.stride[kW];
  const Dims& pad = s.pad_begin;
  const int64_t out_w = s.out[kW], out_h = s.out[kH], out_plane = s.out_volume();
  const int64_t phases = chunk.size(), cos = item.co1 - item.co0;
  // Stride 2: a row residue ry whose two column phases are both in this chunk is written
  // as whole output rows, the phases zipped in registers (interleave_rows); larger strides,
  // where the interleave reads by index, take the strided store below.
  bool stored[2 * kMaxPhaseStride];  // by phase i, stride 2 only (i < 2 * sh)
  if (sw == 2) {
    std::fill_n(stored, phases, false);
    for (int64_t i = 0; i < phases; ++i) {
      const int64_t res_y = chunk.phases[static_cast<size_t>(i)].ry;
      int64_t at0[2], co_step[2], q_step[2];
      int64_t found = 0;
      for (int64_t j = 0; j < phases; ++j) {
        const Phase& p = chunk.phases[static_cast<size_t>(j)];
        if (p.ry != res_y) continue;
        at0[p.rx] = j * c.ldc - c.qx0;
        co_step[p.rx] = phases * c.ldc;
        q_step[p.rx] = c.width;
        ++found;
      }
      if (found != sw || stored[i]) continue;
      const int64_t y0 = std::max(item.qy0, w.ph.q_begin(res_y, pad[kH]));
      const int64_t y1 = std::min(item.qy1, w.ph.q_end(res_y, out_h, pad[kH]));
      const Segment seg = segment(item, sw, pad[kW], out_w);
      for (int64_t px = 0; px < sw; ++px) at0[px] += seg.shift;
      if (y0 < y1 && seg.len > 0)
        kl.interleave_rows(item.out + item.co0 * out_plane +
                               (y0 * sh + res_y - pad[kH]) * out_w + seg.o0,
                           out_plane, sh * out_w, cos, y1 - y0, seg.len, seg.pw_eff, sw,
                           c.c + (y0 - item.qy0) * c.width, at0, co_step, q_step,
                           item.bias ? item.bias + item.co0 : nullptr, l.activation);
      for (int64_t j = 0; j < phases; ++j)
        if (chunk.phases[static_cast<size_t>(j)].ry == res_y) stored[j] = true;
    }
  }
  // The other phases' rows of C go to their own outputs: rows q*sh + ry - ph, columns
  // q*sw + rx - pw, for the q of its own range (the chunk's range is their union).
  for (int64_t i = 0; i < phases; ++i) {
    if (sw == 2 && stored[i]) continue;
    const Phase& p = chunk.phases[static_cast<size_t>(i)];
    const int64_t y0 = std::max(item.qy0, w.ph.q_begin(p.ry, pad[kH]));
    const int64_t y1 = std::min(item.qy1, w.ph.q_end(p.ry, out_h, pad[kH]));
    const int64_t x0 = std::max(w.pw.q_begin(p.rx, pad[kW]), item.qx0);
    const int64_t x1 = std::min(w.pw.q_end(p.rx, out_w, pad[kW]), item.qx1);
    if (y0 >= y1 || x0 >= x1) continue;
    for (int64_t co = item.co0; co < item.co1; ++co) {
      const float b = item.bias ? item.bias[co] : 0.0f;
      float* plane = item.out + co * out_plane;
      const float* c_row = c.c + ((co - item.co0) * phases + i) * c.ldc;
      for (int64_t q = y0; q < y1; ++q) {
        float* dst = plane + (q * sh + p.ry - pad[kH]) * out_w + x0 * sw + p.rx - pad[kW];
        const float* src = c_row + (q - item.qy0) * c.width + (x0 - c.qx0);
        if (l.activation.none()) {
          for (int64_t j = 0; j < x1 - x0; ++j) dst[j * sw] = src[j] + b;
          continue;
        }
        // Activated in vectors a piece at a time, then stored every sw-th column.
        constexpr int64_t kPiece = 256;
        float piece[kPiece];
        for (int64_t j0 = 0; j0 < x1 - x0; j0 += kPiece) {
          const int64_t len = std::min(kPiece, x1 - x0 - j0);
          kl.bias_activate(piece, src + j0, len, b, l.activation);
          for (int64_t j = 0; j < len; ++j) dst[(j0 + j) * sw] = piece[j];
        }
      }
    }
  }
}

void store_chunk_channels_last(const LayerSpec& l, const RunShape& s, const Weights& w,
                               const Chunk& chunk, const ChunkC& c, const Item& item) {
  const KernelLevel& kl = kernels_at(w.isa);
  const int64_t sh = l.stride[kH], sw = l.stride[kW];
  const Dims& pad = s.pad_begin;
  const int64_t out_w = s.out[kW], out_h = s.out[kH], cout = l.out_channels;
  const int64_t phases = chunk.size(), cos = item.co1 - item.co0;
  const Activation* act = l.activation.none() ? nullptr : &l.activation;
  for (int64_t i = 0; i < phases; ++i) {
    const Phase& p = chunk.phases[static_cast<size_t>(i)];
    const int64_t y0 = std::max(item.qy0, w.ph.q_begin(p.ry, pad[kH]));
    const int64_t y1 = std::min(item.qy1, w.ph.q_end(p.ry, out_h, pad[kH]));
    const int64_t x0 = std::max(w.pw.q_begin(p.rx, pad[kW]), item.qx0);
    const int64_t x1 = std::min(w.pw.q_end(p.rx, out_w, pad[kW]), item.qx1);
    if (y0 >= y1 || x0 >= x1) continue;
    for (int64_t q = y0; q < y1; ++q) {
      // Pixel (q*sh + ry - ph, x*sw + rx - pw) for x in [x0, x1), sw pixels apart.
      float* dst = item.out + ((q * sh + p.ry - pad[kH]) * out_w + x0 * sw + p.rx - pad[kW]) * cout +
                   item.co0;
      const float* src = c.c + i * c.ldc + (q - item.qy0) * c.width + (x0 - c.qx0);
      kl.transpose(src, cos, x1 - x0, phases * c.ldc, dst, sw * cout,
                   item.bias ? item.bias + item.co0 : nullptr, act);
    }
  }
}

void store_rows(const LayerSpec& l, const RunShape& s, const Weights& w, int64_t rd, int64_t ry,
                const ChunkC* done, const float* c_area, const Item& item) {
  const KernelLevel& kl = kernels_at(w.isa);
  const int64_t sh = l.stride[kH], sw = l.stride[kW];
  const Dims& pad = s.pad_begin;
  const int64_t out_w = s.out[kW], out_plane = s.out_volume();
  // Phase px's value (co, q, qx) is c_area[at0 + (co - co0) * co_step + (q - qy0) * q_step
  // + qx] (phases with no outputs here are never read).
  int64_t at0[kMaxRowPhases], co_step[kMaxRowPhases], q_step[kMaxRowPhases];
  const Segment seg = segment(item, sw, pad[kW], out_w);
  for (int64_t px = 0; px < sw; ++px) {
    const auto [pos, i] = w.slot[static_cast<size_t>((rd * sh + ry) * sw + px)];
    const ChunkC& d = done[pos];
    at0[px] = d.c ? (d.c - c_area) + i * d.ldc - d.qx0 + seg.shift : 0;
    co_step[px] = d.phases * d.ldc;
    q_step[px] = d.width;
  }
  if (seg.len > 0)
    kl.interleave_rows(item.out + item.co0 * out_plane +
                           (item.qy0 * sh + ry - pad[kH]) * out_w + seg.o0,
                       out_plane, sh * out_w, item.co1 - item.co0, item.qy1 - item.qy0, seg.len,
                       seg.pw_eff, sw, c_area, at0, co_step, q_step,
                       item.bias ? item.bias + item.co0 : nullptr, l.activation);
}

}  // namespace subpixel
}  // namespace convt_impl
