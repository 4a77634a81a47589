// The thread pool itself (src/parallel.cpp), below the API: more threads than this
// machine has (the API caps num_threads at the hardware's count, so a 2-core CI machine
// never asks for more), every item run exactly once, slots in range and never shared at
// once, the first exception rethrown, and several callers at a time.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "../src/parallel.hpp"

namespace {

void check_every_item_once(int64_t count, int threads) {
  std::unique_ptr<std::atomic<int>[]> runs(new std::atomic<int>[static_cast<size_t>(count)]);
  std::unique_ptr<std::atomic<int>[]> busy(new std::atomic<int>[static_cast<size_t>(threads)]);
  for (int64_t i = 0; i < count; ++i) runs[i] = 0;
  for (int s = 0; s < threads; ++s) busy[s] = 0;
  std::atomic<int> bad_slot{0}, shared_slot{0};
  convt::parallel_for(count, threads, [&](int64_t item, int slot) {
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
    CHECK_THROWS_AS(convt::parallel_for(100, threads,
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
        convt::parallel_for(37, 1 + (c + rep) % 6, [&](int64_t item, int) { total += item; });
    });
  for (auto& t : callers) t.join();
  CHECK(total == 4 * 50 * (36 * 37 / 2));
}
