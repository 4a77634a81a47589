// Weight layouts that lowerings want, built once when a handle is created.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "isa.hpp"
#include "phases.hpp"
#include "shape.hpp"

namespace convt_impl {

// Phases whose taps sit at the same input offsets read the same im2col, so one GEMM can
// serve several of them: its rows are (phase, output channel). Phases are merged until a
// chunk has about this many rows (out/groups alone is thin for layers like FCN-32s, 21).
constexpr int64_t kMergedRows = 256;
// Phases whose outputs start at different q are merged only when out/groups is below this
// (the GEMM would be too thin alone); otherwise each keeps its exact range.
constexpr int64_t kThinChannels = 64;

// A set of output phases (see phases.hpp) computed by one GEMM.
struct PhaseChunk {
  std::vector<std::pair<int64_t, int64_t>> phases;  // (ry, rx), in GEMM row order
  std::vector<int64_t> offset_y, offset_x;          // the shared tap offsets, in tap order
  int64_t taps() const { return static_cast<int64_t>(offset_y.size() * offset_x.size()); }
  int64_t size() const { return static_cast<int64_t>(phases.size()); }
};

// Whether a sub-pixel work item covers every phase of one output-row residue ry (so it
// writes whole output rows, its phases interleaved in registers) rather than one chunk
// (whose phases are stored every stride-th column). The strided store costs a few cycles
// per output whatever the layer; the GEMM costs 2 * depth flops per output (depth = the
// average K, in/groups * kernel area / phases). Measured with perf (1 thread): the
// strided store took 20 % of a grouped layer (depth 72), 18 % of U-Net up-sampling (128),
// 38 % of FCN-32s (84, stride 32) and under 10 % of DCGAN (2048). Whole rows cost
// parallelism (fewer, larger items) and keep C for all of a row's phases in scratch, so
// they are used where the store is a sizeable share: depth below kRowItemsMaxDepth, stride
// in W above 1, and rows of (phase, channel) enough to fill a register block.
constexpr int64_t kRowItemsMaxDepth = 256;
bool subpixel_row_items(const LayerSpec& layer);

// The sub-pixel lowering's weights: for every group g and chunk c, the matrix
// (out/groups * phases) x K', K' = in/groups * taps, whose row co * phases + i holds
// weight[g*cin_g + ci][co][kh][kw] for phase i's taps in (ci, tap_h, tap_w) order, so that
// the chunk's outputs = matrix x im2col(shared tap offsets); stored packed for gemm_packed
// (lowering/gemm_kernel.hpp). Rows are channel-major so that a block of output channels
// is a block of whole panels.
struct SubpixelWeights {
  DimPhases ph, pw;
  bool row_items = false;               // subpixel_row_items(layer): chunks never mix ry
  std::vector<PhaseChunk> chunks;
  std::vector<std::vector<int64_t>> sets;  // the chunks one work item computes: one chunk,
                                           // or (row_items) all chunks of residue ry = set
  // row_items: where phase (ry, rx) is, [ry * stride_w + rx]: its chunk's position in
  // sets[ry], and its row i within the chunk
  std::vector<std::pair<int64_t, int64_t>> slot;
  std::vector<int64_t> offset;  // start of the (g, c) matrix in data: [g * chunks + c]
  std::vector<float> data;
  // The kernel level the matrices are packed for (kernels.hpp), and the rows per packed
  // panel of every matrix here: its tile's tall_rows where every chunk's K is at least
  // kTallPanelDepth, else its rows (a matrix that fits one register block is one panel:
  // panel_rows in gemm_kernel.hpp). Channel blocks of a work item start at multiples of it.
  Isa isa = Isa::kBaseline;
  int64_t panel = 8;
};

// Packed for the GEMM tile of `isa` (the level the runs will use: active_isa()).
SubpixelWeights pack_subpixel(const LayerSpec& layer, const float* weight, Isa isa);

}  // namespace convt_impl
