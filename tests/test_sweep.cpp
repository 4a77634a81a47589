// Exhaustive small sweep: every combination of small parameters through every algorithm,
// each element against the double-precision oracle. The H dimension walks the full product;
// the W dimension takes the same combination every fourth time and a different one (offset
// index) otherwise, so square and non-square layers come in without squaring the count.
#include <catch2/catch.hpp>

#include <cmath>
#include <iostream>

#include "support.hpp"

using test::Config;

namespace {

struct Dim {
  int64_t k, s, p, op, d, in;
};

std::vector<Dim> all_dims() {
  std::vector<Dim> v;
  for (int64_t k = 1; k <= 4; ++k)
    for (int64_t s = 1; s <= 3; ++s)
      for (int64_t p = 0; p <= 2; ++p)
        for (int64_t d = 1; d <= 3; ++d)
          for (int64_t op = 0; op < std::max(s, d); ++op)  // every legal output_padding
            for (int64_t in = 1; in <= 5; ++in) v.push_back({k, s, p, op, d, in});
  return v;
}

}  // namespace

TEST_CASE("exhaustive sweep of small parameters, every algorithm", "[sweep]") {
  const std::vector<Dim> dims = all_dims();
  int64_t configs = 0, runs = 0, skipped_too_small = 0;
  size_t bad_total = 0;
  const std::vector<int32_t> algorithms = test::all_algorithms();
  std::vector<int64_t> runs_per_algorithm(algorithms.size());
  const auto w_all = test::random_vector(3 * 3 * 16 * 4, 7);
  const auto x_all = test::random_vector(2 * 3 * 25 * 4, 8);
  const auto b_all = test::random_vector(9, 9);

  for (size_t i = 0; i < dims.size(); ++i) {
    const Dim& dh = dims[i];
    // Every fourth H combination is also used for W (square layers: 1x1 pointwise and the
    // like); the others pair with a different W combination.
    const Dim& dw = i % 4 == 0 ? dh : dims[(i * 7 + 13) % dims.size()];
    for (int64_t groups = 1; groups <= 3; ++groups)
      for (int64_t n = 1; n <= 2; ++n)
        for (int bias = 0; bias <= 1; ++bias) {
          Config c;
          c.n = n, c.groups = groups, c.cin = groups * (1 + (i % 2)), c.cout = groups * (1 + (i % 3 == 0));
          c.kh = dh.k, c.sh = dh.s, c.ph = dh.p, c.oph = dh.op, c.dh = dh.d, c.h = dh.in;
          c.kw = dw.k, c.sw = dw.s, c.pw = dw.p, c.opw = dw.op, c.dw = dw.d, c.w = dw.in;
          c.bias = bias == 1;
          if (c.out_h() < 1 || c.out_w() < 1) {
            ++skipped_too_small;
            continue;
          }
          ++configs;
          std::vector<float> x(x_all.begin(), x_all.begin() + c.input_elems());
          std::vector<float> w(w_all.begin(), w_all.begin() + c.weight_elems());
          const auto o = test::oracle(c, x, w, c.bias ? b_all.data() : nullptr, c.out_h(), c.out_w());
          for (size_t ai = 0; ai < algorithms.size(); ++ai) {
            const int32_t algo = algorithms[ai];
            const convt_params p = c.params(algo, 1);
            convt_handle* h = nullptr;
            const convt_status cs =
                convt_create(&p, w.data(), c.bias ? b_all.data() : nullptr, &h);
            if (test::not_applicable(cs)) continue;
            REQUIRE(cs == CONVT_OK);
            const int64_t in_shape[4] = {c.n, c.cin, c.h, c.w};
            std::vector<float> out(static_cast<size_t>(c.output_elems()), NAN);
            const convt_status st =
                convt_run(h, in_shape, x.data(), nullptr, out.data(), out.size(), nullptr, 0);
            convt_destroy(h);
            if (test::not_applicable(st)) continue;
            ++runs;
            ++runs_per_algorithm[ai];
            size_t bad = 0;
            for (size_t e = 0; e < out.size(); ++e)
              if (!(std::fabs(out[e] - o.value[e]) <= test::tolerance(o, e))) ++bad;
            if (st != CONVT_OK || bad) {
              bad_total += bad + (st != CONVT_OK);
              FAIL_CHECK(c.str() << " algorithm " << convt_algorithm_name(algo) << ": status "
                                 << st << ", " << bad << " wrong elements");
            }
          }
        }
  }
  std::cout << "sweep: " << configs << " configs, " << runs << " runs over "
            << algorithms.size() << " algorithms (" << skipped_too_small
            << " combinations skipped: output smaller than 1)\n";
  for (size_t ai = 0; ai < algorithms.size(); ++ai) {
    std::cout << "  " << convt_algorithm_name(algorithms[ai]) << ": " << runs_per_algorithm[ai]
              << " runs\n";
    CHECK(runs_per_algorithm[ai] >= 40);  // every algorithm really exercised
  }
  CHECK(bad_total == 0);
  CHECK(configs >= 10000);
}
