// The lowerings: each turns one run into loops and BLAS calls. They receive a validated
// layer and run shape and buffers of the right sizes; they do no checking of their own.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../pack.hpp"
#include "../shape.hpp"

namespace convt {

struct RunArgs {
  const LayerSpec& layer;
  const RunShape& shape;
  const float* weight;  // (in_channels, out_channels/groups, kH, kW)
  const float* bias;    // out_channels floats, or nullptr
  const float* input;   // (N, in_channels, H, W)
  float* output;        // (N, out_channels, outH, outW)
};

// The direct scatter loop: every input pixel adds its kernel-sized patch into the output.
void run_reference(const RunArgs& args);

// GEMM + col2im, split into work items (batch item x group x block of output channels),
// each walking the input pixels in tiles so the column buffer stays bounded.
struct GemmCol2imTiling {
  int64_t channel_block = 0;  // output channels (within a group) per work item
  int64_t blocks_per_group = 0;
  int64_t pixel_tile = 0;     // input pixels per sgemm call
  int64_t items = 0;          // batch * groups * blocks_per_group
  bool direct_output = false;  // one input pixel, output = kernel window: no column buffer
  size_t bytes_per_thread = 0;
};
GemmCol2imTiling plan_gemm_col2im(const LayerSpec& layer, const RunShape& shape);
// workspace: threads * tiling.bytes_per_thread bytes, 64-byte aligned.
void run_gemm_col2im(const RunArgs& args, const GemmCol2imTiling& tiling, int threads,
                     float* workspace);

// Sub-pixel: per chunk of output phases, im2col of its taps + one GEMM + a plain store.
// Work items are (batch item, group, block of output channels, block of rows, set of
// chunks), the set fastest.
struct SubpixelTiling {
  int64_t max_rows = 0, max_cols = 0;  // output positions q of a chunk, over the chunks
  int64_t max_k = 0;                   // GEMM depth, over the chunks
  int64_t max_set_phases = 0;          // phases a work item computes, over the sets
  int64_t max_ay = 0, max_ax = 0;      // largest tap offsets, over the chunks
  int64_t pointer_floats = 0;          // per-thread scratch: B's row addresses,
  int64_t padded_floats = 0;           // the zero-bordered input rows, then C
  int64_t co_per_item = 0, co_blocks = 0;  // output channels (of a group) per item
  int64_t rows_per_item = 0, blocks = 0;
  int64_t items = 0;  // batch * groups * sets * co_blocks * blocks
  // slab_floats > 0: each thread keeps the input planes of one (batch item, group) with
  // zero borders wide enough for every chunk's taps (a slab, in its scratch after C),
  // bordered when its first item of that (batch item, group) comes; its items read their
  // taps there. 0: each item borders the rows it reads (slabs above kSlabBytes).
  int64_t slab_floats = 0;
  int64_t pad_top = 0, pad_left = 0;     // zero rows above / columns left of the input
  int64_t pad_rows = 0, pad_pitch = 0;   // of one bordered channel plane
  size_t bytes_per_thread = 0;
};
// max_threads: the threads the run may use (it uses at most `items` of them).
SubpixelTiling plan_subpixel(const LayerSpec& layer, const RunShape& shape,
                             const SubpixelWeights& weights, int max_threads);
// Multiply-adds the sub-pixel GEMMs perform over the layer's own: > 1 where im2col covers
// positions no output reaches (inputs smaller than the kernel, heavy padding, merged phases).
double subpixel_waste(const LayerSpec& layer, const RunShape& shape,
                      const SubpixelWeights& weights);
// workspace: threads * tiling.bytes_per_thread bytes.
void run_subpixel(const RunArgs& args, const SubpixelWeights& weights,
                  const SubpixelTiling& tiling, int threads, float* workspace);

// Depthwise (groups == in == out): a direct vectorized gather per plane.
bool depthwise_possible(const LayerSpec& layer);
bool depthwise_fits(const LayerSpec& layer, const RunShape& shape);  // output not absurdly large
size_t depthwise_workspace_per_thread(const LayerSpec& layer, const RunShape& shape);
void run_depthwise(const RunArgs& args, int threads, float* workspace);

// 1x1, stride 1, no padding: one sgemm per (batch item, group, pixel block), no workspace.
bool pointwise_possible(const LayerSpec& layer);
struct PointwiseTiling {
  int64_t pixels_per_item = 0, blocks = 0;
  int64_t items = 0;  // batch * groups * blocks
};
PointwiseTiling plan_pointwise(const LayerSpec& layer, const RunShape& shape);
void run_pointwise(const RunArgs& args, const PointwiseTiling& tiling, int threads);

}  // namespace convt
