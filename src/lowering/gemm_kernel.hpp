// convt's own small-GEMM kernel for the sub-pixel lowering: C = A x B, with A (the layer's
// weights) packed once at create and B (an im2col, or the input itself) read in place.
// Register-blocked 8 x 32, compiled for AVX-512, AVX2+FMA and the baseline, chosen at load
// time; no packing of B and no per-call set-up, which is what OpenBLAS spends most of its
// time on for the thin GEMMs these layers make (M 32-256, K 32-2048).
#pragma once

#include <cstddef>
#include <cstdint>

namespace convt {

constexpr int64_t kPanelRows = 8;  // rows of A per packed panel (and per register block)

// Floats of A (m x k) packed: ceil(m / 8) panels of k x 8, rows past m zero.
inline int64_t packed_a_floats(int64_t m, int64_t k) {
  return (m + kPanelRows - 1) / kPanelRows * kPanelRows * k;
}

// Packs A (m x k, row-major, row stride lda) into `packed`.
void pack_a(int64_t m, int64_t k, const float* a, int64_t lda, float* packed);

// C (m x n, row stride ldc) = A (packed by pack_a) x B (k x n, row stride ldb). C is
// overwritten; k may be 0 (C = 0).
void gemm_packed(int64_t m, int64_t n, int64_t k, const float* a_packed, const float* b,
                 int64_t ldb, float* c, int64_t ldc);

}  // namespace convt
