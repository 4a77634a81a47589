// The second view of the operator: zero insertion + padding (or cropping) + an ordinary
// direct convolution with convt_conv_weight_from_transposed's weight equals convt_run.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "support.hpp"

using test::Config;

namespace {

// conv2d (cross-correlation, stride 1, dilation d) over the stretched, padded input, in
// double. Stretched pixel t of a dimension holds input pixel t/s when t % s == 0; the padded
// coordinate u maps to t = u - q (q may be negative: a crop).
std::vector<double> equivalent_conv(const Config& c, const std::vector<float>& x,
                                    const std::vector<float>& conv_w, const float* bias,
                                    int64_t oh_n, int64_t ow_n) {
  const int64_t qh = c.dh * (c.kh - 1) - c.ph, qw = c.dw * (c.kw - 1) - c.pw;
  const int64_t sh_len = (c.h - 1) * c.sh + 1, sw_len = (c.w - 1) * c.sw + 1;
  const int64_t cin_g = c.cin / c.groups, cout_g = c.cout / c.groups;
  std::vector<double> out(static_cast<size_t>(c.n * c.cout * oh_n * ow_n));
  auto stretched = [&](int64_t n, int64_t ci, int64_t th, int64_t tw) -> double {
    if (th < 0 || tw < 0 || th >= sh_len || tw >= sw_len) return 0.0;  // padding
    if (th % c.sh || tw % c.sw) return 0.0;                             // inserted zero
    return x[static_cast<size_t>(((n * c.cin + ci) * c.h + th / c.sh) * c.w + tw / c.sw)];
  };
  for (int64_t n = 0; n < c.n; ++n)
    for (int64_t co = 0; co < c.cout; ++co) {
      const int64_t g = co / cout_g;
      for (int64_t oy = 0; oy < oh_n; ++oy)
        for (int64_t ox = 0; ox < ow_n; ++ox) {
          double acc = bias ? bias[co] : 0.0;
          for (int64_t i = 0; i < cin_g; ++i)
            for (int64_t ky = 0; ky < c.kh; ++ky)
              for (int64_t kx = 0; kx < c.kw; ++kx)
                acc += stretched(n, g * cin_g + i, oy + ky * c.dh - qh, ox + kx * c.dw - qw) *
                       conv_w[static_cast<size_t>(((co * cin_g + i) * c.kh + ky) * c.kw + kx)];
          out[static_cast<size_t>(((n * c.cout + co) * oh_n + oy) * ow_n + ox)] = acc;
        }
    }
  return out;
}

}  // namespace

TEST_CASE("zero insertion + conv2d with the converted weight equals convt_run",
          "[equivalence][quick]") {
  std::mt19937 rng(20261126);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int checked = 0, cropped = 0;
  for (int trial = 0; trial < 1000; ++trial) {
    Config c;
    c.groups = pick(1, 3);
    c.cin = c.groups * pick(1, 3), c.cout = c.groups * pick(1, 3);
    c.n = pick(1, 2), c.h = pick(1, 5), c.w = pick(1, 5);
    c.kh = pick(1, 4), c.kw = pick(1, 4), c.sh = pick(1, 3), c.sw = pick(1, 3);
    c.dh = pick(1, 3), c.dw = pick(1, 3), c.ph = pick(0, 4), c.pw = pick(0, 4);
    c.oph = pick(0, static_cast<int>(std::max(c.sh, c.dh)) - 1);
    c.opw = pick(0, static_cast<int>(std::max(c.sw, c.dw)) - 1);
    c.bias = pick(0, 1) == 1;
    if (c.out_h() < 1 || c.out_w() < 1) continue;
    INFO(c.str());
    const auto x = test::random_vector(c.input_elems(), 1 + trial);
    const auto w = test::random_vector(c.weight_elems(), 1000 + trial);
    const auto b = test::random_vector(c.cout, 2000 + trial);
    const convt_params p = c.params();
    std::vector<float> conv_w(w.size(), NAN);
    REQUIRE(convt_conv_weight_from_transposed(&p, w.data(), conv_w.data()) == CONVT_OK);
    convt_handle* h = nullptr;
    REQUIRE(convt_create(&p, w.data(), c.bias ? b.data() : nullptr, &h) == CONVT_OK);
    const int64_t in_shape[4] = {c.n, c.cin, c.h, c.w};
    std::vector<float> out(static_cast<size_t>(c.output_elems()));
    REQUIRE(convt_run(h, in_shape, x.data(), nullptr, out.data(), out.size(), nullptr, 0) ==
            CONVT_OK);
    convt_destroy(h);
    const auto want = equivalent_conv(c, x, conv_w, c.bias ? b.data() : nullptr, c.out_h(),
                                      c.out_w());
    const auto o = test::oracle(c, x, w, c.bias ? b.data() : nullptr, c.out_h(), c.out_w());
    size_t bad = 0;
    for (size_t i = 0; i < out.size(); ++i)
      if (!(std::fabs(out[i] - want[i]) <= test::tolerance(o, i))) ++bad;
    CHECK(bad == 0);
    ++checked;
    if (c.ph > c.dh * (c.kh - 1) || c.pw > c.dw * (c.kw - 1)) ++cropped;
  }
  WARN("equivalence checked on " << checked << " configs, " << cropped << " of them cropping");
  CHECK(checked > 500);
  CHECK(cropped > 100);
}

TEST_CASE("convt_conv_weight_from_transposed: layout, and its errors", "[equivalence][quick]") {
  Config c;
  c.cin = 4, c.cout = 6, c.groups = 2, c.kh = 2, c.kw = 3;  // cin_g 2, cout_g 3
  std::vector<float> w(static_cast<size_t>(c.weight_elems()));
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i);
  std::vector<float> cw(w.size());
  const convt_params p = c.params();
  REQUIRE(convt_conv_weight_from_transposed(&p, w.data(), cw.data()) == CONVT_OK);
  // conv_weight[g*3 + o][i][kh][kw] = weight[g*2 + i][o][1-kh][2-kw]
  auto W = [&](int ci, int o, int kh, int kw) { return w[((ci * 3 + o) * 2 + kh) * 3 + kw]; };
  auto CW = [&](int co, int i, int kh, int kw) { return cw[((co * 2 + i) * 2 + kh) * 3 + kw]; };
  CHECK(CW(0, 0, 0, 0) == W(0, 0, 1, 2));
  CHECK(CW(4, 1, 1, 0) == W(3, 1, 0, 2));  // group 1, o 1, i 1
  CHECK(CW(5, 0, 0, 1) == W(2, 2, 1, 1));
  convt_params bad = p;
  bad.groups = 4;
  CHECK(convt_conv_weight_from_transposed(&bad, w.data(), cw.data()) ==
        CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(convt_conv_weight_from_transposed(&p, nullptr, cw.data()) == CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(convt_conv_weight_from_transposed(&p, w.data(), nullptr) == CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(convt_conv_weight_from_transposed(nullptr, w.data(), cw.data()) ==
        CONVT_ERROR_INVALID_ARGUMENT);
}
