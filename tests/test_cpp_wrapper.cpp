// The header-only C++ wrapper: RAII, exceptions carrying status and message, and layers of
// every rank (1-D, 2-D, 3-D) through Params/Layer/Shape, checked against an oracle of its own.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "convt/convt.hpp"
#include "support.hpp"

TEST_CASE("convt.hpp: Layer runs, moves, and throws convt::Error", "[cpp][quick]") {
  const auto w = test::random_vector(16 * 33 * 3 * 5, 2);
  const auto x = test::random_vector(2 * 16 * 6 * 7, 1);
  convt::Params p(16, 33, {3, 5});
  p.stride(2, 1).padding(4, 2);
  CHECK(p.spatial_dims() == 2);
  convt::Layer layer(p, w.data());
  CHECK(layer.spatial_dims() == 2);
  const convt::Shape in{2, 16, 6, 7};
  const convt::Shape out = layer.output_shape(in);
  CHECK(out == convt::Shape{2, 33, 5, 7});  // (6-1)*2 - 8 + 2 + 1 = 5; (7-1) - 4 + 4 + 1 = 7
  std::vector<float> y(static_cast<size_t>(out[0] * out[1] * out[2] * out[3]));
  CHECK(out.numel() == y.size());
  layer.run(in, x.data(), y.data(), y.size());

  convt::Layer moved = std::move(layer);
  CHECK(layer.get() == nullptr);
  CHECK(moved.spatial_dims() == 2);
  std::vector<float> y2(y.size());
  moved.run(in, x.data(), y2.data(), y2.size());
  CHECK(y == y2);

  try {
    moved.run({2, 15, 6, 7}, x.data(), y.data(), y.size());
    FAIL("expected convt::Error");
  } catch (const convt::Error& e) {
    CHECK(e.status() == CONVT_ERROR_INVALID_ARGUMENT);
    CHECK(std::string(e.what()).find("to have 16 channels, but got 15") != std::string::npos);
  }
  CHECK_THROWS_AS(convt::Layer(convt::Params(16, 33, 0), w.data()), convt::Error);
  CHECK(convt::version() == convt_version_string());
  CHECK(convt::cpu_isa() == convt_cpu_isa());
}

// 0.2's spellings, when Shape was std::array<int64_t, 4> and Size2 std::array<int64_t, 2>.
TEST_CASE("convt.hpp: 0.2's 2-D code still compiles and means the same", "[cpp][quick]") {
  const auto w = test::random_vector(4 * 4 * 3 * 3, 3);
  const auto x = test::random_vector(4 * 5 * 5, 4);
  const convt::Params square(4, 4, 3);  // a single kernel size: 2-D
  CHECK(square.spatial_dims() == 2);
  CHECK(square.c().kernel_size[0] == 3);
  CHECK(square.c().kernel_size[1] == 3);
  const convt::Layer layer(convt::Params(4, 4, 3).stride(2).padding(1), w.data());

  constexpr convt::Shape kIn{1, 4, 5, 5};
  static_assert(kIn.size() == 4 && kIn[3] == 5, "Shape is a literal type");
  const std::array<int64_t, 4> in_array{1, 4, 5, 5};
  const std::array<int64_t, 4> out_array = layer.output_shape(in_array);
  CHECK(out_array == (std::array<int64_t, 4>{1, 4, 9, 9}));

  const convt::Size2 size10{10, 10};
  CHECK(layer.output_shape(kIn, &size10) == convt::Shape{1, 4, 10, 10});
  const std::array<int64_t, 2> size10_array{10, 9};
  CHECK(layer.output_shape(kIn, &size10_array) == convt::Shape{1, 4, 10, 9});
  CHECK(layer.output_shape(kIn, {9, 10}) == convt::Shape{1, 4, 9, 10});
  CHECK(layer.output_shape(kIn, nullptr) == convt::Shape{1, 4, 9, 9});
  CHECK(layer.output_shape(kIn, 0) == convt::Shape{1, 4, 9, 9});
  CHECK(layer.output_shape(kIn).at(3) == 9);
  CHECK_THROWS_AS(layer.output_shape(kIn).at(4), std::out_of_range);

  std::vector<float> y(4 * 10 * 10), y_ptr(y.size());
  layer.run(kIn, x.data(), y.data(), y.size(), {10, 10});
  layer.run(kIn, x.data(), y_ptr.data(), y_ptr.size(), &size10, nullptr, 0);
  CHECK(y == y_ptr);
  CHECK(layer.workspace_size(kIn, &size10) == layer.workspace_size(kIn, {10, 10}));
  CHECK(layer.selected_algorithm(kIn) != CONVT_ALGORITHM_AUTO);
}

namespace {

// A layer of any rank as the tests describe it; spatial arrays in PyTorch's order.
struct NdConfig {
  int rank;
  int64_t n, cin, cout;
  convt::Dims in, kernel, stride, padding, output_padding, dilation;
  int64_t groups;
  bool bias;

  convt::Params params(int32_t algorithm) const {
    return convt::Params(cin, cout, kernel)
        .stride(stride)
        .padding(padding)
        .output_padding(output_padding)
        .dilation(dilation)
        .groups(groups)
        .algorithm(algorithm);
  }
  convt::Shape input_shape() const {
    return rank == 1 ? convt::Shape{n, cin, in[0]}
         : rank == 2 ? convt::Shape{n, cin, in[0], in[1]}
                     : convt::Shape{n, cin, in[0], in[1], in[2]};
  }
  int64_t out_size(int i, int64_t op) const {
    return (in[i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + op + 1;
  }
  std::string str() const {
    auto list = [&](const convt::Dims& d) {
      std::string s = "(";
      for (int i = 0; i < rank; ++i) s += (i ? ", " : "") + std::to_string(d[i]);
      return s + ")";
    };
    return std::to_string(rank) + "-D N" + std::to_string(n) + " Cin" + std::to_string(cin) +
           " Cout" + std::to_string(cout) + " in" + list(in) + " k" + list(kernel) + " s" +
           list(stride) + " p" + list(padding) + " op" + list(output_padding) + " d" +
           list(dilation) + " g" + std::to_string(groups) + (bias ? " bias" : " nobias");
  }
};

// (D, H, W) of a rank-r array: the missing leading dimensions are 1 (sizes, kernel, stride,
// dilation) or 0 (padding, output padding), which leaves the sum unchanged.
std::array<int64_t, 3> as_3d(const convt::Dims& v, int rank, int64_t fill) {
  std::array<int64_t, 3> a{fill, fill, fill};
  for (int i = 0; i < rank; ++i) a[3 - rank + i] = v[i];
  return a;
}

struct Expected {
  std::vector<double> value, bound;
};

// Gather form in double over (D, H, W): each output collects the inputs whose taps land on
// it, with the float error bound (terms + 2) * eps * sum |x*w| (plus |bias|), as
// tests/support.hpp states it. Written without the library's code or its lowering.
// output_padding only sets the output size (D, H, W), `out`.
Expected oracle(const NdConfig& c, const std::array<int64_t, 3>& out, const std::vector<float>& x,
                const std::vector<float>& w, const std::vector<float>& b) {
  const auto in = as_3d(c.in, c.rank, 1), k = as_3d(c.kernel, c.rank, 1),
             s = as_3d(c.stride, c.rank, 1), p = as_3d(c.padding, c.rank, 0),
             d = as_3d(c.dilation, c.rank, 1);
  const int64_t cin_g = c.cin / c.groups, cout_g = c.cout / c.groups;
  const int64_t in_vol = in[0] * in[1] * in[2], out_vol = out[0] * out[1] * out[2];
  const int64_t k_vol = k[0] * k[1] * k[2];
  Expected e;
  e.value.assign(static_cast<size_t>(c.n * c.cout * out_vol), 0.0);
  e.bound.assign(e.value.size(), 0.0);
  const double eps = std::numeric_limits<float>::epsilon();
  for (int64_t n = 0; n < c.n; ++n)
    for (int64_t co = 0; co < c.cout; ++co) {
      const int64_t g = co / cout_g, co_l = co % cout_g;
      for (int64_t o = 0; o < out_vol; ++o) {
        const int64_t opos[3] = {o / (out[1] * out[2]), o / out[2] % out[1], o % out[2]};
        double acc = c.bias ? b[static_cast<size_t>(co)] : 0.0;
        double mag = std::fabs(acc);
        int64_t terms = c.bias ? 1 : 0;
        for (int64_t t = 0; t < k_vol; ++t) {
          const int64_t tap[3] = {t / (k[1] * k[2]), t / k[2] % k[1], t % k[2]};
          int64_t ipos[3];
          bool hit = true;
          for (int a = 0; a < 3 && hit; ++a) {
            const int64_t scaled = opos[a] + p[a] - tap[a] * d[a];  // = input index * stride
            hit = scaled >= 0 && scaled % s[a] == 0 && scaled / s[a] < in[a];
            ipos[a] = hit ? scaled / s[a] : 0;
          }
          if (!hit) continue;
          const int64_t i_at = (ipos[0] * in[1] + ipos[1]) * in[2] + ipos[2];
          for (int64_t ci_l = 0; ci_l < cin_g; ++ci_l) {
            const int64_t ci = g * cin_g + ci_l;
            const double xv = x[static_cast<size_t>((n * c.cin + ci) * in_vol + i_at)];
            const double wv = w[static_cast<size_t>((ci * cout_g + co_l) * k_vol + t)];
            acc += xv * wv;
            mag += std::fabs(xv * wv);
            ++terms;
          }
        }
        const size_t at = static_cast<size_t>((n * c.cout + co) * out_vol + o);
        e.value[at] = acc;
        e.bound[at] = (static_cast<double>(terms) + 2.0) * eps * mag + 1e-30;
      }
    }
  return e;
}

// Runs c through the wrapper with `algorithm`, without and with output_size (the largest
// valid one), and checks shapes and values against the
// oracle. Returns false when the algorithm cannot run this layer or shape.
bool check_layer(const NdConfig& c, int32_t algorithm, const std::vector<float>& x,
                 const std::vector<float>& w, const std::vector<float>& b) {
  std::unique_ptr<convt::Layer> layer;
  try {
    layer.reset(new convt::Layer(c.params(algorithm), w.data(), c.bias ? b.data() : nullptr));
  } catch (const convt::Error& e) {
    if (e.status() == CONVT_ERROR_UNSUPPORTED &&
        std::string(e.what()).find(" cannot run this ") != std::string::npos)
      return false;
    throw;
  }
  CHECK(layer->spatial_dims() == c.rank);
  const convt::Shape in = c.input_shape();

  // The default output (D, H, W), and the largest one output_size can ask for: the
  // output_padding stride - 1 in every dimension.
  std::array<int64_t, 3> out_default{1, 1, 1}, out_request{1, 1, 1};
  for (int i = 0; i < c.rank; ++i) {
    out_default[3 - c.rank + i] = c.out_size(i, c.output_padding[i]);
    out_request[3 - c.rank + i] = c.out_size(i, c.stride[i] - 1);
  }
  const convt::Dims request =
      c.rank == 1   ? convt::Dims{out_request[2]}
      : c.rank == 2 ? convt::Dims{out_request[1], out_request[2]}
                    : convt::Dims{out_request[0], out_request[1], out_request[2]};

  for (bool with_size : {false, true}) {
    const auto& out3 = with_size ? out_request : out_default;
    const convt::OutputSize size = with_size ? convt::OutputSize(request) : convt::OutputSize();
    convt::Shape expected_shape = in;
    expected_shape[1] = c.cout;
    for (int i = 0; i < c.rank; ++i) expected_shape[2 + i] = out3[3 - c.rank + i];
    const convt::Shape shape = layer->output_shape(in, size);
    REQUIRE(shape == expected_shape);
    REQUIRE(shape.size() == static_cast<size_t>(2 + c.rank));
    std::vector<float> y(shape.numel(), std::nanf(""));
    try {
      layer->run(in, x.data(), y.data(), y.size(), size);
    } catch (const convt::Error& e) {
      if (e.status() == CONVT_ERROR_UNSUPPORTED &&
          std::string(e.what()).find(" cannot run this ") != std::string::npos)
        continue;  // POINTWISE with the larger output: a shape it does not run
      throw;
    }
    const Expected e = oracle(c, out3, x, w, b);
    size_t bad = 0;
    for (size_t i = 0; i < y.size(); ++i)
      if (!(std::fabs(y[i] - e.value[i]) <= e.bound[i])) ++bad;
    INFO(c.str() << " algorithm " << convt_algorithm_name(algorithm)
                 << (with_size ? " with output_size" : ""));
    CHECK(bad == 0);
  }
  return true;
}

}  // namespace

TEST_CASE("convt.hpp: 1-D, 2-D and 3-D layers match an independent oracle", "[cpp][quick]") {
  const std::vector<NdConfig> configs = {
      // 1-D: plain, strided with output padding, grouped and dilated, depthwise, pointwise.
      {1, 2, 3, 4, {7}, {3}, {1}, {0}, {0}, {1}, 1, true},
      {1, 2, 3, 4, {7}, {3}, {2}, {1}, {1}, {1}, 1, true},
      {1, 1, 4, 6, {5}, {2}, {3}, {0}, {2}, {2}, 2, false},
      {1, 2, 5, 5, {9}, {3}, {2}, {1}, {0}, {1}, 5, true},
      {1, 2, 6, 3, {8}, {1}, {1}, {0}, {0}, {1}, 1, true},
      // 2-D.
      {2, 2, 3, 4, {4, 5}, {3, 2}, {2, 1}, {1, 0}, {1, 0}, {1, 2}, 1, true},
      {2, 1, 4, 4, {5, 3}, {3, 3}, {2, 2}, {1, 1}, {0, 1}, {1, 1}, 4, false},
      // 3-D: mixed parameters per dimension, grouped, depthwise, pointwise.
      {3, 2, 3, 4, {3, 4, 5}, {2, 3, 2}, {2, 1, 2}, {1, 1, 0}, {1, 0, 1}, {1, 2, 1}, 1, true},
      {3, 1, 4, 6, {2, 3, 3}, {1, 2, 3}, {1, 3, 2}, {0, 0, 1}, {0, 2, 1}, {1, 1, 1}, 2, false},
      {3, 2, 3, 3, {3, 3, 4}, {3, 3, 3}, {2, 2, 1}, {1, 1, 1}, {0, 1, 0}, {1, 1, 1}, 3, true},
      {3, 1, 5, 2, {2, 3, 4}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0}, {1, 1, 1}, 1, true},
  };
  uint32_t seed = 10;
  for (const NdConfig& c : configs) {
    int64_t in_vol = 1, k_vol = 1;
    for (int i = 0; i < c.rank; ++i) in_vol *= c.in[i], k_vol *= c.kernel[i];
    const auto x = test::random_vector(c.n * c.cin * in_vol, seed++);
    const auto w = test::random_vector(c.cin * (c.cout / c.groups) * k_vol, seed++);
    const auto b = test::random_vector(c.cout, seed++);
    int ran = 0;
    for (int32_t algorithm : test::all_algorithms()) ran += check_layer(c, algorithm, x, w, b);
    INFO(c.str());
    CHECK(ran >= 3);  // AUTO, GEMM_COL2IM and REFERENCE run every layer
  }
}

TEST_CASE("convt.hpp: a list that does not fit the rank is a convt::Error", "[cpp][quick]") {
  auto invalid_with = [](const std::string& what, auto&& make) {
    try {
      make();
      FAIL("expected convt::Error: " << what);
    } catch (const convt::Error& e) {
      CHECK(e.status() == CONVT_ERROR_INVALID_ARGUMENT);
      CHECK_THAT(e.what(), Catch::Contains(what));
    }
  };
  // The rank comes from the kernel sizes, or explicitly with a single kernel size.
  CHECK(convt::Params(2, 3, {5}).spatial_dims() == 1);
  CHECK(convt::Params(2, 3, {3, 5, 2}).spatial_dims() == 3);
  const convt::Params cube(2, 3, 4, 3);
  CHECK(cube.spatial_dims() == 3);
  CHECK(cube.c().kernel_size[2] == 4);
  // A single value sets every dimension of the rank, and nothing beyond it.
  const convt::Params one = convt::Params(2, 3, {5}).stride(3).dilation(2);
  CHECK(one.c().stride[0] == 3);
  CHECK(one.c().stride[1] == 1);
  CHECK(one.c().dilation[0] == 2);
  CHECK(one.c().dilation[1] == 1);

  invalid_with("spatial_dims must be 1, 2 or 3", [] { convt::Params(2, 3, {}); });
  invalid_with("spatial_dims must be 1, 2 or 3", [] { convt::Params(2, 3, 3, 4); });
  invalid_with("at most 3 spatial sizes", [] { convt::Params(2, 3, {1, 2, 3, 4}); });
  invalid_with("stride has 2 entries, but a 3-D layer takes 3",
               [] { convt::Params(2, 3, {3, 3, 3}).stride(2, 1); });
  invalid_with("padding has 1 entry, but a 2-D layer takes 2",
               [] { convt::Params(2, 3, {3, 3}).padding({1}); });
  invalid_with("dilation has 3 entries, but a 1-D layer takes 1",
               [] { convt::Params(2, 3, {3}).dilation(1, 1, 1); });
  invalid_with("output_padding has 2 entries",
               [] { convt::Params(2, 3, {3}).output_padding({0, 0}); });
  invalid_with("a shape has at most 5 entries", [] { convt::Shape{1, 2, 3, 4, 5, 6}; });

  const auto w = test::random_vector(2 * 3 * 3 * 3 * 3, 5);
  const convt::Layer layer(convt::Params(2, 3, 3, 3), w.data());
  const auto x = test::random_vector(2 * 4 * 4 * 4, 6);
  std::vector<float> y(3 * 6 * 6 * 6);
  invalid_with("input shape has 4 entries, but a 3-D layer takes 5: (N, C, D, H, W)",
               [&] { layer.output_shape({1, 2, 4, 4}); });
  invalid_with("output_size has 2 entries, but a 3-D layer takes 3",
               [&] { layer.run({1, 2, 4, 4, 4}, x.data(), y.data(), y.size(), {6, 6}); });
  invalid_with("cannot convert 5 entries to std::array<int64_t, 4>", [&] {
    const std::array<int64_t, 4> old = layer.output_shape({1, 2, 4, 4, 4});
    (void)old;
  });
  // The library's own checks, in PyTorch's words for the rank.
  invalid_with("output_padding_depth: 2 output_padding_height: 0 output_padding_width: 0", [&] {
    convt::Layer(convt::Params(2, 3, 3, 3).output_padding(2, 0, 0), w.data())
        .output_shape({1, 2, 4, 4, 4});
  });
  invalid_with("requested an output size of [7], but valid sizes range from [6] to [6]", [&] {
    convt::Layer(convt::Params(2, 3, {3}), w.data()).output_shape({1, 2, 4}, {7});
  });
}
