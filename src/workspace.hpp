// Scratch memory for runs: the caller's workspace aligned to the run's needs, or the calling
// thread's own buffer when the caller passes none.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>

namespace convt_impl {

// A run's scratch of at least `bytes`: the caller's `workspace` (which must hold them,
// plus the alignment slack the plan counts) from its first 64-byte boundary, or, with none,
// the calling thread's kept buffer; buffers too large to keep are allocated for this run
// and owned by `owned`. Throws CONVT_ERROR_OUT_OF_MEMORY when they cannot be had.
void* run_scratch(void* workspace, size_t bytes,
                  std::unique_ptr<void, decltype(&std::free)>& owned);

}  // namespace convt_impl
