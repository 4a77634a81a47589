// Threads: one handle run from several threads at once, and results that are bit-identical
// for every num_threads, at every rank.
#include <catch2/catch.hpp>

#include <thread>

#include "support.hpp"

using test::Config;

namespace {

Config layer() {
  Config c;
  c.n = 3, c.cin = 12, c.cout = 10, c.h = 13, c.w = 11, c.kh = 4, c.kw = 3, c.sh = 2, c.sw = 2;
  c.ph = 1, c.pw = 1, c.oph = 1, c.groups = 2;
  return c;
}

// A 2-D layer and a 1-D and a 3-D one with work enough to split (batch 3, many rows).
std::vector<Config> layers() {
  return {layer(), test::layer(3, 12, 10, 2, true, {{97, 4, 2, 1, 1, 1}}),
          test::layer(3, 12, 10, 2, true,
                      {{5, 3, 2, 1, 1, 1}, {7, 4, 2, 1, 0, 1}, {6, 3, 1, 1, 0, 1}})};
}

std::vector<float> run_once(convt_handle* h, const Config& c, const std::vector<float>& x) {
  const std::vector<int64_t> in_shape = c.input_shape();
  std::vector<float> out(static_cast<size_t>(c.output_elems()));
  REQUIRE(convt_run(h, in_shape.data(), x.data(), nullptr, out.data(), out.size(), nullptr, 0) ==
          CONVT_OK);
  return out;
}

}  // namespace

TEST_CASE("results are bit-identical for every num_threads", "[threads][quick]") {
  for (const Config& c : layers()) {
    INFO(c.str());
    const auto x = test::random_vector(c.input_elems(), 1);
    const auto w = test::random_vector(c.weight_elems(), 2);
    const auto b = test::random_vector(c.cout, 3);
    for (int32_t algo : test::all_algorithms()) {
      std::vector<float> first;
      for (int32_t threads : {1, 2, 3, 0, 64}) {
        INFO("algorithm " << algo << " threads " << threads);
        convt_params p = c.params(algo, threads);
        convt_handle* h = nullptr;
        const convt_status cs = convt_create(&p, w.data(), b.data(), &h);
        if (test::not_applicable(cs)) break;
        REQUIRE(cs == CONVT_OK);
        auto out = run_once(h, c, x);
        if (first.empty()) first = out;
        CHECK(out == first);
        convt_destroy(h);
      }
    }
  }
}

TEST_CASE("several threads run one handle at once", "[threads][quick]") {
  for (const Config& c : layers()) {
    INFO(c.str());
    const auto x = test::random_vector(c.input_elems(), 1);
    const auto w = test::random_vector(c.weight_elems(), 2);
    const auto b = test::random_vector(c.cout, 3);
    convt_params p = c.params(CONVT_ALGORITHM_AUTO, 2);
    convt_handle* h = nullptr;
    REQUIRE(convt_create(&p, w.data(), b.data(), &h) == CONVT_OK);
    const auto expected = run_once(h, c, x);
    constexpr int kThreads = 4, kRuns = 20;
    int mismatches[kThreads] = {};
    int failures[kThreads] = {};
    std::vector<std::thread> pool;
    for (int t = 0; t < kThreads; ++t)
      pool.emplace_back([&, t] {
        const std::vector<int64_t> in_shape = c.input_shape();
        std::vector<float> out(expected.size());
        for (int r = 0; r < kRuns; ++r) {
          if (convt_run(h, in_shape.data(), x.data(), nullptr, out.data(), out.size(), nullptr,
                        0) != CONVT_OK)
            ++failures[t];
          else if (out != expected)
            ++mismatches[t];
        }
      });
    for (auto& t : pool) t.join();
    for (int t = 0; t < kThreads; ++t) {
      CHECK(failures[t] == 0);
      CHECK(mismatches[t] == 0);
    }
    convt_destroy(h);
  }
}

TEST_CASE("many handles created, run and destroyed at once", "[threads][quick]") {
  for (const Config& c : layers()) {
    INFO(c.str());
    const auto x = test::random_vector(c.input_elems(), 1);
    const auto w = test::random_vector(c.weight_elems(), 2);
    const auto b = test::random_vector(c.cout, 3);
    std::vector<float> expected[2];  // AUTO, GEMM_COL2IM
    for (int k = 0; k < 2; ++k) {
      convt_params p = c.params(k ? CONVT_ALGORITHM_GEMM_COL2IM : CONVT_ALGORITHM_AUTO, 1);
      convt_handle* h = nullptr;
      REQUIRE(convt_create(&p, w.data(), b.data(), &h) == CONVT_OK);
      expected[k] = run_once(h, c, x);
      convt_destroy(h);
    }
    constexpr int kThreads = 6, kHandles = 25;
    int problems[kThreads] = {};
    std::vector<std::thread> pool;
    for (int t = 0; t < kThreads; ++t)
      pool.emplace_back([&, t] {
        const std::vector<int64_t> in_shape = c.input_shape();
        std::vector<float> out(expected[0].size());
        for (int i = 0; i < kHandles; ++i) {
          // Every thread count and both fast algorithms: all must give the same bits.
          convt_params p =
              c.params(i % 2 ? CONVT_ALGORITHM_GEMM_COL2IM : CONVT_ALGORITHM_AUTO, (t + i) % 3);
          convt_handle* h = nullptr;
          if (convt_create(&p, w.data(), b.data(), &h) != CONVT_OK) {
            ++problems[t];
            continue;
          }
          if (convt_run(h, in_shape.data(), x.data(), nullptr, out.data(), out.size(), nullptr,
                        0) != CONVT_OK ||
              out != expected[i % 2])
            ++problems[t];
          convt_destroy(h);
        }
      });
    for (auto& t : pool) t.join();
    for (int t = 0; t < kThreads; ++t) CHECK(problems[t] == 0);
  }
}
