// 1x1 kernels (every dimension) with stride 1, no padding and no output_padding: the
// transposed convolution is a plain matrix product per batch item and group,
// out_g (out/g x pixels) = W_g^T x X_g, which sgemm writes straight into the output; the
// bias is added while the block is in cache. Work items are (batch item, group, block of
// pixels).
#include <cblas.h>

#include <algorithm>

#include "../checked.hpp"
#include "../kernels/levels.hpp"
#include "../lowering.hpp"
#include "../parallel.hpp"

namespace convt_impl {
namespace {

constexpr int64_t kMinItems = 8;
constexpr int64_t kMinPixelsPerItem = 256;  // below this, sgemm's N gets too thin

struct PointwisePlan : LoweringPlan {
  int64_t pixels_per_item = 0, blocks = 0;
};

bool one_by_one(const LayerSpec& l) {
  const Dims begin = default_pad_begin(l);
  for (int d = 0; d < kMaxRank; ++d)
    if (l.kernel[d] != 1 || l.stride[d] != 1 || begin[d] != 0) return false;
  return true;
}

// Channels last, pixels [p0, p0 + np) of the batch (counted over every item) and group g:
// out (pixels x out/g, rows out_channels apart) = X (pixels x in/g) x W_g, sgemm writing
// onto the bias, then the activation per pixel while the block is in cache.
void run_channels_last(const RunArgs& a, int64_t p0, int64_t np, int64_t g) {
  const LayerSpec& l = a.layer;
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const float* x = a.input + p0 * l.in_channels + g * cin_g;
  float* out = a.output + p0 * l.out_channels + g * cout_g;
  for (int64_t p = 0; p < np; ++p) {
    float* row = out + p * l.out_channels;
    for (int64_t co = 0; co < cout_g; ++co) row[co] = a.bias ? a.bias[g * cout_g + co] : 0.0f;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(np),
              static_cast<int>(cout_g), static_cast<int>(cin_g), 1.0f, x,
              static_cast<int>(l.in_channels), a.weight + g * cin_g * cout_g,
              static_cast<int>(cout_g), 1.0f, out, static_cast<int>(l.out_channels));
  if (!l.activation.none())
    for (int64_t p = 0; p < np; ++p)
      kernels().bias_activate(out + p * l.out_channels, out + p * l.out_channels, cout_g, 0.0f,
                              l.activation);
}

class Pointwise final : public Lowering {
 public:
  int32_t algorithm() const override { return CONVT_ALGORITHM_POINTWISE; }
  const char* name() const override { return "pointwise"; }
  const char* cannot_run(const LayerSpec& l) const override {
    if (!one_by_one(l)) return "pointwise needs a 1x1 kernel, stride 1 and padding 0";
    // (Channels last, the channel counts are sgemm's leading dimensions.)
    if (l.channels_last() && (l.in_channels > INT32_MAX || l.out_channels > INT32_MAX))
      return "pointwise channels last needs in_channels and out_channels <= INT32_MAX";
    return nullptr;
  }
  std::string cannot_fit(const LayerSpec& l, const RunShape& s) const override {
    if (s.out == s.in && s.pad_begin == Dims{0, 0, 0}) return {};
    return "it needs an output of the input's size, untrimmed, but the output is [" +
           dims_list(s.out, l.rank) + "] for an input of [" + dims_list(s.in, l.rank) + "]";
  }
  // Channels first, where convt's own GEMM kernel pays, sub-pixel runs these layers faster
  // (its plain GEMM, bias in the accumulators); channels last, this lowering's sgemm reads
  // and writes the tensors in place, which sub-pixel's transposing copies do not match.
  // Depthwise 1x1 layers are K = 1 GEMMs.
  bool auto_takes_layer(const LayerSpec& l, const KernelLevel&) const override {
    return (l.channels_last() || !own_gemm_kernel_pays()) && !l.is_depthwise();
  }
  std::unique_ptr<const LoweringPlan> plan(const LayerSpec& l, const RunShape& s,
                                           const PackedWeights*, int) const override {
    auto t = std::make_unique<PointwisePlan>();
    const int64_t pixels = s.in_volume();
    const int64_t outer = std::max<int64_t>(1, s.batch * l.groups);
    const int64_t wanted = std::max<int64_t>(1, ceil_div(kMinItems, outer));
    int64_t per = std::max(kMinPixelsPerItem, ceil_div(pixels, wanted));
    per = (per + 15) / 16 * 16;
    t->pixels_per_item = std::min({per, pixels, static_cast<int64_t>(INT32_MAX)});
    t->blocks = ceil_div(pixels, t->pixels_per_item);
    t->items = s.batch * l.groups * t->blocks;
    return t;
  }
  bool reads_channels_last() const override { return true; }
  bool writes_channels_last() const override { return true; }
  void run(const RunArgs& a, const LoweringPlan& plan, int threads, void*) const override {
    const auto& t = static_cast<const PointwisePlan&>(plan);
    const LayerSpec& l = a.layer;
    const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
    const int64_t pixels = a.shape.in_volume();  // == output pixels
    parallel_for(t.items, threads, [&](int64_t item, int) {
      const int64_t block = item % t.blocks;
      const int64_t g = (item / t.blocks) % l.groups;
      const int64_t n = item / (t.blocks * l.groups);
      const int64_t p0 = block * t.pixels_per_item, np = std::min(t.pixels_per_item, pixels - p0);
      if (l.channels_last()) return run_channels_last(a, n * pixels + p0, np, g);
      const float* x = a.input + (n * l.in_channels + g * cin_g) * pixels + p0;
      float* out = a.output + (n * l.out_channels + g * cout_g) * pixels + p0;
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(cout_g),
                  static_cast<int>(np), static_cast<int>(cin_g), 1.0f,
                  a.weight + g * cin_g * cout_g, static_cast<int>(cout_g), x,
                  static_cast<int>(pixels), 0.0f, out, static_cast<int>(pixels));
      if (a.bias || !l.activation.none())  // while the block is in cache
        for (int64_t co = 0; co < cout_g; ++co)
          kernels().bias_activate(out + co * pixels, out + co * pixels, np,
                                  a.bias ? a.bias[g * cout_g + co] : 0.0f, l.activation);
    });
  }
};

}  // namespace

const Lowering& pointwise_lowering() {
  static const Pointwise lowering;
  return lowering;
}

}  // namespace convt_impl
