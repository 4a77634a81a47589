// Threading: one process-wide pool of worker threads shared by all handles, and the one
// decision convt makes about OpenBLAS's own threads.
//
// Scheme: convt splits a run into independent work items (batch x group x channel block)
// and runs them on its own pool; every sgemm call is single-threaded. OpenBLAS's thread
// count is process-wide, so convt sets it to 1 once, when the first handle is created
// (configure_blas_once), and never touches it again. Work items write disjoint parts of
// the output, and each output element is the same sum in the same order however the
// items are split, so results are bit-identical for every num_threads.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

namespace convt_impl {

// Hardware threads, at least 1 (counted once per process).
int hardware_threads();

// What num_threads = 0 stands for: CONVT_NUM_THREADS (a whole number >= 1, capped at
// hardware_threads(); read once per process) when it is set to one, else
// hardware_threads().
int default_threads();

// The thread count a handle's num_threads stands for: 0 means default_threads(), values
// above the hardware's count mean hardware_threads().
int effective_threads(int32_t num_threads);

// Sets OpenBLAS to one thread, once per process. Thread-safe.
void configure_blas_once();

// A non-owning reference to a callable fn(int64_t item, int slot), for parallel_for: two
// pointers, no allocation (a std::function of a lambda capturing more than two references
// allocated on every run). The callable must outlive the call it is passed to.
class ItemFn {
 public:
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, ItemFn>>>
  ItemFn(F&& f)  // NOLINT(google-explicit-constructor): lambdas convert implicitly
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* o, int64_t item, int slot) {
          (*static_cast<std::remove_reference_t<F>*>(o))(item, slot);
        }) {}
  void operator()(int64_t item, int slot) const { call_(object_, item, slot); }

 private:
  void* object_;
  void (*call_)(void*, int64_t, int);
};

// Calls fn(item, slot) for every item in [0, count) on at most `threads` threads: the
// calling thread and up to threads-1 pool workers. Each thread runs a contiguous range of
// the items first (then helps with what others have left), so items that are neighbours
// in the order should write neighbouring memory. `slot` in [0, threads) identifies the
// thread within this call (for per-thread scratch): no two threads share a slot at once.
// Several callers may run parallel_for at the same time. Rethrows the first exception
// thrown by fn (after all items have finished).
void parallel_for(int64_t count, int threads, ItemFn fn);

}  // namespace convt_impl
