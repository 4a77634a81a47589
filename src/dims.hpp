// Spatial dimensions. Every internal shape has kMaxRank of them, in the order (D, H, W);
// a layer of rank r < kMaxRank fills the leading kMaxRank - r with the identity (size 1,
// kernel 1, stride 1, padding 0, output_padding 0, dilation 1), so that one code path runs
// every rank and a 1-D layer is a 2-D one of height 1. Only the messages and the C layer
// know which dimensions the caller gave.
#pragma once

#include <array>
#include <cstdint>

namespace convt_impl {

constexpr int kMaxRank = 3;
constexpr int kD = 0, kH = 1, kW = 2;  // the internal index of each dimension

using Dims = std::array<int64_t, kMaxRank>;

// The product of the three entries (callers have checked it for overflow once).
inline int64_t volume(const Dims& d) { return d[kD] * d[kH] * d[kW]; }

// The internal index of the caller's spatial dimension i of a layer of `rank` dimensions.
constexpr int internal_dim(int rank, int i) { return kMaxRank - rank + i; }

}  // namespace convt_impl
