// GEMM + col2im, the classic Caffe/PyTorch lowering of a transposed convolution.
//
// Per batch item n and group g, with K = in/groups, M = out/groups * kH * kW and P input
// pixels:   cols (M x P) = W_g^T (M x K) * X_g (K x P)      [one sgemm]
// then every column entry cols[(co, kh, kw), (h, w)] is added into output pixel
// (h*stride - padding + kh*dilation, w*stride - padding + kw*dilation) of channel co.
//
// Work items are (n, g, block of output channels): they write disjoint output planes, so
// they run in parallel without locks and the result does not depend on the thread count.
// Within an item the input pixels are walked in tiles, which bounds the column buffer
// (FCN-32s' full column matrix would be 88 MB) and keeps it in cache between the sgemm
// that writes it and the scatter that reads it.
#include <cblas.h>

#include <algorithm>

#include "../checked.hpp"
#include "../kernels.hpp"
#include "../parallel.hpp"
#include "lowering.hpp"

namespace convt {
namespace {

// Column-buffer budget per thread: about the L2 of one core, so the scatter reads what
// the sgemm just wrote from cache.
constexpr int64_t kColumnBudgetBytes = 2 << 20;
// Enough work items to keep a few threads busy when batch * groups is small; fixed (not
// derived from the thread count) so the split, and so the result, is the same for any.
constexpr int64_t kMinItems = 8;
// Rows of the column matrix per item below which splitting channels stops paying.
constexpr int64_t kMinRowsPerItem = 256;

// The input columns w whose output column w*stride + offset lies in [0, out_w).
void valid_range(int64_t offset, int64_t stride, int64_t in_w, int64_t out_w, int64_t* lo,
                 int64_t* hi) {
  // w*stride + offset >= 0  <=>  w >= ceil(-offset / stride)
  *lo = offset >= 0 ? 0 : ceil_div(-offset, stride);
  // w*stride + offset <= out_w - 1  <=>  w <= floor((out_w - 1 - offset) / stride)
  const int64_t top = out_w - 1 - offset;
  *hi = top < 0 ? -1 : std::min(in_w - 1, top / stride);
}

// Adds the column tile (rows: channels [co0, co1) x kernel taps; columns: input pixels
// [p0, p1)) into the output planes of those channels.
void col2im_add(const LayerSpec& l, const RunShape& s, const float* cols, int64_t co_count,
                int64_t p0, int64_t p1, float* out_planes) {
  const int64_t kh_n = l.kernel[0], kw_n = l.kernel[1];
  const int64_t sh = l.stride[0], sw = l.stride[1];
  const int64_t tile = p1 - p0;
  const int64_t out_plane = s.out_h * s.out_w;
  const int64_t h_first = p0 / s.in_w, h_last = (p1 - 1) / s.in_w;
  // Per kernel column: the output column offset and the input columns that land inside.
  // Computed once per tile, not per channel (they involve divisions).
  struct Column {
    int64_t offset, w_lo, w_hi;
  };
  Column columns[64];
  const bool cached = kw_n <= 64;
  auto column = [&](int64_t kw) {
    if (cached) return columns[kw];
    Column c{kw * l.dilation[1] - l.padding[1], 0, 0};
    valid_range(c.offset, sw, s.in_w, s.out_w, &c.w_lo, &c.w_hi);
    return c;
  };
  if (cached)
    for (int64_t kw = 0; kw < kw_n; ++kw) {
      columns[kw].offset = kw * l.dilation[1] - l.padding[1];
      valid_range(columns[kw].offset, sw, s.in_w, s.out_w, &columns[kw].w_lo, &columns[kw].w_hi);
    }
  for (int64_t c = 0; c < co_count; ++c) {
    float* plane = out_planes + c * out_plane;
    for (int64_t kh = 0; kh < kh_n; ++kh) {
      const int64_t oh_off = kh * l.dilation[0] - l.padding[0];
      for (int64_t kw = 0; kw < kw_n; ++kw) {
        const float* row = cols + ((c * kh_n + kh) * kw_n + kw) * tile;
        const Column col = column(kw);
        if (col.w_lo > col.w_hi) continue;
        for (int64_t h = h_first; h <= h_last; ++h) {
          const int64_t oh = h * sh + oh_off;
          if (oh < 0 || oh >= s.out_h) continue;
          const int64_t row_p = h * s.in_w;  // pixel index of (h, 0)
          const int64_t lo = std::max(col.w_lo, p0 - row_p);
          const int64_t hi = std::min(col.w_hi, p1 - 1 - row_p);
          // Indices, not shifted pointers: both offsets may be negative before adding w.
          const int64_t src0 = row_p - p0, dst0 = oh * s.out_w + col.offset;
          if (sw == 1) {
            for (int64_t w = lo; w <= hi; ++w) plane[dst0 + w] += row[src0 + w];
          } else {
            for (int64_t w = lo; w <= hi; ++w) plane[dst0 + w * sw] += row[src0 + w];
          }
        }
      }
    }
  }
}

}  // namespace

GemmCol2imTiling plan_gemm_col2im(const LayerSpec& l, const RunShape& s) {
  GemmCol2imTiling t;
  const int64_t cout_g = l.out_per_group(), area = l.kernel_area();
  const int64_t outer = std::max<int64_t>(1, s.batch * l.groups);
  int64_t blocks = std::min(cout_g, ceil_div(kMinItems, outer));
  // Do not cut the column matrix into slivers too thin for sgemm to run well.
  blocks = std::max<int64_t>(1, std::min(blocks, cout_g * area / kMinRowsPerItem));
  t.channel_block = ceil_div(cout_g, blocks);
  t.blocks_per_group = ceil_div(cout_g, t.channel_block);
  const int64_t rows = t.channel_block * area;
  const int64_t pixels = s.in_h * s.in_w;
  t.pixel_tile = std::max<int64_t>(1, std::min(pixels, kColumnBudgetBytes / (rows * 4)));
  if (t.pixel_tile > 64) t.pixel_tile -= t.pixel_tile % 16;  // whole vectors for sgemm
  t.pixel_tile = std::min<int64_t>(t.pixel_tile, INT32_MAX);
  t.items = s.batch * l.groups * t.blocks_per_group;
  // One input pixel whose kernel window is the whole output (a 1x1 latent projected to a
  // k x k map, as in DCGAN's first layer): the column matrix is the output itself, so the
  // matrix-vector product writes it directly (no fill, no scatter; the scatter of 8192
  // single values took a third of that layer's time), and no column buffer is needed.
  t.direct_output = pixels == 1 && s.out_h == l.kernel[0] && s.out_w == l.kernel[1] &&
                    l.padding[0] == 0 && l.padding[1] == 0 && l.dilation[0] == 1 &&
                    l.dilation[1] == 1;
  if (t.direct_output) {  // the row addresses of the weight matrix (below)
    t.bytes_per_thread = (static_cast<size_t>(l.in_per_group()) * sizeof(float*) + 63) / 64 * 64;
    return t;
  }
  t.bytes_per_thread = static_cast<size_t>(rows * t.pixel_tile) * sizeof(float);
  t.bytes_per_thread = (t.bytes_per_thread + 63) / 64 * 64;
  return t;
}

void run_gemm_col2im(const RunArgs& a, const GemmCol2imTiling& t, int threads,
                     float* workspace) {
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group(), area = l.kernel_area();
  const int64_t m_full = cout_g * area;
  const int64_t pixels = s.in_h * s.in_w, out_plane = s.out_h * s.out_w;

  parallel_for(t.items, threads, [&](int64_t item, int slot) {
    const int64_t block = item % t.blocks_per_group;
    const int64_t g = (item / t.blocks_per_group) % l.groups;
    const int64_t n = item / (t.blocks_per_group * l.groups);
    const int64_t co0 = block * t.channel_block;
    const int64_t co_count = std::min(t.channel_block, cout_g - co0);
    const int64_t co_first = g * cout_g + co0;  // global output channel
    float* out = a.output + (n * l.out_channels + co_first) * out_plane;
    const float* w_g = a.weight + g * cin_g * m_full + co0 * area;  // K x M, lda = m_full
    const float* x_g = a.input + (n * l.in_channels + g * cin_g) * pixels;
    if (t.direct_output) {  // out_plane == area: the columns are the output planes
      if (own_gemm_kernel_pays()) {
        // out (1 x M) = x (1 x K) * W_g (K x M) on convt's GEMM kernel: A = x (one row is
        // its own packing), B = the weight rows read in place. (OpenBLAS's sgemv ran this
        // 2-3x slower where its CPU detection fell back to old kernels.)
        const float** w_rows = reinterpret_cast<const float**>(
            workspace + slot * (t.bytes_per_thread / sizeof(float)));
        for (int64_t ci = 0; ci < cin_g; ++ci) w_rows[ci] = w_g + ci * m_full;
        kernels().gemm_packed(1, co_count * area, cin_g, x_g, 1, w_rows, 0, out, 0,
                              /*b_padded=*/false, nullptr);
      } else {
        cblas_sgemv(CblasRowMajor, CblasTrans, static_cast<int>(cin_g),
                    static_cast<int>(co_count * area), 1.0f, w_g, static_cast<int>(m_full),
                    x_g, 1, 0.0f, out, 1);
      }
      if (a.bias)
        for (int64_t c = 0; c < co_count; ++c)
          for (int64_t i = 0; i < out_plane; ++i) out[c * out_plane + i] += a.bias[co_first + c];
      return;
    }
    float* cols = workspace + slot * (t.bytes_per_thread / sizeof(float));

    for (int64_t c = 0; c < co_count; ++c)  // bias first: the scatter accumulates onto it
      std::fill(out + c * out_plane, out + (c + 1) * out_plane,
                a.bias ? a.bias[co_first + c] : 0.0f);

    for (int64_t p0 = 0; p0 < pixels; p0 += t.pixel_tile) {
      const int64_t p1 = std::min(pixels, p0 + t.pixel_tile);
      if (p1 - p0 == 1) {  // one input pixel (e.g. a 1x1 latent): a matrix-vector product
        cblas_sgemv(CblasRowMajor, CblasTrans, static_cast<int>(cin_g),
                    static_cast<int>(co_count * area), 1.0f, w_g, static_cast<int>(m_full),
                    x_g + p0, static_cast<int>(pixels), 0.0f, cols, 1);
      } else {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(co_count * area),
                    static_cast<int>(p1 - p0), static_cast<int>(cin_g), 1.0f, w_g,
                    static_cast<int>(m_full), x_g + p0, static_cast<int>(pixels), 0.0f, cols,
                    static_cast<int>(p1 - p0));
      }
      col2im_add(l, s, cols, co_count, p0, p1, out);
    }
  });
}

}  // namespace convt
