// convt's own small-GEMM kernel for the sub-pixel lowering: C = A x B, with A (the layer's
// weights) packed once at create and B (an im2col, or the input itself) read in place.
// Register-blocked 8 x 32, compiled for AVX-512, AVX2+FMA and the baseline, chosen at load
// time; no packing of B (its rows are given by address) and no per-call set-up, which is what OpenBLAS spends most of its
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

// C (m x n, row stride ldc) = A (packed by pack_a) x B, where B's row kk (n floats) starts
// at b_rows[kk]: the rows may lie anywhere (an im2col, or taps read straight out of a padded
// input). C is overwritten; k may be 0 (C = 0). b_padded: every row of B may be read up to
// n rounded up to kPaddedColumns (the values there are ignored), which spares the right
// edge a copy per row.
constexpr int64_t kPaddedColumns = 32;
void gemm_packed(int64_t m, int64_t n, int64_t k, const float* a_packed,
                 const float* const* b_rows, float* c, int64_t ldc, bool b_padded);

}  // namespace convt
