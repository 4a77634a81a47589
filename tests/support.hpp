// Shared helpers for the tests: a layer description, seeded data, an independent
// double-precision oracle and the tolerance rule.
#pragma once

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

struct Config {
  int64_t n = 1, cin = 1, cout = 1, h = 1, w = 1;
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, oph = 0, opw = 0, dh = 1, dw = 1;
  int64_t groups = 1;
  bool bias = true;

  convt_params params(int32_t algorithm = CONVT_ALGORITHM_AUTO, int32_t threads = 0) const {
    convt_params p;
    convt_params_init(&p, sizeof p);
    p.algorithm = algorithm;
    p.num_threads = threads;
    p.in_channels = cin;
    p.out_channels = cout;
    p.kernel_size[0] = kh, p.kernel_size[1] = kw;
    p.stride[0] = sh, p.stride[1] = sw;
    p.padding[0] = ph, p.padding[1] = pw;
    p.output_padding[0] = oph, p.output_padding[1] = opw;
    p.dilation[0] = dh, p.dilation[1] = dw;
    p.groups = groups;
    return p;
  }
  int64_t out_h() const { return (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1; }
  int64_t out_w() const { return (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1; }
  int64_t weight_elems() const { return cin * (cout / groups) * kh * kw; }
  int64_t input_elems() const { return n * cin * h * w; }
  int64_t output_elems() const { return n * cout * out_h() * out_w(); }
  std::string str() const {
    return "N" + std::to_string(n) + " Cin" + std::to_string(cin) + " Cout" +
           std::to_string(cout) + " " + std::to_string(h) + "x" + std::to_string(w) + " k" +
           std::to_string(kh) + "x" + std::to_string(kw) + " s" + std::to_string(sh) + "x" +
           std::to_string(sw) + " p" + std::to_string(ph) + "x" + std::to_string(pw) + " op" +
           std::to_string(oph) + "x" + std::to_string(opw) + " d" + std::to_string(dh) + "x" +
           std::to_string(dw) + " g" + std::to_string(groups) + (bias ? " bias" : " nobias");
  }
};

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

// Gather form (each output pixel collects its inputs), in double, with sum |x*w| per output
// so the float error bound can be stated. Written independently of the library's scatter.
struct Oracle {
  std::vector<double> value, magnitude;
  std::vector<int64_t> terms;
};
inline Oracle oracle(const Config& c, const std::vector<float>& x, const std::vector<float>& wt,
                     const float* bias, int64_t oh_n, int64_t ow_n) {
  Oracle o;
  const int64_t cin_g = c.cin / c.groups, cout_g = c.cout / c.groups;
  const size_t total = static_cast<size_t>(c.n * c.cout * oh_n * ow_n);
  o.value.assign(total, 0.0);
  o.magnitude.assign(total, 0.0);
  o.terms.assign(total, 0);
  for (int64_t n = 0; n < c.n; ++n)
    for (int64_t co = 0; co < c.cout; ++co) {
      const int64_t g = co / cout_g, co_l = co % cout_g;
      for (int64_t oy = 0; oy < oh_n; ++oy)
        for (int64_t ox = 0; ox < ow_n; ++ox) {
          const size_t at = static_cast<size_t>(((n * c.cout + co) * oh_n + oy) * ow_n + ox);
          double acc = bias ? bias[co] : 0.0, mag = bias ? std::fabs(bias[co]) : 0.0;
          int64_t terms = bias ? 1 : 0;
          for (int64_t ky = 0; ky < c.kh; ++ky) {
            const int64_t ty = oy + c.ph - ky * c.dh;  // = iy * stride
            if (ty < 0 || ty % c.sh) continue;
            const int64_t iy = ty / c.sh;
            if (iy >= c.h) continue;
            for (int64_t kx = 0; kx < c.kw; ++kx) {
              const int64_t tx = ox + c.pw - kx * c.dw;
              if (tx < 0 || tx % c.sw) continue;
              const int64_t ix = tx / c.sw;
              if (ix >= c.w) continue;
              for (int64_t ci_l = 0; ci_l < cin_g; ++ci_l) {
                const int64_t ci = g * cin_g + ci_l;
                const double xv = x[static_cast<size_t>(((n * c.cin + ci) * c.h + iy) * c.w + ix)];
                const double wv =
                    wt[static_cast<size_t>(((ci * cout_g + co_l) * c.kh + ky) * c.kw + kx)];
                acc += xv * wv;
                mag += std::fabs(xv * wv);
                ++terms;
              }
            }
          }
          o.value[at] = acc;
          o.magnitude[at] = mag;
          o.terms[at] = terms;
        }
    }
  return o;
}

// The float result of a sum of `terms` products, in any order, is within
// terms * eps * sum|x*w| of the exact sum (the classic gamma_n bound, first order);
// the +2 covers the product roundings and the final store.
inline double tolerance(const Oracle& o, size_t i) {
  const double eps = std::numeric_limits<float>::epsilon();
  return (static_cast<double>(o.terms[i]) + 2.0) * eps * o.magnitude[i] + 1e-30;
}

}  // namespace test
