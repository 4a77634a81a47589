// The seed layer from C++ with the RAII wrapper convt/convt.hpp:
// ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2)) on a (2, 16, 50, 100) batch.
// Checks the output shape, the planner's choice against the REFERENCE algorithm, the golden
// values, and that a bad call throws convt::Error carrying convt_last_error().
#include <convt/convt.hpp>

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
constexpr int64_t N = 2, CIN = 16, COUT = 33, H = 50, W = 100;
constexpr convt::Shape kOutShape{2, 33, 93, 100};
struct Golden { size_t index; float value; };
constexpr Golden kGolden[] = {{0, -0.1796875f}, {613799, 0.3125f}, {469650, 0.046875f},
                              {47520, 0.6875f}};
constexpr double kGoldenSumSquares = 87082.0693359375;
constexpr double kTolerance = 1e-4;  // |AUTO - REFERENCE| per element

int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what.c_str());
    ++failures;
  }
}

convt::Params seed_params() {
  return convt::Params(CIN, COUT, {3, 5}).stride(2, 1).padding(4, 2);
}

}  // namespace

int main() {
  std::vector<float> x(N * CIN * H * W), w(CIN * COUT * 3 * 5), b(COUT);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((int64_t(i) * 7) % 13 - 6) / 8;
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>((int64_t(i) * 5) % 11 - 5) / 16;
  for (size_t c = 0; c < b.size(); ++c) b[c] = static_cast<float>(int64_t(c) % 3 - 1) / 4;

  try {
    const convt::Layer fast(seed_params(), w.data(), b.data());
    const convt::Layer slow(seed_params().algorithm(CONVT_ALGORITHM_REFERENCE), w.data(),
                            b.data());
    const convt::Shape in{N, CIN, H, W};
    const convt::Shape out = fast.output_shape(in);
    expect(out == kOutShape, "output shape (2, 33, 93, 100)");
    const size_t n = static_cast<size_t>(out[0] * out[1] * out[2] * out[3]);
    std::vector<float> y(n), ref(n);
    fast.run(in, x.data(), y.data(), y.size());
    slow.run(in, x.data(), ref.data(), ref.size());

    double max_diff = 0, sum_squares = 0;
    for (size_t i = 0; i < n; ++i) {
      max_diff = std::fmax(max_diff, std::fabs(double(y[i]) - double(ref[i])));
      sum_squares += double(ref[i]) * double(ref[i]);
    }
    for (const Golden& g : kGolden)
      expect(ref[g.index] == g.value, "reference output[" + std::to_string(g.index) + "] = " +
                                          std::to_string(g.value) + ", got " +
                                          std::to_string(ref[g.index]));
    expect(sum_squares == kGoldenSumSquares,
           "sum of squares " + std::to_string(sum_squares));
    expect(max_diff <= kTolerance, "|auto - reference| " + std::to_string(max_diff));
    std::printf("convt %s (C++): output %lldx%lldx%lldx%lld via %s, sum of squares %.10g, "
                "max |auto - reference| %.3g\n",
                convt::version().c_str(), (long long)out[0], (long long)out[1],
                (long long)out[2], (long long)out[3],
                convt_algorithm_name(fast.selected_algorithm(in)), sum_squares, max_diff);

    // output_size: one more row.
    const convt::Size2 size94{94, 100};
    expect(fast.output_shape(in, &size94) == convt::Shape{2, 33, 94, 100}, "output_size 94x100");
  } catch (const convt::Error& e) {
    std::fprintf(stderr, "unexpected convt::Error: %s\n", e.what());
    return 1;
  }

  // Errors: convt::Error with the status and the library's message.
  try {
    convt::Layer bad(convt::Params(4, 4, 3).stride(2).output_padding(2), w.data());
    bad.output_shape({1, 4, 5, 5});
    expect(false, "output_padding 2 with stride 2 must throw");
  } catch (const convt::Error& e) {
    expect(e.status() == CONVT_ERROR_INVALID_ARGUMENT, "status INVALID_ARGUMENT");
    expect(std::string(e.what()).find("output padding must be smaller") != std::string::npos,
           std::string("message: ") + e.what());
  }
  // A moved-from layer owns nothing; the moved-to one works.
  convt::Layer a(seed_params(), w.data(), b.data());
  convt::Layer moved(std::move(a));
  expect(a.get() == nullptr && moved.get() != nullptr, "move transfers the handle");

  if (failures) return 1;
  std::printf("C++ example: all checks passed\n");
  return 0;
}
