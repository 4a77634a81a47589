// Sub-pixel (stride-phase) lowering. The outputs of one phase (ry, rx) (see phases.hpp) are
// an ordinary stride-1 correlation of the input with that phase's taps. Phases whose taps
// sit at the same input offsets share one im2col, so they are computed together (a chunk,
// see pack.hpp):
//   cols (K' x P)           = im2col of the input at the chunk's tap offsets
//                             (K' = in/groups * taps, P = the chunk's output positions q)
//   C (phases*out/g x P)    = packed chunk weight * cols                      [one sgemm]
//   each phase's outputs    = its rows of C + bias                            [a plain store]
// Every output element is written exactly once: no zero fill, no scatter-add; and K' is
// in/groups times the taps, not in/groups alone (what makes col2im's GEMMs thin).
//
// Two shortcuts remove copies where the layout allows:
//   direct B: one tap at offset 0 whose columns are whole input rows reads the input itself
//             as the GEMM's B (stride == kernel layers, e.g. U-Net up-sampling);
//   direct C: with stride 1 there is one phase whose outputs are whole output rows, so the
//             GEMM writes straight into the output.
// Work items are (batch item, group, chunk, block of rows): disjoint outputs, a split that
// does not depend on the thread count.
#include <algorithm>
#include <cstring>

#include "../checked.hpp"
#include "../pack.hpp"
#include "../parallel.hpp"
#include "gemm_kernel.hpp"
#include "lowering.hpp"

namespace convt {
namespace {

constexpr int64_t kBudgetBytes = 2 << 20;  // cols + C per thread: about one core's L2
constexpr int64_t kMinItems = 8;           // enough items for a few threads, fixed

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

}  // namespace

SubpixelTiling plan_subpixel(const LayerSpec& l, const RunShape& s, const SubpixelWeights& w) {
  SubpixelTiling t;
  for (const PhaseChunk& c : w.chunks) {
    const Range ry = chunk_range(c, w.ph, s.out_h, true), rx = chunk_range(c, w.pw, s.out_w, false);
    t.max_rows = std::max(t.max_rows, ry.hi - ry.lo);
    t.max_cols = std::max(t.max_cols, rx.hi - rx.lo);
    t.max_k = std::max(t.max_k, l.in_per_group() * c.taps());
    t.max_m = std::max(t.max_m, static_cast<int64_t>(c.phases.size()) * l.out_per_group());
    for (const int64_t o : c.offset_y) t.max_ay = std::max(t.max_ay, o);
    for (const int64_t o : c.offset_x) t.max_ax = std::max(t.max_ax, o);
  }
  const int64_t chunks = static_cast<int64_t>(w.chunks.size());
  const int64_t width = t.max_cols + t.max_ax;  // a row of output positions, plus the reach
  const int64_t per_row = checked_mul(checked_mul(l.in_per_group() + t.max_m,
                                                  std::max<int64_t>(width, 1), "sub-pixel rows"),
                                      4, "sub-pixel rows");
  const int64_t by_budget = std::max<int64_t>(1, kBudgetBytes / per_row);
  const int64_t outer = std::max<int64_t>(1, s.batch * l.groups * chunks);
  const int64_t by_items = ceil_div(std::max<int64_t>(t.max_rows, 1),
                                    std::max<int64_t>(1, ceil_div(kMinItems, outer)));
  t.rows_per_item = std::max<int64_t>(1, std::min({by_budget, by_items, t.max_rows}));
  t.blocks = std::max<int64_t>(1, ceil_div(std::max<int64_t>(t.max_rows, 1), t.rows_per_item));
  t.items = checked_mul(checked_mul(s.batch * l.groups, chunks, "work items"), t.blocks,
                        "work items");
  // Per thread: B's row addresses, the zero-bordered input rows, C.
  t.pointer_floats = (t.max_k * static_cast<int64_t>(sizeof(float*)) / 4 + 15) / 16 * 16;
  // The bordered input rows, or an im2col, whichever is larger (each item picks one).
  const char* what = "sub-pixel workspace";
  t.padded_floats = std::max(
      checked_mul(l.in_per_group(),
                  checked_add(checked_mul(t.rows_per_item + t.max_ay, width, what),
                              t.max_ax + kPaddedColumns, what),
                  what),
      checked_add(checked_mul(checked_mul(t.max_k, t.rows_per_item, what), t.max_cols, what),
                  kPaddedColumns, what));
  const int64_t floats = checked_add(
      checked_add(t.pointer_floats, t.padded_floats, what),
      checked_mul(checked_mul(t.max_m, t.rows_per_item, what), width, what), what);
  t.bytes_per_thread = checked_bytes(checked_add(floats, 16, what), sizeof(float), what) / 64 * 64;
  return t;
}

double subpixel_waste(const LayerSpec& l, const RunShape& s, const SubpixelWeights& w) {
  double padded = 0;
  for (const PhaseChunk& c : w.chunks) {
    const Range ry = chunk_range(c, w.ph, s.out_h, true), rx = chunk_range(c, w.pw, s.out_w, false);
    padded += static_cast<double>(c.phases.size()) * static_cast<double>(c.taps()) *
              static_cast<double>(ry.hi - ry.lo) * static_cast<double>(rx.hi - rx.lo);
  }
  const double useful = static_cast<double>(s.in_h * s.in_w) * static_cast<double>(l.kernel_area());
  return padded / std::max(useful, 1.0);
}

void run_subpixel(const RunArgs& a, const SubpixelWeights& w, const SubpixelTiling& t,
                  int threads, float* workspace) {
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t sh = l.stride[0], sw = l.stride[1];
  const int64_t chunks = static_cast<int64_t>(w.chunks.size());
  const int64_t in_plane = s.in_h * s.in_w, out_plane = s.out_h * s.out_w;
  const int64_t per_thread = static_cast<int64_t>(t.bytes_per_thread / sizeof(float));

  parallel_for(t.items, threads, [&](int64_t item, int slot) {
    const int64_t block = item % t.blocks;
    const int64_t ci_chunk = (item / t.blocks) % chunks;
    const int64_t g = (item / (t.blocks * chunks)) % l.groups;
    const int64_t n = item / (t.blocks * chunks * l.groups);
    const PhaseChunk& chunk = w.chunks[static_cast<size_t>(ci_chunk)];
    const auto& oy = chunk.offset_y;
    const auto& ox = chunk.offset_x;

    // This item's output positions: rows q in [qy0, qy1), columns q in [qx0, qx1).
    const Range ry = chunk_range(chunk, w.ph, s.out_h, true);
    const Range rx = chunk_range(chunk, w.pw, s.out_w, false);
    const int64_t qy0 = ry.lo + block * t.rows_per_item;
    const int64_t qy1 = std::min(ry.hi, qy0 + t.rows_per_item);
    const int64_t qx0 = rx.lo, qx1 = rx.hi;
    const int64_t rows = qy1 - qy0, cols_n = qx1 - qx0;
    if (rows <= 0 || cols_n <= 0) return;
    const int64_t pixels = rows * cols_n;
    const int64_t k = cin_g * chunk.taps();
    const int64_t m = static_cast<int64_t>(chunk.phases.size()) * cout_g;

    const float* x = a.input + (n * l.in_channels + g * cin_g) * in_plane;
    float* out = a.output + (n * l.out_channels + g * cout_g) * out_plane;
    const float* bias = a.bias ? a.bias + g * cout_g : nullptr;
    float* scratch = workspace + slot * per_thread;

    // B: the chunk's taps, each a row address. Either the input itself (one tap at offset
    // 0 whose outputs are whole input rows), or a zero-bordered copy of the input rows this
    // item reads, in which tap (ay, ax) of channel ci is the copy shifted by the offsets:
    // output position j of the item (row j / width, column j % width) reads
    // copy[ci][j / width + max_ay - ay][j % width + max_ax - ax]. The columns past cols_n
    // (width - cols_n of them) are computed and not stored; no im2col copy per tap.
    const int64_t ay_max = oy.empty() ? 0 : *std::max_element(oy.begin(), oy.end());
    const int64_t ax_max = ox.empty() ? 0 : *std::max_element(ox.begin(), ox.end());
    const bool direct_b = oy.size() == 1 && ox.size() == 1 && oy[0] == 0 && ox[0] == 0 &&
                          qx0 == 0 && qx1 == s.in_w && qy1 <= s.in_h;
    // The bordered copy makes each output row ax_max positions wider; where that costs the
    // GEMM a whole extra 32-column strip in 8 (few pixels per item, as in dcgan), a plain
    // im2col (one copy per tap, exactly cols_n wide) is the cheaper B.
    const auto strips = [](int64_t cols) { return (cols + kPaddedColumns - 1) / kPaddedColumns; };
    const bool bordered = !direct_b && 8 * strips(rows * (cols_n + ax_max)) <= 9 * strips(rows * cols_n);
    const int64_t width = bordered ? cols_n + ax_max : cols_n;
    const int64_t n_cols = rows * width;  // the GEMM's N
    const float** b_rows = reinterpret_cast<const float**>(scratch);
    float* padded = scratch + t.pointer_floats;
    float* c_mat = padded + t.padded_floats;
    if (direct_b) {
      for (int64_t ci = 0; ci < cin_g; ++ci) b_rows[ci] = x + ci * in_plane + qy0 * s.in_w;
    } else if (bordered && k > 0) {
      // + kPaddedColumns: the GEMM may read each B row up to N rounded up to a whole strip.
      const int64_t prows = rows + ay_max, plane = prows * width + ax_max + kPaddedColumns;
      const int64_t w_first = qx0 - ax_max;  // input column of copy column 0
      const int64_t c_lo = std::clamp<int64_t>(-w_first, 0, width);
      const int64_t c_hi = std::clamp<int64_t>(s.in_w - w_first, c_lo, width);
      for (int64_t ci = 0; ci < cin_g; ++ci) {
        float* dst = padded + ci * plane;
        for (int64_t r = 0; r < prows; ++r, dst += width) {
          const int64_t h = qy0 - ay_max + r;
          if (h < 0 || h >= s.in_h) {
            std::memset(dst, 0, static_cast<size_t>(width) * sizeof(float));
            continue;
          }
          const float* src = x + ci * in_plane + h * s.in_w + w_first;
          std::memset(dst, 0, static_cast<size_t>(c_lo) * sizeof(float));
          std::memcpy(dst + c_lo, src + c_lo, static_cast<size_t>(c_hi - c_lo) * sizeof(float));
          std::memset(dst + c_hi, 0, static_cast<size_t>(width - c_hi) * sizeof(float));
        }
        std::memset(dst, 0, static_cast<size_t>(ax_max + kPaddedColumns) * sizeof(float));
        for (size_t iy = 0; iy < oy.size(); ++iy)
          for (size_t ix = 0; ix < ox.size(); ++ix)
            b_rows[(ci * static_cast<int64_t>(oy.size()) + static_cast<int64_t>(iy)) *
                       static_cast<int64_t>(ox.size()) + static_cast<int64_t>(ix)] =
                padded + ci * plane + (ay_max - oy[iy]) * width + (ax_max - ox[ix]);
      }
    } else if (k > 0) {  // im2col: row (ci, tap) holds the item's outputs' inputs for that tap
      float* dst = padded;
      int64_t kk = 0;
      for (int64_t ci = 0; ci < cin_g; ++ci)
        for (const int64_t ay : oy)
          for (const int64_t ax : ox) {
            b_rows[kk++] = dst;
            const int64_t j_lo = std::clamp<int64_t>(ax - qx0, 0, cols_n);
            const int64_t j_hi = std::clamp<int64_t>(s.in_w + ax - qx0, j_lo, cols_n);
            for (int64_t q = qy0; q < qy1; ++q, dst += cols_n) {
              const int64_t h = q - ay;
              if (h < 0 || h >= s.in_h) {
                std::memset(dst, 0, static_cast<size_t>(cols_n) * sizeof(float));
                continue;
              }
              const float* src = x + ci * in_plane + h * s.in_w;
              std::memset(dst, 0, static_cast<size_t>(j_lo) * sizeof(float));
              std::memcpy(dst + j_lo, src + (qx0 + j_lo - ax),
                          static_cast<size_t>(j_hi - j_lo) * sizeof(float));
              std::memset(dst + j_hi, 0, static_cast<size_t>(cols_n - j_hi) * sizeof(float));
            }
          }
      // (the GEMM may read the last row kPaddedColumns past its end: padded_floats has room)
    }

    // C: straight into the output when the (single) phase's outputs are whole output rows.
    const bool direct_c = sh == 1 && sw == 1 && width == s.out_w;
    const int64_t oy_first = qy0 - l.padding[0];  // stride 1: output row of q = qy0
    int64_t ldc = n_cols;
    if (direct_c) {
      c_mat = out + oy_first * s.out_w;
      ldc = out_plane;
    }
    if (k > 0) {
      const float* wp = w.data.data() + w.offset[static_cast<size_t>(g * chunks + ci_chunk)];
      gemm_packed(m, n_cols, k, wp, b_rows, c_mat, ldc, /*b_padded=*/!direct_b);
    }

    if (direct_c) {
      for (int64_t co = 0; co < cout_g; ++co) {
        const float b = bias ? bias[co] : 0.0f;
        float* c_row = out + co * out_plane + oy_first * s.out_w;
        if (b != 0.0f)
          for (int64_t p = 0; p < pixels; ++p) c_row[p] += b;
      }
      return;
    }
    // Each phase's rows of C go to its own outputs: rows q*sh + ry - ph, columns
    // q*sw + rx - pw, for the q of its own range (the chunk's range is their union).
    for (size_t i = 0; i < chunk.phases.size(); ++i) {
      const auto [py, px] = chunk.phases[i];
      const int64_t y0 = std::max(qy0, w.ph.q_begin(py)), y1 = std::min(qy1, w.ph.q_end(py, s.out_h));
      const int64_t x0 = w.pw.q_begin(px), x1 = w.pw.q_end(px, s.out_w);
      if (y0 >= y1 || x0 >= x1) continue;
      for (int64_t co = 0; co < cout_g; ++co) {
        const float b = bias ? bias[co] : 0.0f;
        float* plane = out + co * out_plane;
        const float* c_row = c_mat + (static_cast<int64_t>(i) * cout_g + co) * ldc;
        for (int64_t q = y0; q < y1; ++q) {
          float* dst = plane + (q * sh + py - l.padding[0]) * s.out_w + x0 * sw + px - l.padding[1];
          const float* src = c_row + (q - qy0) * width + (x0 - qx0);
          if (k == 0) {
            for (int64_t j = 0; j < x1 - x0; ++j) dst[j * sw] = b;
          } else {
            for (int64_t j = 0; j < x1 - x0; ++j) dst[j * sw] = src[j] + b;
          }
        }
      }
    }
  });
}

}  // namespace convt
