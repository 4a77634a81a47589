// Exhaustive small sweeps: combinations of small parameters through every algorithm, each
// element against the double-precision oracle. One dimension walks every combination of
// kernel, stride, padding, dilation, output_padding and input size; in 2-D the W dimension
// takes the same combination every fourth time and a different one (offset index)
// otherwise, so square and non-square layers come in without squaring the count; 3-D pairs
// D and W with the walked H the same way, over a sample of the channel settings.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>

#include "support.hpp"

using test::Axis;
using test::Config;

namespace {

std::vector<Axis> all_axes() {
  std::vector<Axis> v;
  for (int64_t k = 1; k <= 4; ++k)
    for (int64_t s = 1; s <= 3; ++s)
      for (int64_t p = 0; p <= 2; ++p)
        for (int64_t d = 1; d <= 3; ++d)
          for (int64_t op = 0; op < std::max(s, d); ++op)  // every legal output_padding
            for (int64_t in = 1; in <= 5; ++in) v.push_back({in, k, s, p, op, d});
  return v;
}

// Runs every layer through every algorithm (one thread) against the oracle and reports the
// counts. An algorithm that refuses every layer of the rank (not_applicable at create) is
// reported as not running it; one that runs some must run at least min_runs.
struct Sweep {
  std::vector<int32_t> algorithms = test::all_algorithms();
  std::vector<int64_t> runs_per_algorithm = std::vector<int64_t>(algorithms.size());
  std::vector<int64_t> created_per_algorithm = std::vector<int64_t>(algorithms.size());
  int64_t configs = 0, runs = 0, skipped_too_small = 0;
  size_t bad_total = 0;
  double worst = 0;
  std::vector<float> w_all = test::random_vector(3 * 3 * 64 * 6, 7);
  std::vector<float> x_all = test::random_vector(2 * 3 * 125 * 4, 8);
  std::vector<float> b_all = test::random_vector(9, 9);

  void check(const Config& c) {
    for (int i = 0; i < c.rank; ++i)
      if (c.axis(i).out() < 1) {
        ++skipped_too_small;
        return;
      }
    ++configs;
    const std::vector<float> x(x_all.begin(), x_all.begin() + c.input_elems());
    const std::vector<float> w(w_all.begin(), w_all.begin() + c.weight_elems());
    const float* bias = c.bias ? b_all.data() : nullptr;
    const auto o = test::oracle(c, x, w, bias, c.out_sizes());
    const std::vector<int64_t> in_shape = c.input_shape();
    for (size_t ai = 0; ai < algorithms.size(); ++ai) {
      const int32_t algo = algorithms[ai];
      const convt_params p = c.params(algo, 1);
      convt_handle* h = nullptr;
      const convt_status cs = convt_create(&p, w.data(), bias, &h);
      if (test::not_applicable(cs)) continue;
      REQUIRE(cs == CONVT_OK);
      ++created_per_algorithm[ai];
      std::vector<float> out(static_cast<size_t>(c.output_elems()), NAN);
      const convt_status st =
          convt_run(h, in_shape.data(), x.data(), nullptr, out.data(), out.size(), nullptr, 0);
      convt_destroy(h);
      if (test::not_applicable(st)) continue;
      ++runs;
      ++runs_per_algorithm[ai];
      size_t bad = 0;
      for (size_t e = 0; e < out.size(); ++e)
        if (!(std::fabs(out[e] - o.value[e]) <= test::tolerance(o, e))) ++bad;
      if (st == CONVT_OK) worst = std::max(worst, test::worst_ratio(out, o));
      if (st != CONVT_OK || bad) {
        bad_total += bad + (st != CONVT_OK);
        FAIL_CHECK(c.str() << " algorithm " << convt_algorithm_name(algo) << ": status " << st
                           << " (" << convt_last_error() << "), " << bad << " wrong elements");
      }
    }
  }

  void report(int rank, int64_t min_runs) {
    std::cout << rank << "-D sweep: " << configs << " configs, " << runs << " runs over "
              << algorithms.size() << " algorithms (" << skipped_too_small
              << " combinations skipped: output smaller than 1), largest error " << worst
              << " of the bound\n";
    for (size_t ai = 0; ai < algorithms.size(); ++ai) {
      const std::string name = convt_algorithm_name(algorithms[ai]);
      INFO(rank << "-D, " << name);
      if (created_per_algorithm[ai] == 0) {
        std::cout << "  " << name << ": cannot run " << rank << "-D layers\n";
        continue;
      }
      std::cout << "  " << name << ": " << runs_per_algorithm[ai] << " runs\n";
      CHECK(runs_per_algorithm[ai] >= min_runs);  // every algorithm really exercised
    }
    CHECK(bad_total == 0);
  }
};

}  // namespace

TEST_CASE("exhaustive sweep of small 1-D parameters, every algorithm", "[sweep]") {
  const std::vector<Axis> axes = all_axes();
  Sweep sweep;
  for (size_t i = 0; i < axes.size(); ++i)
    for (int64_t groups = 1; groups <= 3; ++groups)
      for (int64_t per_group = 1; per_group <= 2; ++per_group)
        for (int64_t n = 1; n <= 2; ++n)
          for (int bias = 0; bias <= 1; ++bias) {
            // Output channels per group 1..2 as well, crossed with the input's by i.
            const int64_t out_per_group = 1 + (i + per_group) % 2;
            sweep.check(test::layer(n, groups * per_group, groups * out_per_group, groups,
                                    bias == 1, {axes[i]}));
          }
  sweep.report(1, 40);
  CHECK(sweep.configs >= 25000);
}

TEST_CASE("exhaustive sweep of small 2-D parameters, every algorithm", "[sweep]") {
  const std::vector<Axis> axes = all_axes();
  Sweep sweep;
  for (size_t i = 0; i < axes.size(); ++i) {
    // Every fourth H combination is also used for W (square layers: 1x1 pointwise and the
    // like); the others pair with a different W combination.
    const Axis& ah = axes[i];
    const Axis& aw = i % 4 == 0 ? ah : axes[(i * 7 + 13) % axes.size()];
    for (int64_t groups = 1; groups <= 3; ++groups)
      for (int64_t n = 1; n <= 2; ++n)
        for (int bias = 0; bias <= 1; ++bias)
          sweep.check(test::layer(n, groups * (1 + (i % 2)), groups * (1 + (i % 3 == 0)), groups,
                                  bias == 1, {ah, aw}));
  }
  sweep.report(2, 40);
  CHECK(sweep.configs >= 10000);
}

TEST_CASE("sampled sweep of small 3-D parameters, every algorithm", "[sweep]") {
  const std::vector<Axis> axes = all_axes();
  Sweep sweep;
  for (size_t i = 0; i < axes.size(); ++i) {
    // Every fourth H combination is a cube (the same in D, H and W: 1x1x1 pointwise and the
    // like) and takes every group count; the others pair with two other combinations and
    // one channel setting, which i walks through.
    const Axis& ah = axes[i];
    const bool cube = i % 4 == 0;
    const Axis& ad = cube ? ah : axes[(i * 11 + 29) % axes.size()];
    const Axis& aw = cube ? ah : axes[(i * 7 + 13) % axes.size()];
    const int64_t n = 1 + static_cast<int64_t>(i / 3 % 2);
    const bool bias = i / 6 % 2 == 1;
    for (int64_t groups = 1; groups <= 3; ++groups) {
      if (!cube && groups != 1 + static_cast<int64_t>(i % 3)) continue;
      sweep.check(test::layer(n, groups * (1 + (i / 2 % 2)), groups * (1 + (i % 5 == 0)), groups,
                              bias, {ad, ah, aw}));
    }
  }
  sweep.report(3, 10);
  CHECK(sweep.configs >= 1500);
}
