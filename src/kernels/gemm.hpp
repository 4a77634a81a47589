// convt's own small-GEMM kernel for the sub-pixel lowering: C = A x B, with A (the layer's
// weights) packed once at create and B (an im2col, or the input itself) read in place.
// Register-blocked by each level's tile (levels.hpp: AVX-512 8 x 32 or 12 x 32, AVX2 and
// the baseline 6 x two vectors); no packing of B (its rows are given by address) and no
// per-call set-up, which is what OpenBLAS spends most of its time on for the thin GEMMs
// these layers make (M 9-256, K 32-2048). The routines are called through kernels().
#pragma once

#include <cstddef>
#include <cstdint>

#include "levels.hpp"

namespace convt_impl {

// Every matrix of a layer at least this deep: the level's tall panels (more accumulators
// per block pay off only over a long enough k).
constexpr int64_t kTallPanelDepth = 256;

// Rows of A per packed panel (and per register block) for a matrix of m rows, given the
// panel height `panel` chosen for the layer (tile.rows or tile.tall_rows): all of A when it
// fits one register block (one pass over B then serves all of it: FSRCNN's 9 phases of one
// channel on AVX-512).
inline int64_t panel_rows(int64_t m, int64_t panel, const GemmTile& tile) {
  return m <= tile.max_rows ? m : panel;
}

// Floats of A (m x k) packed in panels of h rows: ceil(m / h) panels of k x h, rows past m
// zero. A panel starts at row i0 = p * h, at float i0 * k.
inline int64_t packed_a_floats(int64_t m, int64_t k, int64_t h) {
  return h == 0 ? 0 : (m + h - 1) / h * h * k;
}

// Packs A (m x k, row-major, row stride lda) into `packed`, in panels of h rows.
void pack_a(int64_t m, int64_t k, const float* a, int64_t lda, int64_t h, float* packed);

// The kernels (declared per level in levels.hpp):
//
// gemm_packed: C (m x n, row stride ldc) = A x B. A: m rows packed by pack_a in panels of h
// rows (h <= the level's tile.max_rows, as panel_rows gives) for a depth a_depth >= k,
// a_packed at a panel boundary plus k0 * h: columns k0 .. k0 + k of that packing (a
// contiguous part of K: the depth taps whose input exists). B's row kk (n floats) starts
// at b_rows[kk] + b_col0:
// the rows may lie anywhere (an im2col, or taps read straight out of a padded input; b_col0
// picks a window of them without a new table). C is overwritten; k may be 0 (C = 0, or the
// bias). bias: nullptr, or m values, bias[i] added to every element of C's row i (it starts
// the accumulators, so a layer whose GEMM writes the output needs no second pass for it).
// b_padded: every row of B may be read up to n rounded up to kPaddedColumns (the values
// there are ignored), which spares the right edge a copy per row. act: nullptr, or the
// activation applied to every element as it is stored (where C is the layer's output).
//
// gemm_packed_zip2: gemm_packed for a matrix whose rows come in pairs (2i, 2i + 1) that are
// the even and odd columns of one output row (the two column phases of a stride-2 layer
// sharing their taps): row pair i's value at column j goes to
//   out.out[i * out.ldo + (j / out.width) * out.row_step + 2 * (j % out.width) + {0, 1}],
// zipped in registers (no C, no interleave pass). m even, h even, n and out.width
// multiples of kPaddedColumns; B's rows may be read up to n; bias: m values or nullptr; act
// as gemm_packed's.
constexpr int64_t kPaddedColumns = 32;  // at least every level's tile.cols

}  // namespace convt_impl
