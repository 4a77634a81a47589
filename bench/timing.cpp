#include "timing.hpp"

#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <exception>
#include <fstream>
#include <random>

namespace convt_bench {
namespace {

double process_cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// How many of this process's other threads are running or runnable (state R in
// /proc/self/task/*/stat); -1 where that cannot be read.
int other_threads_running() {
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return -1;
  const std::string self = std::to_string(static_cast<long>(syscall(SYS_gettid)));
  int running = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.' || self == e->d_name) continue;
    std::ifstream f(std::string("/proc/self/task/") + e->d_name + "/stat");
    std::string stat;
    std::getline(f, stat);
    const size_t paren = stat.rfind(')');  // the name may hold spaces and parentheses
    if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'R') ++running;
  }
  closedir(dir);
  return running;
}

}  // namespace

double median_of(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
}

// Idle: none of the other threads running on two checks 0.25 ms apart. Pools that spin
// after their work (OpenMP, OpenBLAS, pthreadpool, ONNX Runtime's for about 30 ms) would
// otherwise take a core from the engine timed next. (Not by the process's CPU time:
// CLOCK_PROCESS_CPUTIME_ID counts a thread running on another core only at scheduler ticks,
// so a 0.5 ms window of it saw a spinning pool as idle.) Without /proc: less than 10 % of a
// core busy over 5 ms.
double quiesce() {
  const auto start = std::chrono::steady_clock::now();
  const auto waited = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  if (other_threads_running() >= 0) {
    for (int quiet = 0; quiet < 2 && waited() < 500;) {
      quiet = other_threads_running() == 0 ? quiet + 1 : 0;
      std::this_thread::sleep_for(std::chrono::microseconds(250));
    }
    return waited();
  }
  while (waited() < 500) {
    const double c0 = process_cpu_ms();
    const auto w0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const double wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w0).count();
    if (process_cpu_ms() - c0 < 0.1 * wall) break;
  }
  return waited();
}

// After the wait for idle threads: the engine's own pool awake, and the cores back at
// speed. After a long wait (the GEMM floor's OpenBLAS pool spins for about 100 ms) one run
// was not enough: the next burst of convt ran slower than after a short wait, and with a
// few ms of runs as fast.
void warm_up(const std::function<void()>& run) {
  const auto start = std::chrono::steady_clock::now();
  do {
    run();
  } while (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() <
           kWarmUpMs);
}

// Each round runs every engine for a burst of kBurst timed runs back to back, after
// waiting until the other engines' threads are idle, and untimed runs (warm_up): each
// engine is timed as an application that calls it in a loop sees it, with its own pool
// awake and settled on the cores, and without another engine's spinning pool beside it.
// (Interleaving single runs instead makes every pool start cold each time, and pools woken
// onto a busy core lose the second core for the whole short run.)
double time_interleaved(std::vector<Slot>& slots, const Schedule& o, unsigned seed) {
  double quiesce_ms = 0;
  // A slot whose run throws drops out.
  auto guarded = [&](Slot& s, int64_t timed_runs) {
    if (!s.error.empty()) return;
    try {
      s.enter();
      if (timed_runs > 0 && o.quiesce) warm_up(s.run);
      for (int64_t i = 0; i < std::max<int64_t>(timed_runs, 1); ++i) {
        auto t0 = std::chrono::steady_clock::now();
        s.run();
        auto t1 = std::chrono::steady_clock::now();
        if (timed_runs > 0) s.ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
      s.leave();
    } catch (const std::exception& e) {
      s.error = e.what();
    }
  };
  for (Slot& s : slots)
    for (int64_t i = 0; i < o.warmup; ++i) guarded(s, 0);
  // Each round in its own order (seeded: the same every time): in a fixed rotation each
  // engine always followed the same one, and convt AUTO the GEMM floor, whose OpenBLAS
  // pool spins for about 100 ms before it sleeps (before the warm-up above, what ran
  // after the floor ran slower).
  std::vector<size_t> order(slots.size());
  for (size_t j = 0; j < order.size(); ++j) order[j] = j;
  std::mt19937 order_rng(seed);
  // Rounds until every engine has --runs timed runs adding up to --min-ms.
  const auto enough = [&] {
    for (const Slot& s : slots) {
      if (!s.error.empty()) continue;
      double sum = 0;
      for (const double ms : s.ms) sum += ms;
      if (static_cast<int64_t>(s.ms.size()) < o.runs || sum < static_cast<double>(o.min_ms)) return false;
    }
    return true;
  };
  for (int64_t done = 0, round = 0; round < kMaxRounds && !enough(); done += kBurst, ++round) {
    std::shuffle(order.begin(), order.end(), order_rng);
    for (const size_t j : order) {
      if (o.quiesce) quiesce_ms += quiesce();
      guarded(slots[j], done < o.runs ? std::min(kBurst, o.runs - done) : kBurst);
    }
  }
  return quiesce_ms;
}

}  // namespace convt_bench
