// Shared helpers for the tests: a layer description of any rank, seeded data, an independent
// double-precision oracle and the tolerance rule.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "convt/convt.h"

namespace test {

// The thread counts a test may ask for: all of `counts`, or only those <= 1 where no thread
// can start (CONVT_TEST_NO_THREADS, set under qemu-user by tools/qemu-aarch64-run; the
// multi-threaded runs stay in the native build).
inline std::vector<int32_t> thread_counts(std::initializer_list<int32_t> counts) {
  std::vector<int32_t> out;
  const bool no_threads = std::getenv("CONVT_TEST_NO_THREADS") != nullptr;
  for (int32_t t : counts)
    if (!no_threads || t <= 1) out.push_back(t);
  return out;
}

// One spatial dimension of a layer and of its input: input size, kernel, stride, padding,
// output_padding, dilation, and padding_end (CONVT_PADDING_EXPLICIT's end trim). The
// defaults are the identity (a dimension of size 1 that a 1x1 kernel maps to itself).
struct Axis {
  int64_t in = 1, k = 1, s = 1, p = 0, op = 0, d = 1, pe = 0;
  // PyTorch's shape rule.
  int64_t out() const { return (in - 1) * s - 2 * p + d * (k - 1) + op + 1; }
  // The untrimmed output, ONNX's stride*(in-1) + output_padding + dilation*(k-1) + 1.
  int64_t full() const { return (in - 1) * s + op + d * (k - 1) + 1; }
};

// One dimension of a run: its output size and the zeros trimmed before it (ONNX's begin
// pad), written from the operator's documents (PyTorch's ConvTranspose and ONNX Runtime's
// ConvTranspose), not from the library. requested: an output_size entry, or < 0 for none.
struct AxisRun {
  int64_t out = 0, begin = 0;
};
inline AxisRun axis_run(const Axis& a, int32_t kind, int64_t requested) {
  if (kind == CONVT_PADDING_SYMMETRIC)
    return {requested >= 0 ? requested : a.out(), a.p};
  const int64_t full = a.full();
  if (requested >= 0) {
    const int64_t t = std::max<int64_t>(0, full - requested);
    return {requested, kind == CONVT_PADDING_SAME_UPPER ? t / 2 : t - t / 2};
  }
  switch (kind) {
    case CONVT_PADDING_EXPLICIT: return {full - a.p - a.pe, a.p};
    case CONVT_PADDING_SAME_UPPER:
    case CONVT_PADDING_SAME_LOWER: {
      const int64_t t = std::max<int64_t>(0, full - a.in * a.s);
      return {full - t, kind == CONVT_PADDING_SAME_UPPER ? t / 2 : t - t / 2};
    }
    default: return {full, 0};  // VALID
  }
}

// A layer and its input, ConvTranspose1d/2d/3d. The fields name the dimensions (depth d,
// height h, width w) so that 2-D tables read as before; a layer of rank r uses the last r
// of (d, h, w): 1-D is w alone (its length L), 2-D (h, w), 3-D (d, h, w). axis(i) is the
// caller's spatial dimension i in PyTorch's order, entry i of every convt_params array.
struct Config {
  int64_t n = 1, cin = 1, cout = 1, h = 1, w = 1;
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, oph = 0, opw = 0, dh = 1, dw = 1;
  int64_t groups = 1;
  bool bias = true;
  int rank = 2;
  int64_t d = 1, kd = 1, sd = 1, pd = 0, opd = 0, dd = 1;
  int64_t ped = 0, peh = 0, pew = 0;  // padding_end per dimension
  int32_t padding_kind = CONVT_PADDING_SYMMETRIC;
  int32_t layout = CONVT_LAYOUT_CHANNELS_FIRST;
  int32_t activation = CONVT_ACTIVATION_NONE;
  float alpha = 0.0f, beta = 0.0f;

  Axis axis(int i) const {
    switch (3 - rank + i) {
      case 0: return {d, kd, sd, pd, opd, dd, ped};
      case 1: return {h, kh, sh, ph, oph, dh, peh};
      default: return {w, kw, sw, pw, opw, dw, pew};
    }
  }
  void set_axis(int i, const Axis& a) {
    switch (3 - rank + i) {
      case 0: d = a.in, kd = a.k, sd = a.s, pd = a.p, opd = a.op, dd = a.d, ped = a.pe; break;
      case 1: h = a.in, kh = a.k, sh = a.s, ph = a.p, oph = a.op, dh = a.d, peh = a.pe; break;
      default: w = a.in, kw = a.k, sw = a.s, pw = a.p, opw = a.op, dw = a.d, pew = a.pe; break;
    }
  }
  bool channels_last() const { return layout == CONVT_LAYOUT_CHANNELS_LAST; }
  // Output size and begin trim of dimension i for a run with output_size (or nullptr).
  AxisRun run_axis(int i, const int64_t* output_size = nullptr) const {
    return axis_run(axis(i), padding_kind, output_size ? output_size[i] : -1);
  }

  // The layer's convt_params: entries [0, rank) of each array; the rest keep
  // convt_params_init's values.
  convt_params params(int32_t algorithm = CONVT_ALGORITHM_AUTO, int32_t threads = 0) const {
    convt_params p;
    convt_params_init(&p, sizeof p);
    p.spatial_dims = rank;
    p.algorithm = algorithm;
    p.num_threads = threads;
    p.in_channels = cin;
    p.out_channels = cout;
    for (int i = 0; i < rank; ++i) {
      const Axis a = axis(i);
      p.kernel_size[i] = a.k;
      p.stride[i] = a.s;
      p.padding[i] = a.p;
      p.output_padding[i] = a.op;
      p.dilation[i] = a.d;
      p.padding_end[i] = a.pe;
    }
    p.groups = groups;
    p.padding_kind = padding_kind;
    p.layout = layout;
    p.activation = activation;
    p.activation_alpha = alpha;
    p.activation_beta = beta;
    return p;
  }
  // (N, C, spatial...) and (N, C_out, out spatial...): 2 + rank entries.
  std::vector<int64_t> input_shape() const {
    std::vector<int64_t> s{n, cin};
    for (int i = 0; i < rank; ++i) s.push_back(axis(i).in);
    return s;
  }
  std::vector<int64_t> output_shape() const {
    std::vector<int64_t> s{n, cout};
    for (int i = 0; i < rank; ++i) s.push_back(run_axis(i).out);
    return s;
  }
  // Output sizes per spatial dimension without output_size: rank entries.
  std::vector<int64_t> out_sizes() const {
    std::vector<int64_t> s;
    for (int i = 0; i < rank; ++i) s.push_back(run_axis(i).out);
    return s;
  }
  int64_t out_h() const { return (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1; }
  int64_t out_w() const { return (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1; }
  int64_t kernel_volume() const {
    int64_t v = 1;
    for (int i = 0; i < rank; ++i) v *= axis(i).k;
    return v;
  }
  int64_t weight_elems() const { return cin * (cout / groups) * kernel_volume(); }
  int64_t input_elems() const {
    int64_t v = 1;
    for (int64_t e : input_shape()) v *= e;
    return v;
  }
  int64_t output_elems() const {
    int64_t v = 1;
    for (int64_t e : output_shape()) v *= e;
    return v;
  }
  std::string str() const {
    auto joined = [&](int64_t Axis::*field) {
      std::string s;
      for (int i = 0; i < rank; ++i) s += (i ? "x" : "") + std::to_string(axis(i).*field);
      return s;
    };
    static const char* const kKinds[] = {"", " EXPLICIT", " SAME_UPPER", " SAME_LOWER", " VALID"};
    std::string extra = padding_kind >= 0 && padding_kind <= 4 ? kKinds[padding_kind] : " kind?";
    if (padding_kind == CONVT_PADDING_EXPLICIT) extra += " pe" + joined(&Axis::pe);
    if (channels_last()) extra += " channels_last";
    if (activation != CONVT_ACTIVATION_NONE)
      extra += " act" + std::to_string(activation) + "(" + std::to_string(alpha) + ", " +
               std::to_string(beta) + ")";
    return std::to_string(rank) + "-D N" + std::to_string(n) + " Cin" + std::to_string(cin) +
           " Cout" + std::to_string(cout) + " " + joined(&Axis::in) + " k" + joined(&Axis::k) +
           " s" + joined(&Axis::s) + " p" + joined(&Axis::p) + " op" + joined(&Axis::op) + " d" +
           joined(&Axis::d) + " g" + std::to_string(groups) + (bias ? " bias" : " nobias") + extra;
  }
};

// A layer of rank axes.size() (1..3), the axes in PyTorch's order.
inline Config layer(int64_t n, int64_t cin, int64_t cout, int64_t groups, bool bias,
                    std::initializer_list<Axis> axes) {
  Config c;
  c.rank = static_cast<int>(axes.size());
  c.n = n, c.cin = cin, c.cout = cout, c.groups = groups, c.bias = bias;
  int i = 0;
  for (const Axis& a : axes) c.set_axis(i++, a);
  return c;
}

inline int64_t product(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (int64_t e : v) p *= e;
  return p;
}

// Every algorithm value this build knows, AUTO first: new ones are picked up by every test.
inline std::vector<int32_t> all_algorithms() {
  std::vector<int32_t> v;
  for (int32_t a = 0; std::string(convt_algorithm_name(a)) != "unknown"; ++a) v.push_back(a);
  return v;
}

// A forced algorithm that cannot run this layer or shape (CONVT_ERROR_UNSUPPORTED with the
// library's "algorithm X cannot run this layer/shape" message): the tests skip that pair.
inline bool not_applicable(convt_status status) {
  return status == CONVT_ERROR_UNSUPPORTED &&
         std::string(convt_last_error()).find(" cannot run this ") != std::string::npos;
}

inline std::vector<float> random_vector(int64_t count, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(count));
  for (auto& x : v) x = dist(gen);
  return v;
}

// The activation of a layer (CONVT_ACTIVATION_*) in double, from its definition.
inline double activate(int32_t kind, double y, double alpha, double beta) {
  switch (kind) {
    case CONVT_ACTIVATION_RELU: return y < 0 ? 0.0 : y;
    case CONVT_ACTIVATION_LEAKY_RELU: return y < 0 ? alpha * y : y;
    case CONVT_ACTIVATION_CLAMP: return std::min(std::max(y, alpha), beta);
    case CONVT_ACTIVATION_TANH: return std::tanh(y);
    case CONVT_ACTIVATION_SIGMOID: return 1.0 / (1.0 + std::exp(-y));
    case CONVT_ACTIVATION_ELU: return y > 0 ? y : alpha * std::expm1(y);
    case CONVT_ACTIVATION_GELU: return 0.5 * y * std::erfc(-y / std::sqrt(2.0));
    default: return y;
  }
}
// A bound on |f'| of an activation, for how far an error in y can move f(y).
inline double activation_slope(int32_t kind, double alpha) {
  switch (kind) {
    case CONVT_ACTIVATION_LEAKY_RELU:
    case CONVT_ACTIVATION_ELU: return std::max(1.0, std::fabs(alpha));
    case CONVT_ACTIVATION_SIGMOID: return 0.25;
    case CONVT_ACTIVATION_GELU: return 1.13;
    default: return 1.0;
  }
}

// Gather form (each output pixel collects its inputs), in double, with sum |x*w| per output
// so the float error bound can be stated. Written independently of the library's scatter.
// value is after the activation, pre before it.
struct Oracle {
  std::vector<double> value, magnitude, pre;
  std::vector<int64_t> terms;
  int32_t activation = CONVT_ACTIVATION_NONE;
  double alpha = 0, beta = 0;
};

// out_sizes and begins: the output's spatial sizes and the zeros trimmed before each, rank
// entries. Every rank runs as 3-D with the missing leading dimensions the identity: a 1-D
// layer is a 3-D one of depth and height 1, exactly. Tensors are channels first (tests of
// channels-last layers permute around it).
inline Oracle oracle(const Config& c, const std::vector<float>& x, const std::vector<float>& wt,
                     const float* bias, const std::vector<int64_t>& out_sizes,
                     const std::vector<int64_t>& begins) {
  std::array<Axis, 3> a;   // (depth, height, width)
  std::array<int64_t, 3> o{1, 1, 1}, b{0, 0, 0};
  for (int i = 0; i < c.rank; ++i) {
    a[3 - c.rank + i] = c.axis(i);
    o[3 - c.rank + i] = out_sizes[i];
    b[3 - c.rank + i] = begins[i];
  }
  Oracle r;
  r.activation = c.activation, r.alpha = c.alpha, r.beta = c.beta;
  const int64_t cin_g = c.cin / c.groups, cout_g = c.cout / c.groups;
  const size_t total = static_cast<size_t>(c.n * c.cout * o[0] * o[1] * o[2]);
  r.value.assign(total, 0.0);
  r.pre.assign(total, 0.0);
  r.magnitude.assign(total, 0.0);
  r.terms.assign(total, 0);
  // The input index along dimension j that kernel tap k of output pixel at reaches, or -1.
  auto source = [&](int j, int64_t at, int64_t k) -> int64_t {
    const int64_t t = at + b[j] - k * a[j].d;  // = input index * stride
    if (t < 0 || t % a[j].s) return -1;
    const int64_t i = t / a[j].s;
    return i < a[j].in ? i : -1;
  };
  size_t at = 0;  // output elements in (n, co, od, oh, ow) order
  for (int64_t n = 0; n < c.n; ++n)
    for (int64_t co = 0; co < c.cout; ++co) {
      const int64_t g = co / cout_g, co_l = co % cout_g;
      for (int64_t oz = 0; oz < o[0]; ++oz)
        for (int64_t oy = 0; oy < o[1]; ++oy)
          for (int64_t ox = 0; ox < o[2]; ++ox, ++at) {
            double acc = bias ? bias[co] : 0.0, mag = bias ? std::fabs(bias[co]) : 0.0;
            int64_t terms = bias ? 1 : 0;
            for (int64_t kz = 0; kz < a[0].k; ++kz) {
              const int64_t iz = source(0, oz, kz);
              if (iz < 0) continue;
              for (int64_t ky = 0; ky < a[1].k; ++ky) {
                const int64_t iy = source(1, oy, ky);
                if (iy < 0) continue;
                for (int64_t kx = 0; kx < a[2].k; ++kx) {
                  const int64_t ix = source(2, ox, kx);
                  if (ix < 0) continue;
                  for (int64_t ci_l = 0; ci_l < cin_g; ++ci_l) {
                    const int64_t ci = g * cin_g + ci_l;
                    const double xv = x[static_cast<size_t>(
                        (((n * c.cin + ci) * a[0].in + iz) * a[1].in + iy) * a[2].in + ix)];
                    const double wv = wt[static_cast<size_t>(
                        (((ci * cout_g + co_l) * a[0].k + kz) * a[1].k + ky) * a[2].k + kx)];
                    acc += xv * wv;
                    mag += std::fabs(xv * wv);
                    ++terms;
                  }
                }
              }
            }
            r.pre[at] = acc;
            r.value[at] = activate(c.activation, acc, c.alpha, c.beta);
            r.magnitude[at] = mag;
            r.terms[at] = terms;
          }
    }
  return r;
}

// The oracle of a run with output_size (rank entries, or nullptr), the sizes and trims
// following the layer's padding kind.
inline Oracle oracle_run(const Config& c, const std::vector<float>& x, const std::vector<float>& wt,
                         const float* bias, const int64_t* output_size) {
  std::vector<int64_t> out, begin;
  for (int i = 0; i < c.rank; ++i) {
    const AxisRun r = c.run_axis(i, output_size);
    out.push_back(r.out);
    begin.push_back(r.begin);
  }
  return oracle(c, x, wt, bias, out, begin);
}

// PyTorch's padding (SYMMETRIC) with output sizes out_sizes (from an output_size request or
// none): the zeros trimmed before each dimension are its padding.
inline Oracle oracle(const Config& c, const std::vector<float>& x, const std::vector<float>& wt,
                     const float* bias, const std::vector<int64_t>& out_sizes) {
  if (c.padding_kind != CONVT_PADDING_SYMMETRIC) {
    // (Any other kind: sizes without output_size, else the caller must use oracle_run.)
    if (out_sizes != c.out_sizes()) std::abort();
    return oracle_run(c, x, wt, bias, nullptr);
  }
  std::vector<int64_t> begin;
  for (int i = 0; i < c.rank; ++i) begin.push_back(c.axis(i).p);
  return oracle(c, x, wt, bias, out_sizes, begin);
}

// The 2-D form: an output of oh_n x ow_n.
inline Oracle oracle(const Config& c, const std::vector<float>& x, const std::vector<float>& wt,
                     const float* bias, int64_t oh_n, int64_t ow_n) {
  return oracle(c, x, wt, bias, std::vector<int64_t>{oh_n, ow_n});
}

// The float result of a sum of `terms` products, in any order, is within
// terms * eps * sum|x*w| of the exact sum (the classic gamma_n bound, first order);
// the +2 covers the product roundings and the final store.
// An activation moves that error by at most its slope, and adds a few units in the last
// place of its own (16 of them: the library's vector functions, the float operations around
// them), plus a tiny absolute term for results that underflow.
inline double tolerance(const Oracle& o, size_t i) {
  const double eps = std::numeric_limits<float>::epsilon();
  const double sum = (static_cast<double>(o.terms[i]) + 2.0) * eps * o.magnitude[i] + 1e-30;
  if (o.activation == CONVT_ACTIVATION_NONE) return sum;
  return activation_slope(o.activation, o.alpha) * sum + 16 * eps * std::fabs(o.value[i]) + 1e-37;
}

// (N, C, P) <-> (N, P, C): a tensor of `pixels` per channel, permuted as a channels-last
// run takes and gives it.
inline std::vector<float> to_channels_last(const std::vector<float>& v, int64_t n, int64_t c,
                                           int64_t pixels) {
  std::vector<float> out(v.size());
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < pixels; ++p)
        out[static_cast<size_t>((b * pixels + p) * c + ch)] = v[static_cast<size_t>((b * c + ch) * pixels + p)];
  return out;
}
inline std::vector<float> to_channels_first(const std::vector<float>& v, int64_t n, int64_t c,
                                            int64_t pixels) {
  std::vector<float> out(v.size());
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < pixels; ++p)
        out[static_cast<size_t>((b * c + ch) * pixels + p)] = v[static_cast<size_t>((b * pixels + p) * c + ch)];
  return out;
}

// The largest |got - want| / tolerance over all elements (<= 1 passes).
inline double worst_ratio(const std::vector<float>& got, const Oracle& o) {
  double worst = 0;
  for (size_t i = 0; i < got.size() && i < o.value.size(); ++i) {
    const double r = std::fabs(got[i] - o.value[i]) / tolerance(o, i);
    if (std::isnan(r)) return std::numeric_limits<double>::infinity();
    if (r > worst) worst = r;
  }
  return worst;
}

}  // namespace test
