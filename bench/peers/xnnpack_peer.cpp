// Peer: XNNPACK's NHWC deconvolution operator (Debian's libxnnpack, 2022 API:
// xnn_create_deconvolution2d_nhwc_f32 + xnn_setup_deconvolution2d_nhwc_f32 +
// xnn_run_operator), on a pthreadpool of `threads` threads.
//
// XNNPACK's "output padding" is PyTorch's padding (cropped from the output, top/right/
// bottom/left), its "adjustment" is PyTorch's output_padding. Its kernel layout is
// (groups * OCg, kH, kW, ICg): repacked once from PyTorch's (Cin, Cout/g, kH, kW). The
// input is converted to NHWC once, outside the timed loop; only xnn_run_operator is
// timed, so the time is an NHWC-in, NHWC-out time. The output is converted back to NCHW
// for the check only. XNNPACK has no 1-D or 3-D deconvolution: those layers show "-".
#include <convt/convt.h>
#include <pthreadpool.h>
#include <xnnpack.h>

#include <cmath>
#include <stdexcept>

#include "engines.hpp"

namespace convt_bench {
namespace {

// XNNPACK fuses an output clamp only: RELU is [0, inf), CLAMP [alpha, beta].
float output_min(const Layer& l) {
  return l.activation == CONVT_ACTIVATION_RELU ? 0.0f : l.activation == CONVT_ACTIVATION_CLAMP ? l.alpha : -INFINITY;
}
float output_max(const Layer& l) { return l.activation == CONVT_ACTIVATION_CLAMP ? l.beta : INFINITY; }

class XnnpackEngine : public Engine {
 public:
  XnnpackEngine(const Layer& l, const LayerData& data, int threads)
      : n_(l.n), c_(l.cout), oh_(data.out[0]), ow_(data.out[1]) {
    static const xnn_status init = xnn_initialize(nullptr);
    if (init != xnn_status_success) throw std::runtime_error("xnn_initialize failed");
    const int64_t g = l.groups, icg = l.cin / g, ocg = l.cout / g, kh = l.k[0], kw = l.k[1];
    const int64_t ih = l.in[0], iw = l.in[1];
    std::vector<float> kernel(static_cast<size_t>(l.cin * ocg * kh * kw));
    for (int64_t gi = 0; gi < g; ++gi)
      for (int64_t i = 0; i < icg; ++i)
        for (int64_t o = 0; o < ocg; ++o)
          for (int64_t t = 0; t < kh * kw; ++t)
            kernel[static_cast<size_t>(((gi * ocg + o) * kh * kw + t) * icg + i)] =
                data.w[((gi * icg + i) * ocg + o) * kh * kw + t];
    x_ = to_channels_last(std::vector<float>(data.x, data.x + l.n * l.cin * ih * iw), l.n, l.cin, ih * iw);
    y_.resize(static_cast<size_t>(l.n * l.cout * oh_ * ow_));
    pool_ = pthreadpool_create(static_cast<size_t>(threads));
    if (!pool_) throw std::runtime_error("pthreadpool_create failed");
    auto u32 = [](int64_t v) { return static_cast<uint32_t>(v); };
    xnn_status st = xnn_create_deconvolution2d_nhwc_f32(
        u32(l.p[0]), u32(l.p[1]), u32(l.p[0]), u32(l.p[1]), u32(kh), u32(kw), u32(l.s[0]),
        u32(l.s[1]), u32(l.d[0]), u32(l.d[1]), u32(g), static_cast<size_t>(icg),
        static_cast<size_t>(ocg), static_cast<size_t>(l.cin), static_cast<size_t>(l.cout),
        kernel.data(), data.b, output_min(l), output_max(l), 0, &op_);
    if (st != xnn_status_success)
      throw std::runtime_error("xnn_create_deconvolution2d_nhwc_f32: status " + std::to_string(st));
    st = xnn_setup_deconvolution2d_nhwc_f32(op_, static_cast<size_t>(l.n), static_cast<size_t>(ih),
                                            static_cast<size_t>(iw), u32(l.op[0]), u32(l.op[1]),
                                            x_.data(), y_.data(), pool_);
    if (st != xnn_status_success)
      throw std::runtime_error("xnn_setup_deconvolution2d_nhwc_f32: status " + std::to_string(st));
  }
  ~XnnpackEngine() override {
    if (op_) xnn_delete_operator(op_);
    if (pool_) pthreadpool_destroy(pool_);
  }
  XnnpackEngine(const XnnpackEngine&) = delete;
  XnnpackEngine& operator=(const XnnpackEngine&) = delete;

  void run() override {
    xnn_status st = xnn_run_operator(op_, pool_);
    if (st != xnn_status_success) throw std::runtime_error("xnn_run_operator: status " + std::to_string(st));
  }
  bool output_nchw(std::vector<float>& out) override {
    out = to_channels_first(y_, n_, c_, oh_ * ow_);
    return true;
  }

 private:
  int64_t n_, c_, oh_, ow_;
  std::vector<float> x_, y_;
  pthreadpool_t pool_ = nullptr;
  xnn_operator_t op_ = nullptr;
};

std::string describe(int threads) {
  return "XNNPACK (Debian libxnnpack0) xnn_create_deconvolution2d_nhwc_f32, NHWC f32 input/output "
         "(converted once, untimed; the same tensors whatever the run's layout), relu and clamp as its "
         "output min/max, weights packed at create, pthreadpool_create(" +
         std::to_string(threads) + "); only xnn_run_operator is timed";
}

std::string lacks(const Layer& l) {
  if (l.rank != 2) return "XNNPACK has no " + std::to_string(l.rank) + "-D deconvolution";
  if (l.activation != CONVT_ACTIVATION_NONE && l.activation != CONVT_ACTIVATION_RELU &&
      l.activation != CONVT_ACTIVATION_CLAMP)
    return "XNNPACK's deconvolution fuses only an output clamp (relu, clamp)";
  return "";
}

std::unique_ptr<Engine> make(const Layer& l, const LayerData& data, int threads, std::string& why,
                             std::string& note) {
  (void)note;
  try {
    return std::make_unique<XnnpackEngine>(l, data, threads);
  } catch (const std::exception& e) {
    why = std::string("XNNPACK: ") + e.what();
  }
  return nullptr;
}

}  // namespace

InprocessPeer xnnpack_peer() { return {"xnnpack_nhwc", "XNNPACK(NHWC)", true, describe, lacks, make}; }

}  // namespace convt_bench
