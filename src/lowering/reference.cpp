// The oracle: a transposed convolution written as its definition. Every input pixel
// (n, ci, d, h, w) adds x * weight[ci, co, kd, kh, kw] to output pixel
// (d*stride - padding + kd*dilation, ...) of every output channel co of its group, per
// dimension. No tiling, no threads, no BLAS: short enough to trust by reading.
#include "../kernels/activation.hpp"
#include "../lowering.hpp"

namespace convt_impl {
namespace {

struct ReferencePlan : LoweringPlan {};

class Reference final : public Lowering {
 public:
  int32_t algorithm() const override { return CONVT_ALGORITHM_REFERENCE; }
  const char* name() const override { return "reference"; }
  bool auto_takes_layer(const LayerSpec&, const KernelLevel&) const override { return false; }
  std::unique_ptr<const LoweringPlan> plan(const LayerSpec&, const RunShape&,
                                           const PackedWeights*, int) const override {
    return std::make_unique<ReferencePlan>();
  }
  void run(const RunArgs& a, const LoweringPlan&, int, void*) const override;
};

// The output index a kernel tap reaches from input index i in dimension d, or -1 outside.
int64_t reach(const LayerSpec& l, const RunShape& s, int d, int64_t i, int64_t k) {
  const int64_t o = i * l.stride[d] - s.pad_begin[d] + k * l.dilation[d];
  return o >= 0 && o < s.out[d] ? o : -1;
}

void Reference::run(const RunArgs& a, const LoweringPlan&, int, void*) const {
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t out_volume = s.out_volume(), in_volume = s.in_volume();

  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t co = 0; co < l.out_channels; ++co) {
      float* plane = a.output + (n * l.out_channels + co) * out_volume;
      const float b = a.bias ? a.bias[co] : 0.0f;
      for (int64_t i = 0; i < out_volume; ++i) plane[i] = b;
    }

  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t ci = 0; ci < l.in_channels; ++ci) {
      const int64_t g = ci / cin_g;
      const float* x = a.input + (n * l.in_channels + ci) * in_volume;
      for (int64_t id = 0; id < s.in[kD]; ++id)
        for (int64_t ih = 0; ih < s.in[kH]; ++ih)
          for (int64_t iw = 0; iw < s.in[kW]; ++iw) {
            const float xv = x[(id * s.in[kH] + ih) * s.in[kW] + iw];
            for (int64_t co_l = 0; co_l < cout_g; ++co_l) {
              const float* wk = a.weight + (ci * cout_g + co_l) * l.kernel_volume();
              float* plane = a.output + (n * l.out_channels + g * cout_g + co_l) * out_volume;
              for (int64_t kd = 0; kd < l.kernel[kD]; ++kd) {
                const int64_t od = reach(l, s, kD, id, kd);
                if (od < 0) continue;
                for (int64_t kh = 0; kh < l.kernel[kH]; ++kh) {
                  const int64_t oh = reach(l, s, kH, ih, kh);
                  if (oh < 0) continue;
                  for (int64_t kw = 0; kw < l.kernel[kW]; ++kw) {
                    const int64_t ow = reach(l, s, kW, iw, kw);
                    if (ow < 0) continue;
                    plane[(od * s.out[kH] + oh) * s.out[kW] + ow] +=
                        xv * wk[(kd * l.kernel[kH] + kh) * l.kernel[kW] + kw];
                  }
                }
              }
            }
          }
    }

  if (!l.activation.none())
    for (int64_t i = 0; i < s.output_elems; ++i) a.output[i] = activated(a.output[i], l.activation);
}

}  // namespace

const Lowering& reference_lowering() {
  static const Reference lowering;
  return lowering;
}

}  // namespace convt_impl
