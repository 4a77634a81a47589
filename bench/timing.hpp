// How convt-bench times: medians of wall-clock times (std::chrono::steady_clock), the
// default mode's plain loop, and --peers' interleaved rounds: per engine a burst of
// back-to-back runs after the process's other threads are idle and a short untimed warm-up,
// each round in its own seeded order, until every engine has enough runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace convt_bench {

// The median (NaN for no values).
double median_of(std::vector<double> v);

// Waits (up to ~0.5 s) until the process's other threads are idle; returns the ms waited.
double quiesce();

// Untimed runs of `run` until kWarmUpMs have passed (at least one).
constexpr double kWarmUpMs = 5.0;
void warm_up(const std::function<void()>& run);

// The default mode's loop: `warmup` untimed runs, then `runs` timed ones, one by one (each
// after idle_ms of sleep when idle_ms > 0); returns their ms.
template <class Run>
std::vector<double> time_each(Run&& run, int64_t warmup, int64_t runs, int64_t idle_ms) {
  for (int64_t i = 0; i < warmup; ++i) run();
  std::vector<double> ms(static_cast<size_t>(runs));
  for (double& v : ms) {
    if (idle_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(idle_ms));
    auto t0 = std::chrono::steady_clock::now();
    run();
    v = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
  return ms;
}

// A slot in the interleaved loop: one engine ready to run on the current layer. enter() and
// leave() run untimed right before and after each burst; run() is the timed call. An
// exception from any of them ends the slot's timing, with its message in `error`.
struct Slot {
  Slot(int column_, std::function<void()> enter_, std::function<void()> run_, std::function<void()> leave_)
      : column(column_), enter(std::move(enter_)), run(std::move(run_)), leave(std::move(leave_)) {}
  int column = -1;  // -1: convt AUTO
  std::function<void()> enter, run, leave;
  std::vector<double> ms;
  std::string error;
};

struct Schedule {
  int64_t warmup = 3;    // untimed runs of each slot before the rounds
  int64_t runs = 20;     // at least this many timed runs per slot ...
  int64_t min_ms = 100;  // ... adding up to at least this many ms (at most kMaxRounds rounds)
  bool quiesce = true;   // before each burst: wait for idle threads, then warm_up
};

constexpr int64_t kBurst = 5;       // timed runs per slot and round
constexpr int64_t kMaxRounds = 60;

// Times every slot in interleaved rounds (round order seeded by `seed`); fills each slot's
// ms (or error). Returns the ms spent waiting for idle threads.
double time_interleaved(std::vector<Slot>& slots, const Schedule& schedule, unsigned seed);

}  // namespace convt_bench
