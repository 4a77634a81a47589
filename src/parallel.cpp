#include "parallel.hpp"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace convt_impl {

int hardware_threads() {
  // Asked once: glibc answers by reading a file under /sys each time, which took as long
  // as a small layer's whole run (plan() asks on every run).
  static const int count = [] {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(std::min(n, 256u));
  }();
  return count;
}

int default_threads() {
  static const int count = [] {
    const int hw = hardware_threads();
    const char* text = std::getenv("CONVT_NUM_THREADS");
    if (!text) return hw;
    // A whole decimal number >= 1, nothing else (no sign, no spaces): other values are
    // ignored, as CONVT_MAX_ISA's are.
    char* end = nullptr;
    errno = 0;
    const long n = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || n < 1 || !std::isdigit(
            static_cast<unsigned char>(text[0])))
      return hw;
    return static_cast<int>(std::min<long>(n, hw));
  }();
  return count;
}

int effective_threads(int32_t num_threads) {
  // More threads than the hardware has only adds switching: cap there.
  const int hw = hardware_threads();
  if (num_threads <= 0) return default_threads();
  return num_threads > hw ? hw : static_cast<int>(num_threads);
}

void configure_blas_once() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

namespace {

// One parallel_for call. Lives on the caller's stack; the caller waits until no worker
// still holds it (active == 0) before returning.
//
// Items are split statically, slot s owning the s-th contiguous range; a slot that runs out
// takes what is left of the others' ranges (from the front, one item at a time). The same
// slot then runs the same items on every call of a burst, so each core finds the part of
// the weights and output it touched last time in its own cache (with one shared counter
// each core pulled every weight and output line through its cache).
struct Job {
  struct alignas(64) Range {  // one cache line each: the counters are hot
    std::atomic<int64_t> next{0};
    int64_t end = 0;
  };

  ItemFn fn;
  int max_slots;
  // The slots' ranges: on the caller's stack for up to kLocalSlots threads (no heap
  // allocation per run), else on the heap.
  static constexpr int kLocalSlots = 4;
  Range local[kLocalSlots];
  std::unique_ptr<Range[]> heap;
  Range* ranges;
  int caller_cpu = -1;  // where the posting thread runs it (Linux), else -1
  int joined = 1;  // slot 0 is the caller; guarded by the pool mutex
  // Workers inside run(): changed under the pool mutex, read without it while the caller
  // spins for the last worker to finish.
  std::atomic<int> active{0};
  std::exception_ptr error;  // guarded by the pool mutex

  Job(ItemFn f, int64_t count, int slots)
      : fn(f),
        max_slots(slots),
        heap(slots > kLocalSlots ? new Range[static_cast<size_t>(slots)] : nullptr),
        ranges(heap ? heap.get() : local) {
    // Slot s: count / slots items, one more for the first count % slots slots.
    const int64_t base = count / slots, extra = count % slots;
    for (int s = 0; s < slots; ++s) {
      const int64_t begin = base * s + std::min<int64_t>(s, extra);
      ranges[s].next.store(begin, std::memory_order_relaxed);
      ranges[s].end = begin + base + (s < extra ? 1 : 0);
    }
  }

  void run(int slot, std::mutex& mu) {
    for (int i = 0; i < max_slots; ++i) {  // its own range first, then the others'
      Range& r = ranges[(slot + i) % max_slots];
      for (int64_t item; (item = r.next.fetch_add(1, std::memory_order_relaxed)) < r.end;) {
        try {
          fn(item, slot);
        } catch (...) {
          std::lock_guard<std::mutex> lock(mu);
          if (!error) error = std::current_exception();
          for (int s = 0; s < max_slots; ++s)  // stop handing out items
            ranges[s].next.store(ranges[s].end, std::memory_order_relaxed);
        }
      }
    }
  }
};

class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  void run(int64_t count, int threads, ItemFn fn) {
    Job job(fn, count, threads);
    job.caller_cpu = current_cpu();
    bool woke_sleeper = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (static_cast<int>(workers_.size()) < threads - 1)
        workers_.emplace_back([this] { worker_loop(); });
      queue_.push_back(&job);
      queued_.fetch_add(1, std::memory_order_release);
      woke_sleeper = sleeping_ > 0;
    }
    work_cv_.notify_all();
    // A worker woken from sleep is usually queued on this CPU (see leave_cpu), behind this
    // thread, which now computes without a pause: it got the CPU, to move itself off, only
    // when the scheduler next preempted the caller (whole bursts of runs after an idle
    // spell ran on one core). Yielding once lets it run and move now; where it was placed elsewhere (and no other thread waits
    // for this CPU) the yield returns at once. Only after the workers slept (200 us idle).
    if (woke_sleeper) yield_cpu();
    job.run(0, mu_);
    std::unique_lock<std::mutex> lock(mu_);
    auto it = std::find(queue_.begin(), queue_.end(), &job);
    if (it != queue_.end()) {  // no worker may join from now on
      queue_.erase(it);
      queued_.fetch_sub(1, std::memory_order_release);
    }
    if (job.active.load(std::memory_order_acquire) != 0) {
      // No worker can join now, so active only falls. Spin a little before sleeping: the
      // last worker usually finishes within one item, and a futex wake-up of the caller
      // costs tens of microseconds on a short run.
      lock.unlock();
      spin_while([&] { return job.active.load(std::memory_order_acquire) != 0; }, kCallerSpin);
      lock.lock();
      done_cv_.wait(lock, [&] { return job.active.load(std::memory_order_acquire) == 0; });
    }
    if (job.error) std::rethrow_exception(job.error);
  }

 private:
  // After its work a worker spins this long for the next job before it sleeps: a sleeping
  // worker is woken onto the core of the thread that posted the job (which is busy running
  // its own share), so back-to-back runs would lose the second core to scheduling.
  static constexpr auto kSpin = std::chrono::microseconds(200);
  static constexpr auto kCallerSpin = std::chrono::microseconds(100);

  // Spins while busy() holds, for at most `limit`.
  template <typename Busy>
  static void spin_while(Busy busy, std::chrono::microseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (busy()) {
      for (int i = 0; i < 16; ++i) cpu_relax();
      if (std::chrono::steady_clock::now() > until) return;
    }
  }

  void spin_for_work() {
    spin_while([&] { return queued_.load(std::memory_order_acquire) == 0; }, kSpin);
  }

  static int current_cpu() {
#if defined(__linux__)
    return sched_getcpu();
#else
    return -1;
#endif
  }

  // A sleeping worker woken by a posting thread is often placed on that thread's CPU (the
  // scheduler's wake-affine choice), where it only takes time from the caller's own share:
  // after the workers had slept, 2 threads ran a layer no faster than 1, for every run of
  // a burst, because the idle CPU pulled neither thread over in time.
  // Such a worker moves itself: affinity without that CPU (the kernel migrates it at once),
  // then its own mask back. Within the thread's own mask only: with one CPU allowed it stays.
  static void leave_cpu(int cpu) {
#if defined(__linux__)
    cpu_set_t own;
    if (cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof own, &own) != 0) return;
    if (!CPU_ISSET(cpu, &own) || CPU_COUNT(&own) < 2) return;
    cpu_set_t others = own;
    CPU_CLR(cpu, &others);
    if (sched_setaffinity(0, sizeof others, &others) == 0) sched_setaffinity(0, sizeof own, &own);
#else
    (void)cpu;
#endif
  }

  static void yield_cpu() {
#if defined(__linux__)
    sched_yield();
#endif
  }

  static void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  void worker_loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (queue_.empty() && !stop_) {
        lock.unlock();
        spin_for_work();
        lock.lock();
      }
      ++sleeping_;
      work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      --sleeping_;
      if (stop_) return;
      Job* job = queue_.front();
      const int slot = job->joined++;
      if (job->joined >= job->max_slots) pop_front();
      ++job->active;
      const int caller_cpu = job->caller_cpu;
      lock.unlock();
      if (caller_cpu >= 0 && current_cpu() == caller_cpu) leave_cpu(caller_cpu);
      job->run(slot, mu_);
      lock.lock();
      if (job->active.fetch_sub(1, std::memory_order_acq_rel) == 1) done_cv_.notify_all();
    }
  }

  void pop_front() {  // with mu_ held
    queue_.pop_front();
    queued_.fetch_sub(1, std::memory_order_release);
  }

  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Job*> queue_;
  std::atomic<int> queued_{0};  // queue_.size(), readable without the lock (for spinning)
  std::vector<std::thread> workers_;
  int sleeping_ = 0;  // workers blocked in work_cv_.wait; guarded by mu_
  bool stop_ = false;
};

Pool& pool() {
  static Pool instance;
  return instance;
}

}  // namespace

void parallel_for(int64_t count, int threads, ItemFn fn) {
  if (count <= 0) return;
  threads = static_cast<int>(std::min<int64_t>(std::max(threads, 1), count));
  if (threads == 1) {
    for (int64_t i = 0; i < count; ++i) fn(i, 0);
    return;
  }
  pool().run(count, threads, fn);
}

}  // namespace convt_impl
