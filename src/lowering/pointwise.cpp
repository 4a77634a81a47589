// Layers where each input pixel reaches output pixels of its own, so the transposed
// convolution is a plain matrix product with no sum across pixels, which sgemm writes
// straight into the output:
//   - a 1x1 kernel (every dimension) at stride 1, no padding, no output_padding, in either
//     layout: per batch item and group, out_g (out/g x pixels) = W_g^T x X_g;
//   - channels last, a kernel equal to the stride in every dimension with no padding (U-Net's
//     2x2 stride-2 up-sampling): each input pixel writes a kernel-sized patch, so per
//     input row and kernel row (depth, height) out (pixels x kW*out/g, rows stride*C apart)
//     = X (pixels x in/g) x W_g packed as (in/g x kW*out/g). A 1x1 layer is its special
//     case whose rows run on across the whole batch.
// Channels last, sgemm writes onto the bias (where there is one) and the activation follows
// while the rows are in cache; channels first, the bias and activation follow the product. Work items are blocks
// of input pixels (or of input rows) of one batch item and group.
#include <cblas.h>

#include <algorithm>
#include <climits>
#include <vector>

#include "../checked.hpp"
#include "../kernels/levels.hpp"
#include "../lowering.hpp"
#include "../parallel.hpp"

namespace convt_impl {
namespace {

constexpr int64_t kMinItems = 8;
constexpr int64_t kMinPixelsPerItem = 256;  // below this, sgemm's M (or N) gets too thin

bool one_by_one(const LayerSpec& l) {
  const Dims begin = default_pad_begin(l);
  for (int d = 0; d < kMaxRank; ++d)
    if (l.kernel[d] != 1 || l.stride[d] != 1 || begin[d] != 0) return false;
  return true;
}

// Kernel == stride in every dimension (dilation 1 where the kernel is wider than 1) and no
// begin trim: the kernel's patches tile the output without overlap.
bool patches_tile(const LayerSpec& l) {
  const Dims begin = default_pad_begin(l);
  for (int d = 0; d < kMaxRank; ++d)
    if (l.kernel[d] != l.stride[d] || (l.kernel[d] > 1 && l.dilation[d] != 1) || begin[d] != 0)
      return false;
  return true;
}

// The weights per (group, kernel depth, kernel row): (in/g) x (kW * out/g), row-major, entry
// (ci, kw * out/g + co) = W[g * in/g + ci][co][kd][kh][kw]. For a 1x1 kernel it is
// PyTorch's layout itself.
struct PackedPatches : PackedWeights {
  std::vector<float> w;
};

struct PointwisePlan : LoweringPlan {
  bool by_row = false;      // items are blocks of input rows (stride > 1 in D or H)
  int64_t per_item = 0;     // input pixels (or input rows) per item
  int64_t blocks = 0;       // items per (batch item, group), or per group when flat
};

class Pointwise final : public Lowering {
 public:
  int32_t algorithm() const override { return CONVT_ALGORITHM_POINTWISE; }
  const char* name() const override { return "pointwise"; }
  const char* cannot_run(const LayerSpec& l) const override {
    if (!one_by_one(l) && !(l.channels_last() && patches_tile(l)))
      return l.channels_last()
                 ? "pointwise needs a kernel equal to the stride in every dimension (dilation 1) "
                   "and padding 0"
                 : "pointwise needs a 1x1 kernel, stride 1 and padding 0 (or, channels last, a "
                   "kernel equal to the stride)";
    // (Channels last, the channel counts are sgemm's leading dimensions.)
    const int64_t ldc = l.stride[kW] > INT32_MAX / std::max<int64_t>(l.out_channels, 1)
                            ? INT64_MAX
                            : l.stride[kW] * l.out_channels;
    if (l.channels_last() && (l.in_channels > INT32_MAX || ldc > INT32_MAX))
      return "pointwise channels last needs in_channels and stride_width * out_channels <= "
             "INT32_MAX";
    return nullptr;
  }
  std::string cannot_fit(const LayerSpec& l, const RunShape& s) const override {
    bool tiles = s.pad_begin == Dims{0, 0, 0};
    for (int d = 0; d < kMaxRank; ++d) tiles = tiles && s.out[d] == s.in[d] * l.stride[d];
    if (tiles) return {};
    return "it needs an output of the input's size times the stride, untrimmed, but the output "
           "is [" + dims_list(s.out, l.rank) + "] for an input of [" + dims_list(s.in, l.rank) + "]";
  }
  // Channels first, where convt's own GEMM kernel pays, sub-pixel runs these layers faster
  // (its plain GEMM, bias in the accumulators); channels last, this lowering's sgemm reads
  // and writes the tensors in place, which sub-pixel's transposing copies do not match.
  // Depthwise layers are K = 1 GEMMs.
  bool auto_takes_layer(const LayerSpec& l, const KernelLevel&) const override {
    return (l.channels_last() || !own_gemm_kernel_pays()) && !l.is_depthwise();
  }
  std::unique_ptr<const PackedWeights> pack(const LayerSpec& l, const float* weight,
                                            const KernelLevel&) const override {
    auto p = std::make_unique<PackedPatches>();
    const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
    const int64_t kd = l.kernel[kD], kh = l.kernel[kH], kw = l.kernel[kW];
    p->w.resize(static_cast<size_t>(l.weight_elems()));
    float* dst = p->w.data();
    for (int64_t g = 0; g < l.groups; ++g)
      for (int64_t rz = 0; rz < kd; ++rz)
        for (int64_t ry = 0; ry < kh; ++ry)
          for (int64_t ci = 0; ci < cin_g; ++ci)
            for (int64_t rx = 0; rx < kw; ++rx)
              for (int64_t co = 0; co < cout_g; ++co)
                *dst++ = weight[((((g * cin_g + ci) * cout_g + co) * kd + rz) * kh + ry) * kw + rx];
    return p;
  }
  std::unique_ptr<const LoweringPlan> plan(const LayerSpec& l, const RunShape& s,
                                           const PackedWeights*, int) const override {
    auto t = std::make_unique<PointwisePlan>();
    // Rows of input pixels whose patches are evenly spaced in the output: the whole batch
    // where the stride is 1 in D and H (each pixel's patch is then part of one output row),
    // else one input row.
    t->by_row = l.stride[kD] != 1 || l.stride[kH] != 1;
    const int64_t units =  // (at least 1: a batch of 0 is planned too, never run)
        std::max<int64_t>(1, t->by_row ? s.batch * s.in[kD] * s.in[kH] : s.batch * s.in_volume());
    const int64_t unit_pixels = t->by_row ? s.in[kW] : 1;
    const int64_t wanted = std::max<int64_t>(1, ceil_div(kMinItems, l.groups));
    int64_t per = std::max(ceil_div(kMinPixelsPerItem, unit_pixels), ceil_div(units, wanted));
    if (!t->by_row) per = (per + 15) / 16 * 16;
    t->per_item = std::min({per, units, static_cast<int64_t>(INT32_MAX)});
    t->blocks = ceil_div(units, t->per_item);
    t->items = l.groups * t->blocks;
    return t;
  }
  bool reads_channels_last() const override { return true; }
  bool writes_channels_last() const override { return true; }
  void run(const RunArgs& a, const LoweringPlan& plan, int threads, void*) const override {
    const auto& t = static_cast<const PointwisePlan&>(plan);
    const float* w = static_cast<const PackedPatches&>(*a.packed).w.data();
    parallel_for(t.items, threads, [&](int64_t item, int) {
      const int64_t g = item / t.blocks, u0 = item % t.blocks * t.per_item;
      const int64_t units = t.by_row ? a.shape.batch * a.shape.in[kD] * a.shape.in[kH]
                                     : a.shape.batch * a.shape.in_volume();
      const int64_t nu = std::min(t.per_item, units - u0);
      if (!a.layer.channels_last()) return run_channels_first(a, w, u0, nu, g);
      if (t.by_row)
        for (int64_t r = u0; r < u0 + nu; ++r) run_channels_last(a, w, r, 1, g);
      else
        run_channels_last(a, w, u0, nu, g);
    });
  }

 private:
  // Channels first (1x1 only), pixels [p0, p0 + np) of the batch (never across a batch
  // item: an item's pixels are contiguous per channel) and group g.
  static void run_channels_first(const RunArgs& a, const float* w, int64_t p0, int64_t np,
                                 int64_t g) {
    const LayerSpec& l = a.layer;
    const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
    const int64_t pixels = a.shape.in_volume();
    while (np > 0) {  // a block may span batch items
      const int64_t n = p0 / pixels, p = p0 % pixels, len = std::min(np, pixels - p);
      const float* x = a.input + (n * l.in_channels + g * cin_g) * pixels + p;
      float* out = a.output + (n * l.out_channels + g * cout_g) * pixels + p;
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(cout_g),
                  static_cast<int>(len), static_cast<int>(cin_g), 1.0f, w + g * cin_g * cout_g,
                  static_cast<int>(cout_g), x, static_cast<int>(pixels), 0.0f, out,
                  static_cast<int>(pixels));
      if (a.bias || !l.activation.none())  // while the block is in cache
        for (int64_t co = 0; co < cout_g; ++co)
          kernels().bias_activate(out + co * pixels, out + co * pixels, len,
                                  a.bias ? a.bias[g * cout_g + co] : 0.0f, l.activation);
      p0 += len, np -= len;
    }
  }

  // Channels last: input pixels from unit u0 on (nu units: input rows when `rows`, else
  // pixels counted over the whole batch) and group g, every kernel row's patch rows.
  static void run_channels_last(const RunArgs& a, const float* w, int64_t u0, int64_t nu,
                                int64_t g) {
    const LayerSpec& l = a.layer;
    const RunShape& s = a.shape;
    const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group(), cout = l.out_channels;
    const int64_t kd = l.kernel[kD], kh = l.kernel[kH], kw = l.kernel[kW];
    const bool by_row = kd != 1 || kh != 1;
    // The input pixels and where their patches start: by row, u0 is the input row
    // (n * D + z) * H + y; flat, the pixel index in the batch (the output pixel / kW).
    const int64_t np = by_row ? s.in[kW] : nu;
    const float* x = a.input + (by_row ? u0 * s.in[kW] : u0) * l.in_channels + g * cin_g;
    const int64_t ldc = kw * cout;  // one input pixel's patch row, kW output pixels
    for (int64_t rz = 0; rz < kd; ++rz)
      for (int64_t ry = 0; ry < kh; ++ry) {
        int64_t out_pixel = u0 * kw;  // flat: every output row is one input row's patches
        if (by_row) {
          const int64_t y = u0 % s.in[kH], nz = u0 / s.in[kH];
          const int64_t z = nz % s.in[kD], n = nz / s.in[kD];
          out_pixel = ((n * s.out[kD] + z * kd + rz) * s.out[kH] + y * kh + ry) * s.out[kW];
        }
        float* out = a.output + out_pixel * cout + g * cout_g;
        const float* wp = w + ((g * kd + rz) * kh + ry) * cin_g * kw * cout_g;
        if (a.bias)  // sgemm adds onto it
          for (int64_t p = 0; p < np * kw; ++p)
            std::copy_n(a.bias + g * cout_g, cout_g, out + p * cout);
        // One product for the kW patch columns where they are contiguous (one group), else
        // one per patch column.
        const int64_t parts = l.groups == 1 ? 1 : kw, n_cols = l.groups == 1 ? kw * cout_g : cout_g;
        for (int64_t rx = 0; rx < parts; ++rx)
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(np),
                      static_cast<int>(n_cols), static_cast<int>(cin_g), 1.0f, x,
                      static_cast<int>(l.in_channels), wp + rx * cout_g,
                      static_cast<int>(kw * cout_g), a.bias ? 1.0f : 0.0f, out + rx * cout,
                      static_cast<int>(ldc));
        if (!l.activation.none()) {
          if (l.groups == 1)
            kernels().bias_activate(out, out, np * kw * cout, 0.0f, l.activation);
          else
            for (int64_t p = 0; p < np * kw; ++p)
              kernels().bias_activate(out + p * cout, out + p * cout, cout_g, 0.0f, l.activation);
        }
      }
  }
};

}  // namespace

const Lowering& pointwise_lowering() {
  static const Pointwise lowering;
  return lowering;
}

}  // namespace convt_impl
