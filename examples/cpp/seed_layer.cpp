// The seed layers from C++ with the RAII wrapper convt/convt.hpp:
//   ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2)) on a (2, 16, 50, 100) batch,
//   ConvTranspose1d(16, 33, 5, stride=3, padding=2, dilation=2) on (2, 16, 100), and
//   ConvTranspose3d(16, 33, (3, 5, 2), stride=(2, 1, 3), padding=(1, 2, 0)) on (2, 16, 6, 10, 12).
// Checks each one's output shape, the planner's choice against the REFERENCE algorithm, the
// golden values, an output_size run, and that a bad call throws convt::Error carrying
// convt_last_error(). Then the 0.4 options on the same layers: channels last gives the
// golden values permuted, and SAME_UPPER with a ReLU gives ReLU of the VALID output cropped
// at ONNX's begin pads (the data are exact, so both hold bit for bit).
#include <convt/convt.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

// Data every example reproduces exactly, over each tensor's flat row-major index i:
//   x[i] = ((i*7) % 13 - 6)/8,  w[i] = ((i*5) % 11 - 5)/16,  bias[c] = (c%3 - 1)/4.
// Golden values made with PyTorch 1.13 (Debian python3-torch) by examples/golden.py:
//   /usr/bin/python3 examples/golden.py
// They are exact (multiples of 1/128, exact float32 sums; squares summed exactly in double).
constexpr int64_t N = 2, CIN = 16, COUT = 33;
constexpr double kTolerance = 1e-4;  // |AUTO - REFERENCE| per element

struct Golden { size_t index; float value; };
struct Seed {
  const char* name;
  convt::Params params;
  convt::Shape input, output;
  Golden entries[4];
  double sum_squares;
  convt::Dims output_size;  // a valid request other than the default size
  convt::Shape requested_output;
  double requested_sum_squares;
};

int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what.c_str());
    ++failures;
  }
}

std::string str(const convt::Shape& s) {
  std::string out;
  for (int64_t v : s) out += (out.empty() ? "" : "x") + std::to_string(v);
  return out;
}

std::vector<float> pattern(size_t n, int64_t mul, int64_t mod, int64_t off, float scale) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>((int64_t(i) * mul) % mod - off) / scale;
  return v;
}

double sum_of_squares(const std::vector<float>& v) {
  double s = 0;
  for (float y : v) s += double(y) * double(y);
  return s;
}

void check_seed(const Seed& seed) {
  const int64_t rank = seed.params.spatial_dims();
  size_t weight_size = CIN * COUT;
  for (int i = 0; i < rank; ++i) weight_size *= size_t(seed.params.c().kernel_size[i]);
  const std::vector<float> x = pattern(seed.input.numel(), 7, 13, 6, 8);
  const std::vector<float> w = pattern(weight_size, 5, 11, 5, 16);
  const std::vector<float> b = pattern(COUT, 1, 3, 1, 4);

  convt::Params reference = seed.params;
  reference.algorithm(CONVT_ALGORITHM_REFERENCE);
  const convt::Layer fast(seed.params, w.data(), b.data());
  const convt::Layer slow(reference, w.data(), b.data());
  const convt::Shape out = fast.output_shape(seed.input);
  expect(out == seed.output, std::string(seed.name) + " output shape " + str(out));
  std::vector<float> y(out.numel()), ref(out.numel());
  fast.run(seed.input, x.data(), y.data(), y.size());
  slow.run(seed.input, x.data(), ref.data(), ref.size());

  double max_diff = 0;
  for (size_t i = 0; i < y.size(); ++i)
    max_diff = std::fmax(max_diff, std::fabs(double(y[i]) - double(ref[i])));
  for (const Golden& g : seed.entries)
    expect(ref[g.index] == g.value, std::string(seed.name) + " reference output[" +
                                        std::to_string(g.index) + "] = " +
                                        std::to_string(g.value) + ", got " +
                                        std::to_string(ref[g.index]));
  const double sum_squares = sum_of_squares(ref);
  expect(sum_squares == seed.sum_squares,
         std::string(seed.name) + " sum of squares " + std::to_string(sum_squares));
  expect(max_diff <= kTolerance,
         std::string(seed.name) + " |auto - reference| " + std::to_string(max_diff));
  std::printf("convt %s (C++), %s: output %s via %s, sum of squares %.10g, "
              "max |auto - reference| %.3g\n",
              convt::version().c_str(), seed.name, str(out).c_str(),
              convt_algorithm_name(fast.selected_algorithm(seed.input)), sum_squares, max_diff);

  // output_size, as PyTorch's forward(input, output_size).
  const convt::Shape requested = slow.output_shape(seed.input, seed.output_size);
  expect(requested == seed.requested_output,
         std::string(seed.name) + " output_size: shape " + str(requested));
  std::vector<float> y_requested(requested.numel());
  slow.run(seed.input, x.data(), y_requested.data(), y_requested.size(), seed.output_size);
  expect(sum_of_squares(y_requested) == seed.requested_sum_squares,
         std::string(seed.name) + " output_size: sum of squares " +
             std::to_string(sum_of_squares(y_requested)));
}

// The flat index of channels-first element i of an (n, c, pixels) tensor, channels last.
size_t channels_last_index(size_t i, int64_t c, int64_t pixels) {
  const size_t n = i / size_t(c * pixels), ch = i / size_t(pixels) % size_t(c),
               p = i % size_t(pixels);
  return (n * size_t(pixels) + p) * size_t(c) + ch;
}

void check_0_4(const Seed& seed) {
  const int rank = seed.params.spatial_dims();
  size_t weight_size = CIN * COUT;
  for (int i = 0; i < rank; ++i) weight_size *= size_t(seed.params.c().kernel_size[i]);
  const std::vector<float> x = pattern(seed.input.numel(), 7, 13, 6, 8);
  const std::vector<float> w = pattern(weight_size, 5, 11, 5, 16);
  const std::vector<float> b = pattern(COUT, 1, 3, 1, 4);
  const std::string name = seed.name;

  // Channels last: x permuted in, the golden values permuted out.
  int64_t in_pixels = 1, out_pixels = 1;
  for (int i = 0; i < rank; ++i) in_pixels *= seed.input[2 + i], out_pixels *= seed.output[2 + i];
  std::vector<float> x_last(x.size());
  for (size_t i = 0; i < x.size(); ++i) x_last[channels_last_index(i, CIN, in_pixels)] = x[i];
  convt::Params last = seed.params;
  last.layout(convt::Layout::ChannelsLast);
  const convt::Layer layer_last(last, w.data(), b.data());
  expect(layer_last.output_shape(seed.input) == seed.output,
         name + " channels last: the shape stays (N, C, spatial...)");
  std::vector<float> y_last(seed.output.numel());
  layer_last.run(seed.input, x_last.data(), y_last.data(), y_last.size());
  for (const Golden& g : seed.entries)
    expect(y_last[channels_last_index(g.index, COUT, out_pixels)] == g.value,
           name + " channels last output[" + std::to_string(g.index) + "]");
  expect(sum_of_squares(y_last) == seed.sum_squares, name + " channels last: sum of squares");

  // SAME_UPPER + ReLU against VALID: T = max(0, full - in*stride), out = full - T (in*stride
  // where T > 0; the 3-D seed's width, kernel 2 at stride 3, has T = 0), begin = T/2.
  convt::Params valid = seed.params;
  valid.padding_kind(convt::PaddingKind::Valid);
  convt::Params same = seed.params;
  same.padding_kind(convt::PaddingKind::SameUpper).activation(convt::Activation::Relu);
  const convt::Layer layer_valid(valid, w.data(), b.data());
  const convt::Layer layer_same(same, w.data(), b.data());
  const convt::Shape full = layer_valid.output_shape(seed.input);
  const convt::Shape out = layer_same.output_shape(seed.input);
  int64_t begin[3] = {0, 0, 0}, o3[3] = {1, 1, 1}, f3[3] = {1, 1, 1};  // as (D, H, W)
  for (int i = 0; i < rank; ++i) {
    const int64_t s = seed.params.c().stride[i], in = seed.input[2 + i];
    const int64_t t = std::max<int64_t>(0, full[2 + i] - in * s);
    expect(out[2 + i] == full[2 + i] - t, name + " SAME_UPPER: out = full - T");
    begin[3 - rank + i] = t / 2;
    o3[3 - rank + i] = out[2 + i];
    f3[3 - rank + i] = full[2 + i];
  }
  std::vector<float> y_valid(full.numel()), y_same(out.numel());
  layer_valid.run(seed.input, x.data(), y_valid.data(), y_valid.size());
  layer_same.run(seed.input, x.data(), y_same.data(), y_same.size());
  size_t bad = 0, at = 0;
  for (int64_t nc = 0; nc < N * COUT; ++nc)
    for (int64_t d = 0; d < o3[0]; ++d)
      for (int64_t h = 0; h < o3[1]; ++h)
        for (int64_t x_ = 0; x_ < o3[2]; ++x_, ++at) {
          const float v = y_valid[size_t(
              ((nc * f3[0] + d + begin[0]) * f3[1] + h + begin[1]) * f3[2] + x_ + begin[2])];
          if (y_same[at] != (v < 0 ? 0.0f : v)) ++bad;
        }
  expect(bad == 0, name + " SAME_UPPER + ReLU: " + std::to_string(bad) + " values differ from "
                                                                          "ReLU(VALID cropped)");
  std::printf("convt %s (C++), %s: channels last and SAME_UPPER + ReLU %s\n",
              convt::version().c_str(), seed.name, bad == 0 ? "match" : "DIFFER");
}

}  // namespace

int main() {
  try {
    const Seed seeds[] = {
        {"2-D", convt::Params(CIN, COUT, {3, 5}).stride(2, 1).padding(4, 2),
         {N, CIN, 50, 100}, {2, 33, 93, 100},
         {{0, -0.1796875f}, {613799, 0.3125f}, {469650, 0.046875f}, {47520, 0.6875f}},
         87082.0693359375, {94, 100}, {2, 33, 94, 100}, 87695.34753417969},
        {"1-D", convt::Params(CIN, COUT, {5}).stride(3).padding(2).dilation(2),
         {N, CIN, 100}, {2, 33, 302},
         {{1, -0.1328125f}, {19931, -0.03125f}, {15250, 0.4375f}, {1587, 0.34375f}},
         1542.5257568359375, {304}, {2, 33, 304}, 1552.5576171875},
        {"3-D", convt::Params(CIN, COUT, {3, 5, 2}).stride(2, 1, 3).padding(1, 2, 0),
         {N, CIN, 6, 10, 12}, {2, 33, 11, 10, 35},
         {{0, -0.171875f}, {254099, 0.328125f}, {194407, 0.25f}, {20565, 0.25f}},
         16752.239990234375, {12, 10, 37}, {2, 33, 12, 10, 37}, 18785.483642578125},
    };
    for (const Seed& seed : seeds) check_seed(seed);
    for (const Seed& seed : seeds) check_0_4(seed);
  } catch (const convt::Error& e) {
    std::fprintf(stderr, "unexpected convt::Error: %s\n", e.what());
    return 1;
  }

  // Errors: convt::Error with the status and the library's message.
  const std::vector<float> w(4 * 4 * 3 * 3 * 3, 0.5f);
  try {
    convt::Layer bad(convt::Params(4, 4, 3).stride(2).output_padding(2), w.data());
    bad.output_shape({1, 4, 5, 5});
    expect(false, "output_padding 2 with stride 2 must throw");
  } catch (const convt::Error& e) {
    expect(e.status() == CONVT_ERROR_INVALID_ARGUMENT, "status INVALID_ARGUMENT");
    expect(std::string(e.what()).find("output padding must be smaller") != std::string::npos,
           std::string("message: ") + e.what());
  }
  // A shape of the wrong rank never reaches the library.
  try {
    convt::Layer cube(convt::Params(4, 4, 3, /*spatial_dims=*/3), w.data());
    cube.output_shape({1, 4, 5, 5});
    expect(false, "a 4-entry shape for a 3-D layer must throw");
  } catch (const convt::Error& e) {
    expect(std::string(e.what()).find("but a 3-D layer takes 5") != std::string::npos,
           std::string("message: ") + e.what());
  }
  // A moved-from layer owns nothing; the moved-to one works.
  convt::Layer a(convt::Params(4, 4, 3), w.data());
  convt::Layer moved(std::move(a));
  expect(a.get() == nullptr && moved.get() != nullptr, "move transfers the handle");

  if (failures) return 1;
  std::printf("C++ example: all checks passed\n");
  return 0;
}
