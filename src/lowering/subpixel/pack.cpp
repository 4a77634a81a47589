// Sub-pixel weights, packed once at create: the phases grouped into chunks, the chunks
// into the sets a work item computes, and every chunk's matrix packed for the GEMM kernel.
#include <algorithm>
#include <map>
#include <tuple>

#include "../../kernels/gemm.hpp"
#include "../../kernels/levels.hpp"
#include "subpixel.hpp"

namespace convt_impl {
namespace subpixel {
namespace {

// Phases whose taps sit at the same input offsets read the same B, so one GEMM can serve
// several of them: its rows are (output channel, phase). Phases are merged until a chunk
// has about this many rows (out/groups alone is thin for layers like FCN-32s, 21).
constexpr int64_t kMergedRows = 256;
// Phases whose outputs start at different q are merged only when out/groups is below this
// (the GEMM would be too thin alone); otherwise each keeps its exact range (merged, DCGAN's
// k4 s2 p1 phases would compute 9 x 9 positions for every 8 x 8).
constexpr int64_t kThinChannels = 64;
// Items cover whole output rows (row_items) where the strided store of a phase costs a
// sizeable share: a few cycles per output whatever the layer, against 2 * depth flops per
// output for the GEMM (depth: the average K); so below this depth, with a stride in W above
// 1 and rows of (phase, channel) enough to fill a register block.
constexpr int64_t kRowItemsMaxDepth = 256;

bool row_items(const LayerSpec& l) {
  const int64_t phases = l.stride[kD] * l.stride[kH] * l.stride[kW];
  const int64_t depth = l.in_per_group() * l.kernel_volume() / std::max<int64_t>(phases, 1);
  return l.stride[kW] > 1 && l.stride[kW] <= kMaxRowPhases && depth < kRowItemsMaxDepth &&
         l.out_per_group() * l.stride[kW] >= 8;
}

std::vector<int64_t> offsets(const std::vector<Tap>& taps) {
  std::vector<int64_t> v;
  for (const Tap& t : taps) v.push_back(t.offset);
  return v;
}

DimPhases phases_of(const LayerSpec& l, int d) {
  return make_phases(l.kernel[d], l.stride[d], l.dilation[d]);
}

// The chunks of a layer's phases, deterministic: phases of one depth residue grouped by
// their tap offsets in H and W, in first-seen order; by ry too when items cover output
// rows (a chunk then belongs to one row residue); and by where their outputs start unless
// the layer's channels are few (kThinChannels). Then cut to about kMergedRows rows each.
std::vector<Chunk> make_chunks(const LayerSpec& l, const Weights& w) {
  const int64_t per_chunk =
      std::max<int64_t>(1, (kMergedRows + l.out_per_group() - 1) / l.out_per_group());
  const bool thin = l.out_per_group() < kThinChannels;
  // (Grouped by where outputs start for runs without output_size; any other begin trim
  // only shifts the ranges, which each run computes.)
  const Dims begin = default_pad_begin(l);
  using Key = std::tuple<int64_t, int64_t, std::vector<int64_t>, std::vector<int64_t>, int64_t,
                         int64_t>;
  std::map<Key, size_t> class_of;
  std::vector<std::vector<Phase>> classes;
  for (int64_t rd = 0; rd < w.pd.stride; ++rd)
    for (int64_t ry = 0; ry < w.ph.stride; ++ry)
      for (int64_t rx = 0; rx < w.pw.stride; ++rx) {
        const Key key(rd, w.row_items ? ry : 0, offsets(w.ph.taps[static_cast<size_t>(ry)]),
                      offsets(w.pw.taps[static_cast<size_t>(rx)]), thin ? 0 : w.ph.q_begin(ry, begin[kH]),
                      thin ? 0 : w.pw.q_begin(rx, begin[kW]));
        auto it = class_of.find(key);
        if (it == class_of.end()) {
          it = class_of.emplace(key, classes.size()).first;
          classes.emplace_back();
        }
        classes[it->second].push_back({rd, ry, rx});
      }
  std::vector<Chunk> chunks;
  for (const auto& members : classes)
    for (size_t i = 0; i < members.size(); i += static_cast<size_t>(per_chunk)) {
      Chunk c;
      const size_t end = std::min(members.size(), i + static_cast<size_t>(per_chunk));
      c.phases.assign(members.begin() + static_cast<std::ptrdiff_t>(i),
                      members.begin() + static_cast<std::ptrdiff_t>(end));
      const Phase& p = c.phases.front();
      c.offset_d = offsets(w.pd.taps[static_cast<size_t>(p.rd)]);
      c.offset_y = offsets(w.ph.taps[static_cast<size_t>(p.ry)]);
      c.offset_x = offsets(w.pw.taps[static_cast<size_t>(p.rx)]);
      chunks.push_back(std::move(c));
    }
  return chunks;
}

// The sets a work item computes: one chunk, or (row_items) every chunk of one row residue
// (rd, ry); and where each phase sits in its set.
void make_sets(Weights& w) {
  const int64_t sh = w.ph.stride, sw = w.pw.stride;
  w.sets_of_rd.assign(static_cast<size_t>(w.pd.stride), {});
  if (w.row_items) {
    std::map<std::pair<int64_t, int64_t>, size_t> set_of;  // (rd, ry) -> set
    w.slot.resize(static_cast<size_t>(w.pd.stride * sh * sw));
    for (size_t c = 0; c < w.chunks.size(); ++c) {
      const Chunk& chunk = w.chunks[c];
      const std::pair<int64_t, int64_t> key(chunk.rd(), chunk.phases.front().ry);
      auto it = set_of.find(key);
      if (it == set_of.end()) {
        it = set_of.emplace(key, w.sets.size()).first;
        w.sets.emplace_back();
      }
      auto& set = w.sets[it->second];
      for (size_t i = 0; i < chunk.phases.size(); ++i) {
        const Phase& p = chunk.phases[i];
        w.slot[static_cast<size_t>((p.rd * sh + p.ry) * sw + p.rx)] = {
            static_cast<int64_t>(set.size()), static_cast<int64_t>(i)};
      }
      set.push_back(static_cast<int64_t>(c));
    }
  } else {
    for (size_t c = 0; c < w.chunks.size(); ++c) w.sets.push_back({static_cast<int64_t>(c)});
  }
  for (size_t s = 0; s < w.sets.size(); ++s) {
    const int64_t rd = w.chunks[static_cast<size_t>(w.sets[s].front())].rd();
    w.sets_of_rd[static_cast<size_t>(rd)].push_back(static_cast<int64_t>(s));
  }
  for (const auto& sets : w.sets_of_rd)
    w.max_sets_per_rd = std::max<int64_t>(w.max_sets_per_rd, static_cast<int64_t>(sets.size()));
}

}  // namespace

Weights pack(const LayerSpec& l, const float* weight, Isa isa) {
  Weights w;
  w.pd = phases_of(l, kD);
  w.ph = phases_of(l, kH);
  w.pw = phases_of(l, kW);
  w.row_items = row_items(l);
  w.chunks = make_chunks(l, w);
  make_sets(w);

  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t kh_n = l.kernel[kH], kw_n = l.kernel[kW], volume = l.kernel_volume();
  bool deep = true;
  for (const Chunk& c : w.chunks) deep &= cin_g * c.taps() >= kTallPanelDepth;
  const GemmTile& tile = kernels_at(isa).tile;
  w.isa = isa;
  w.panel = deep ? tile.tall_rows : tile.rows;
  const auto panel_of = [&](const Chunk& c) { return panel_rows(c.size() * cout_g, w.panel, tile); };
  int64_t total = 0;
  for (const Chunk& c : w.chunks) total += packed_a_floats(c.size() * cout_g, cin_g * c.taps(), panel_of(c));
  w.data.resize(static_cast<size_t>(total * l.groups));
  w.offset.resize(static_cast<size_t>(l.groups) * w.chunks.size());
  std::vector<float> rows;  // one chunk's matrix, row-major, before packing
  int64_t at = 0;
  for (int64_t g = 0; g < l.groups; ++g)
    for (size_t c = 0; c < w.chunks.size(); ++c) {
      const Chunk& chunk = w.chunks[c];
      const int64_t m = chunk.size() * cout_g, k = cin_g * chunk.taps();
      rows.clear();
      for (int64_t co = 0; co < cout_g; ++co)
        for (const Phase& p : chunk.phases) {
          const auto& td = w.pd.taps[static_cast<size_t>(p.rd)];
          const auto& ty = w.ph.taps[static_cast<size_t>(p.ry)];
          const auto& tx = w.pw.taps[static_cast<size_t>(p.rx)];
          for (const Tap& a : td)  // K's order: depth tap, channel, tap in H, tap in W
            for (int64_t ci = 0; ci < cin_g; ++ci) {
              const float* kernel = weight + ((g * cin_g + ci) * cout_g + co) * volume;
              for (const Tap& b : ty)
                for (const Tap& e : tx) rows.push_back(kernel[(a.k * kh_n + b.k) * kw_n + e.k]);
            }
        }
      w.offset[static_cast<size_t>(g) * w.chunks.size() + c] = at;
      pack_a(m, k, rows.data(), k, panel_of(chunk), w.data.data() + at);
      at += packed_a_floats(m, k, panel_of(chunk));
    }
  return w;
}

namespace {
// The union of the chunk's phases' output positions q in one dimension.
Range chunk_range(const Chunk& c, const DimPhases& d, int64_t Phase::*residue, int64_t out,
                  int64_t pad) {
  Range r{INT64_MAX, INT64_MIN};
  for (const Phase& p : c.phases) {
    r.lo = std::min(r.lo, d.q_begin(p.*residue, pad));
    r.hi = std::max(r.hi, d.q_end(p.*residue, out, pad));
  }
  if (r.hi < r.lo) r.hi = r.lo;
  return r;
}
}  // namespace

Range chunk_rows(const Chunk& c, const Weights& w, const RunShape& s) {
  return chunk_range(c, w.ph, &Phase::ry, s.out[kH], s.pad_begin[kH]);
}

Range chunk_cols(const Chunk& c, const Weights& w, const RunShape& s) {
  return chunk_range(c, w.pw, &Phase::rx, s.out[kW], s.pad_begin[kW]);
}

DepthTaps depth_taps(const Chunk& c, const RunShape& s, int64_t qd) {
  // Input slice qd - offset exists for offset in (qd - in_depth, qd]; offsets ascend.
  DepthTaps t;
  const auto& o = c.offset_d;
  t.first = std::upper_bound(o.begin(), o.end(), qd - s.in[kD]) - o.begin();
  t.last = std::upper_bound(o.begin(), o.end(), qd) - o.begin();
  if (t.last < t.first) t.last = t.first;
  return t;
}

}  // namespace subpixel
}  // namespace convt_impl
