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
// `begin` (D, H, W): the zeros trimmed before each dimension, the padding under PyTorch's
// rule (the default) and ONNX's begin pad under the other kinds.
Expected oracle(const NdConfig& c, const std::array<int64_t, 3>& out, const std::vector<float>& x,
                const std::vector<float>& w, const std::vector<float>& b,
                const std::array<int64_t, 3>* begin = nullptr) {
  const auto in = as_3d(c.in, c.rank, 1), k = as_3d(c.kernel, c.rank, 1),
             s = as_3d(c.stride, c.rank, 1), d = as_3d(c.dilation, c.rank, 1);
  const auto p = begin ? *begin : as_3d(c.padding, c.rank, 0);
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

TEST_CASE("convt.hpp: the 0.4 setters reach convt_params", "[cpp][quick]") {
  // Defaults: what convt_params_init writes, and the whole 0.4 struct.
  const convt::Params plain(4, 6, {3, 5});
  CHECK(plain.c().struct_size == CONVT_PARAMS_SIZE_V0_2);
  CHECK(plain.c().padding_kind == CONVT_PADDING_SYMMETRIC);
  CHECK(plain.c().layout == CONVT_LAYOUT_CHANNELS_FIRST);
  CHECK(plain.c().activation == CONVT_ACTIVATION_NONE);

  const auto w = test::random_vector(4 * 6 * 3 * 5, 21);
  // Every setter, its value read back from the handle (convt_get_params, as validated).
  convt::Params p(4, 6, {3, 5});
  p.stride(2, 3)
      .padding(1, 2)
      .padding_kind(convt::PaddingKind::Explicit)
      .padding_end(2, 0)
      .layout(convt::Layout::ChannelsLast)
      .activation(convt::Activation::Clamp, -0.5f, 0.75f);
  const convt::Layer layer(p, w.data());
  const convt_params got = layer.params();
  CHECK(got.struct_size == sizeof(convt_params));
  CHECK(got.padding_kind == CONVT_PADDING_EXPLICIT);
  CHECK(got.padding[0] == 1);
  CHECK(got.padding[1] == 2);
  CHECK(got.padding_end[0] == 2);
  CHECK(got.padding_end[1] == 0);
  CHECK(got.layout == CONVT_LAYOUT_CHANNELS_LAST);
  CHECK(got.activation == CONVT_ACTIVATION_CLAMP);
  CHECK(got.activation_alpha == -0.5f);
  CHECK(got.activation_beta == 0.75f);
  // The same through the C call itself.
  convt_params c_got;
  REQUIRE(convt_get_params(layer.get(), &c_got, sizeof c_got) == CONVT_OK);
  CHECK(c_got.padding_end[0] == 2);
  CHECK(c_got.activation_beta == 0.75f);

  // One value for every dimension, and nothing beyond the rank; three per dimension.
  const convt::Params line = convt::Params(2, 3, {4}).padding_end(3);
  CHECK(line.c().padding_end[0] == 3);
  CHECK(line.c().padding_end[1] == 0);
  const convt::Params cube = convt::Params(2, 3, {2, 2, 2}).padding_end(1, 0, 2);
  CHECK(cube.c().padding_end[0] == 1);
  CHECK(cube.c().padding_end[1] == 0);
  CHECK(cube.c().padding_end[2] == 2);
  const convt::Params square = convt::Params(2, 3, 3).padding_end({1, 2});
  CHECK(square.c().padding_end[1] == 2);

  // Each enum value is the C constant, set by either form, and survives create.
  const auto w2 = test::random_vector(2 * 3 * 3 * 3, 22);
  for (int32_t kind = CONVT_PADDING_SYMMETRIC; kind <= CONVT_PADDING_VALID; ++kind) {
    const convt::Layer by_enum(convt::Params(2, 3, 3).stride(2).padding_kind(
                                   static_cast<convt::PaddingKind>(kind)),
                               w2.data());
    const convt::Layer by_int(convt::Params(2, 3, 3).stride(2).padding_kind(kind), w2.data());
    CHECK(by_enum.params().padding_kind == kind);
    CHECK(by_int.params().padding_kind == kind);
  }
  for (int32_t a = CONVT_ACTIVATION_NONE; a <= CONVT_ACTIVATION_GELU; ++a) {
    const convt::Layer layer_a(
        convt::Params(2, 3, 3).activation(static_cast<convt::Activation>(a), 0.25f, 0.5f),
        w2.data());
    const convt_params pa = layer_a.params();
    CHECK(pa.activation == a);
    CHECK(pa.activation_alpha == 0.25f);
    CHECK(pa.activation_beta == 0.5f);
  }
  CHECK(static_cast<int32_t>(convt::PaddingKind::SameUpper) == CONVT_PADDING_SAME_UPPER);
  CHECK(static_cast<int32_t>(convt::PaddingKind::SameLower) == CONVT_PADDING_SAME_LOWER);
  CHECK(static_cast<int32_t>(convt::Layout::ChannelsLast) == CONVT_LAYOUT_CHANNELS_LAST);
  CHECK(static_cast<int32_t>(convt::Activation::LeakyRelu) == CONVT_ACTIVATION_LEAKY_RELU);
  CHECK(static_cast<int32_t>(convt::Activation::Gelu) == CONVT_ACTIVATION_GELU);
  const convt::Params c_forms = convt::Params(2, 3, 3)
                                    .padding_kind(CONVT_PADDING_SAME_LOWER)
                                    .layout(CONVT_LAYOUT_CHANNELS_LAST)
                                    .activation(CONVT_ACTIVATION_ELU, 1.0f);
  CHECK(c_forms.c().padding_kind == CONVT_PADDING_SAME_LOWER);
  CHECK(c_forms.c().layout == CONVT_LAYOUT_CHANNELS_LAST);
  CHECK(c_forms.c().activation == CONVT_ACTIVATION_ELU);
  CHECK(c_forms.c().activation_alpha == 1.0f);
  CHECK(c_forms.c().activation_beta == 0.0f);
}

TEST_CASE("convt.hpp: bad 0.4 values are the library's convt::Error", "[cpp][quick]") {
  const auto w = test::random_vector(2 * 3 * 3 * 3, 23);
  auto invalid_with = [&](const std::string& what, const convt::Params& p) {
    try {
      convt::Layer layer(p, w.data());
      FAIL("expected convt::Error: " << what);
    } catch (const convt::Error& e) {
      CHECK(e.status() == CONVT_ERROR_INVALID_ARGUMENT);
      CHECK_THAT(e.what(), Catch::Contains(what));
    }
  };
  invalid_with("padding_kind must be a CONVT_PADDING_* value (SYMMETRIC 0, EXPLICIT 1, "
               "SAME_UPPER 2, SAME_LOWER 3, VALID 4), but got padding_kind: 7",
               convt::Params(2, 3, 3).padding_kind(7));
  invalid_with("layout must be CONVT_LAYOUT_CHANNELS_FIRST (0) or CONVT_LAYOUT_CHANNELS_LAST (1), "
               "but got layout: -1",
               convt::Params(2, 3, 3).layout(-1));
  invalid_with("but got activation: 8", convt::Params(2, 3, 3).activation(8));
  invalid_with("CLAMP needs activation_alpha (min) <= activation_beta (max)",
               convt::Params(2, 3, 3).activation(convt::Activation::Clamp, 1.0f, -1.0f));
  invalid_with("activation_alpha must be a number for ELU",
               convt::Params(2, 3, 3).activation(convt::Activation::Elu, std::nanf("")));
  invalid_with("negative padding_end is not supported",
               convt::Params(2, 3, 3).padding_kind(convt::PaddingKind::Explicit).padding_end(0, -1));
  invalid_with("output_padding must be >= 0 and smaller than stride under ONNX padding "
               "(padding_kind SAME_UPPER)",
               convt::Params(2, 3, 3).stride(2).dilation(3).output_padding(2).padding_kind(
                   convt::PaddingKind::SameUpper));
  // The wrapper's own length check, before the library.
  try {
    convt::Params(2, 3, {3, 3, 3}).padding_end(1, 1);
    FAIL("expected convt::Error");
  } catch (const convt::Error& e) {
    CHECK(e.status() == CONVT_ERROR_INVALID_ARGUMENT);
    CHECK_THAT(e.what(), Catch::Contains("padding_end has 2 entries, but a 3-D layer takes 3"));
  }
}

namespace {

// A layer under one of ONNX's padding kinds, channels first or last, with an activation.
struct OnnxCase {
  NdConfig layer;  // padding: EXPLICIT's begin pads (the other kinds ignore it)
  convt::Dims padding_end;
  convt::PaddingKind kind;
  convt::Layout layout;
  convt::Activation activation;
  float alpha, beta;
  convt::Dims expected_out;  // by the formulas of convt.h, worked out by hand below
};

// Zeros trimmed before dimension i, from convt.h's rules: EXPLICIT padding; SAME_UPPER
// T/2 and SAME_LOWER T - T/2 of T = max(0, full - in*stride); VALID none.
int64_t onnx_begin(const OnnxCase& oc, int i) {
  const NdConfig& c = oc.layer;
  const int64_t full = c.stride[i] * (c.in[i] - 1) + c.output_padding[i] +
                       c.dilation[i] * (c.kernel[i] - 1) + 1;
  const int64_t t = std::max<int64_t>(0, full - c.in[i] * c.stride[i]);
  switch (oc.kind) {
    case convt::PaddingKind::Explicit: return c.padding[i];
    case convt::PaddingKind::SameUpper: return t / 2;
    case convt::PaddingKind::SameLower: return t - t / 2;
    default: return 0;
  }
}

int64_t spatial_volume(const convt::Shape& s) {
  int64_t v = 1;
  for (size_t i = 2; i < s.size(); ++i) v *= s[i];
  return v;
}

}  // namespace

TEST_CASE("convt.hpp: ONNX padding, channels last and an activation match the oracle and the C API",
          "[cpp][quick]") {
  using K = convt::PaddingKind;
  using L = convt::Layout;
  using A = convt::Activation;
  // {rank, n, cin, cout, in, kernel, stride, padding, output_padding, dilation, groups, bias}
  const std::vector<OnnxCase> cases = {
      // SAME_UPPER, the case the issue names: out = in*stride (T = 3 + 1 - 2 = 2 > 0; T = 4 - 3).
      {{2, 2, 3, 4, {4, 5}, {3, 4}, {2, 3}, {0, 0}, {1, 0}, {1, 1}, 1, true},
       {0, 0}, K::SameUpper, L::ChannelsLast, A::LeakyRelu, 0.1f, 0.0f, {8, 15}},
      {{2, 1, 4, 6, {3, 4}, {3, 3}, {2, 2}, {0, 0}, {0, 1}, {2, 1}, 2, false},
       {0, 0}, K::SameUpper, L::ChannelsLast, A::Gelu, 0.0f, 0.0f, {6, 8}},
      // SAME_LOWER in 1-D: T = 4 - 2 = 2 (begin 1, end 1) -> 7*2.
      {{1, 2, 3, 5, {7}, {4}, {2}, {0}, {0}, {1}, 1, true},
       {0}, K::SameLower, L::ChannelsLast, A::Tanh, 0.0f, 0.0f, {14}},
      // SAME_LOWER in 3-D: T = 4, 1, 2 (the odd one's larger half first) -> in*stride.
      {{3, 1, 3, 4, {2, 3, 3}, {3, 2, 4}, {1, 1, 2}, {0, 0, 0}, {0, 0, 0}, {2, 1, 1}, 1, true},
       {0, 0, 0}, K::SameLower, L::ChannelsLast, A::Elu, 0.8f, 0.0f, {2, 3, 6}},
      // EXPLICIT, asymmetric: out = full - begin - end = (5-1)*3 + 5 - 3 - 2 = 12.
      {{1, 2, 4, 4, {5}, {5}, {3}, {3}, {0}, {1}, 4, true},
       {2}, K::Explicit, L::ChannelsLast, A::Clamp, -0.3f, 0.4f, {12}},
      // EXPLICIT 3-D channels first: (2*2+3+1) - 1 - 0 = 7, (3*1+2) - 0 - 1 = 4, (1*2+2+1) - 2 - 2 = 1.
      {{3, 2, 2, 3, {3, 4, 2}, {3, 2, 2}, {2, 1, 2}, {1, 0, 2}, {1, 0, 1}, {1, 1, 1}, 1, true},
       {0, 1, 2}, K::Explicit, L::ChannelsFirst, A::Sigmoid, 0.0f, 0.0f, {7, 4, 1}},
      // VALID: the untrimmed output, (4-1)*2 + 1 + 2*(3-1) + 1 = 12 and (3-1)*1 + 2 = 4.
      {{2, 1, 3, 2, {4, 3}, {3, 2}, {2, 1}, {0, 0}, {1, 0}, {2, 1}, 1, true},
       {0, 0}, K::Valid, L::ChannelsLast, A::Relu, 0.0f, 0.0f, {12, 4}},
  };
  uint32_t seed = 40;
  for (const OnnxCase& oc : cases) {
    const NdConfig& c = oc.layer;
    INFO(c.str() << " padding_kind " << static_cast<int>(oc.kind) << " layout "
                 << static_cast<int>(oc.layout) << " activation " << static_cast<int>(oc.activation));
    int64_t in_vol = 1, k_vol = 1;
    for (int i = 0; i < c.rank; ++i) in_vol *= c.in[i], k_vol *= c.kernel[i];
    const auto x = test::random_vector(c.n * c.cin * in_vol, seed++);  // channels first
    const auto w = test::random_vector(c.cin * (c.cout / c.groups) * k_vol, seed++);
    const auto b = test::random_vector(c.cout, seed++);
    const bool last = oc.layout == L::ChannelsLast;
    const auto x_run = last ? test::to_channels_last(x, c.n, c.cin, in_vol) : x;

    // The oracle: channels first, trimmed by the kind's begin pads, then the activation.
    std::array<int64_t, 3> out3{1, 1, 1}, begin3{0, 0, 0};
    for (int i = 0; i < c.rank; ++i) {
      out3[3 - c.rank + i] = oc.expected_out[i];
      begin3[3 - c.rank + i] = onnx_begin(oc, i);
    }
    const Expected e = oracle(c, out3, x, w, b, &begin3);
    const int32_t act = static_cast<int32_t>(oc.activation);
    std::vector<double> want(e.value.size()), bound(e.value.size());
    const double eps = std::numeric_limits<float>::epsilon();
    for (size_t i = 0; i < want.size(); ++i) {
      want[i] = test::activate(act, e.value[i], oc.alpha, oc.beta);
      bound[i] = test::activation_slope(act, oc.alpha) * e.bound[i] + 16 * eps * std::fabs(want[i]) +
                 1e-37;
    }

    // The plain C API with REFERENCE: the same struct written field by field.
    convt_params cp;
    convt_params_init(&cp, sizeof cp);
    cp.spatial_dims = c.rank;
    cp.in_channels = c.cin;
    cp.out_channels = c.cout;
    for (int i = 0; i < c.rank; ++i) {
      cp.kernel_size[i] = c.kernel[i];
      cp.stride[i] = c.stride[i];
      cp.padding[i] = c.padding[i];
      cp.output_padding[i] = c.output_padding[i];
      cp.dilation[i] = c.dilation[i];
      cp.padding_end[i] = oc.padding_end[i];
    }
    cp.groups = c.groups;
    cp.padding_kind = static_cast<int32_t>(oc.kind);
    cp.layout = static_cast<int32_t>(oc.layout);
    cp.activation = act;
    cp.activation_alpha = oc.alpha;
    cp.activation_beta = oc.beta;
    cp.algorithm = CONVT_ALGORITHM_REFERENCE;
    convt_handle* raw = nullptr;
    REQUIRE(convt_create(&cp, w.data(), c.bias ? b.data() : nullptr, &raw) == CONVT_OK);
    std::unique_ptr<convt_handle, void (*)(convt_handle*)> owned(raw, convt_destroy);
    const convt::Shape in = c.input_shape();  // (N, C, spatial...) under either layout
    convt::Shape c_shape = in;
    REQUIRE(convt_output_shape(raw, in.data(), nullptr, c_shape.data()) == CONVT_OK);
    std::vector<float> y_c(c_shape.numel(), std::nanf(""));
    REQUIRE(convt_run(raw, in.data(), x_run.data(), nullptr, y_c.data(), y_c.size(), nullptr, 0) ==
            CONVT_OK);

    for (int32_t algorithm : {CONVT_ALGORITHM_REFERENCE, CONVT_ALGORITHM_AUTO}) {
      convt::Params p = c.params(algorithm);
      p.padding_end(oc.padding_end).padding_kind(oc.kind).layout(oc.layout).activation(
          oc.activation, oc.alpha, oc.beta);
      const convt::Layer layer(p, w.data(), c.bias ? b.data() : nullptr);
      const convt::Shape shape = layer.output_shape(in);
      convt::Shape expected_shape = in;
      expected_shape[1] = c.cout;
      for (int i = 0; i < c.rank; ++i) expected_shape[2 + i] = oc.expected_out[i];
      REQUIRE(shape == expected_shape);  // (N, C, spatial...) even when channels last
      REQUIRE(shape == c_shape);
      std::vector<float> y(shape.numel(), std::nanf(""));
      layer.run(in, x_run.data(), y.data(), y.size());
      if (algorithm == CONVT_ALGORITHM_REFERENCE) CHECK(y == y_c);  // bit for bit
      const auto y_first = last ? test::to_channels_first(y, c.n, c.cout, spatial_volume(shape)) : y;
      size_t bad = 0;
      for (size_t i = 0; i < y_first.size(); ++i)
        if (!(std::fabs(y_first[i] - want[i]) <= bound[i])) ++bad;
      INFO("algorithm " << convt_algorithm_name(layer.selected_algorithm(in)));
      CHECK(bad == 0);
    }
  }
}
