// The thread pool itself (src/parallel.cpp), below the API: more threads than this
// machine has (the API caps num_threads at the hardware's count, so a 2-core CI machine
// never asks for more), every item run exactly once, slots in range and never shared at
// once, the first exception rethrown, and several callers at a time.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../src/parallel.hpp"
#include "convt/convt.h"

namespace {

void check_every_item_once(int64_t count, int threads) {
  std::unique_ptr<std::atomic<int>[]> runs(new std::atomic<int>[static_cast<size_t>(count)]);
  std::unique_ptr<std::atomic<int>[]> busy(new std::atomic<int>[static_cast<size_t>(threads)]);
  for (int64_t i = 0; i < count; ++i) runs[i] = 0;
  for (int s = 0; s < threads; ++s) busy[s] = 0;
  std::atomic<int> bad_slot{0}, shared_slot{0};
  convt_impl::parallel_for(count, threads, [&](int64_t item, int slot) {
    if (slot < 0 || slot >= threads) {
      ++bad_slot;
      return;
    }
    if (busy[slot].fetch_add(1) != 0) ++shared_slot;
    runs[item].fetch_add(1);
    busy[slot].fetch_sub(1);
  });
  CHECK(bad_slot == 0);
  CHECK(shared_slot == 0);
  int64_t wrong = 0;
  for (int64_t i = 0; i < count; ++i) wrong += runs[i] != 1;
  CHECK(wrong == 0);
}

}  // namespace

TEST_CASE("parallel_for runs every item once on any thread count", "[quick][threads]") {
  // 5 and 8 threads: more slots than the 4 kept on the caller's stack (the heap path).
  for (const int threads : {1, 2, 3, 4, 5, 8})
    for (const int64_t count : {1, 2, 7, 64, 1000}) {
      INFO("threads " << threads << ", items " << count);
      check_every_item_once(count, threads);
    }
}

TEST_CASE("parallel_for rethrows the first exception after all items", "[quick][threads]") {
  for (const int threads : {2, 6}) {
    std::atomic<int> ran{0};
    CHECK_THROWS_AS(convt_impl::parallel_for(100, threads,
                                        [&](int64_t item, int) {
                                          ++ran;
                                          if (item == 10) throw std::runtime_error("item 10");
                                        }),
                    std::runtime_error);
    CHECK(ran >= 1);
    CHECK(ran <= 100);
  }
}

TEST_CASE("parallel_for from several callers at once", "[threads]") {
  std::vector<std::thread> callers;
  std::atomic<int64_t> total{0};
  for (int c = 0; c < 4; ++c)
    callers.emplace_back([&, c] {
      for (int rep = 0; rep < 50; ++rep)
        convt_impl::parallel_for(37, 1 + (c + rep) % 6, [&](int64_t item, int) { total += item; });
    });
  for (auto& t : callers) t.join();
  CHECK(total == 4 * 50 * (36 * 37 / 2));
}

// Hidden ("[.]"): run by the ctest entries num_threads_env_* (tests/CMakeLists.txt), each
// with its own CONVT_NUM_THREADS (read once per process).
TEST_CASE("CONVT_NUM_THREADS sets what num_threads 0 means", "[.][threads_env]") {
  const char* env = std::getenv("CONVT_NUM_THREADS");
  const int hw = convt_impl::hardware_threads();
  // What the header documents: a whole number >= 1, capped at the hardware's threads;
  // anything else (unset, 0, negative, text, trailing characters) is ignored.
  int expected = hw;
  if (env) {
    const std::string s = env;
    const bool digits = !s.empty() && s.size() < 9 &&
                        s.find_first_not_of("0123456789") == std::string::npos;
    if (digits && std::stoi(s) >= 1) expected = std::min(std::stoi(s), hw);
  }
  INFO("CONVT_NUM_THREADS=" << (env ? env : "(unset)") << ", hardware threads " << hw);
  CHECK(convt_impl::default_threads() == expected);
  CHECK(convt_impl::effective_threads(0) == expected);
  CHECK(convt_impl::effective_threads(1) == 1);            // explicit counts are not affected
  CHECK(convt_impl::effective_threads(hw + 5) == hw);
  // Through the API: a layer whose workspace is per thread (GEMM + col2im: a column buffer
  // each) reports for num_threads 0 what it reports for the expected count.
  auto workspace = [](int32_t threads) {
    convt_params p;
    convt_params_init(&p, sizeof p);
    p.in_channels = 8;
    p.out_channels = 8;
    p.kernel_size[0] = p.kernel_size[1] = 3;
    p.stride[0] = p.stride[1] = 2;
    p.algorithm = CONVT_ALGORITHM_GEMM_COL2IM;
    p.num_threads = threads;
    std::vector<float> w(8 * 8 * 9, 0.25f);
    convt_handle* h = nullptr;
    REQUIRE(convt_create(&p, w.data(), nullptr, &h) == CONVT_OK);
    const int64_t in[4] = {4, 8, 16, 16};
    size_t bytes = 0;
    REQUIRE(convt_workspace_size(h, in, nullptr, &bytes) == CONVT_OK);
    convt_destroy(h);
    return bytes;
  };
  CHECK(workspace(0) == workspace(expected));
  if (expected != hw) CHECK(workspace(0) != workspace(hw));
}
