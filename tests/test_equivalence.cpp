// The second view of the operator: zero insertion + padding (or cropping) + an ordinary
// direct convolution with convt_conv_weight_from_transposed's weight equals convt_run, at
// every rank.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <random>

#include "support.hpp"

using test::Axis;
using test::Config;

namespace {

// conv1d/2d/3d (cross-correlation, stride 1, dilation d) over the stretched, padded input,
// in double, run as 3-D with the missing leading dimensions the identity. Stretched pixel t
// of a dimension holds input pixel t/s when t % s == 0; the padded coordinate u maps to
// t = u - q (q may be negative: a crop).
std::vector<double> equivalent_conv(const Config& c, const std::vector<float>& x,
                                    const std::vector<float>& conv_w, const float* bias) {
  std::array<Axis, 3> a;  // (depth, height, width)
  for (int i = 0; i < c.rank; ++i) a[3 - c.rank + i] = c.axis(i);
  std::array<int64_t, 3> q, stretched_len, o;
  for (int j = 0; j < 3; ++j) {
    q[j] = a[j].d * (a[j].k - 1) - a[j].p;
    stretched_len[j] = (a[j].in - 1) * a[j].s + 1;
    o[j] = a[j].out();
  }
  const int64_t cin_g = c.cin / c.groups, cout_g = c.cout / c.groups;
  std::vector<double> out(static_cast<size_t>(c.n * c.cout * o[0] * o[1] * o[2]));
  // The stretched input's pixel index along dimension j at padded coordinate u, or -1 for
  // padding and inserted zeros.
  auto source = [&](int j, int64_t u) -> int64_t {
    const int64_t t = u - q[j];
    if (t < 0 || t >= stretched_len[j] || t % a[j].s) return -1;
    return t / a[j].s;
  };
  size_t at = 0;
  for (int64_t n = 0; n < c.n; ++n)
    for (int64_t co = 0; co < c.cout; ++co) {
      const int64_t g = co / cout_g;
      for (int64_t oz = 0; oz < o[0]; ++oz)
        for (int64_t oy = 0; oy < o[1]; ++oy)
          for (int64_t ox = 0; ox < o[2]; ++ox) {
            double acc = bias ? bias[co] : 0.0;
            for (int64_t i = 0; i < cin_g; ++i)
              for (int64_t kz = 0; kz < a[0].k; ++kz)
                for (int64_t ky = 0; ky < a[1].k; ++ky)
                  for (int64_t kx = 0; kx < a[2].k; ++kx) {
                    const int64_t iz = source(0, oz + kz * a[0].d);
                    const int64_t iy = source(1, oy + ky * a[1].d);
                    const int64_t ix = source(2, ox + kx * a[2].d);
                    if (iz < 0 || iy < 0 || ix < 0) continue;
                    const int64_t ci = g * cin_g + i;
                    acc += static_cast<double>(x[static_cast<size_t>(
                               (((n * c.cin + ci) * a[0].in + iz) * a[1].in + iy) * a[2].in +
                               ix)]) *
                           conv_w[static_cast<size_t>(
                               (((co * cin_g + i) * a[0].k + kz) * a[1].k + ky) * a[2].k + kx)];
                  }
            out[at++] = acc;
          }
    }
  return out;
}

}  // namespace

TEST_CASE("zero insertion + conv1d/2d/3d with the converted weight equals convt_run",
          "[equivalence][quick]") {
  std::mt19937 rng(20261126);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  // Trials per rank, the largest input size per dimension (3-D kept small), and how many
  // layers must come out valid and how many of them cropping (the more dimensions, the
  // likelier one of them is empty).
  const struct {
    int rank, trials;
    int64_t max_in;
    int min_checked, min_cropped;
  } plans[] = {{1, 1000, 7, 700, 150}, {2, 1000, 5, 500, 150}, {3, 600, 4, 150, 50}};
  for (const auto& plan : plans) {
    int checked = 0, cropped = 0;
    for (int trial = 0; trial < plan.trials; ++trial) {
      Config c;
      c.rank = plan.rank;
      c.groups = pick(1, 3);
      c.cin = c.groups * pick(1, 3), c.cout = c.groups * pick(1, 3);
      c.n = pick(1, 2);
      bool crops = false, too_small = false;
      for (int i = 0; i < c.rank; ++i) {
        Axis a;
        a.in = pick(1, plan.max_in);
        a.k = pick(1, 4), a.s = pick(1, 3), a.d = pick(1, 3), a.p = pick(0, 4);
        a.op = pick(0, std::max(a.s, a.d) - 1);
        c.set_axis(i, a);
        crops = crops || a.p > a.d * (a.k - 1);
        too_small = too_small || a.out() < 1;
      }
      c.bias = pick(0, 1) == 1;
      if (too_small) continue;
      INFO(c.str());
      const auto x = test::random_vector(c.input_elems(), 1 + trial);
      const auto w = test::random_vector(c.weight_elems(), 1000 + trial);
      const auto b = test::random_vector(c.cout, 2000 + trial);
      const float* bias = c.bias ? b.data() : nullptr;
      const convt_params p = c.params();
      std::vector<float> conv_w(w.size(), NAN);
      REQUIRE(convt_conv_weight_from_transposed(&p, w.data(), conv_w.data()) == CONVT_OK);
      convt_handle* h = nullptr;
      REQUIRE(convt_create(&p, w.data(), bias, &h) == CONVT_OK);
      const std::vector<int64_t> in_shape = c.input_shape();
      std::vector<float> out(static_cast<size_t>(c.output_elems()));
      REQUIRE(convt_run(h, in_shape.data(), x.data(), nullptr, out.data(), out.size(), nullptr,
                        0) == CONVT_OK);
      convt_destroy(h);
      const auto want = equivalent_conv(c, x, conv_w, bias);
      const auto o = test::oracle(c, x, w, bias, c.out_sizes());
      REQUIRE(want.size() == out.size());
      size_t bad = 0;
      for (size_t i = 0; i < out.size(); ++i)
        if (!(std::fabs(out[i] - want[i]) <= test::tolerance(o, i))) ++bad;
      CHECK(bad == 0);
      ++checked;
      cropped += crops;
    }
    WARN(plan.rank << "-D equivalence checked on " << checked << " configs, " << cropped
                   << " of them cropping");
    CHECK(checked >= plan.min_checked);
    CHECK(cropped >= plan.min_cropped);
  }
}

TEST_CASE("convt_conv_weight_from_transposed: layout at every rank, and its errors",
          "[equivalence][quick]") {
  // conv_weight[g*cout_g + o][i][k...] = weight[g*cin_g + i][o][K-1-k...]: in 4, out 6,
  // groups 2 (cin_g 2, cout_g 3), and the kernels below.
  const std::vector<std::vector<int64_t>> kernels = {{4}, {2, 3}, {2, 3, 4}};
  for (const auto& kernel : kernels) {
    const int rank = static_cast<int>(kernel.size());
    INFO(rank << "-D");
    Config c;
    c.rank = rank;
    c.cin = 4, c.cout = 6, c.groups = 2;
    for (int i = 0; i < rank; ++i) {
      Axis a;
      a.k = kernel[static_cast<size_t>(i)];
      c.set_axis(i, a);
    }
    const int64_t taps = c.kernel_volume();
    std::vector<float> w(static_cast<size_t>(c.weight_elems()));
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i);
    std::vector<float> cw(w.size(), NAN);
    const convt_params p = c.params();
    REQUIRE(convt_conv_weight_from_transposed(&p, w.data(), cw.data()) == CONVT_OK);
    // Every element, through a tap's flat index: flipping every dimension of a row-major
    // tap index t maps it to taps - 1 - t.
    size_t bad = 0;
    for (int64_t co = 0; co < 6; ++co)
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t t = 0; t < taps; ++t) {
          const int64_t g = co / 3, o = co % 3;
          const float want = w[static_cast<size_t>(((g * 2 + i) * 3 + o) * taps + taps - 1 - t)];
          bad += cw[static_cast<size_t>((co * 2 + i) * taps + t)] != want;
        }
    CHECK(bad == 0);
    // The layout and the activation do not change the weight and are ignored, even values
    // convt_create rejects.
    convt_params onnx = p;
    onnx.layout = CONVT_LAYOUT_CHANNELS_LAST;
    onnx.activation = 99;
    onnx.activation_alpha = NAN;
    std::vector<float> cw_onnx(w.size(), NAN);
    REQUIRE(convt_conv_weight_from_transposed(&onnx, w.data(), cw_onnx.data()) == CONVT_OK);
    CHECK(cw_onnx == cw);
    convt_params bad_groups = p;
    bad_groups.groups = 4;
    CHECK(convt_conv_weight_from_transposed(&bad_groups, w.data(), cw.data()) ==
          CONVT_ERROR_INVALID_ARGUMENT);
    convt_params bad_kernel = p;
    bad_kernel.kernel_size[rank - 1] = 0;
    CHECK(convt_conv_weight_from_transposed(&bad_kernel, w.data(), cw.data()) ==
          CONVT_ERROR_INVALID_ARGUMENT);
    CHECK(convt_conv_weight_from_transposed(&p, nullptr, cw.data()) ==
          CONVT_ERROR_INVALID_ARGUMENT);
    CHECK(convt_conv_weight_from_transposed(&p, w.data(), nullptr) ==
          CONVT_ERROR_INVALID_ARGUMENT);
  }
  // 2-D by hand, as the header writes it.
  Config c;
  c.cin = 4, c.cout = 6, c.groups = 2, c.kh = 2, c.kw = 3;
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
  CHECK(convt_conv_weight_from_transposed(nullptr, w.data(), cw.data()) ==
        CONVT_ERROR_INVALID_ARGUMENT);
}
