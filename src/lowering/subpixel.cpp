// Sub-pixel (stride-phase) lowering. The outputs of one phase (ry, rx) (see phases.hpp) are
// an ordinary stride-1 correlation of the input with that phase's taps, so per phase:
//   cols (K' x P)  = im2col of the input for the phase's taps (K' = in/groups * taps)
//   C (out/g x P)  = packed phase weight (out/g x K') * cols           [one sgemm]
//   output pixels of the phase = C + bias                            [a plain store]
// Every output element is written exactly once: no zero fill, no scatter-add, and K' is
// in/groups times the phase's taps, not in/groups alone (what makes col2im's GEMMs thin).
//
// Two shortcuts remove copies where the layout allows:
//   direct B: a phase with one tap at offset 0 whose columns are whole input rows reads the
//             input itself as the GEMM's B (stride == kernel layers, e.g. U-Net up-sampling);
//   direct C: with stride 1 there is one phase whose outputs are whole output rows, so the
//             GEMM writes straight into the output.
// Work items are (batch item, group, phase, block of phase rows): disjoint outputs, a split
// that does not depend on the thread count.
#include <cblas.h>

#include <algorithm>
#include <cstring>

#include "../pack.hpp"
#include "../parallel.hpp"
#include "lowering.hpp"

namespace convt {
namespace {

constexpr int64_t kBudgetBytes = 2 << 20;  // cols + C per thread: about one core's L2
constexpr int64_t kMinItems = 8;           // enough items for a few threads, fixed

int64_t ceil_div(int64_t a, int64_t b) { return a / b + (a % b != 0); }

}  // namespace

SubpixelTiling plan_subpixel(const LayerSpec& l, const RunShape& s, const SubpixelWeights& w) {
  SubpixelTiling t;
  const int64_t phases = l.stride[0] * l.stride[1];
  int64_t max_k = 0;
  for (int64_t ry = 0; ry < l.stride[0]; ++ry)
    for (int64_t rx = 0; rx < l.stride[1]; ++rx)
      max_k = std::max(max_k, l.in_per_group() * w.taps(ry, rx));
  for (int64_t r = 0; r < l.stride[0]; ++r)
    t.max_rows = std::max(t.max_rows, w.ph.q_end(r, s.out_h) - w.ph.q_begin(r));
  for (int64_t r = 0; r < l.stride[1]; ++r)
    t.max_cols = std::max(t.max_cols, w.pw.q_end(r, s.out_w) - w.pw.q_begin(r));
  t.max_k = max_k;
  const int64_t per_row = (max_k + l.out_per_group()) * t.max_cols * 4;
  const int64_t by_budget = std::max<int64_t>(1, kBudgetBytes / std::max<int64_t>(per_row, 1));
  const int64_t outer = std::max<int64_t>(1, s.batch * l.groups * phases);
  const int64_t by_items = ceil_div(t.max_rows, std::max<int64_t>(1, ceil_div(kMinItems, outer)));
  t.rows_per_item = std::max<int64_t>(1, std::min({by_budget, by_items, t.max_rows}));
  t.blocks = std::max<int64_t>(1, ceil_div(t.max_rows, t.rows_per_item));
  t.items = s.batch * l.groups * phases * t.blocks;
  const int64_t floats = (max_k + l.out_per_group()) * t.rows_per_item * t.max_cols;
  t.bytes_per_thread = static_cast<size_t>((floats * 4 + 63) / 64 * 64);
  return t;
}

void run_subpixel(const RunArgs& a, const SubpixelWeights& w, const SubpixelTiling& t,
                  int threads, float* workspace) {
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t sh = l.stride[0], sw = l.stride[1], phases = sh * sw;
  const int64_t in_plane = s.in_h * s.in_w, out_plane = s.out_h * s.out_w;
  const int64_t per_thread = static_cast<int64_t>(t.bytes_per_thread / sizeof(float));

  parallel_for(t.items, threads, [&](int64_t item, int slot) {
    const int64_t block = item % t.blocks;
    const int64_t phase = (item / t.blocks) % phases;
    const int64_t g = (item / (t.blocks * phases)) % l.groups;
    const int64_t n = item / (t.blocks * phases * l.groups);
    const int64_t ry = phase / sw, rx = phase % sw;
    const auto& ty = w.ph.taps[static_cast<size_t>(ry)];
    const auto& tx = w.pw.taps[static_cast<size_t>(rx)];

    // This item's outputs: phase rows q in [qy0, qy1), phase columns q in [qx0, qx1).
    const int64_t qy_first = w.ph.q_begin(ry);
    const int64_t qy0 = qy_first + block * t.rows_per_item;
    const int64_t qy1 = std::min(w.ph.q_end(ry, s.out_h), qy0 + t.rows_per_item);
    const int64_t qx0 = w.pw.q_begin(rx), qx1 = w.pw.q_end(rx, s.out_w);
    const int64_t rows = qy1 - qy0, cols_n = qx1 - qx0;
    if (rows <= 0 || cols_n <= 0) return;
    const int64_t pixels = rows * cols_n;
    const int64_t k = cin_g * static_cast<int64_t>(ty.size() * tx.size());

    const float* x = a.input + (n * l.in_channels + g * cin_g) * in_plane;
    float* out = a.output + (n * l.out_channels + g * cout_g) * out_plane;
    const float* bias = a.bias ? a.bias + g * cout_g : nullptr;
    float* scratch = workspace + slot * per_thread;

    // B: the phase's im2col, or the input itself.
    const bool direct_b = ty.size() == 1 && tx.size() == 1 && ty[0].offset == 0 &&
                          tx[0].offset == 0 && qx0 == 0 && qx1 == s.in_w && qy1 <= s.in_h;
    const float* b_mat = x + qy0 * s.in_w;
    int64_t ldb = in_plane;
    float* c_mat = scratch + t.max_k * t.rows_per_item * t.max_cols;
    if (!direct_b && k > 0) {
      float* cols = scratch;
      for (int64_t ci = 0; ci < cin_g; ++ci)
        for (size_t iy = 0; iy < ty.size(); ++iy)
          for (size_t ix = 0; ix < tx.size(); ++ix) {
            float* dst = cols + ((ci * static_cast<int64_t>(ty.size()) + static_cast<int64_t>(iy)) *
                                     static_cast<int64_t>(tx.size()) + static_cast<int64_t>(ix)) *
                                    pixels;
            const int64_t ax = tx[ix].offset;
            const int64_t j_lo = std::clamp<int64_t>(ax - qx0, 0, cols_n);
            const int64_t j_hi = std::clamp<int64_t>(s.in_w + ax - qx0, j_lo, cols_n);
            for (int64_t q = qy0; q < qy1; ++q, dst += cols_n) {
              const int64_t h = q - ty[iy].offset;
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
      b_mat = cols;
      ldb = pixels;
    }

    // C: straight into the output when the phase's outputs are whole output rows.
    const int64_t oy0 = qy0 * sh + ry - l.padding[0];  // first output row of the item
    const bool direct_c = sh == 1 && sw == 1 && cols_n == s.out_w;
    int64_t ldc = pixels;
    if (direct_c) {
      c_mat = out + oy0 * s.out_w;
      ldc = out_plane;
    }
    if (k > 0) {
      const float* wp = w.data.data() + w.offset[static_cast<size_t>(w.index(g, ry, rx))];
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(cout_g),
                  static_cast<int>(pixels), static_cast<int>(k), 1.0f, wp, static_cast<int>(k),
                  b_mat, static_cast<int>(ldb), 0.0f, c_mat, static_cast<int>(ldc));
    }

    const int64_t ox0 = qx0 * sw + rx - l.padding[1];
    for (int64_t co = 0; co < cout_g; ++co) {
      const float b = bias ? bias[co] : 0.0f;
      float* plane = out + co * out_plane;
      if (direct_c) {
        float* c_row = plane + oy0 * s.out_w;
        if (k == 0) std::fill(c_row, c_row + pixels, b);
        else if (b != 0.0f) for (int64_t p = 0; p < pixels; ++p) c_row[p] += b;
        continue;
      }
      const float* c_row = c_mat + co * ldc;
      for (int64_t r = 0; r < rows; ++r) {
        float* dst = plane + (oy0 + r * sh) * s.out_w + ox0;
        const float* src = c_row + r * cols_n;
        if (k == 0) {
          for (int64_t j = 0; j < cols_n; ++j) dst[j * sw] = b;
        } else {
          for (int64_t j = 0; j < cols_n; ++j) dst[j * sw] = src[j] + b;
        }
      }
    }
  });
}

}  // namespace convt
