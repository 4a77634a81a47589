// Channels-last tensors (CONVT_LAYOUT_CHANNELS_LAST) around a lowering that computes channels
// first: the input transposed into the workspace before the run, the output transposed out
// of it after. Lowerings that read or write channels last themselves
// (Lowering::reads_channels_last, writes_channels_last) skip these passes.
#pragma once

#include <cstdint>

namespace convt_impl {

// (N, P, C) -> (N, C, P): `batch` items of `pixels` x `channels` floats, on up to `threads`
// threads. src and dst must not overlap.
void channels_last_to_first(const float* src, int64_t batch, int64_t pixels, int64_t channels,
                            float* dst, int threads);
// (N, C, P) -> (N, P, C).
void channels_first_to_last(const float* src, int64_t batch, int64_t channels, int64_t pixels,
                            float* dst, int threads);

}  // namespace convt_impl
