// GEMM + col2im, the classic Caffe/PyTorch lowering of a transposed convolution, for every
// rank.
//
// Per batch item n and group g, with K = in/groups, M = out/groups * kernel volume and P
// input pixels:   cols (M x P) = W_g^T (M x K) * X_g (K x P)      [one sgemm]
// then every column entry cols[(co, kd, kh, kw), (d, h, w)] is added into output pixel
// (d*stride - padding + kd*dilation, ...) of channel co, per dimension.
//
// Work items are (n, g, block of output channels): they write disjoint output planes, so
// they run in parallel without locks and the result does not depend on the thread count.
// Within an item the input pixels are walked in tiles, which bounds the column buffer
// (FCN-32s' full column matrix would be 88 MB) and keeps it in cache between the sgemm
// that writes it and the scatter that reads it.
#include <cblas.h>

#include <algorithm>

#include "../cache.hpp"
#include "../checked.hpp"
#include "../kernels/levels.hpp"
#include "../lowering.hpp"
#include "../parallel.hpp"

namespace convt_impl {
namespace {

// Enough work items to keep a few threads busy when batch * groups is small; fixed (not
// derived from the thread count) so the split, and so the result, is the same for any.
constexpr int64_t kMinItems = 8;
// Rows of the column matrix per item below which splitting channels stops paying.
constexpr int64_t kMinRowsPerItem = 256;

struct GemmCol2imPlan : LoweringPlan {
  int64_t channel_block = 0;  // output channels (within a group) per work item
  int64_t blocks_per_group = 0;
  int64_t pixel_tile = 0;      // input pixels per sgemm call
  bool direct_output = false;  // one input pixel, output = kernel window: no column buffer
};

// The input indices i whose output index i*stride + offset lies in [0, out).
void valid_range(int64_t offset, int64_t stride, int64_t in, int64_t out, int64_t* lo,
                 int64_t* hi) {
  // i*stride + offset >= 0  <=>  i >= ceil(-offset / stride)
  *lo = offset >= 0 ? 0 : ceil_div(-offset, stride);
  // i*stride + offset <= out - 1  <=>  i <= floor((out - 1 - offset) / stride)
  const int64_t top = out - 1 - offset;
  *hi = top < 0 ? -1 : std::min(in - 1, top / stride);
}

// Adds the column tile (rows: channels [0, co_count) x kernel taps; columns: input pixels
// [p0, p1)) into the output planes of those channels. Input pixels are walked by rows
// (d, h) of in[kW] pixels.
void col2im_add(const LayerSpec& l, const RunShape& s, const float* cols, int64_t co_count,
                int64_t p0, int64_t p1, float* out_planes) {
  const int64_t kd_n = l.kernel[kD], kh_n = l.kernel[kH], kw_n = l.kernel[kW];
  const int64_t sw = l.stride[kW];
  const int64_t in_w = s.in[kW], in_h = s.in[kH];
  const int64_t tile = p1 - p0;
  const int64_t out_plane = s.out_volume();
  const int64_t r_first = p0 / in_w, r_last = (p1 - 1) / in_w;  // input rows (d, h)
  // Per kernel column: the output column offset and the input columns that land inside.
  // Computed once per tile, not per channel (they involve divisions).
  struct Column {
    int64_t offset, w_lo, w_hi;
  };
  Column columns[64];
  const bool cached = kw_n <= 64;
  auto column = [&](int64_t kw) {
    if (cached) return columns[kw];
    Column c{kw * l.dilation[kW] - s.pad_begin[kW], 0, 0};
    valid_range(c.offset, sw, in_w, s.out[kW], &c.w_lo, &c.w_hi);
    return c;
  };
  if (cached)
    for (int64_t kw = 0; kw < kw_n; ++kw) {
      columns[kw].offset = kw * l.dilation[kW] - s.pad_begin[kW];
      valid_range(columns[kw].offset, sw, in_w, s.out[kW], &columns[kw].w_lo, &columns[kw].w_hi);
    }
  for (int64_t c = 0; c < co_count; ++c) {
    float* plane = out_planes + c * out_plane;
    for (int64_t kd = 0; kd < kd_n; ++kd)
      for (int64_t kh = 0; kh < kh_n; ++kh)
        for (int64_t kw = 0; kw < kw_n; ++kw) {
          const float* row = cols + (((c * kd_n + kd) * kh_n + kh) * kw_n + kw) * tile;
          const Column col = column(kw);
          if (col.w_lo > col.w_hi) continue;
          for (int64_t r = r_first; r <= r_last; ++r) {
            const int64_t d = r / in_h, h = r - d * in_h;
            const int64_t od = d * l.stride[kD] - s.pad_begin[kD] + kd * l.dilation[kD];
            const int64_t oh = h * l.stride[kH] - s.pad_begin[kH] + kh * l.dilation[kH];
            if (od < 0 || od >= s.out[kD] || oh < 0 || oh >= s.out[kH]) continue;
            const int64_t row_p = r * in_w;  // pixel index of (d, h, 0)
            const int64_t lo = std::max(col.w_lo, p0 - row_p);
            const int64_t hi = std::min(col.w_hi, p1 - 1 - row_p);
            // Indices, not shifted pointers: both offsets may be negative before adding w.
            const int64_t src0 = row_p - p0;
            const int64_t dst0 = (od * s.out[kH] + oh) * s.out[kW] + col.offset;
            if (sw == 1) {
              for (int64_t w = lo; w <= hi; ++w) plane[dst0 + w] += row[src0 + w];
            } else {
              for (int64_t w = lo; w <= hi; ++w) plane[dst0 + w * sw] += row[src0 + w];
            }
          }
        }
  }
}

class GemmCol2im final : public Lowering {
 public:
  int32_t algorithm() const override { return CONVT_ALGORITHM_GEMM_COL2IM; }
  const char* name() const override { return "gemm_col2im"; }
  // Runs every layer: the table's last resort under AUTO.
  bool auto_takes_layer(const LayerSpec&, const KernelLevel&) const override { return true; }
  std::unique_ptr<const LoweringPlan> plan(const LayerSpec& l, const RunShape& s,
                                           const PackedWeights*, int) const override;
  void run(const RunArgs& a, const LoweringPlan& plan, int threads,
           void* workspace) const override;
};

std::unique_ptr<const LoweringPlan> GemmCol2im::plan(const LayerSpec& l, const RunShape& s,
                                                     const PackedWeights*, int) const {
  auto t = std::make_unique<GemmCol2imPlan>();
  const int64_t cout_g = l.out_per_group(), taps = l.kernel_volume();
  const int64_t outer = std::max<int64_t>(1, s.batch * l.groups);
  int64_t blocks = std::min(cout_g, ceil_div(kMinItems, outer));
  // Do not cut the column matrix into slivers too thin for sgemm to run well.
  blocks = std::max<int64_t>(1, std::min(blocks, cout_g * taps / kMinRowsPerItem));
  t->channel_block = ceil_div(cout_g, blocks);
  t->blocks_per_group = ceil_div(cout_g, t->channel_block);
  const int64_t rows = t->channel_block * taps;
  const int64_t pixels = s.in_volume();
  // The column tile stays in the core's L2 between the sgemm that writes it and the
  // scatter that reads it.
  t->pixel_tile = std::max<int64_t>(1, std::min(pixels, kItemScratchBytes / (rows * 4)));
  if (t->pixel_tile > 64) t->pixel_tile -= t->pixel_tile % 16;  // whole vectors for sgemm
  t->pixel_tile = std::min<int64_t>(t->pixel_tile, INT32_MAX);
  t->items = s.batch * l.groups * t->blocks_per_group;
  // One input pixel whose kernel window is the whole output (a 1x1 latent projected to a
  // k x k map, as in DCGAN's first layer): the column matrix is the output itself, so the
  // matrix-vector product writes it directly (no fill and no scatter, a third of that
  // layer's time), and no column buffer is needed.
  t->direct_output = pixels == 1 && s.out == l.kernel && s.pad_begin == Dims{0, 0, 0} &&
                     l.dilation == Dims{1, 1, 1};
  if (t->direct_output) {  // the row addresses of the weight matrix (below)
    t->bytes_per_thread = (static_cast<size_t>(l.in_per_group()) * sizeof(float*) + 63) / 64 * 64;
    return t;
  }
  t->bytes_per_thread = static_cast<size_t>(rows * t->pixel_tile) * sizeof(float);
  t->bytes_per_thread = (t->bytes_per_thread + 63) / 64 * 64;
  return t;
}

void GemmCol2im::run(const RunArgs& a, const LoweringPlan& plan, int threads,
                     void* workspace) const {
  const auto& t = static_cast<const GemmCol2imPlan&>(plan);
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group(), taps = l.kernel_volume();
  const int64_t m_full = cout_g * taps;
  const int64_t pixels = s.in_volume(), out_plane = s.out_volume();
  auto* scratch = static_cast<unsigned char*>(workspace);

  parallel_for(t.items, threads, [&](int64_t item, int slot) {
    const int64_t block = item % t.blocks_per_group;
    const int64_t g = (item / t.blocks_per_group) % l.groups;
    const int64_t n = item / (t.blocks_per_group * l.groups);
    const int64_t co0 = block * t.channel_block;
    const int64_t co_count = std::min(t.channel_block, cout_g - co0);
    const int64_t co_first = g * cout_g + co0;  // global output channel
    float* out = a.output + (n * l.out_channels + co_first) * out_plane;
    const float* w_g = a.weight + g * cin_g * m_full + co0 * taps;  // K x M, lda = m_full
    const float* x_g = a.input + (n * l.in_channels + g * cin_g) * pixels;
    unsigned char* own = scratch + slot * t.bytes_per_thread;
    if (t.direct_output) {  // out_plane == taps: the columns are the output planes
      if (own_gemm_kernel_pays() && blas_is_sse_class()) {
        // out (1 x M) = x (1 x K) * W_g (K x M) on convt's GEMM kernel: A = x (one row is
        // its own packing), B = the weight rows read in place, where OpenBLAS's CPU
        // detection fell back to SSE-class kernels (its sgemv is faster where it did not).
        const float** w_rows = reinterpret_cast<const float**>(own);
        for (int64_t ci = 0; ci < cin_g; ++ci) w_rows[ci] = w_g + ci * m_full;
        kernels().gemm_packed(1, co_count * taps, cin_g, x_g, cin_g, 1, w_rows, 0, out, 0,
                              /*b_padded=*/false, nullptr, nullptr);
      } else {
        cblas_sgemv(CblasRowMajor, CblasTrans, static_cast<int>(cin_g),
                    static_cast<int>(co_count * taps), 1.0f, w_g, static_cast<int>(m_full),
                    x_g, 1, 0.0f, out, 1);
      }
      if (a.bias || !l.activation.none())
        for (int64_t c = 0; c < co_count; ++c)
          kernels().bias_activate(out + c * out_plane, out + c * out_plane, out_plane,
                                  a.bias ? a.bias[co_first + c] : 0.0f, l.activation);
      return;
    }
    float* cols = reinterpret_cast<float*>(own);

    for (int64_t c = 0; c < co_count; ++c)  // bias first: the scatter accumulates onto it
      std::fill(out + c * out_plane, out + (c + 1) * out_plane,
                a.bias ? a.bias[co_first + c] : 0.0f);

    for (int64_t p0 = 0; p0 < pixels; p0 += t.pixel_tile) {
      const int64_t p1 = std::min(pixels, p0 + t.pixel_tile);
      if (p1 - p0 == 1) {  // one input pixel (e.g. a 1x1 latent): a matrix-vector product
        cblas_sgemv(CblasRowMajor, CblasTrans, static_cast<int>(cin_g),
                    static_cast<int>(co_count * taps), 1.0f, w_g, static_cast<int>(m_full),
                    x_g + p0, static_cast<int>(pixels), 0.0f, cols, 1);
      } else {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(co_count * taps),
                    static_cast<int>(p1 - p0), static_cast<int>(cin_g), 1.0f, w_g,
                    static_cast<int>(m_full), x_g + p0, static_cast<int>(pixels), 0.0f, cols,
                    static_cast<int>(p1 - p0));
      }
      col2im_add(l, s, cols, co_count, p0, p1, out);
    }
    // The scatter adds into every output until the last tile: the item's planes are final
    // only now.
    if (!l.activation.none())
      kernels().bias_activate(out, out, co_count * out_plane, 0.0f, l.activation);
  });
}

}  // namespace

const Lowering& gemm_col2im_lowering() {
  static const GemmCol2im lowering;
  return lowering;
}

}  // namespace convt_impl
