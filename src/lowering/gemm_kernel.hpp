// convt's own small-GEMM kernel for the sub-pixel lowering: C = A x B, with A (the layer's
// weights) packed once at create and B (an im2col, or the input itself) read in place.
// Register-blocked 8 x 32 or 12 x 32 (see kTallPanelDepth), compiled for
// AVX-512, AVX2+FMA and the baseline, chosen at load time; no packing of B (its rows are
// given by address) and no per-call set-up, which is what OpenBLAS spends most of its time
// on for the thin GEMMs these layers make (M 9-256, K 32-2048).
#pragma once

#include <cstddef>
#include <cstdint>

namespace convt {

// Rows of A per packed panel (and per register block): `tall` (kPanelRows or
// kTallPanelRows, the caller's choice for all its matrices), or all of A when it has at
// most 12 rows (one pass over B then serves all of them: FSRCNN's 9 phases of one channel).
// 12 x 32 blocks keep 24 accumulators in AVX-512's 32 registers and load 14 values per 24
// FMAs against 10 per 16: measured here (one core, kernel alone) 4-16 % faster where every
// matrix is at least kTallPanelDepth deep (K 256-2048: dcgan's 2048, 1x1 256, 3x3 576),
// but 4-13 % slower on shallow ones (K 32-72), whose blocks are short.
constexpr int64_t kPanelRows = 8;
constexpr int64_t kTallPanelRows = 12;
constexpr int64_t kTallPanelDepth = 256;
constexpr int64_t kMaxSinglePanel = 12;
inline int64_t panel_rows(int64_t m, int64_t tall) { return m <= kMaxSinglePanel ? m : tall; }

// Floats of A (m x k) packed: ceil(m / h) panels of k x h (h = panel_rows(m, tall)), rows
// past m zero. A panel starts at row i0 = p * h, at float i0 * k.
inline int64_t packed_a_floats(int64_t m, int64_t k, int64_t tall) {
  const int64_t h = panel_rows(m, tall);
  return h == 0 ? 0 : (m + h - 1) / h * h * k;
}

// Packs A (m x k, row-major, row stride lda) into `packed`, in panels of panel_rows(m, tall).
void pack_a(int64_t m, int64_t k, const float* a, int64_t lda, int64_t tall, float* packed);

// C (m x n, row stride ldc) = A x B. A: m rows of a matrix of `packed_rows` rows packed by
// pack_a with `tall`, starting at a panel boundary (a_packed = start of the packing + i0 * k,
// i0 a multiple of panel_rows(packed_rows, tall)). B's row kk (n floats) starts at
// b_rows[kk] + b_col0: the rows may lie anywhere (an im2col, or taps read straight out of a
// padded input; b_col0 picks a window of them without a new table). C is overwritten; k may
// be 0 (C = 0, or the bias). bias: nullptr, or m values, bias[i] added to every element of
// C's row i (it starts the accumulators, so a layer whose GEMM writes the output needs no
// second pass for it).
// b_padded: every row of B may be read up to n rounded up to kPaddedColumns (the values
// there are ignored), which spares the right edge a copy per row.
constexpr int64_t kPaddedColumns = 32;
void gemm_packed(int64_t m, int64_t n, int64_t k, const float* a_packed, int64_t packed_rows,
                 int64_t tall, const float* const* b_rows, int64_t b_col0, float* c, int64_t ldc,
                 bool b_padded, const float* bias = nullptr);

// gemm_packed for a matrix whose rows come in pairs (2i, 2i + 1) that are the even and odd
// columns of one output row (the two column phases of a stride-2 layer sharing their taps):
// row pair i's value at column j goes to
//   out.out[i * out.ldo + (j / out.width) * out.row_step + 2 * (j % out.width) + {0, 1}],
// zipped in registers (no C, no interleave pass). m even, A packed from a panel boundary
// with even panels, n and out.width multiples of 32; bias: m values or nullptr.
struct Zip2Store {
  float* out = nullptr;
  int64_t ldo = 0, row_step = 0, width = 0;
};
void gemm_packed_zip2(int64_t m, int64_t n, int64_t k, const float* a_packed,
                      int64_t packed_rows, int64_t tall, const float* const* b_rows,
                      const float* bias, const Zip2Store& out);

}  // namespace convt
