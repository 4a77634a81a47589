// The sub-pixel (stride-phase) lowering, a wing of its own: pack.cpp (the weights of each
// chunk of phases, at create), plan.cpp (a run's tiling, each chunk's layouts and the
// scratch layout), gather.cpp (B: the GEMM's input rows), store.cpp (C into the output),
// lowering.cpp (the table entry and the loop over work items).
//
// The outputs of one phase (rd, ry, rx) (see phases.hpp, per dimension) are an ordinary
// stride-1 correlation of the input with that phase's taps. Phases whose taps sit at the
// same input offsets share one im2col, so they are computed together (a chunk):
//   B (K x P)            the chunk's taps of the input (K = depth taps * in/groups * taps
//                        in H and W, P = the chunk's output positions q of a block of rows)
//   C (out/g*phases x P) = packed chunk weight (A) * B                       [one GEMM]
//   each phase's outputs = its rows of C + bias                             [a plain store]
// Every output element is written exactly once: no zero fill, no scatter-add; and K is
// in/groups times the taps, not in/groups alone (what makes col2im's GEMMs thin).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "../../isa.hpp"
#include "../../lowering.hpp"
#include "../../phases.hpp"

namespace convt_impl {
namespace subpixel {

// Row items (whole output rows per item) interleave up to this many column phases.
constexpr int64_t kMaxRowPhases = 64;

// A phase: its residue in each dimension.
struct Phase {
  int64_t rd = 0, ry = 0, rx = 0;
};

// A set of phases computed by one GEMM, all of one depth residue. K runs over (depth tap,
// input channel, tap in H, tap in W), the depth tap slowest, so that the depth taps whose
// input slices exist for an output slice are one contiguous range of K.
struct Chunk {
  std::vector<Phase> phases;                    // in GEMM row order
  std::vector<int64_t> offset_d, offset_y, offset_x;  // the shared tap offsets, ascending
  int64_t taps_hw() const { return static_cast<int64_t>(offset_y.size() * offset_x.size()); }
  int64_t taps() const { return static_cast<int64_t>(offset_d.size()) * taps_hw(); }
  int64_t size() const { return static_cast<int64_t>(phases.size()); }
  int64_t rd() const { return phases.front().rd; }
};

// The weights, packed at create: for every group g and chunk c the matrix
// (out/groups * phases) x K, row co * phases + i holding weight[g*cin_g + ci][co][kernel
// taps of phase i] in K's order, packed for the GEMM kernel (kernels/gemm.hpp). Rows are
// channel-major so that a block of output channels is a block of whole panels.
struct Weights : PackedWeights {
  DimPhases pd, ph, pw;
  // Whether a work item covers every phase of one output-row residue (rd, ry), so that it
  // writes whole output rows, its phases interleaved in registers, rather than one chunk
  // (whose phases are stored every stride-th column): where the strided store would cost
  // a sizeable share of the run (see row_items in pack.cpp).
  bool row_items = false;
  std::vector<Chunk> chunks;
  std::vector<std::vector<int64_t>> sets;        // the chunks one work item computes
  std::vector<std::vector<int64_t>> sets_of_rd;  // [rd]: the sets of that depth residue
  int64_t max_sets_per_rd = 0;
  // row_items: where phase (rd, ry, rx) is, [(rd * stride_h + ry) * stride_w + rx]: its
  // chunk's position in the set of (rd, ry), and its row i within the chunk.
  std::vector<std::pair<int64_t, int64_t>> slot;
  std::vector<int64_t> offset;  // start of the (g, c) matrix in data: [g * chunks + c]
  std::vector<float> data;
  // The kernel level the matrices are packed for, and the rows per packed panel of every
  // matrix (its tile's tall_rows where every chunk's K is at least kTallPanelDepth, else
  // its rows; a matrix that fits one register block is one panel: panel_rows). Channel
  // blocks of a work item start at multiples of it.
  Isa isa = Isa::kBaseline;
  int64_t panel = 8;
};

Weights pack(const LayerSpec& layer, const float* weight, Isa isa);

// The output positions q a chunk covers in one dimension: the union of its phases' ranges.
struct Range {
  int64_t lo = 0, hi = 0;
  int64_t size() const { return hi - lo; }
};
Range chunk_rows(const Chunk& c, const Weights& w, const RunShape& s);
Range chunk_cols(const Chunk& c, const Weights& w, const RunShape& s);

// How one chunk's B is laid out, for every work item of a run.
enum class Gather {
  kDirect,        // one tap at offset 0 over whole input rows (or, for one row, any of its
                  // columns inside the input): B is the input itself
  kBorderedFlat,  // the zero-bordered input rows back to back: N = rows * pitch, the
                  // columns between rows (the taps' reach) computed and dropped
  kBorderedRows,  // the bordered rows, one GEMM per output row (no dropped columns)
  kIm2col,        // a copy per tap: exact N
};

// One chunk's part of the plan.
struct ChunkPlan {
  Range rows, cols;        // its output positions q in H and W
  int64_t ay_max = 0, ax_max = 0;
  Gather gather = Gather::kIm2col;
  int64_t pitch = 0;       // of the bordered rows it reads (the window's, or its own copy's)
  int64_t width = 0;       // floats per row of C
  int64_t slice_stride = 0;  // C's columns from one slice of an item to the next
  bool zip2 = false;       // the GEMM zips the two column phases into the output rows
  bool direct_c = false;   // the GEMM writes the output rows (stride 1 in H and W)
};

// A thread's part of the workspace, in floats from its (64-byte aligned) start.
struct Scratch {
  int64_t window_key = 0;  // 16 floats: which planes the window holds (WindowKey)
  int64_t window = 0;      // the window (window_floats of them), when the plan has one
  int64_t b_rows = 0;      // B's row addresses
  int64_t gather = 0;      // an item's bordered input rows, or its im2col and one tile
  int64_t c = 0;           // C of every chunk of a set (and a zip's paired biases)
  int64_t total = 0;
};

// Work items are (batch item, group, block of output channels, depth unit, block of output
// rows, block of output columns, set of the unit's depth residue), the set fastest. A depth unit is a block of
// slices_per_item consecutive positions qd of one depth residue rd (each the output slice
// qd * stride + rd - padding), units ordered by block, then residue.
struct Plan : LoweringPlan {
  int64_t co_per_item = 0, co_blocks = 0;
  int64_t rows_per_item = 0, row_blocks = 0;
  // Where every chunk has a single row of outputs (1-D layers), items may cover a block of
  // its positions q in W, [first + b * cols_per_item, first + (b + 1) * cols_per_item): so
  // that threads write apart where each phase of a row would otherwise be one item. 0:
  // whole rows.
  int64_t cols_first = 0, cols_per_item = 0, col_blocks = 1;
  int64_t slices_per_item = 1;     // > 1: one GEMM over the slices of a unit (more columns
                                   // for each weight read), depth taps of missing input
                                   // slices reading the window's zero slices
  int64_t q_first = 0, q_blocks = 1;  // the units' positions: q_first + block * slices_per_item
  // The window: each thread keeps, zero-bordered for every chunk's taps, the input planes
  // of one (batch item, group) for window_slices consecutive input slices (zero slices for
  // those outside the input), and its items read their taps there; bordered when an item
  // needs slices it lacks. window_whole: it holds every slice any item reads (from slice
  // window_first), bordered once per (batch item, group). window_slices 0: no window, each
  // item borders the rows it reads.
  int64_t window_slices = 0;
  bool window_whole = false;
  int64_t window_first = 0;
  int64_t window_floats = 0;
  int64_t pad_top = 0, pad_left = 0, pad_rows = 0, pad_pitch = 0;  // of one bordered plane
  std::vector<ChunkPlan> chunks;
  Scratch scratch;

  int64_t plane_floats() const { return pad_rows * pad_pitch; }
};

Plan plan(const LayerSpec& layer, const RunShape& shape, const Weights& weights,
          int max_threads);

// Multiply-adds the GEMMs perform over the layer's own: > 1 where B covers positions no
// output reaches (inputs smaller than the kernel, heavy padding, merged phases).
double waste(const LayerSpec& layer, const RunShape& shape, const Weights& weights);

// One work item's view of the data, for gather and store.
struct Item {
  int64_t co0 = 0, co1 = 0;                // output channels [co0, co1) of the group
  int64_t rd = 0, qd = 0, slices = 1;      // depth residue, first position qd, how many
  int64_t qy0 = 0, qy1 = 0;                // its output rows q
  int64_t qx0 = 0, qx1 = INT64_MAX;        // its block of positions q in W (all: the chunks')
  // The (batch item, group)'s input planes, and its output slice of qd; channels last:
  // the group's first channel of the batch item's first input pixel, and of the slice's
  // first output pixel.
  const float* x = nullptr;
  float* out = nullptr;
  const float* bias = nullptr;             // the group's biases, or nullptr
  const float* window = nullptr;           // the thread's window, when the plan has one
  int64_t window_first = 0;                // the input slice of the window's slice 0
};

// The depth taps of a chunk whose input slices exist for the item's slice: [first, last).
struct DepthTaps {
  int64_t first = 0, last = 0;
};
DepthTaps depth_taps(const Chunk& c, const RunShape& s, int64_t qd);

// Fills b_rows[0 .. K of the depth taps) with the chunk's B rows for the item's columns
// `cols` (for its first slice: an item of several slices reads on, the window's planes in a
// row), bordering or copying into `area` as its layout needs.
void gather(const LayerSpec& layer, const RunShape& shape, const Plan& plan,
            const Chunk& chunk, const ChunkPlan& cp, const Item& item, Range cols,
            DepthTaps taps, const float** b_rows, float* area);

// Borders the planes of input slices [first, first + plan.window_slices) of one (batch
// item, group) into a window (zeros for slices outside the input).
void border_window(const LayerSpec& layer, const RunShape& shape, const Plan& plan,
                   const float* x, int64_t first, float* window);

// Where a chunk left its C for the store: the row of channel co and phase i is
// (co - co0) * phases + i (rows ldc apart), output position (q, qx) its column
// (q - qy0) * width + (qx - qx0).
struct ChunkC {
  const float* c = nullptr;
  int64_t phases = 0, ldc = 0, width = 0, qx0 = 0;
};

// Stores one chunk's C (not row_items, not direct or zipped) into its phases' outputs.
void store_chunk(const LayerSpec& layer, const RunShape& shape, const Weights& w,
                 const Chunk& chunk, const ChunkC& c, const Item& item);
// The same into a channels-last output: each phase's pixels take the item's channels,
// transposed out of C (with bias and activation) in the level's registers.
void store_chunk_channels_last(const LayerSpec& layer, const RunShape& shape, const Weights& w,
                               const Chunk& chunk, const ChunkC& c, const Item& item);
// Stores a row_items set's Cs as whole output rows of residue (rd, ry).
void store_rows(const LayerSpec& layer, const RunShape& shape, const Weights& w, int64_t rd,
                int64_t ry, const ChunkC* done, const float* c_area, const Item& item);

}  // namespace subpixel
}  // namespace convt_impl
