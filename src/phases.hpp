// Stride phases ("sub-pixel" view) of one spatial dimension of a transposed convolution.
//
// Output index o receives input index i through kernel tap t when o + padding = i*stride +
// t*dilation. Write o + padding = q*stride + r with 0 <= r < stride: then only the taps with
// t*dilation = r (mod stride) reach o, each from input i = q - offset, offset =
// (t*dilation - r) / stride >= 0. So the outputs of one residue r (one "phase") form an
// ordinary stride-1 correlation of the input with that phase's taps, written to every
// stride-th output. Lowerings that gather per phase never scatter-add.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "checked.hpp"

namespace convt_impl {

// Sub-pixel takes strides up to this per dimension and at most kMaxPhases phases in all:
// beyond, a layer has too many phases of too few taps for a gather per phase to pay (and
// their tables grow with the phases), and GEMM + col2im runs it. (A long 1-D stride, as an
// inverse STFT's 256, still pays.) Depthwise has a bound of its own.
constexpr int64_t kMaxPhaseStride = 1024;
constexpr int64_t kMaxPhases = 4096;
// The gathering lowerings border the input by the kernel's reach, dilation * (kernel - 1)
// per dimension: keep it sane (a larger reach runs on GEMM + col2im).
constexpr int64_t kMaxKernelExtent = 1 << 12;

struct Tap {
  int64_t k;       // kernel index
  int64_t offset;  // input index = q - offset
};

// The phases of one dimension do not depend on the padding: it only shifts which outputs
// each residue covers (q_begin, q_end), so phases set up at create serve every run, whose
// begin trim (RunShape::pad_begin) may follow from its output_size.
struct DimPhases {
  int64_t stride = 1;
  std::vector<std::vector<Tap>> taps;  // [residue r]: the taps of that phase

  // With `padding` zeros trimmed at the start, the outputs of residue r are
  // o = q*stride + r - padding for q in [q_begin, q_end).
  int64_t q_begin(int64_t r, int64_t padding) const {
    const int64_t lo = padding - r;  // o >= 0  <=>  q*stride >= padding - r
    return lo <= 0 ? 0 : ceil_div(lo, stride);
  }
  int64_t q_end(int64_t r, int64_t out, int64_t padding) const {
    const int64_t hi = out - 1 + padding - r;  // o <= out - 1
    return hi < 0 ? 0 : hi / stride + 1;
  }
};

inline DimPhases make_phases(int64_t kernel, int64_t stride, int64_t dilation) {
  DimPhases p;
  p.stride = stride;
  p.taps.resize(static_cast<size_t>(stride));
  for (int64_t t = 0; t < kernel; ++t) {
    const int64_t r = (t * dilation) % stride;
    p.taps[static_cast<size_t>(r)].push_back({t, (t * dilation - r) / stride});
  }
  return p;
}

}  // namespace convt_impl
