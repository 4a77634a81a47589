// Weight layouts that lowerings want, built once when a handle is created.
#pragma once

#include <cstdint>
#include <vector>

#include "phases.hpp"
#include "shape.hpp"

namespace convt {

// Strides up to this (per dimension) get sub-pixel phases; beyond it a layer has too many
// phases of too few taps for the decomposition to pay, and GEMM + col2im is used.
constexpr int64_t kMaxPhaseStride = 64;

// The sub-pixel lowering's weights: for every group g and output phase (ry, rx), the matrix
// (out/groups) x K', K' = in/groups * taps_h(ry) * taps_w(rx), whose row co holds
// weight[g*cin_g + ci][co][kh][kw] for the phase's taps, in (ci, tap_h, tap_w) order, so
// that phase output = matrix x im2col(phase taps).
struct SubpixelWeights {
  DimPhases ph, pw;
  std::vector<int64_t> offset;  // start of each (g, ry, rx) matrix in data
  std::vector<float> data;

  int64_t index(int64_t g, int64_t ry, int64_t rx) const {
    return (g * ph.stride + ry) * pw.stride + rx;
  }
  int64_t taps(int64_t ry, int64_t rx) const {
    return static_cast<int64_t>(ph.taps[static_cast<size_t>(ry)].size() *
                                pw.taps[static_cast<size_t>(rx)].size());
  }
};

bool subpixel_possible(const LayerSpec& layer);
SubpixelWeights pack_subpixel(const LayerSpec& layer, const float* weight);

}  // namespace convt
