// Sub-pixel (stride-phase) lowering. The outputs of one phase (ry, rx) (see phases.hpp) are
// an ordinary stride-1 correlation of the input with that phase's taps. Phases whose taps
// sit at the same input offsets share one im2col, so they are computed together (a chunk,
// see pack.hpp):
//   cols (K' x P)           = im2col of the input at the chunk's tap offsets
//                             (K' = in/groups * taps, P = the chunk's output positions q)
//   C (out/g*phases x P)    = packed chunk weight * cols                      [one GEMM]
//   each phase's outputs    = its rows of C + bias                            [a plain store]
// Every output element is written exactly once: no zero fill, no scatter-add; and K' is
// in/groups times the taps, not in/groups alone (what makes col2im's GEMMs thin).
//
// A work item computes a set of chunks (pack.hpp) for a block of output channels and rows:
// one chunk, whose phases are stored every stride-th column; or, where that strided store
// would cost a sizeable share (SubpixelWeights::row_items), every chunk of one output-row
// residue ry, whose C blocks are then interleaved into whole output rows.
//
// Two shortcuts remove copies where the layout allows:
//   direct B: one tap at offset 0 whose columns are whole input rows reads the input itself
//             as the GEMM's B (stride == kernel layers, 1x1), unless its planes lie so that
//             they crowd into few cache sets (U-Net up-sampling: copied);
//   direct C: with stride 1 there is one phase whose outputs are whole output rows, so the
//             GEMM writes straight into the output.
// Taps read a zero-bordered copy of the input (no bounds in the GEMM): each thread borders
// the planes of a whole (batch item, group) once, when its first item there comes, where
// they are small enough; otherwise each item borders the rows it reads (kSlabBytes).
// Work items are (batch item, group, channel block, block of rows, set): disjoint outputs,
// a split that does not depend on the thread count.
#include <algorithm>
#include <cstring>
#include <numeric>

#include "../cache.hpp"
#include "../checked.hpp"
#include "../kernels/gemm.hpp"
#include "../kernels/levels.hpp"
#include "../kernels/simd.hpp"
#include "../lowering.hpp"
#include "../pack.hpp"
#include "../parallel.hpp"

namespace convt_impl {
namespace {

// Sub-pixel: per chunk of output phases, im2col of its taps + one GEMM + a plain store.
// Work items are (batch item, group, block of output channels, block of rows, set of
// chunks), the set fastest.
struct SubpixelTiling {
  int64_t max_rows = 0, max_cols = 0;  // output positions q of a chunk, over the chunks
  int64_t max_k = 0;                   // GEMM depth, over the chunks
  int64_t max_set_phases = 0;          // phases a work item computes, over the sets
  int64_t max_ay = 0, max_ax = 0;      // largest tap offsets, over the chunks
  int64_t pointer_floats = 0;          // per-thread scratch: B's row addresses,
  int64_t padded_floats = 0;           // the zero-bordered input rows, then C
  int64_t co_per_item = 0, co_blocks = 0;  // output channels (of a group) per item
  int64_t rows_per_item = 0, blocks = 0;
  int64_t items = 0;  // batch * groups * sets * co_blocks * blocks
  // slab_floats > 0: each thread keeps the input planes of one (batch item, group) with
  // zero borders wide enough for every chunk's taps (a slab, in its scratch after C),
  // bordered when its first item of that (batch item, group) comes; its items read their
  // taps there. 0: each item borders the rows it reads (slabs above kSlabBytes).
  int64_t slab_floats = 0;
  int64_t pad_top = 0, pad_left = 0;     // zero rows above / columns left of the input
  int64_t pad_rows = 0, pad_pitch = 0;   // of one bordered channel plane
  size_t bytes_per_thread = 0;
};


constexpr int64_t kBudgetBytes = 2 << 20;  // cols + C per thread: about one core's L2
constexpr int64_t kShortRow = 16;          // rows up to this long: copied inline
constexpr int64_t kMinItems = 8;           // enough items for a few threads, fixed
// A set whose weights take more than this (half of Zen 5's 1 MB L2) comes from L3 for each
// item that runs it: such layers are split into kMinItemsStreamed items, each with more
// columns for every weight read (see plan_subpixel).
constexpr int64_t kStreamedSetBytes = 512 << 10;
constexpr int64_t kMinItemsStreamed = 4;
// A thread borders the input planes of a whole (batch item, group) once (a slab) when they
// take at most this much; larger ones are bordered by each item, rows at a time. Items
// bordering their own rows copy each input row again for every chunk that reads it (the
// two column phases of stride 2) and every row block that reaches it: grouped and
// decoder_op ran 5-7 % faster on slabs (a build skipping the copies altogether: 10-12 %).
constexpr int64_t kSlabBytes = 2 << 20;

// Whether `rows` rows `stride` bytes apart, read a strip at a time, crowd into few cache
// sets: rows whose addresses differ by a multiple of a cache way's span share a set. With
// an L2 way of 64 KB (1 MB, 16 ways on Zen 5; Zen 4's span 128 KB, 8 ways), U-Net's 128
// input planes 16 KB apart fall on 4 set positions, 32 rows each, more than the ways: read
// in place as the GEMM's B they left the kernel at 183 GFLOP/s, and copying them first made
// the layer 20-40 % faster (while pointwise's 3136-byte planes and grouped2x2_s2's 32
// planes 4 KB apart ran 4-15 % slower copied). Crowded: past half the ways of such a cache.
bool rows_crowd_cache_sets(int64_t stride, int64_t rows) {
  constexpr int64_t kWaySpan = 64 * 1024, kUsableWays = 8;
  const int64_t positions = kWaySpan / std::gcd(stride, kWaySpan);
  return (rows + positions - 1) / positions > kUsableWays;
}

// The output positions q a chunk covers in one dimension: the union of its phases' ranges.
struct Range {
  int64_t lo, hi;
};
Range chunk_range(const PhaseChunk& c, const DimPhases& d, int64_t out, bool rows) {
  Range r{INT64_MAX, INT64_MIN};
  for (const auto& [ry, rx] : c.phases) {
    const int64_t res = rows ? ry : rx;
    r.lo = std::min(r.lo, d.q_begin(res));
    r.hi = std::max(r.hi, d.q_end(res, out));
  }
  if (r.hi < r.lo) r.hi = r.lo;
  return r;
}

// out[2j] = e[j] + bias, out[2j + 1] = f[j] + bias for j < the vector's width.
template <typename Vec>
__attribute__((always_inline)) inline void interleave2(float* out, const float* e_src,
                                                       const float* f_src, float bias) {
  Vec lo, hi;
  zip(load<Vec>(e_src) + bias, load<Vec>(f_src) + bias, lo, hi);
  store(out, lo);
  store(out + kLanes<Vec>, hi);
}

// One output row from its sw phase rows: out[o] = c[at[rx] + qx] + bias, where
// o + pw = qx * sw + rx (at[rx]: where phase rx's row sits in c, less its first qx; phases
// with no outputs in the row are never read). The row is written front to back: stride 2
// interleaves a Wide vector of each phase per step in registers, then narrower ones;
// larger strides read the sw phases of one qx by index, one float at a time.
template <typename Wide>
__attribute__((always_inline)) inline void interleave_row(float* out, int64_t out_w,
                                                          int64_t pw, int64_t sw,
                                                          const float* c, const int64_t* at,
                                                          float bias) {
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
      interleave2<Wide>(out + o, first + o / 2, second + o / 2, bias);
    if constexpr (kStep > 16)
      if (o + 16 <= out_w) {
        interleave2<Vec8>(out + o, first + o / 2, second + o / 2, bias);
        o += 16;
      }
    if constexpr (kStep > 8)
      if (o + 8 <= out_w) {
        interleave2<Vec4>(out + o, first + o / 2, second + o / 2, bias);
        o += 8;
      }
    // o is even here: whole pairs, then a last odd value. (Not one loop choosing first or
    // second by o's parity: GCC 12 with -fsanitize=undefined miscompiled that, wrong values.)
    for (; o + 2 <= out_w; o += 2) {
      out[o] = first[o / 2] + bias;
      out[o + 1] = second[o / 2] + bias;
    }
    if (o < out_w) out[o] = first[o / 2] + bias;
    return;
  }
  // Other strides: a head up to a whole qx, whole qx (all sw phases present), the tail.
  const int64_t end = out_w + pw;  // t = o + pw runs over [pw, end)
  int64_t t = pw;
  int64_t qx = t / sw, rx = t - qx * sw;
  for (; rx != 0 && t < end; ++t) {
    out[t - pw] = c[at[rx] + qx] + bias;
    if (++rx == sw) rx = 0, ++qx;
  }
  for (; t + sw <= end; t += sw, ++qx) {
    float* o = out + (t - pw);
    for (int64_t r = 0; r < sw; ++r) o[r] = c[at[r] + qx] + bias;
  }
  for (rx = 0; t < end; ++t) out[t - pw] = c[at[rx++] + qx] + bias;
}

// The output rows of `channels` channels x `rows` rows of one row residue: row (co, q) at
// out + co * out_plane + q * row_step, phase px's row of it at c + at0[px] + co *
// co_step[px] + q * q_step[px]; bias: one value per channel, or nullptr. One call per work
// item: a call per row (56 values in grouped) cost as much as a tenth of the interleave.
// (The per-level entry points, kernels.hpp, are below.)
template <typename Wide>
__attribute__((always_inline)) inline void interleave_rows_impl(
    float* out, int64_t out_plane, int64_t row_step, int64_t channels, int64_t rows,
    int64_t out_w, int64_t pw, int64_t sw, const float* c, const int64_t* at0,
    const int64_t* co_step, const int64_t* q_step, const float* bias) {
  int64_t at[kMaxPhaseStride];
  for (int64_t co = 0; co < channels; ++co) {
    const float b = bias ? bias[co] : 0.0f;
    for (int64_t q = 0; q < rows; ++q) {
      for (int64_t px = 0; px < sw; ++px) at[px] = at0[px] + co * co_step[px] + q * q_step[px];
      interleave_row<Wide>(out + co * out_plane + q * row_step, out_w, pw, sw, c, at, b);
    }
  }
}

}  // namespace

#define CONVT_INTERLEAVE_LEVEL(ns, target, Vec)                                               \
  namespace ns {                                                                             \
  target void interleave_rows(float* out, int64_t out_plane, int64_t row_step,              \
                              int64_t channels, int64_t rows, int64_t out_w, int64_t pw,     \
                              int64_t sw, const float* c, const int64_t* at0,                \
                              const int64_t* co_step, const int64_t* q_step,                 \
                              const float* bias) {                                           \
    interleave_rows_impl<Vec>(out, out_plane, row_step, channels, rows, out_w, pw, sw, c,    \
                              at0, co_step, q_step, bias);                                   \
  }                                                                                          \
  }
CONVT_FOR_EACH_LEVEL(CONVT_INTERLEAVE_LEVEL)
#undef CONVT_INTERLEAVE_LEVEL

namespace {

SubpixelTiling plan_subpixel(const LayerSpec& l, const RunShape& s, const SubpixelWeights& w,
                             int max_threads) {
  SubpixelTiling t;
  for (const PhaseChunk& c : w.chunks) {
    const Range ry = chunk_range(c, w.ph, s.out[kH], true), rx = chunk_range(c, w.pw, s.out[kW], false);
    t.max_rows = std::max(t.max_rows, ry.hi - ry.lo);
    t.max_cols = std::max(t.max_cols, rx.hi - rx.lo);
    t.max_k = std::max(t.max_k, l.in_per_group() * c.taps());
    for (const int64_t o : c.offset_y) t.max_ay = std::max(t.max_ay, o);
    for (const int64_t o : c.offset_x) t.max_ax = std::max(t.max_ax, o);
  }
  int64_t max_set_chunks = 0, max_set_weights = 0;  // weights: floats per output channel
  for (const auto& set : w.sets) {
    int64_t phases = 0, weights = 0;
    for (const int64_t c : set) {
      const PhaseChunk& chunk = w.chunks[static_cast<size_t>(c)];
      phases += chunk.size();
      weights += chunk.size() * chunk.taps();
    }
    max_set_weights = std::max(max_set_weights, weights * l.in_per_group());
    t.max_set_phases = std::max(t.max_set_phases, phases);
    max_set_chunks = std::max(max_set_chunks, static_cast<int64_t>(set.size()));
  }
  const char* what = "sub-pixel workspace";
  const int64_t sets = static_cast<int64_t>(w.sets.size());
  const int64_t cout_g = l.out_per_group();
  const int64_t width = t.max_cols + t.max_ax;  // a row of output positions, plus the reach
  // Enough items for a few threads: rows split first (they keep the GEMM's A whole), then
  // output channels in whole panels when there are too few rows. Where a set's weights
  // stream from L3 (kStreamedSetBytes), each row block reads them all again for its own
  // columns: 4 items then. dcgan_g2 at batch 1 (2 MB per phase, 4 phases): 4 items of 64
  // columns ran 6-28 % faster than 8 of 32 at 2 threads (1 thread: the same); for all
  // layers 4 items helped some and not others (pointwise, dec5x5_s2 7-10 % slower).
  const int64_t outer = std::max<int64_t>(1, s.batch * l.groups * sets);
  const bool streamed = checked_mul(checked_mul(max_set_weights, cout_g, what), 4, what) >
                        kStreamedSetBytes;
  const int64_t need = ceil_div(streamed ? kMinItemsStreamed : kMinItems, outer);
  const int64_t row_split = std::max<int64_t>(1, std::min(need, t.max_rows));
  int64_t co_split = 1;
  if (row_split < need && cout_g >= 2 * w.panel)
    co_split = std::min(ceil_div(need, row_split), cout_g / w.panel);
  // An odd number of few items leaves a thread of two idle for the last one (pointwise:
  // 28 rows in 7 blocks ran at 85 % of twice one thread): halve the channels instead.
  const int64_t rows_n = std::max<int64_t>(t.max_rows, 1);
  const int64_t by_items = ceil_div(rows_n, row_split);
  const int64_t row_blocks = ceil_div(rows_n, by_items);
  if (co_split == 1 && need > 1 && cout_g >= 2 * w.panel && outer * row_blocks % 2 == 1)
    co_split = 2;
  t.co_per_item = co_split == 1 ? cout_g
                                : ceil_div(ceil_div(cout_g, co_split), w.panel) * w.panel;
  t.co_blocks = ceil_div(cout_g, std::max<int64_t>(t.co_per_item, 1));
  const int64_t per_row = checked_mul(
      checked_mul(checked_add(l.in_per_group(),
                              checked_mul(t.max_set_phases, t.co_per_item, what), what),
                  std::max<int64_t>(width, 1), what),
      4, what);
  const int64_t by_budget = std::max<int64_t>(1, kBudgetBytes / per_row);
  t.rows_per_item = std::max<int64_t>(1, std::min({by_budget, by_items, t.max_rows}));
  t.blocks = std::max<int64_t>(1, ceil_div(rows_n, t.rows_per_item));
  t.items = checked_mul(checked_mul(checked_mul(s.batch * l.groups, sets, "work items"),
                                    t.co_blocks, "work items"),
                        t.blocks, "work items");
  // The bordered input's margins: chunk c reads input rows q - ay for the q of its row
  // range and its offsets ay, columns likewise. Not needed when every chunk reads the
  // input itself (one tap at offset 0 over whole input rows: direct B in run_subpixel).
  int64_t top = 0, bottom = 0, left = 0, right = 0;
  bool needs_border = false;
  for (const PhaseChunk& c : w.chunks) {
    const Range ry = chunk_range(c, w.ph, s.out[kH], true), rx = chunk_range(c, w.pw, s.out[kW], false);
    if (c.taps() == 0 || ry.hi <= ry.lo || rx.hi <= rx.lo) continue;
    const auto [ay_lo, ay_hi] = std::minmax_element(c.offset_y.begin(), c.offset_y.end());
    const auto [ax_lo, ax_hi] = std::minmax_element(c.offset_x.begin(), c.offset_x.end());
    top = std::max(top, *ay_hi - ry.lo);
    bottom = std::max(bottom, ry.hi - *ay_lo - s.in[kH]);
    left = std::max(left, *ax_hi - rx.lo);
    right = std::max(right, rx.hi - *ax_lo - s.in[kW]);
    needs_border |= !(c.taps() == 1 && c.offset_y[0] == 0 && c.offset_x[0] == 0 &&
                      rx.lo == 0 && rx.hi == s.in[kW] && ry.hi <= s.in[kH]);
  }
  // Slabs where each thread's contiguous share of the items (parallel_for) covers whole
  // (batch item, group)s: otherwise two threads border the same planes, each all of them
  // (fsrcnn, espcn_k6s2, one of each, 2 threads: 8-17 % slower than items bordering their
  // own rows; dcgan_g2 6 % faster on 1 thread). Also where every item reads all the rows
  // (one row block): each thread then borders the planes once, not once per item
  // (dcgan_g2 at 2 threads, 2 items each: 4 % faster).
  const int64_t run_threads = std::clamp<int64_t>(t.items, 1, std::max(max_threads, 1));
  if (needs_border && ((s.batch * l.groups) % run_threads == 0 || t.blocks == 1)) {
    const int64_t pad_rows = checked_add(s.in[kH], top + bottom, what);
    const int64_t pad_pitch = checked_add(s.in[kW], left + right, what);
    // + a row and kPaddedColumns: the GEMM's flat reads run up to a row past the last
    // plane, rounded up to a whole strip.
    const int64_t floats =
        checked_add(checked_mul(l.in_per_group(), checked_mul(pad_rows, pad_pitch, what), what),
                    pad_pitch + kPaddedColumns, what);
    if (floats <= kSlabBytes / 4) {
      t.slab_floats = (floats + 15) / 16 * 16;
      t.pad_top = top;
      t.pad_left = left;
      t.pad_rows = pad_rows;
      t.pad_pitch = pad_pitch;
    }
  }
  // Per thread: the slab's key and the slab, B's row addresses, the zero-bordered input
  // rows, C.
  t.pointer_floats = (t.max_k * static_cast<int64_t>(sizeof(float*)) / 4 + 15) / 16 * 16;
  // The bordered input rows, or an im2col and one channel's bordered rows, whichever is
  // larger (each chunk picks one); with a slab, an im2col alone.
  const int64_t im2col_floats = checked_add(
      checked_mul(checked_mul(t.max_k, t.rows_per_item, what), t.max_cols, what),
      kPaddedColumns, what);
  t.padded_floats = t.slab_floats > 0 ? im2col_floats : std::max(
      checked_mul(l.in_per_group(),
                  checked_add(checked_mul(t.rows_per_item + t.max_ay, width, what),
                              t.max_ax + kPaddedColumns, what),
                  what),
      checked_add(im2col_floats, checked_mul(t.rows_per_item + t.max_ay, width, what),
                  what));  // + a tile
  // C of every chunk of a set, each rounded up to 16 floats; its rows are at most `width`
  // long, or the slab's pitch.
  const int64_t c_width = std::max(width, t.pad_pitch);
  const int64_t c_floats = checked_add(
      checked_mul(checked_mul(checked_mul(t.max_set_phases, t.co_per_item, what),
                              t.rows_per_item, what),
                  c_width, what),
      checked_mul(max_set_chunks, 16, what), what);
  const int64_t floats = checked_add(
      checked_add(checked_add(t.pointer_floats, t.padded_floats, what), c_floats, what),
      t.slab_floats > 0 ? 16 + t.slab_floats : 0, what);
  t.bytes_per_thread = checked_bytes(checked_add(floats, 16, what), sizeof(float), what) / 64 * 64;
  return t;
}

double subpixel_waste(const LayerSpec& l, const RunShape& s, const SubpixelWeights& w) {
  double padded = 0;
  for (const PhaseChunk& c : w.chunks) {
    const Range ry = chunk_range(c, w.ph, s.out[kH], true), rx = chunk_range(c, w.pw, s.out[kW], false);
    padded += static_cast<double>(c.phases.size()) * static_cast<double>(c.taps()) *
              static_cast<double>(ry.hi - ry.lo) * static_cast<double>(rx.hi - rx.lo);
  }
  const double useful = static_cast<double>(s.in[kH] * s.in[kW]) * static_cast<double>(l.kernel_volume());
  return padded / std::max(useful, 1.0);
}

void run_subpixel(const RunArgs& a, const SubpixelWeights& w, const SubpixelTiling& t,
                  int threads, float* workspace) {
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t sh = l.stride[kH], sw = l.stride[kW];
  const int64_t chunks = static_cast<int64_t>(w.chunks.size());
  const int64_t in_plane = s.in[kH] * s.in[kW], out_plane = s.out[kH] * s.out[kW];
  const int64_t per_thread = static_cast<int64_t>(t.bytes_per_thread / sizeof(float));
  const KernelLevel& kl = kernels_at(w.isa);  // the level the weights were packed for

  // Each thread's slab (plan_subpixel) starts its scratch, after 16 floats that hold the
  // key n * groups + g of the planes in it (-1: none yet this run).
  const int64_t slab_area = t.slab_floats > 0 ? 16 + t.slab_floats : 0;
  for (int slot = 0; slot < threads && slab_area > 0; ++slot) {
    const int64_t none = -1;
    std::memcpy(workspace + slot * per_thread, &none, sizeof none);
  }
  const auto border_slab = [&](float* slab, int64_t n, int64_t g) {
    const float* src = a.input + (n * l.in_channels + g * cin_g) * in_plane;
    float* dst = slab;
    const int64_t right = t.pad_pitch - t.pad_left - s.in[kW];
    for (int64_t ci = 0; ci < cin_g; ++ci, src += in_plane) {
      for (int64_t r = 0; r < t.pad_rows; ++r, dst += t.pad_pitch) {
        const int64_t h = r - t.pad_top;
        if (h < 0 || h >= s.in[kH]) {
          std::fill_n(dst, t.pad_pitch, 0.0f);
          continue;
        }
        std::fill_n(dst, t.pad_left, 0.0f);
        std::memcpy(dst + t.pad_left, src + h * s.in[kW],
                    static_cast<size_t>(s.in[kW]) * sizeof(float));
        std::fill_n(dst + t.pad_left + s.in[kW], right, 0.0f);
      }
    }
    // The GEMM's flat reads past the last plane (see plan_subpixel).
    std::fill(dst, slab + t.slab_floats, 0.0f);
  };

  // Items in the order (batch item, group, channel block, row block, set), the set
  // fastest: parallel_for gives each thread a contiguous range of items, which then covers
  // every phase of a block of output rows, so the threads write apart. (Set slowest, one
  // thread wrote the even output rows of a stride-(2, 1) layer and the other the odd ones,
  // sharing the cache lines where rows meet: 2 threads ran it barely faster than 1.)
  const int64_t sets = static_cast<int64_t>(w.sets.size());
  parallel_for(t.items, threads, [&](int64_t item, int slot) {
    int64_t rest = item;
    const int64_t set = rest % sets;
    rest /= sets;
    const int64_t block = rest % t.blocks;
    rest /= t.blocks;
    const int64_t co_block = rest % t.co_blocks;
    rest /= t.co_blocks;
    const int64_t g = rest % l.groups;
    const int64_t n = rest / l.groups;
    const std::vector<int64_t>& set_chunks = w.sets[static_cast<size_t>(set)];
    const int64_t co0 = co_block * t.co_per_item;
    const int64_t co1 = std::min(cout_g, co0 + t.co_per_item), cos = co1 - co0;

    // This item's output rows q in [qy0, qy1): the set's chunks share one row range (one
    // chunk, or the chunks of one row residue).
    const Range ry = chunk_range(w.chunks[static_cast<size_t>(set_chunks[0])], w.ph, s.out[kH], true);
    const int64_t qy0 = ry.lo + block * t.rows_per_item;
    const int64_t qy1 = std::min(ry.hi, qy0 + t.rows_per_item);
    const int64_t rows = qy1 - qy0;
    if (rows <= 0 || cos <= 0) return;

    const float* x = a.input + (n * l.in_channels + g * cin_g) * in_plane;
    float* out = a.output + (n * l.out_channels + g * cout_g) * out_plane;
    const float* bias = a.bias ? a.bias + g * cout_g : nullptr;
    float* scratch = workspace + slot * per_thread;
    const float* slab = nullptr;
    if (slab_area > 0) {
      int64_t key;
      std::memcpy(&key, scratch, sizeof key);
      float* own = scratch + 16;
      if (key != n * l.groups + g) {
        border_slab(own, n, g);
        key = n * l.groups + g;
        std::memcpy(scratch, &key, sizeof key);
      }
      slab = own;
      scratch += slab_area;
    }
    const float** b_rows = reinterpret_cast<const float**>(scratch);
    float* padded = scratch + t.pointer_floats;
    float* c_next = padded + t.padded_floats;

    // Where each chunk of the set (at most stride_w of them) left its C: the row of channel
    // co and phase i is (co - co0) * phases + i (rows ldc apart), output position (q, qx)
    // its column (q - qy0) * width + (qx - qx0).
    struct ChunkC {
      const float* c = nullptr;
      int64_t phases = 0, ldc = 0, width = 0, qx0 = 0;
    };
    ChunkC done[kMaxPhaseStride];

    for (size_t pos = 0; pos < set_chunks.size(); ++pos) {
      const int64_t ci_chunk = set_chunks[pos];
      const PhaseChunk& chunk = w.chunks[static_cast<size_t>(ci_chunk)];
      const auto& oy = chunk.offset_y;
      const auto& ox = chunk.offset_x;
      const Range rx = chunk_range(chunk, w.pw, s.out[kW], false);
      const int64_t qx0 = rx.lo, qx1 = rx.hi, cols_n = qx1 - qx0;
      if (cols_n <= 0) continue;
      const int64_t k = cin_g * chunk.taps();
      const int64_t phases = chunk.size();
      const int64_t m = phases * cos;

      // B: the chunk's taps, each a row address. Either the input itself (one tap at offset
      // 0 whose outputs are whole input rows), or a zero-bordered copy of the input rows
      // this item reads (bordered_rows below), in which tap (ay, ax) of channel ci is the
      // copy shifted by the offsets, no im2col copy per tap; or an im2col cut out of it.
      const int64_t ay_max = oy.empty() ? 0 : *std::max_element(oy.begin(), oy.end());
      const int64_t ax_max = ox.empty() ? 0 : *std::max_element(ox.begin(), ox.end());
      const bool direct_b = oy.size() == 1 && ox.size() == 1 && oy[0] == 0 && ox[0] == 0 &&
                            qx0 == 0 && qx1 == s.in[kW] && qy1 <= s.in[kH] &&
                            !rows_crowd_cache_sets(in_plane * 4, cin_g);
      // B's layout, by the work of the GEMM (work below):
      //   bordered, flat:  the copy's rows back to back, N = rows * (cols_n + ax_max): the
      //                    ax_max columns between rows are computed and dropped;
      //   bordered, by row: one GEMM per output row, N = cols_n (no dropped columns, but a
      //                    partial block per row where cols_n is not a multiple of the tile);
      //   im2col:          exact N, for a copy per tap.
      // The cheaper bordered layout wins if it does at most 1/8 more work than the im2col
      // (dcgan's 8-wide rows: bordered 10 of every 8 columns, so im2col); dilated's 32-wide
      // rows with 4 columns of reach run by row, the copy per tap saved.
      // The GEMM's work for `cols` columns, in half-tile units: 2 per whole tile-wide block,
      // and a right-edge block of at most half a tile counts 1.2 (one vector wide, it runs
      // slower per column than two).
      const auto work = [nr = kl.tile.cols](int64_t cols) {
        const int64_t edge = cols % nr;
        return 10 * (cols / nr * 2) + (edge == 0 ? 0 : edge > nr / 2 ? 20 : 12);
      };  // (tenths)
      // Of the bordered rows: the input's bordered once, or the item's own copy.
      const int64_t bpitch = slab ? t.pad_pitch : cols_n + ax_max;
      const int64_t flat = work(rows * bpitch), by_row = rows * work(cols_n);
      const bool bordered =
          !direct_b && 8 * std::min(flat, by_row) <= 9 * work(rows * cols_n);
      const bool row_gemms = bordered && by_row < flat;
      // C's rows: flat GEMMs over the bordered copy keep its pitch (the ax_max columns
      // between rows are computed and not stored), the others are exact.
      const int64_t width = bordered && !row_gemms ? bpitch : cols_n;
      const int64_t n_cols = rows * width;  // C's columns
      // Channel ci's input rows qy0 - ay_max .. qy1 - 1 and columns from qx0 - ax_max, zero
      // outside the input: (rows + ay_max) rows of cols_n + ax_max floats at dst. Tap (ay,
      // ax) of output position (r, j) is then at row r + ay_max - ay, column j + ax_max - ax.
      const int64_t prows = rows + ay_max;
      const auto bordered_rows = [&](int64_t ci, float* dst) {
        const int64_t w_first = qx0 - ax_max;  // input column of copy column 0
        const int64_t c_lo = std::clamp<int64_t>(-w_first, 0, bpitch);
        const int64_t c_hi = std::clamp<int64_t>(s.in[kW] - w_first, c_lo, bpitch);
        for (int64_t r = 0; r < prows; ++r, dst += bpitch) {
          const int64_t h = qy0 - ay_max + r;
          if (h < 0 || h >= s.in[kH]) {
            std::memset(dst, 0, static_cast<size_t>(bpitch) * sizeof(float));
            continue;
          }
          const float* src = x + ci * in_plane + h * s.in[kW] + w_first;
          std::memset(dst, 0, static_cast<size_t>(c_lo) * sizeof(float));
          std::memcpy(dst + c_lo, src + c_lo, static_cast<size_t>(c_hi - c_lo) * sizeof(float));
          std::memset(dst + c_hi, 0, static_cast<size_t>(bpitch - c_hi) * sizeof(float));
        }
      };
      // Where channel ci's tap offset (0, 0) of output position (qy0, qx0) lies in the
      // slab; tap (ay, ax) is then ay rows and ax columns before it.
      const auto slab_origin = [&](int64_t ci) {
        return slab + (ci * t.pad_rows + qy0 + t.pad_top) * t.pad_pitch + qx0 + t.pad_left;
      };
      if (direct_b) {
        for (int64_t ci = 0; ci < cin_g; ++ci) b_rows[ci] = x + ci * in_plane + qy0 * s.in[kW];
      } else if (bordered && k > 0) {
        // + kPaddedColumns: the GEMM may read each B row up to N rounded up to a whole strip.
        const int64_t plane = prows * bpitch + ax_max + kPaddedColumns;
        for (int64_t ci = 0; ci < cin_g; ++ci) {
          const float* origin;
          if (slab) {
            origin = slab_origin(ci);
          } else {
            float* copy = padded + ci * plane;
            bordered_rows(ci, copy);
            std::memset(copy + prows * bpitch, 0,
                        static_cast<size_t>(ax_max + kPaddedColumns) * sizeof(float));
            origin = copy + ay_max * bpitch + ax_max;
          }
          for (size_t iy = 0; iy < oy.size(); ++iy)
            for (size_t ix = 0; ix < ox.size(); ++ix)
              b_rows[(ci * static_cast<int64_t>(oy.size()) + static_cast<int64_t>(iy)) *
                         static_cast<int64_t>(ox.size()) + static_cast<int64_t>(ix)] =
                  origin - oy[iy] * bpitch - ox[ix];
        }
      } else if (k > 0) {
        // im2col: row (ci, tap) holds the item's outputs' inputs for that tap, cut out of
        // channel ci's bordered rows (bounds handled once per channel, not per tap and row:
        // dcgan's 8-wide rows spent more in library calls than in copying).
        float* dst = padded;
        float* tile = padded + k * rows * cols_n + kPaddedColumns;  // past what the GEMM reads
        int64_t kk = 0;
        for (int64_t ci = 0; ci < cin_g; ++ci) {
          const float* origin;
          if (slab) {
            origin = slab_origin(ci);
          } else {
            bordered_rows(ci, tile);
            origin = tile + ay_max * bpitch + ax_max;
          }
          for (const int64_t ay : oy)
            for (const int64_t ax : ox) {
              b_rows[kk++] = dst;
              const float* src = origin - ay * bpitch - ax;
              for (int64_t r = 0; r < rows; ++r, dst += cols_n, src += bpitch) {
                if (cols_n == 8) {  // DCGAN's rows: one vector, no loop
                  std::memcpy(dst, src, 8 * sizeof(float));
                } else if (cols_n > kShortRow) {
                  std::memcpy(dst, src, static_cast<size_t>(cols_n) * sizeof(float));
                } else {
                  for (int64_t j = 0; j < cols_n; ++j) dst[j] = src[j];
                }
              }
            }
        }
      }

      // C (rows of `width`): straight into the output when the (single) phase's outputs are
      // whole output rows.
      const bool direct_c = sh == 1 && sw == 1 && width == s.out[kW];
      const float* wp = w.data.data() + w.offset[static_cast<size_t>(g * chunks + ci_chunk)] +
                        co0 * phases * k;
      const int64_t h = panel_rows(phases * cout_g, w.panel, kl.tile);  // A's panel rows
      // Stride 2 with one chunk holding both column phases of the row residue, their
      // outputs exactly the output rows (no padding in W, outputs 2 x the chunk's columns,
      // rows a multiple of the GEMM's 32-column blocks): the GEMM zips each channel's two
      // phase rows straight into the output rows (gemm_packed_zip2), no C and no
      // interleave pass (grouped2x2_s2 21-31 %, unet_up 8-16 % faster).
      if (w.row_items && sw == 2 && l.padding[kW] == 0 && set_chunks.size() == 1 &&
          phases == 2 && chunk.phases[0].second == 0 && chunk.phases[1].second == 1 &&
          qx0 == 0 && 2 * cols_n == s.out[kW] && !row_gemms && width == cols_n &&
          cols_n % 32 == 0 && k > 0) {
        float* pair_bias = nullptr;
        if (bias) {  // each channel's bias for both of its rows
          pair_bias = c_next;
          for (int64_t co = 0; co < cos; ++co)
            pair_bias[2 * co] = pair_bias[2 * co + 1] = bias[co0 + co];
        }
        Zip2Store dst;
        dst.out = out + co0 * out_plane +
                  (qy0 * sh + chunk.phases[0].first - l.padding[kH]) * s.out[kW];
        dst.ldo = out_plane;
        dst.row_step = sh * s.out[kW];
        dst.width = cols_n;
        kl.gemm_packed_zip2(m, n_cols, k, wp, h, b_rows, pair_bias, dst);
        return;  // the set's only chunk: the item is done
      }
      const int64_t oy_first = qy0 - l.padding[kH];  // stride 1: output row of q = qy0
      float* c_mat = c_next;
      int64_t ldc = n_cols;
      if (direct_c) {
        c_mat = out + co0 * out_plane + oy_first * s.out[kW];
        ldc = out_plane;
      } else {
        c_next += (m * n_cols + 15) / 16 * 16;
      }
      // Written straight into the output, C starts from the bias (one phase: row i is
      // channel co0 + i); otherwise the bias is added where C is stored.
      const float* c_bias = direct_c && bias ? bias + co0 : nullptr;
      if (row_gemms) {
        for (int64_t r = 0; r < rows; ++r)
          kl.gemm_packed(m, cols_n, k, wp, h, b_rows, r * bpitch,
                      c_mat + r * cols_n, ldc, /*b_padded=*/true, c_bias);
      } else {
        kl.gemm_packed(m, n_cols, k, wp, h, b_rows, 0, c_mat, ldc,
                    /*b_padded=*/!direct_b, c_bias);
      }
      done[pos] = {c_mat, phases, ldc, width, qx0};
      if (direct_c) continue;
      if (w.row_items) continue;  // stored below, as whole rows
      // Stride 2: a row residue ry whose two column phases are both in this chunk is written
      // as whole output rows, the phases zipped in registers (interleave_row): espcn_k6s2's
      // one chunk of all four phases ran 1.9x faster than with a scalar store every other
      // float. (Not for larger strides, where interleave_row reads by index: fsrcnn's
      // stride 3 ran 1 % slower.)
      bool stored[2 * kMaxPhaseStride] = {};  // by phase i, stride 2 only (i < 2 * sh)
      if (sw == 2) {
        for (int64_t i = 0; i < phases; ++i) {
          const int64_t res_y = chunk.phases[static_cast<size_t>(i)].first;
          int64_t at0[kMaxPhaseStride], co_step[kMaxPhaseStride], q_step[kMaxPhaseStride];
          int64_t found = 0;
          for (int64_t j = 0; j < phases; ++j) {
            const auto [jy, jx] = chunk.phases[static_cast<size_t>(j)];
            if (jy != res_y) continue;
            at0[jx] = j * ldc - qx0;
            co_step[jx] = phases * ldc;
            q_step[jx] = width;
            ++found;
          }
          if (found != sw || stored[i]) continue;
          const int64_t y0 = std::max(qy0, w.ph.q_begin(res_y));
          const int64_t y1 = std::min(qy1, w.ph.q_end(res_y, s.out[kH]));
          if (y0 < y1)
            kl.interleave_rows(out + co0 * out_plane + (y0 * sh + res_y - l.padding[kH]) * s.out[kW],
                            out_plane, sh * s.out[kW], cos, y1 - y0, s.out[kW], l.padding[kW], sw,
                            c_mat + (y0 - qy0) * width, at0, co_step, q_step,
                            bias ? bias + co0 : nullptr);
          for (int64_t j = 0; j < phases; ++j)
            if (chunk.phases[static_cast<size_t>(j)].first == res_y) stored[j] = true;
        }
      }
      // The other phases' rows of C go to their own outputs: rows q*sh + ry - ph, columns
      // q*sw + rx - pw, for the q of its own range (the chunk's range is their union).
      for (int64_t i = 0; i < phases; ++i) {
        if (sw == 2 && stored[i]) continue;
        const auto [py, px] = chunk.phases[static_cast<size_t>(i)];
        const int64_t y0 = std::max(qy0, w.ph.q_begin(py));
        const int64_t y1 = std::min(qy1, w.ph.q_end(py, s.out[kH]));
        const int64_t x0 = w.pw.q_begin(px), x1 = w.pw.q_end(px, s.out[kW]);
        if (y0 >= y1 || x0 >= x1) continue;
        for (int64_t co = co0; co < co1; ++co) {
          const float b = bias ? bias[co] : 0.0f;
          float* plane = out + co * out_plane;
          const float* c_row = c_mat + ((co - co0) * phases + i) * ldc;
          for (int64_t q = y0; q < y1; ++q) {
            float* dst =
                plane + (q * sh + py - l.padding[kH]) * s.out[kW] + x0 * sw + px - l.padding[kW];
            const float* src = c_row + (q - qy0) * width + (x0 - qx0);
            for (int64_t j = 0; j < x1 - x0; ++j) dst[j * sw] = src[j] + b;
          }
        }
      }
    }
    if (!w.row_items) return;

    // Whole output rows: row q of residue ry, its columns from the sw phases (ry, rx).
    const int64_t py = w.chunks[static_cast<size_t>(set_chunks[0])].phases[0].first;
    const float* c_area = padded + t.padded_floats;  // every chunk's C lies from here
    // Phase px's value (co, q, qx) is c_area[at0 + (co - co0) * co_step + (q - qy0) * q_step
    // + qx] (phases with no outputs here are never read).
    int64_t at0[kMaxPhaseStride], co_step[kMaxPhaseStride], q_step[kMaxPhaseStride];
    for (int64_t px = 0; px < sw; ++px) {
      const auto [pos, i] = w.slot[static_cast<size_t>(py * sw + px)];
      const ChunkC& d = done[pos];
      at0[px] = d.c ? (d.c - c_area) + i * d.ldc - d.qx0 : 0;
      co_step[px] = d.phases * d.ldc;
      q_step[px] = d.width;
    }
    kl.interleave_rows(out + co0 * out_plane + (qy0 * sh + py - l.padding[kH]) * s.out[kW],
                    out_plane, sh * s.out[kW], cos, rows, s.out[kW], l.padding[kW], sw, c_area, at0,
                    co_step, q_step, bias ? bias + co0 : nullptr);
  });
}

struct SubpixelPacked : PackedWeights {
  SubpixelWeights weights;
};
struct SubpixelPlan : LoweringPlan {
  SubpixelTiling tiling;
};

// AUTO's rule. Both GEMM lowerings do the same multiply-adds; sub-pixel runs them on convt's
// own register-blocked kernel, reads its taps out of a bordered copy of the input instead
// of an im2col, and stores every output once instead of scatter-adding, so it won on every
// layer measured at avx2 and avx512 except where its GEMMs do much more work than the
// layer needs (waste above kMaxSubpixelWaste: inputs barely larger than one kernel window).
constexpr double kMaxSubpixelWaste = 1.5;

// Depthwise layers (K = 1 per tap) take the direct depthwise kernel, unless the kernel is a
// multiple of a stride above 1 in both dimensions (dilation 1): every phase then has the
// same whole sub-kernel, and sub-pixel ran them faster.
bool depthwise_prefers_subpixel(const LayerSpec& l) {
  return l.stride[kH] > 1 && l.stride[kW] > 1 && l.kernel[kH] % l.stride[kH] == 0 &&
         l.kernel[kW] % l.stride[kW] == 0 && l.dilation[kH] == 1 && l.dilation[kW] == 1;
}

// Kernel == stride > 1, no padding or dilation: every phase is one tap, a GEMM on the input
// itself. At baseline with SSE-class OpenBLAS kernels sub-pixel ran it faster than
// GEMM + col2im, with AVX2 ones slower. (1x1: POINTWISE.)
bool baseline_prefers_subpixel(const LayerSpec& l) {
  return blas_is_sse_class() && l.kernel[kH] == l.stride[kH] && l.kernel[kW] == l.stride[kW] &&
         l.stride[kH] * l.stride[kW] > 1 && l.padding[kH] == 0 && l.padding[kW] == 0 &&
         l.dilation[kH] == 1 && l.dilation[kW] == 1;
}

class Subpixel final : public Lowering {
 public:
  int32_t algorithm() const override { return CONVT_ALGORITHM_SUBPIXEL; }
  const char* name() const override { return "subpixel"; }
  const char* cannot_run(const LayerSpec& l) const override {
    if (l.rank > 2) return "subpixel runs 1-D and 2-D layers";
    for (int d = 0; d < kMaxRank; ++d)
      if (l.stride[d] > kMaxPhaseStride) return "subpixel needs strides <= 64";
    return nullptr;
  }
  bool auto_takes_layer(const LayerSpec& l, const KernelLevel& level) const override {
    if (level.isa == Isa::kBaseline) return !l.is_depthwise() && baseline_prefers_subpixel(l);
    if (!level.measured) return !l.is_depthwise();
    return !l.is_depthwise() || depthwise_prefers_subpixel(l);
  }
  bool auto_takes_shape(const LayerSpec& l, const RunShape& s, const PackedWeights* packed,
                        const KernelLevel& level) const override {
    if (level.isa == Isa::kBaseline) return true;
    const double waste = subpixel_waste(l, s, static_cast<const SubpixelPacked*>(packed)->weights);
    // At a level not timed on hardware, only where its GEMMs do no more multiply-adds than
    // the layer needs (it then also skips the im2col and the scatter-add).
    return waste <= (level.measured ? kMaxSubpixelWaste : 1.0 + 1e-9);
  }
  std::unique_ptr<const PackedWeights> pack(const LayerSpec& l, const float* weight,
                                            const KernelLevel& level) const override {
    auto p = std::make_unique<SubpixelPacked>();
    p->weights = pack_subpixel(l, weight, level.isa);
    return p;
  }
  std::unique_ptr<const LoweringPlan> plan(const LayerSpec& l, const RunShape& s,
                                           const PackedWeights* packed,
                                           int max_threads) const override {
    auto p = std::make_unique<SubpixelPlan>();
    p->tiling = plan_subpixel(l, s, static_cast<const SubpixelPacked*>(packed)->weights,
                              max_threads);
    p->items = p->tiling.items;
    p->bytes_per_thread = p->tiling.bytes_per_thread;
    return p;
  }
  void run(const RunArgs& a, const LoweringPlan& plan, int threads,
           void* workspace) const override {
    run_subpixel(a, static_cast<const SubpixelPacked*>(a.packed)->weights,
                 static_cast<const SubpixelPlan&>(plan).tiling, threads,
                 static_cast<float*>(workspace));
  }
};

}  // namespace

const Lowering& subpixel_lowering() {
  static const Subpixel lowering;
  return lowering;
}

}  // namespace convt_impl
