// Peer: oneDNN's deconvolution primitive (Debian's libdnnl, built with OpenMP).
//
// forward_inference, algorithm::deconvolution_direct, 1-D, 2-D or 3-D, src and dst plain
// float32 in the run's layout (ncw, nchw, ncdhw or nwc, nhwc, ndhwc: as convt's tensors),
// the run's activation as an eltwise post-op (fused by oneDNN), weights and bias given to
// the primitive in the format it picks (format_tag::any): the PyTorch weight
// (Cin, Cout/g, kernel...), i.e. per group (g, ICg, OCg, kernel...), is described with
// explicit strides as oneDNN's logical (g, OCg, ICg, kernel...) ((OCg, ICg, kernel...) for
// one group) and reordered once, outside the timed loop. oneDNN's dilation is d - 1; its
// right padding is p - output_padding. Engine cpu with its own OpenMP threads:
// omp_set_num_threads(threads) on the benchmark's thread before creating and running.
#include <convt/convt.h>
#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "engines.hpp"

namespace convt_bench {
namespace {

using dnnl::memory;

class OnednnEngine : public Engine {
 public:
  OnednnEngine(const Layer& l, const LayerData& data, int threads, std::string& note)
      : threads_(threads), eng_(dnnl::engine::kind::cpu, 0), strm_(eng_) {
    omp_set_num_threads(threads);
    const auto f32 = memory::data_type::f32;
    const int rank = l.rank;
    const memory::dim g = l.groups, icg = l.cin / g, ocg = l.cout / g, kvol = volume(l.k, rank);
    using tag = memory::format_tag;
    const memory::format_tag plain = l.channels_last ? (rank == 1 ? tag::nwc : rank == 2 ? tag::nhwc : tag::ndhwc)
                                                     : (rank == 1 ? tag::ncw : rank == 2 ? tag::nchw : tag::ncdhw);
    memory::dims src_dims = {l.n, l.cin}, dst_dims = {l.n, l.cout};
    memory::dims kdims, kstrides(static_cast<size_t>(rank));  // the kernel's, row-major
    memory::dims strides, dil, pad_l, pad_r;
    for (int i = 0; i < rank; ++i) {
      src_dims.push_back(l.in[i]), dst_dims.push_back(data.out[i]), kdims.push_back(l.k[i]);
      strides.push_back(l.s[i]), dil.push_back(l.d[i] - 1);
      pad_l.push_back(l.p[i]), pad_r.push_back(l.p[i] - l.op[i]);
    }
    for (int i = rank - 1; i >= 0; --i)
      kstrides[static_cast<size_t>(i)] = i == rank - 1 ? 1 : kstrides[static_cast<size_t>(i) + 1] * l.k[i + 1];
    memory::desc src_md(src_dims, f32, plain);
    memory::desc dst_md(dst_dims, f32, plain);
    memory::desc bias_md({l.cout}, f32, memory::format_tag::x);
    memory::dims wdims, wstrides;
    if (g == 1) {
      wdims = {ocg, icg};
      wstrides = {kvol, ocg * kvol};
    } else {
      wdims = {g, ocg, icg};
      wstrides = {icg * ocg * kvol, kvol, ocg * kvol};
    }
    wdims.insert(wdims.end(), kdims.begin(), kdims.end());
    wstrides.insert(wstrides.end(), kstrides.begin(), kstrides.end());
    memory::desc user_w_md(wdims, f32, wstrides);
    memory::desc any_w_md(wdims, f32, memory::format_tag::any);
    auto desc = data.b ? dnnl::deconvolution_forward::desc(
                             dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
                             src_md, any_w_md, bias_md, dst_md, strides, dil, pad_l, pad_r)
                       : dnnl::deconvolution_forward::desc(
                             dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
                             src_md, any_w_md, dst_md, strides, dil, pad_l, pad_r);
    dnnl::primitive_attr attr;
    if (l.activation != CONVT_ACTIVATION_NONE) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.0f, eltwise_of(l.activation), l.alpha, l.beta);
      attr.set_post_ops(ops);
    }
    dnnl::deconvolution_forward::primitive_desc pd(desc, attr, eng_);
    note = pd.impl_info_str();
    if (pd.src_desc() != src_md || pd.dst_desc() != dst_md)
      throw std::runtime_error("oneDNN changed the plain src/dst format");
    src_ = memory(src_md, eng_, const_cast<float*>(l.channels_last ? data.x_channels_last : data.x));
    dst_ = memory(pd.dst_desc(), eng_);
    wei_ = memory(pd.weights_desc(), eng_);
    memory user_w(user_w_md, eng_, const_cast<float*>(data.w));
    dnnl::reorder(user_w, wei_).execute(strm_, user_w, wei_);
    args_ = {{DNNL_ARG_SRC, src_}, {DNNL_ARG_WEIGHTS, wei_}, {DNNL_ARG_DST, dst_}};
    if (data.b) {
      bias_ = memory(pd.bias_desc(), eng_);
      if (pd.bias_desc() != bias_md) throw std::runtime_error("oneDNN wants a non-plain bias");
      std::memcpy(bias_.get_data_handle(), data.b, sizeof(float) * static_cast<size_t>(l.cout));
      args_[DNNL_ARG_BIAS] = bias_;
    }
    prim_ = dnnl::deconvolution_forward(pd);
    strm_.wait();
    count_ = static_cast<size_t>(l.n * l.cout * volume(data.out, rank));
    n_ = l.n, c_ = l.cout, pixels_ = volume(data.out, rank), channels_last_ = l.channels_last;
  }

  // CONVT_ACTIVATION_* as oneDNN's eltwise algorithm (LEAKY_RELU is relu with a slope,
  // CLAMP is clip(min, max), GELU the erf form).
  static dnnl::algorithm eltwise_of(int32_t activation) {
    switch (activation) {
      case CONVT_ACTIVATION_RELU:
      case CONVT_ACTIVATION_LEAKY_RELU: return dnnl::algorithm::eltwise_relu;
      case CONVT_ACTIVATION_CLAMP: return dnnl::algorithm::eltwise_clip;
      case CONVT_ACTIVATION_TANH: return dnnl::algorithm::eltwise_tanh;
      case CONVT_ACTIVATION_SIGMOID: return dnnl::algorithm::eltwise_logistic;
      case CONVT_ACTIVATION_ELU: return dnnl::algorithm::eltwise_elu;
      case CONVT_ACTIVATION_GELU: return dnnl::algorithm::eltwise_gelu_erf;
      default: throw std::runtime_error("no oneDNN eltwise for this activation");
    }
  }

  void enter() override { omp_set_num_threads(threads_); }
  void run() override {
    prim_.execute(strm_, args_);
    strm_.wait();
  }
  bool output_nchw(std::vector<float>& out) override {
    const float* y = static_cast<const float*>(dst_.get_data_handle());
    out.assign(y, y + count_);
    if (channels_last_) out = to_channels_first(out, n_, c_, pixels_);
    return true;
  }

 private:
  int threads_;
  dnnl::engine eng_;
  dnnl::stream strm_;
  memory src_, wei_, bias_, dst_;
  std::unordered_map<int, memory> args_;
  dnnl::deconvolution_forward prim_;
  size_t count_ = 0;
  int64_t n_ = 0, c_ = 0, pixels_ = 0;
  bool channels_last_ = false;
};

std::string describe(int threads) {
  const dnnl_version_t* v = dnnl_version();
  return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
         std::to_string(v->patch) + " deconvolution_forward (forward_inference, deconvolution_direct), " +
         "plain f32 src/dst in the run's layout (ncw/nchw/ncdhw or nwc/nhwc/ndhwc), the activation as an "
         "eltwise post-op, weights reordered once from (Cin, Cout/g, kernel...) to the "
         "primitive's format, engine cpu, OpenMP omp_set_num_threads(" + std::to_string(threads) + ")";
}

std::string lacks(const Layer&) { return ""; }  // 1-D, 2-D and 3-D

std::unique_ptr<Engine> make(const Layer& l, const LayerData& data, int threads, std::string& why,
                             std::string& note) {
  try {
    return std::make_unique<OnednnEngine>(l, data, threads, note);
  } catch (const dnnl::error& e) {
    why = std::string("oneDNN: ") + e.what() + " (status " + std::to_string(e.status) + ")";
  } catch (const std::exception& e) {
    why = std::string("oneDNN: ") + e.what();
  }
  return nullptr;
}

}  // namespace

InprocessPeer onednn_peer() { return {"onednn", "oneDNN", true, describe, lacks, make}; }

}  // namespace convt_bench
