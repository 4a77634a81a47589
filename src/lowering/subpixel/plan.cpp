// The plan of one sub-pixel run: the split into work items, whether threads keep a
// bordered window of the input, each chunk's B layout and store, and the scratch layout.
// Everything here depends on the layer, the shape and the thread count only.
#include <algorithm>
#include <numeric>

#include "../../cache.hpp"
#include "../../checked.hpp"
#include "../../kernels/gemm.hpp"
#include "../../kernels/levels.hpp"
#include "subpixel.hpp"

namespace convt_impl {
namespace subpixel {
namespace {

constexpr int64_t kMinItems = 8;  // enough items for a few threads, fixed
// Where a set's weights stream from L3 for each item that runs it (kStreamedWeightBytes),
// each row block reads them all again for its own columns: fewer, larger items then.
constexpr int64_t kMinItemsStreamed = 4;
// Columns below which a GEMM reuses each weight for too few columns: an item then spans
// several depth slices where it can.
constexpr int64_t kWideGemmColumns = 256;

// Whether `rows` rows `stride` bytes apart, read a strip at a time, crowd into few cache
// sets: rows whose addresses differ by a multiple of a cache way's span share a set, and
// past half the ways they evict each other (U-Net's 128 input planes 16 KB apart, read in
// place as the GEMM's B, left the kernel far below its speed; copied first, the layer ran
// faster).
bool rows_crowd_cache_sets(int64_t stride, int64_t rows) {
  const int64_t positions = kL2WaySpan / std::gcd(stride, kL2WaySpan);
  return (rows + positions - 1) / positions > kL2UsableWays;
}

// The GEMM's work for `cols` columns, in tenths of half-tile units: 2 per whole tile-wide
// block, and a right-edge block of at most half a tile counts 1.2 (one vector wide, it
// runs slower per column than two).
int64_t gemm_work(int64_t cols, int64_t tile_cols) {
  const int64_t edge = cols % tile_cols;
  return 10 * (cols / tile_cols * 2) + (edge == 0 ? 0 : edge > tile_cols / 2 ? 20 : 12);
}

// Whether B can be the input itself: one tap at offset 0 in H and W whose outputs are
// whole input rows, inside the input (any depth taps: each reads its own slice), unless
// the channel planes lie so that their rows crowd into few cache sets.
bool reads_input_in_place(const LayerSpec& l, const RunShape& s, const Chunk& c,
                          const ChunkPlan& cp, bool col_blocks) {
  const bool whole_rows = cp.cols.lo == 0 && cp.cols.hi == s.in[kW];
  // (Items of a column block have one row: any columns inside the input will do.)
  const bool inside = col_blocks && cp.rows.size() == 1 && cp.cols.lo >= 0 && cp.cols.hi <= s.in[kW];
  return c.offset_y.size() == 1 && c.offset_x.size() == 1 && c.offset_y[0] == 0 &&
         c.offset_x[0] == 0 && (whole_rows || inside) && cp.rows.hi <= s.in[kH] &&
         !rows_crowd_cache_sets(s.in_volume() * 4, l.in_per_group());
}

}  // namespace

Plan plan(const LayerSpec& l, const RunShape& s, const Weights& w, int max_threads) {
  const char* what = "sub-pixel workspace";
  const KernelLevel& kl = kernels_at(w.isa);
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  Plan t;
  t.chunks.resize(w.chunks.size());
  int64_t max_rows = 0, max_cols = 0, max_k = 0, max_ax = 0, max_taps_d = 0;
  for (size_t i = 0; i < w.chunks.size(); ++i) {
    const Chunk& c = w.chunks[i];
    ChunkPlan& cp = t.chunks[i];
    cp.rows = chunk_rows(c, w, s);
    cp.cols = chunk_cols(c, w, s);
    cp.ay_max = c.offset_y.empty() ? 0 : c.offset_y.back();
    cp.ax_max = c.offset_x.empty() ? 0 : c.offset_x.back();
    max_rows = std::max(max_rows, cp.rows.size());
    max_cols = std::max(max_cols, cp.cols.size());
    max_k = std::max(max_k, cin_g * c.taps());
    max_ax = std::max(max_ax, cp.ax_max);
    max_taps_d = std::max<int64_t>(max_taps_d, static_cast<int64_t>(c.offset_d.size()));
  }
  int64_t max_set_phases = 0, max_set_chunks = 0, max_set_weights = 0;  // per output channel
  for (const auto& set : w.sets) {
    int64_t phases = 0, weights = 0;
    for (const int64_t c : set) {
      const Chunk& chunk = w.chunks[static_cast<size_t>(c)];
      phases += chunk.size();
      weights += chunk.size() * chunk.taps();
    }
    max_set_weights = std::max(max_set_weights, weights * cin_g);
    max_set_phases = std::max(max_set_phases, phases);
    max_set_chunks = std::max(max_set_chunks, static_cast<int64_t>(set.size()));
  }
  const int64_t width = max_cols + max_ax;  // a row of output positions, plus the reach

  // Enough items for a few threads: rows split first (they keep the GEMM's A whole), then
  // output channels in whole panels when there are too few rows.
  const int64_t outer = std::max<int64_t>(
      1, checked_mul(checked_mul(checked_mul(s.batch, l.groups, "work items"), s.out[kD], "work items"),
                     w.max_sets_per_rd, "work items"));
  const bool streamed = checked_mul(checked_mul(max_set_weights, cout_g, what), 4, what) >
                        kStreamedWeightBytes;
  int64_t need = ceil_div(streamed ? kMinItemsStreamed : kMinItems, outer);
  // Single-row chunks (1-D layers): the sets of one row write the same output lines, so the
  // split must give each thread outputs of its own: channel blocks (no weight read twice),
  // or else blocks of columns.
  const bool single_row = max_rows <= 1;
  const int64_t apart = std::max<int64_t>(1, outer / w.max_sets_per_rd);
  if (single_row) need = std::max(need, ceil_div(std::max(max_threads, 1), apart));
  const int64_t row_split = std::max<int64_t>(1, std::min(need, max_rows));
  int64_t co_split = 1;
  if (row_split < need && cout_g >= 2 * w.panel)
    co_split = std::min(ceil_div(need, row_split), cout_g / w.panel);
  // An odd number of few items leaves one of two threads idle for the last one: halve the
  // channels instead.
  const int64_t rows_n = std::max<int64_t>(max_rows, 1);
  const int64_t by_items = ceil_div(rows_n, row_split);
  if (co_split == 1 && need > 1 && cout_g >= 2 * w.panel && outer * ceil_div(rows_n, by_items) % 2 == 1)
    co_split = 2;
  t.co_per_item = co_split == 1 ? cout_g : ceil_div(ceil_div(cout_g, co_split), w.panel) * w.panel;
  t.co_blocks = ceil_div(cout_g, std::max<int64_t>(t.co_per_item, 1));
  if (single_row && row_split * t.co_blocks < need) {
    // Column blocks of whole GEMM strips (the last one may be shorter), over the positions
    // the chunks cover.
    const int64_t col_split = ceil_div(need, row_split * t.co_blocks);
    int64_t cols_lo = INT64_MAX, cols_hi = 0;
    for (const ChunkPlan& cp : t.chunks)
      if (cp.cols.size() > 0) cols_lo = std::min(cols_lo, cp.cols.lo), cols_hi = std::max(cols_hi, cp.cols.hi);
    const int64_t span = cols_hi - std::min(cols_lo, cols_hi);
    const int64_t per = ceil_div(ceil_div(span, col_split), kPaddedColumns) * kPaddedColumns;
    if (per < span) {
      t.cols_first = cols_lo;
      t.cols_per_item = per;
      t.col_blocks = ceil_div(span, per);
    }
  }
  // Rows per item: the item's bordered rows and C stay within one core's L2.
  const int64_t per_row = checked_mul(
      checked_mul(checked_add(checked_mul(cin_g, max_taps_d, what),
                              checked_mul(max_set_phases, t.co_per_item, what), what),
                  std::max<int64_t>(width, 1), what),
      4, what);
  const int64_t by_budget = std::max<int64_t>(1, kItemScratchBytes / per_row);
  t.rows_per_item = std::max<int64_t>(1, std::min({by_budget, by_items, max_rows}));
  t.row_blocks = std::max<int64_t>(1, ceil_div(rows_n, t.rows_per_item));

  // Which chunks read the input in place; the bordered input's margins for the others:
  // chunk c reads input rows q - ay for the q of its row range and its offsets ay, columns
  // likewise.
  int64_t top = 0, bottom = 0, left = 0, right = 0;
  bool needs_border = false;
  for (size_t i = 0; i < w.chunks.size(); ++i) {
    const Chunk& c = w.chunks[i];
    ChunkPlan& cp = t.chunks[i];
    if (cp.rows.size() <= 0 || cp.cols.size() <= 0) continue;
    // A chunk without taps reads nothing, but its C has the bordered rows' pitch where
    // those are flat: the margins cover its outputs too (as offset 0).
    const int64_t ay_min = c.offset_y.empty() ? 0 : c.offset_y.front();
    const int64_t ax_min = c.offset_x.empty() ? 0 : c.offset_x.front();
    top = std::max(top, cp.ay_max - cp.rows.lo);
    bottom = std::max(bottom, cp.rows.hi - ay_min - s.in[kH]);
    left = std::max(left, cp.ax_max - cp.cols.lo);
    right = std::max(right, cp.cols.hi - ax_min - s.in[kW]);
    if (c.taps() == 0) continue;
    // (A channels-last input is never B itself: its channels are not rows.)
    if (!l.channels_last() && reads_input_in_place(l, s, c, cp, t.col_blocks > 1))
      cp.gather = Gather::kDirect;
    else
      needs_border = true;
  }
  const int64_t pad_rows = checked_add(s.in[kH], top + bottom, what);
  const int64_t pad_pitch = checked_add(s.in[kW], left + right, what);
  const int64_t plane = checked_mul(pad_rows, pad_pitch, what);

  // Depth: the positions qd of each residue, and the input slices their taps read.
  const DimPhases& pd = w.pd;
  int64_t q_lo = INT64_MAX, q_hi = INT64_MIN, max_positions = 0;
  for (int64_t rd = 0; rd < pd.stride; ++rd) {
    const int64_t qb = pd.q_begin(rd, s.pad_begin[kD]), qe = pd.q_end(rd, s.out[kD], s.pad_begin[kD]);
    if (qe <= qb) continue;
    q_lo = std::min(q_lo, qb);
    q_hi = std::max(q_hi, qe);
    max_positions = std::max(max_positions, qe - qb);
  }
  if (q_hi <= q_lo) q_lo = q_hi = 0;
  // Input slices [lo, hi] the items read with `slices` positions each: those with taps
  // only, or (slices > 1: one GEMM over the unit) every slice the taps reach, zero or not;
  // and the most one unit reads.
  struct Reach {
    int64_t lo = INT64_MAX, hi = INT64_MIN, per_unit = 0;
  };
  const auto reach = [&](int64_t slices) {
    Reach r;
    for (int64_t rd = 0; rd < pd.stride; ++rd) {
      const auto& taps = pd.taps[static_cast<size_t>(rd)];
      const int64_t qb = pd.q_begin(rd, s.pad_begin[kD]), qe = pd.q_end(rd, s.out[kD], s.pad_begin[kD]);
      if (taps.empty() || qe <= qb) continue;
      int64_t lo = qb - taps.back().offset, hi = qe - 1 - taps.front().offset;
      if (slices == 1) lo = std::max<int64_t>(lo, 0), hi = std::min(hi, s.in[kD] - 1);
      if (lo > hi) continue;
      r.lo = std::min(r.lo, lo);
      r.hi = std::max(r.hi, hi);
      r.per_unit = std::max(r.per_unit, slices - 1 + taps.back().offset - taps.front().offset + 1);
    }
    if (r.hi < r.lo) r.lo = r.hi = 0;
    return r;
  };

  // Slices per item: where items cover whole slices but a slice gives the GEMM few
  // columns, one GEMM spans several slices of a unit, so that each weight read serves
  // more columns; as long as there are enough items and C fits the scratch budget.
  const int64_t set_floats_per_col = checked_mul(max_set_phases, t.co_per_item, what);
  if (t.row_blocks == 1 && t.co_blocks == 1 && t.col_blocks == 1 && max_positions > 1) {
    const int64_t slice_cols =
        std::max<int64_t>(1, checked_mul(rows_n, std::max(width, pad_pitch), what));
    int64_t m = std::min(max_positions, ceil_div(kWideGemmColumns, slice_cols));
    const auto items_with = [&](int64_t slices) {  // (outer counted the positions once each)
      return outer / std::max<int64_t>(s.out[kD], 1) * ceil_div(q_hi - q_lo, slices) * pd.stride;
    };
    const auto c_fits = [&](int64_t slices) {  // C within the budget, sizes bounded first
      const int64_t cols = checked_add(checked_mul(slices - 1, plane, what), slice_cols, what);
      return cols <= kItemScratchBytes / 4 / std::max<int64_t>(set_floats_per_col, 1);
    };
    while (m > 1 && (items_with(m) < kMinItems || !c_fits(m))) --m;
    t.slices_per_item = m;
  }

  // A window where some chunk needs bordered input or one GEMM spans slices. Whole (every
  // slice, once per (batch item, group) and thread) where it fits and each thread's
  // contiguous share of the items covers whole (batch item, group)s (otherwise two threads
  // border the same planes, each all of them) or every item reads all the rows (each
  // thread then borders the planes once, not once per item); in 3-D layers else a window
  // of as many slices as fit, that moves with the thread's items.
  t.q_first = q_lo;
  t.q_blocks = std::max<int64_t>(1, ceil_div(q_hi - q_lo, t.slices_per_item));
  const auto count_items = [&] {
    return checked_mul(
        checked_mul(
            checked_mul(checked_mul(checked_mul(s.batch * l.groups, t.q_blocks * pd.stride, "work items"),
                                    w.max_sets_per_rd, "work items"),
                        t.co_blocks, "work items"),
            t.row_blocks, "work items"),
        t.col_blocks, "work items");
  };
  t.items = count_items();
  const int64_t run_threads = std::clamp<int64_t>(t.items, 1, std::max(max_threads, 1));
  const int64_t slice_floats = checked_mul(cin_g, plane, what);
  // + a row and kPaddedColumns: the GEMM's flat reads run up to a row past the last plane,
  // rounded up to a whole strip.
  const auto window_floats = [&](int64_t slices) {
    return checked_add(checked_mul(slice_floats, slices, what), pad_pitch + kPaddedColumns, what);
  };
  constexpr int64_t kBudgetFloats = kItemScratchBytes / 4;
  // How many slices fit the budget: compared by division, so that no size overflows.
  const int64_t fit =
      std::max<int64_t>(0, kBudgetFloats - pad_pitch - kPaddedColumns) / std::max<int64_t>(slice_floats, 1);
  while (needs_border || t.slices_per_item > 1) {
    const Reach r = reach(t.slices_per_item);
    const int64_t all = r.hi - r.lo + 1;
    const bool threads_apart = (s.batch * l.groups) % run_threads == 0 || t.row_blocks == 1;
    if (all <= fit && threads_apart) {
      t.window_slices = all;
      t.window_whole = true;
      t.window_first = r.lo;
    } else if (s.in[kD] > 1 || t.slices_per_item > 1) {
      t.window_slices = std::min(all, fit);
      if (t.window_slices < r.per_unit) t.window_slices = 0;
    }
    if (t.window_slices > 0 || t.slices_per_item == 1) break;
    // No window for a unit of several slices: one slice per item, and a window for that.
    t.slices_per_item = 1;
    t.q_blocks = std::max<int64_t>(1, q_hi - q_lo);
    t.items = count_items();
  }
  if (t.window_slices > 0) {
    t.window_floats = (window_floats(t.window_slices) + 15) / 16 * 16;
    t.pad_top = top;
    t.pad_left = left;
    t.pad_rows = pad_rows;
    t.pad_pitch = pad_pitch;
  }

  // Each chunk's B layout and store.
  std::vector<size_t> set_size(w.chunks.size(), 1);  // of the set each chunk belongs to
  for (const auto& set : w.sets)
    for (const int64_t c : set) set_size[static_cast<size_t>(c)] = set.size();
  for (size_t i = 0; i < w.chunks.size(); ++i) {
    const Chunk& c = w.chunks[i];
    ChunkPlan& cp = t.chunks[i];
    const int64_t cols = cp.cols.size(), rows = std::min(t.rows_per_item, std::max<int64_t>(cp.rows.size(), 1));
    cp.pitch = t.window_slices > 0 ? t.pad_pitch : cols + cp.ax_max;
    if (t.slices_per_item > 1) {
      // Every chunk reads the window: flat across the slices (C's slices a window plane
      // apart), or an im2col of exact columns where that does much less GEMM work.
      const int64_t m = t.slices_per_item;
      const int64_t flat = gemm_work((m - 1) * t.plane_floats() + rows * cp.pitch, kl.tile.cols);
      const bool im2col = 8 * gemm_work(m * rows * cols, kl.tile.cols) < 7 * flat;
      cp.gather = im2col ? Gather::kIm2col : Gather::kBorderedFlat;
      cp.width = im2col ? cols : cp.pitch;
      cp.slice_stride = im2col ? rows * cols : t.plane_floats();
      continue;
    }
    if (cp.gather != Gather::kDirect) {
      // The cheaper bordered layout wins if it does at most 1/8 more work than the im2col:
      // with few columns per row, the flat layout computes many dropped columns.
      const int64_t flat = gemm_work(rows * cp.pitch, kl.tile.cols);
      const int64_t by_row = rows * gemm_work(cols, kl.tile.cols);
      const bool bordered = 8 * std::min(flat, by_row) <= 9 * gemm_work(rows * cols, kl.tile.cols);
      cp.gather = !bordered ? Gather::kIm2col : by_row < flat ? Gather::kBorderedRows
                                                               : Gather::kBorderedFlat;
      // Column blocks read only their columns (one row: by row is exact).
      if (t.col_blocks > 1 && cp.gather == Gather::kBorderedFlat) cp.gather = Gather::kBorderedRows;
    }
    // C's rows: flat GEMMs over the bordered rows keep their pitch (the reach between rows
    // is computed and not stored), the others are exact.
    cp.width = cp.gather == Gather::kBorderedFlat ? cp.pitch : cols;
    // (A channels-last output takes every C through the transposing store.)
    cp.direct_c = !l.channels_last() && l.stride[kH] == 1 && l.stride[kW] == 1 &&
                  cp.width == s.out[kW];
    // Stride 2 with one chunk holding both column phases of a row residue, their outputs
    // exactly the output rows (no padding in W, outputs twice the chunk's columns, rows a
    // multiple of the GEMM's column blocks): the GEMM zips the two phase rows of each
    // channel straight into the output rows, no C and no interleave pass.
    cp.zip2 = !l.channels_last() && w.row_items && l.stride[kW] == 2 && s.pad_begin[kW] == 0 && set_size[i] == 1 &&
              c.size() == 2 && c.phases[0].rx == 0 && c.phases[1].rx == 1 && cp.cols.lo == 0 &&
              2 * cols == s.out[kW] && cp.gather != Gather::kBorderedRows && cp.width == cols &&
              cols % 32 == 0 && c.taps() > 0;
  }

  // The scratch of one thread: the window's key and the window, B's row addresses, the
  // gather area, C.
  Scratch& sc = t.scratch;
  sc.window_key = 0;
  sc.window = 16;
  sc.b_rows = sc.window + t.window_floats;
  const int64_t pointer_floats = (max_k * static_cast<int64_t>(sizeof(float*)) / 4 + 15) / 16 * 16;
  sc.gather = sc.b_rows + pointer_floats;
  // The gather area: the largest any chunk's layout needs. Its own bordered rows (a plane
  // per depth tap and channel), or an im2col of its taps (plus one plane's bordered rows
  // to cut it from, without a window); nothing for the input read in place.
  int64_t gather_floats = 0;
  for (size_t i = 0; i < w.chunks.size(); ++i) {
    const Chunk& c = w.chunks[i];
    const ChunkPlan& cp = t.chunks[i];
    if (c.taps() == 0 || cp.gather == Gather::kDirect) continue;
    const int64_t rows = std::min(t.rows_per_item, std::max<int64_t>(cp.rows.size(), 1));
    const int64_t cols = t.col_blocks > 1 ? std::min(cp.cols.size(), t.cols_per_item) : cp.cols.size();
    const int64_t bordered_plane = checked_add(checked_mul(rows + cp.ay_max, cp.pitch, what),
                                               cp.ax_max + kPaddedColumns, what);
    const int64_t planes = checked_mul(cin_g, static_cast<int64_t>(c.offset_d.size()), what);
    int64_t chunk_floats = 0;
    if (cp.gather == Gather::kIm2col) {
      chunk_floats = checked_add(checked_mul(checked_mul(checked_mul(cin_g * c.taps(), rows, what), cols, what),
                                     t.slices_per_item, what),
                         kPaddedColumns, what);
      // (Cut from one plane's bordered rows; from a channels-last input, every channel's
      // rows of a depth tap are bordered at once.)
      if (t.window_slices == 0)
        chunk_floats = checked_add(
            chunk_floats, checked_mul(l.channels_last() ? cin_g : 1, bordered_plane, what), what);
    } else if (t.window_slices == 0) {
      chunk_floats = checked_mul(planes, bordered_plane, what);
    }
    gather_floats = std::max(gather_floats, chunk_floats);
  }
  sc.c = checked_add(sc.gather, (gather_floats + 15) / 16 * 16, what);
  // C of every chunk of a set, each rounded up to 16 floats: rows of at most `width`, or the
  // window's pitch, for each slice of the item (one plane apart).
  const int64_t c_width = std::max(width, t.pad_pitch);
  const int64_t c_cols = checked_add(checked_mul(t.slices_per_item - 1, t.plane_floats(), what),
                                     checked_mul(t.rows_per_item, c_width, what), what);
  const int64_t c_floats = checked_add(checked_mul(set_floats_per_col, c_cols, what),
                                       checked_mul(max_set_chunks, 16, what), what);
  sc.total = checked_add(checked_add(sc.c, c_floats, what), 16, what);
  t.bytes_per_thread = checked_bytes(sc.total, sizeof(float), what) / 64 * 64;
  return t;
}

double waste(const LayerSpec& l, const RunShape& s, const Weights& w) {
  double computed = 0;
  for (const Chunk& c : w.chunks) {
    const Range rows = chunk_rows(c, w, s), cols = chunk_cols(c, w, s);
    const int64_t depth =
        w.pd.q_end(c.rd(), s.out[kD], s.pad_begin[kD]) - w.pd.q_begin(c.rd(), s.pad_begin[kD]);
    computed += static_cast<double>(c.size()) * static_cast<double>(c.taps()) *
                static_cast<double>(std::max<int64_t>(depth, 0)) *
                static_cast<double>(rows.size()) * static_cast<double>(cols.size());
  }
  const double useful = static_cast<double>(s.in_volume()) * static_cast<double>(l.kernel_volume());
  return computed / std::max(useful, 1.0);
}

}  // namespace subpixel
}  // namespace convt_impl
