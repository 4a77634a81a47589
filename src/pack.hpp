// Weight layouts that lowerings want, built once when a handle is created.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "phases.hpp"
#include "shape.hpp"

namespace convt {

// Strides up to this (per dimension) get sub-pixel phases; beyond it a layer has too many
// phases of too few taps for the decomposition to pay, and GEMM + col2im is used.
constexpr int64_t kMaxPhaseStride = 64;

// Phases whose taps sit at the same input offsets read the same im2col, so one GEMM can
// serve several of them: its rows are (phase, output channel). Phases are merged until a
// chunk has about this many rows (out/groups alone is thin for layers like FCN-32s, 21).
constexpr int64_t kMergedRows = 256;

// A set of output phases (see phases.hpp) computed by one GEMM.
struct PhaseChunk {
  std::vector<std::pair<int64_t, int64_t>> phases;  // (ry, rx), in GEMM row-block order
  std::vector<int64_t> offset_y, offset_x;          // the shared tap offsets, in tap order
  int64_t taps() const { return static_cast<int64_t>(offset_y.size() * offset_x.size()); }
};

// The sub-pixel lowering's weights: for every group g and chunk c, the matrix
// (phases * out/groups) x K', K' = in/groups * taps, whose row (phase, co) holds
// weight[g*cin_g + ci][co][kh][kw] for that phase's taps in (ci, tap_h, tap_w) order, so
// that the chunk's outputs = matrix x im2col(shared tap offsets); stored packed for
// gemm_packed (lowering/gemm_kernel.hpp).
struct SubpixelWeights {
  DimPhases ph, pw;
  std::vector<PhaseChunk> chunks;
  std::vector<int64_t> offset;  // start of the (g, c) matrix in data: [g * chunks + c]
  std::vector<float> data;
};

bool subpixel_possible(const LayerSpec& layer);
SubpixelWeights pack_subpixel(const LayerSpec& layer, const float* weight);

}  // namespace convt
