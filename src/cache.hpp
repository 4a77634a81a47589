// The cache sizes convt's tiling rules are built on, in one place. The CPUs measured have
// 1-2 MB of L2 per core (Zen 4 and Zen 5: 1 MB, 8 and 16 ways; Sapphire Rapids: 2 MB) and
// a shared L3; docs/performance.md has the measurements behind each budget.
#pragma once

#include <cstdint>

namespace convt_impl {

// Scratch one work item fills and reads back before it leaves the core's L2 (a column
// tile, a sub-pixel item's im2col and C, a bordered slab of the input).
constexpr int64_t kItemScratchBytes = 2 << 20;
// Weights a work item reads beyond this come from L3 for every item (half of a 1 MB L2).
constexpr int64_t kStreamedWeightBytes = 512 << 10;
// The slice of B the GEMM kernel keeps in L2 while every panel of A passes over it.
constexpr int64_t kGemmBlockBytes = 256 << 10;
// L2 geometry for the rule on rows that crowd into few cache sets: addresses a way's span
// apart share a set; past half the ways the rows evict each other.
constexpr int64_t kL2WaySpan = 64 << 10;
constexpr int64_t kL2UsableWays = 8;

}  // namespace convt_impl
