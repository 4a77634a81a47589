#include "pack.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "kernels/gemm.hpp"
#include "kernels/levels.hpp"

namespace convt_impl {

bool subpixel_row_items(const LayerSpec& l) {
  const int64_t phases = l.stride[kH] * l.stride[kW];
  const int64_t depth = l.in_per_group() * l.kernel_volume() / std::max<int64_t>(phases, 1);
  return l.stride[kW] > 1 && depth < kRowItemsMaxDepth && l.out_per_group() * l.stride[kW] >= 8;
}

namespace {
std::vector<int64_t> offsets(const std::vector<Tap>& taps) {
  std::vector<int64_t> v;
  for (const Tap& t : taps) v.push_back(t.offset);
  return v;
}

// The chunks of a layer's phases, deterministic: phases grouped by their tap offsets (and
// by ry too when items cover output rows, so that a chunk belongs to one row residue).
std::vector<PhaseChunk> phase_chunks(const LayerSpec& l, bool row_items) {
  const DimPhases ph = make_phases(l.kernel[kH], l.stride[kH], l.padding[kH], l.dilation[kH]);
  const DimPhases pw = make_phases(l.kernel[kW], l.stride[kW], l.padding[kW], l.dilation[kW]);
  const int64_t per_chunk = std::max<int64_t>(1, (kMergedRows + l.out_per_group() - 1) /
                                                     l.out_per_group());
  // Phases grouped by their tap offsets, in first-seen order; and by where their outputs
  // start unless the layer's channels are few (kThinChannels). A chunk's GEMM covers the
  // union of its phases' output ranges: DCGAN's k4 s2 p1 phases start at q 0 or 1, so
  // merged they computed 9 x 9 positions for every 8 x 8 (27 % more work than the layer).
  const bool thin = l.out_per_group() < kThinChannels;
  std::map<std::tuple<int64_t, std::vector<int64_t>, std::vector<int64_t>, int64_t, int64_t>,
           size_t>
      class_of;
  std::vector<std::vector<std::pair<int64_t, int64_t>>> classes;
  for (int64_t ry = 0; ry < l.stride[kH]; ++ry)
    for (int64_t rx = 0; rx < l.stride[kW]; ++rx) {
      const auto key =
          std::make_tuple(row_items ? ry : 0, offsets(ph.taps[static_cast<size_t>(ry)]),
                          offsets(pw.taps[static_cast<size_t>(rx)]), thin ? 0 : ph.q_begin(ry),
                          thin ? 0 : pw.q_begin(rx));
      auto it = class_of.find(key);
      if (it == class_of.end()) {
        it = class_of.emplace(key, classes.size()).first;
        classes.emplace_back();
      }
      classes[it->second].push_back({ry, rx});
    }
  std::vector<PhaseChunk> chunks;
  for (const auto& members : classes)
    for (size_t i = 0; i < members.size(); i += static_cast<size_t>(per_chunk)) {
      PhaseChunk c;
      const size_t end = std::min(members.size(), i + static_cast<size_t>(per_chunk));
      c.phases.assign(members.begin() + static_cast<std::ptrdiff_t>(i),
                      members.begin() + static_cast<std::ptrdiff_t>(end));
      c.offset_y = offsets(ph.taps[static_cast<size_t>(c.phases[0].first)]);
      c.offset_x = offsets(pw.taps[static_cast<size_t>(c.phases[0].second)]);
      chunks.push_back(std::move(c));
    }
  return chunks;
}

}  // namespace

SubpixelWeights pack_subpixel(const LayerSpec& l, const float* weight, Isa isa) {
  SubpixelWeights s;
  s.ph = make_phases(l.kernel[kH], l.stride[kH], l.padding[kH], l.dilation[kH]);
  s.pw = make_phases(l.kernel[kW], l.stride[kW], l.padding[kW], l.dilation[kW]);
  s.row_items = subpixel_row_items(l);
  s.chunks = phase_chunks(l, s.row_items);
  if (s.row_items) {
    s.sets.resize(static_cast<size_t>(l.stride[kH]));
    s.slot.resize(static_cast<size_t>(l.stride[kH] * l.stride[kW]));
    for (size_t c = 0; c < s.chunks.size(); ++c) {
      const PhaseChunk& chunk = s.chunks[c];
      auto& set = s.sets[static_cast<size_t>(chunk.phases[0].first)];
      for (size_t i = 0; i < chunk.phases.size(); ++i) {
        const auto [ry, rx] = chunk.phases[i];
        s.slot[static_cast<size_t>(ry * l.stride[kW] + rx)] = {static_cast<int64_t>(set.size()),
                                                              static_cast<int64_t>(i)};
      }
      set.push_back(static_cast<int64_t>(c));
    }
  } else {
    for (size_t c = 0; c < s.chunks.size(); ++c) s.sets.push_back({static_cast<int64_t>(c)});
  }
  const int64_t cin_g = l.in_per_group(), cout_g = l.out_per_group();
  const int64_t kw_n = l.kernel[kW], area = l.kernel_volume();
  s.offset.resize(static_cast<size_t>(l.groups) * s.chunks.size());
  bool deep = true;
  for (const PhaseChunk& c : s.chunks) deep &= cin_g * c.taps() >= kTallPanelDepth;
  const GemmTile& tile = kernels_at(isa).tile;
  s.isa = isa;
  s.panel = deep ? tile.tall_rows : tile.rows;
  const auto panel_of = [&](const PhaseChunk& c) {
    return panel_rows(static_cast<int64_t>(c.phases.size()) * cout_g, s.panel, tile);
  };
  int64_t total = 0;
  for (const PhaseChunk& c : s.chunks)
    total += packed_a_floats(static_cast<int64_t>(c.phases.size()) * cout_g, cin_g * c.taps(),
                             panel_of(c));
  s.data.resize(static_cast<size_t>(total * l.groups));
  std::vector<float> rows;  // one chunk's matrix, row-major, before packing
  int64_t at = 0;
  for (int64_t g = 0; g < l.groups; ++g)
    for (size_t c = 0; c < s.chunks.size(); ++c) {
      const PhaseChunk& chunk = s.chunks[c];
      const int64_t m = static_cast<int64_t>(chunk.phases.size()) * cout_g;
      const int64_t k = cin_g * chunk.taps();
      rows.clear();
      for (int64_t co = 0; co < cout_g; ++co)
        for (const auto& [ry, rx] : chunk.phases) {
          const auto& ty = s.ph.taps[static_cast<size_t>(ry)];
          const auto& tx = s.pw.taps[static_cast<size_t>(rx)];
          for (int64_t ci = 0; ci < cin_g; ++ci) {
            const float* w = weight + ((g * cin_g + ci) * cout_g + co) * area;
            for (const Tap& a : ty)
              for (const Tap& b : tx) rows.push_back(w[a.k * kw_n + b.k]);
          }
      }
      s.offset[static_cast<size_t>(g) * s.chunks.size() + c] = at;
      pack_a(m, k, rows.data(), k, panel_of(chunk), s.data.data() + at);
      at += packed_a_floats(m, k, panel_of(chunk));
    }
  return s;
}

}  // namespace convt_impl
