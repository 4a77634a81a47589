// Each level's activations (src/kernels/activation.hpp, through the level's bias_activate),
// below the API, against their definitions in double: on a dense grid where they curve, on
// random values over many magnitudes, at every edge of their pieces, and on the special
// values (signed zeros, infinities, NaN). The error is counted in units in the last place
// of the float result (an absolute 1e-37 where it is tiny: results that underflow).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "../src/isa.hpp"
#include "../src/kernels/levels.hpp"
#include "isa_check.hpp"
#include "support.hpp"

namespace {

using convt_impl::Activation;
using convt_impl::Isa;

std::vector<Isa> levels_here() {
  const int library = static_cast<int>(convt_impl::cpu_best_isa());
  const int cpuinfo = test::isa_rank(test::cpu_level_from_cpuinfo().best);
  std::vector<Isa> levels;
  for (int i = 0; i <= std::min(library, cpuinfo); ++i) levels.push_back(static_cast<Isa>(i));
  return levels;
}

std::vector<float> inputs() {
  std::vector<float> v;
  for (int i = -30 * 64; i <= 30 * 64; ++i) v.push_back(static_cast<float>(i) / 64.0f);
  std::mt19937 gen(5);
  std::uniform_real_distribution<float> exponent(-40.0f, 7.0f);
  for (int i = 0; i < 4000; ++i) {
    const float m = std::pow(2.0f, exponent(gen));
    v.push_back(i % 2 ? m : -m);
  }
  const float edges[] = {0.0f, -0.0f, 0.35f, -0.35f, 0.3499f, -0.3501f, 9.0f, -9.0f, 8.99f,
                         -9.01f, 10.0f, -10.0f, 87.3f, -87.3f, 88.0f, -88.0f, 88.5f, -90.0f,
                         1e-30f, -1e-30f, FLT_MIN, -FLT_MIN, 1e-40f, -1e-40f, 1e30f, -1e30f,
                         FLT_MAX, -FLT_MAX, INFINITY, -INFINITY};
  v.insert(v.end(), std::begin(edges), std::end(edges));
  return v;
}

// |got - want| in units in the last place of want (as a float).
double ulps(float got, double want) {
  if (std::isnan(want)) return std::isnan(got) ? 0 : INFINITY;
  // A result beyond the float range is the infinity of its sign.
  if (std::isinf(static_cast<float>(want))) return got == static_cast<float>(want) ? 0 : INFINITY;
  const double err = std::fabs(static_cast<double>(got) - want);
  if (err <= 1e-37) return 0;
  const double scale = std::max(std::fabs(want), static_cast<double>(FLT_MIN));
  return err / (scale * FLT_EPSILON);
}

}  // namespace

TEST_CASE("activations match their definitions to a few ulps at every level",
          "[quick][kernels][activation]") {
  struct Kind {
    Activation a;
    double bound;  // ulps
  };
  const Kind kinds[] = {
      {{CONVT_ACTIVATION_RELU, 0, 0}, 0},
      {{CONVT_ACTIVATION_LEAKY_RELU, 0.01f, 0}, 0.5},
      {{CONVT_ACTIVATION_LEAKY_RELU, -3.0f, 0}, 0.5},
      {{CONVT_ACTIVATION_CLAMP, -0.5f, 2.0f}, 0},
      {{CONVT_ACTIVATION_CLAMP, -INFINITY, 0.0f}, 0},
      {{CONVT_ACTIVATION_TANH, 0, 0}, 4},  // 2.3 seen
      {{CONVT_ACTIVATION_SIGMOID, 0, 0}, 3},  // 1.0
      {{CONVT_ACTIVATION_ELU, 1.0f, 0}, 3},  // 0.9
      {{CONVT_ACTIVATION_ELU, 0.25f, 0}, 3},
      {{CONVT_ACTIVATION_GELU, 0, 0}, 5},  // 3.5
  };
  std::vector<float> x = inputs();
  x.push_back(std::numeric_limits<float>::quiet_NaN());
  for (const Isa isa : levels_here()) {
    const convt_impl::KernelLevel& level = convt_impl::kernels_at(isa);
    for (const Kind& k : kinds) {
      for (const float bias : {0.0f, 0.75f}) {
        INFO("level " << convt_impl::isa_name(isa) << ", activation " << k.a.kind << " ("
                      << k.a.alpha << ", " << k.a.beta << "), bias " << bias);
        // Every offset in the buffer: the vector body and the scalar tail both.
        std::vector<float> got(x.size());
        level.bias_activate(got.data(), x.data(), static_cast<int64_t>(x.size()), bias, k.a);
        double worst = 0;
        float worst_at = 0;
        for (size_t i = 0; i < x.size(); ++i) {
          const float y = x[i] + bias;
          const double want = test::activate(k.a.kind, y, k.a.alpha, k.a.beta);
          const double e = ulps(got[i], want);
          if (!(e <= worst)) worst = e, worst_at = y;
        }
        INFO("largest error " << worst << " ulps at " << worst_at);
        CHECK(worst <= k.bound);
        if (bias == 0.0f)
          std::cout << "activation " << k.a.kind << " (" << k.a.alpha << ") at "
                    << convt_impl::isa_name(isa) << ": " << worst << " ulps at " << worst_at
                    << "\n";
      }
    }
  }
  // In place, a length that is no whole number of vectors.
  const convt_impl::KernelLevel& level = convt_impl::kernels();
  std::vector<float> v = {-2, -1, 0, 1, 2};
  const Activation relu{CONVT_ACTIVATION_RELU, 0, 0};
  level.bias_activate(v.data(), v.data(), 5, 0.5f, relu);
  CHECK(v == std::vector<float>{0, 0, 0.5f, 1.5f, 2.5f});
}
