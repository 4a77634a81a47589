// The sub-pixel lowering's table entry: when it runs (and when AUTO takes it), and the loop
// over work items: per item and chunk of its set, B (gather.cpp), one GEMM, then the store
// (store.cpp), or the GEMM writes the output itself.
//
// Work items are (batch item, group, channel block, depth unit, block of rows, block of
// columns, set) with the set fastest (subpixel.hpp): parallel_for gives each thread a contiguous range of items, which
// then covers every phase of a block of output rows, so the threads write apart (with the
// set slowest, one thread wrote the even output rows and the other the odd ones, sharing
// the cache lines where rows meet). The split may depend on the thread count (1-D column
// blocks, the window); an output's value does not: the same products in the same order
// (and, for one GEMM over several depth slices, products with the zeros of missing slices:
// the same values for finite weights).
#include <algorithm>
#include <cstring>

#include "../../kernels/gemm.hpp"
#include "../../kernels/levels.hpp"
#include "../../parallel.hpp"
#include "subpixel.hpp"

namespace convt_impl {
namespace subpixel {
namespace {

// AUTO's rule at the levels whose kernels were timed: sub-pixel runs the layer's
// multiply-adds on convt's own GEMM kernel, reads its taps out of a bordered copy of the
// input instead of an im2col, and stores every output once instead of scatter-adding; it
// lost only where its GEMMs do much more work than the layer needs (waste above this:
// inputs barely larger than one kernel window).
constexpr double kMaxWaste = 1.5;

// Depthwise layers (K = 1 per tap) take the direct depthwise kernel, unless the kernel is a
// multiple of a stride above 1 in both H and W (dilation 1): every phase then has the same
// whole sub-kernel, and sub-pixel ran them faster; so it did for 3-D kernels at stride 1
// (dilation 1), where the direct kernel borders every input slice again for each output
// slice that reads it.
bool depthwise_prefers_subpixel(const LayerSpec& l) {
  const bool undilated = l.dilation == Dims{1, 1, 1};
  const bool whole_subkernels = l.stride[kH] > 1 && l.stride[kW] > 1 &&
                                l.kernel[kH] % l.stride[kH] == 0 &&
                                l.kernel[kW] % l.stride[kW] == 0 && l.dilation[kH] == 1 &&
                                l.dilation[kW] == 1;
  const bool deep_stride_1 = l.kernel[kD] > 1 && l.stride == Dims{1, 1, 1} && undilated;
  return whole_subkernels || deep_stride_1;
}

// Kernel == stride > 1 in H and W, no padding or dilation: every phase is one tap, a GEMM
// on the input itself. At baseline with SSE-class OpenBLAS kernels sub-pixel ran it faster
// than GEMM + col2im, with AVX2 ones slower. (1x1: POINTWISE.)
bool baseline_prefers_subpixel(const LayerSpec& l) {
  return blas_is_sse_class() && l.kernel[kH] == l.stride[kH] && l.kernel[kW] == l.stride[kW] &&
         l.stride[kH] * l.stride[kW] > 1 && default_pad_begin(l)[kH] == 0 &&
         default_pad_begin(l)[kW] == 0 &&
         l.dilation[kH] == 1 && l.dilation[kW] == 1;
}

// What a thread's window holds: the planes of input slices [first, first + slices) of
// (batch item, group) ng (-1: nothing yet this run).
struct WindowKey {
  int64_t ng, first;
};

// The item's view of slice i of its unit (the output slice of position qd + i).
Item slice_of(const Item& item, int64_t i, const LayerSpec& l, const RunShape& s) {
  Item one = item;
  one.qd = item.qd + i;
  one.slices = 1;
  const int64_t slice_floats = s.out[kH] * s.out[kW] * (l.channels_last() ? l.out_channels : 1);
  one.out = item.out + i * l.stride[kD] * slice_floats;
  return one;
}

void run(const RunArgs& a, const Weights& w, const Plan& t, int threads, float* workspace) {
  const LayerSpec& l = a.layer;
  const RunShape& s = a.shape;
  const KernelLevel& kl = kernels_at(w.isa);  // the level the weights were packed for
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t sd = l.stride[kD], sh = l.stride[kH];
  const int64_t chunks = static_cast<int64_t>(w.chunks.size());
  const int64_t out_w = s.out[kW], out_slice = s.out[kH] * out_w, out_volume = s.out_volume();
  const int64_t per_thread = static_cast<int64_t>(t.bytes_per_thread / sizeof(float));
  const int64_t sets = w.max_sets_per_rd, units = t.q_blocks * sd;
  // Where the GEMM writes the output itself (direct C, zip2), it applies the activation.
  const Activation* act = l.activation.none() ? nullptr : &l.activation;

  for (int slot = 0; slot < threads && t.window_slices > 0; ++slot) {
    const WindowKey none{-1, 0};
    std::memcpy(workspace + slot * per_thread + t.scratch.window_key, &none, sizeof none);
  }

  parallel_for(t.items, threads, [&](int64_t index, int slot) {
    int64_t rest = index;
    const int64_t set_slot = rest % sets;
    rest /= sets;
    const int64_t col_block = rest % t.col_blocks;
    rest /= t.col_blocks;
    const int64_t block = rest % t.row_blocks;
    rest /= t.row_blocks;
    const int64_t unit = rest % units;
    rest /= units;
    const int64_t co_block = rest % t.co_blocks;
    rest /= t.co_blocks;
    const int64_t g = rest % l.groups;
    const int64_t n = rest / l.groups;

    Item item;
    item.rd = unit % sd;
    const auto& rd_sets = w.sets_of_rd[static_cast<size_t>(item.rd)];
    if (set_slot >= static_cast<int64_t>(rd_sets.size())) return;
    const auto& set_chunks = w.sets[static_cast<size_t>(rd_sets[static_cast<size_t>(set_slot)])];
    // The unit's positions qd that have output slices: od + padding = qd * stride + rd.
    const int64_t q0 = t.q_first + unit / sd * t.slices_per_item;
    const int64_t q_lo = std::max(q0, w.pd.q_begin(item.rd, s.pad_begin[kD]));
    const int64_t q_hi =
        std::min(q0 + t.slices_per_item, w.pd.q_end(item.rd, s.out[kD], s.pad_begin[kD]));
    if (q_hi <= q_lo) return;
    item.co0 = co_block * t.co_per_item;
    item.co1 = std::min(cout_g, item.co0 + t.co_per_item);
    item.qd = q_lo;
    item.slices = q_hi - q_lo;
    const int64_t od = q_lo * sd + item.rd - s.pad_begin[kD];  // the output slice of q_lo
    // The set's chunks share one row range (one chunk, or the chunks of one row residue).
    const Range rows = t.chunks[static_cast<size_t>(set_chunks[0])].rows;
    item.qy0 = rows.lo + block * t.rows_per_item;
    item.qy1 = std::min(rows.hi, item.qy0 + t.rows_per_item);
    if (item.qy1 <= item.qy0 || item.co1 <= item.co0) return;
    if (t.col_blocks > 1) {
      item.qx0 = t.cols_first + col_block * t.cols_per_item;
      item.qx1 = item.qx0 + t.cols_per_item;
    }
    if (l.channels_last()) {  // (the group's first channel of pixel 0)
      item.x = a.input + n * s.in_volume() * l.in_channels + g * cin_g;
      item.out = a.output + (n * out_volume + od * out_slice) * l.out_channels + g * cout_g;
    } else {
      item.x = a.input + (n * l.in_channels + g * cin_g) * s.in_volume();
      item.out = a.output + (n * l.out_channels + g * cout_g) * out_volume + od * out_slice;
    }
    item.bias = a.bias ? a.bias + g * cout_g : nullptr;
    const int64_t cos = item.co1 - item.co0;

    float* scratch = workspace + slot * per_thread;
    const auto& depth_taps_rd = w.pd.taps[static_cast<size_t>(item.rd)];
    if (t.window_slices > 0 && !depth_taps_rd.empty()) {
      // The input slices this item reads (one slice: those that exist; several: every one
      // its taps reach), and the window that holds them.
      int64_t lo = item.qd - depth_taps_rd.back().offset;
      int64_t hi = item.qd + item.slices - 1 - depth_taps_rd.front().offset;
      if (item.slices == 1) lo = std::max<int64_t>(lo, 0), hi = std::min(hi, s.in[kD] - 1);
      WindowKey key;
      std::memcpy(&key, scratch + t.scratch.window_key, sizeof key);
      float* window = scratch + t.scratch.window;
      if (lo <= hi && (key.ng != n * l.groups + g || lo < key.first ||
                       hi >= key.first + t.window_slices)) {
        key.ng = n * l.groups + g;
        key.first = t.window_whole ? t.window_first : lo;
        border_window(l, s, t, item.x, key.first, window);
        std::memcpy(scratch + t.scratch.window_key, &key, sizeof key);
      }
      item.window = window;
      item.window_first = key.first;
    }
    const float** b_rows = reinterpret_cast<const float**>(scratch + t.scratch.b_rows);
    float* area = scratch + t.scratch.gather;
    float* c_area = scratch + t.scratch.c;
    float* c_next = c_area;

    ChunkC done[kMaxRowPhases];  // per chunk of the set (at most one per column phase)
    for (size_t pos = 0; pos < set_chunks.size(); ++pos) {
      const int64_t ci_chunk = set_chunks[pos];
      const Chunk& chunk = w.chunks[static_cast<size_t>(ci_chunk)];
      const ChunkPlan& cp = t.chunks[static_cast<size_t>(ci_chunk)];
      // The chunk's positions q in W this item computes.
      const Range item_cols{std::max(cp.cols.lo, item.qx0), std::min(cp.cols.hi, item.qx1)};
      const int64_t cols = item_cols.size(), item_rows = item.qy1 - item.qy0;
      if (cols <= 0) continue;
      const int64_t width = cp.gather == Gather::kBorderedFlat ? cp.width : cols;  // C's rows
      const int64_t phases = chunk.size(), m = phases * cos;
      const int64_t k_full = cin_g * chunk.taps();
      // One slice: the depth taps whose input slice exists (a contiguous part of K); several:
      // all of them (missing slices are the window's zeros).
      const DepthTaps taps = item.slices == 1
                                 ? depth_taps(chunk, s, item.qd)
                                 : DepthTaps{0, static_cast<int64_t>(chunk.offset_d.size())};
      const int64_t k0 = taps.first * cin_g * chunk.taps_hw();
      const int64_t k = (taps.last - taps.first) * cin_g * chunk.taps_hw();
      if (k > 0) gather(l, s, t, chunk, cp, item, item_cols, taps, b_rows, area);
      // A: the item's channel block of the chunk's matrix (whole panels), from depth tap
      // taps.first on (K's slowest part).
      const int64_t h = panel_rows(phases * cout_g, w.panel, kl.tile);
      const float* wp = w.data.data() + w.offset[static_cast<size_t>(g * chunks + ci_chunk)] +
                        item.co0 * phases * k_full + k0 * h;
      // C's columns: rows of `width` for each slice, the slices slice_stride apart.
      const int64_t n_cols = (item.slices - 1) * cp.slice_stride + item_rows * width;

      if (cp.zip2 && k > 0) {
        float* pair_bias = nullptr;
        if (item.bias) {  // each channel's bias for both of its rows
          pair_bias = c_next;
          for (int64_t co = 0; co < cos; ++co)
            pair_bias[2 * co] = pair_bias[2 * co + 1] = item.bias[item.co0 + co];
        }
        Zip2Store dst;
        dst.out = item.out + item.co0 * out_volume +
                  (item.qy0 * sh + chunk.phases[0].ry - s.pad_begin[kH]) * out_w + 2 * item_cols.lo;
        dst.ldo = out_volume;
        dst.row_step = sh * out_w;
        dst.width = cols;
        kl.gemm_packed_zip2(m, n_cols, k, wp, k_full, h, b_rows, pair_bias, act, dst);
        return;  // the set's only chunk: the item is done
      }
      // C straight into the output where the (single) phase's outputs are whole output
      // rows; the bias then starts the accumulators, else it is added where C is stored.
      float* c_mat = c_next;
      int64_t ldc = n_cols;
      if (cp.direct_c) {
        c_mat = item.out + item.co0 * out_volume + (item.qy0 - s.pad_begin[kH]) * out_w +
                item_cols.lo - cp.cols.lo;
        ldc = out_volume;
      } else {
        c_next += (m * n_cols + 15) / 16 * 16;
      }
      const float* c_bias = cp.direct_c && item.bias ? item.bias + item.co0 : nullptr;
      const Activation* c_act = cp.direct_c ? act : nullptr;
      if (cp.gather == Gather::kBorderedRows) {
        for (int64_t r = 0; r < item_rows; ++r)
          kl.gemm_packed(m, cols, k, wp, k_full, h, b_rows, r * cp.pitch, c_mat + r * cols, ldc,
                         /*b_padded=*/true, c_bias, c_act);
      } else {
        kl.gemm_packed(m, n_cols, k, wp, k_full, h, b_rows, 0, c_mat, ldc,
                       /*b_padded=*/cp.gather != Gather::kDirect, c_bias, c_act);
      }
      done[pos] = {c_mat, phases, ldc, width, item_cols.lo};
      // Written; or stored below as whole rows (channels first: channels last has no rows
      // to interleave, each phase's pixels take their channels).
      if (cp.direct_c || (w.row_items && !l.channels_last())) continue;
      for (int64_t i = 0; i < item.slices; ++i) {
        ChunkC slice_c = done[pos];
        slice_c.c += i * cp.slice_stride;
        const Item one = slice_of(item, i, l, s);
        if (l.channels_last())
          store_chunk_channels_last(l, s, w, chunk, slice_c, one);
        else
          store_chunk(l, s, w, chunk, slice_c, one);
      }
    }
    if (!w.row_items || l.channels_last()) return;
    const int64_t ry = w.chunks[static_cast<size_t>(set_chunks[0])].phases[0].ry;
    for (int64_t i = 0; i < item.slices; ++i) {
      ChunkC slice_done[kMaxRowPhases];
      for (size_t pos = 0; pos < set_chunks.size(); ++pos) {
        slice_done[pos] = done[pos];
        const int64_t stride = t.chunks[static_cast<size_t>(set_chunks[pos])].slice_stride;
        if (slice_done[pos].c) slice_done[pos].c += i * stride;
      }
      store_rows(l, s, w, item.rd, ry, slice_done, c_area, slice_of(item, i, l, s));
    }
  });
}

class Subpixel final : public Lowering {
 public:
  int32_t algorithm() const override { return CONVT_ALGORITHM_SUBPIXEL; }
  const char* name() const override { return "subpixel"; }
  const char* cannot_run(const LayerSpec& l) const override {
    bool ok = true;  // (dilation * (kernel - 1) fits int64: validate_layer checked it)
    for (int d = 0; d < kMaxRank; ++d)
      ok = ok && l.stride[d] <= kMaxPhaseStride &&
           l.dilation[d] * (l.kernel[d] - 1) <= kMaxKernelExtent;
    ok = ok && l.stride[kD] * l.stride[kH] * l.stride[kW] <= kMaxPhases;
    return ok ? nullptr
              : "subpixel needs strides <= 1024, at most 4096 phases and dilation * "
                "(kernel - 1) <= 4096";
  }
  bool reads_channels_last() const override { return true; }
  bool writes_channels_last() const override { return true; }
  bool auto_takes_layer(const LayerSpec& l, const KernelLevel& level) const override {
    if (level.isa == Isa::kBaseline) return !l.is_depthwise() && baseline_prefers_subpixel(l);
    if (!level.measured) return !l.is_depthwise();
    // (Channels last, the depthwise kernel reads the input in place, vectors of channels.)
    return !l.is_depthwise() || (!l.channels_last() && depthwise_prefers_subpixel(l));
  }
  bool auto_takes_shape(const LayerSpec& l, const RunShape& s, const PackedWeights* packed,
                        const KernelLevel& level) const override {
    if (level.isa == Isa::kBaseline) return true;
    const double w = waste(l, s, *static_cast<const Weights*>(packed));
    // At a level not timed on hardware, only where its GEMMs do no more multiply-adds than
    // the layer needs (it then also skips the im2col and the scatter-add).
    return w <= (level.measured ? kMaxWaste : 1.0 + 1e-9);
  }
  std::unique_ptr<const PackedWeights> pack(const LayerSpec& l, const float* weight,
                                            const KernelLevel& level) const override {
    return std::make_unique<Weights>(subpixel::pack(l, weight, level.isa));
  }
  std::unique_ptr<const LoweringPlan> plan(const LayerSpec& l, const RunShape& s,
                                           const PackedWeights* packed,
                                           int max_threads) const override {
    return std::make_unique<Plan>(
        subpixel::plan(l, s, *static_cast<const Weights*>(packed), max_threads));
  }
  void run(const RunArgs& a, const LoweringPlan& plan, int threads,
           void* workspace) const override {
    subpixel::run(a, *static_cast<const Weights*>(a.packed), static_cast<const Plan&>(plan),
                  threads, static_cast<float*>(workspace));
  }
};

}  // namespace
}  // namespace subpixel

const Lowering& subpixel_lowering() {
  static const subpixel::Subpixel lowering;
  return lowering;
}

}  // namespace convt_impl
