#include "workspace.hpp"

#include <cstdint>

#include "error.hpp"

namespace convt_impl {
namespace {

// Scratch for runs without a caller workspace: one buffer per calling thread, kept for its
// next run and freed when the thread exits. A fresh allocation per run costs page faults
// that can take longer than a small layer's whole run. Buffers above kMaxKept are not kept.
constexpr size_t kMaxKept = size_t(64) << 20;
constexpr uintptr_t kAlign = 64;

struct ThreadScratch {
  void* data = nullptr;
  size_t bytes = 0;
  ~ThreadScratch() { std::free(data); }
};
thread_local ThreadScratch t_scratch;

// A 64-byte aligned buffer of at least `bytes` (free it with std::free); throws
// CONVT_ERROR_OUT_OF_MEMORY when it cannot be had.
void* allocate(size_t bytes, size_t* rounded) {
  *rounded = (bytes + kAlign - 1) / kAlign * kAlign;
  void* p = std::aligned_alloc(kAlign, *rounded);
  if (!p) fail(CONVT_ERROR_OUT_OF_MEMORY, "cannot allocate a workspace of ", *rounded, " bytes");
  return p;
}

// The calling thread's scratch of at least `bytes`; nullptr if it is not to be kept. Throws
// CONVT_ERROR_OUT_OF_MEMORY when it cannot be had (the old buffer is released first).
void* thread_scratch(size_t bytes) {
  if (bytes > kMaxKept) return nullptr;
  if (t_scratch.bytes < bytes) {
    std::free(t_scratch.data);
    t_scratch.data = nullptr;
    t_scratch.bytes = 0;
    size_t rounded;
    t_scratch.data = allocate(bytes, &rounded);
    t_scratch.bytes = rounded;
  }
  return t_scratch.data;
}

}  // namespace

void* run_scratch(void* workspace, size_t bytes,
                  std::unique_ptr<void, decltype(&std::free)>& owned) {
  if (bytes == 0) return nullptr;
  if (!workspace) {
    workspace = thread_scratch(bytes);
    if (!workspace) {  // too large to keep: this run's own
      size_t rounded;
      owned.reset(allocate(bytes, &rounded));
      workspace = owned.get();
    }
  }
  // The scratch starts at the workspace's first 64-byte boundary (the plan's size counts
  // the slack): each thread's part then starts a cache line, whatever the caller's
  // allocator gave (a std::vector's 16-byte alignment slowed some layers by several %).
  const uintptr_t at = reinterpret_cast<uintptr_t>(workspace);
  return static_cast<unsigned char*>(workspace) + ((kAlign - at % kAlign) % kAlign);
}

}  // namespace convt_impl
