// B, the sub-pixel GEMM's input: for each row (depth tap, channel, tap in H, tap in W) an
// address, so that no im2col copy is needed where the taps can be read out of one
// zero-bordered copy of the input rows (or out of the input itself).
#include <cstring>

#include "../../border.hpp"
#include "../../kernels/gemm.hpp"
#include "subpixel.hpp"

namespace convt_impl {
namespace subpixel {

void border_window(const LayerSpec& l, const RunShape& s, const Plan& t, const float* x,
                   int64_t first, float* window) {
  const int64_t in_slice = s.in[kH] * s.in[kW];
  float* dst = window + l.in_per_group() * t.window_slices * t.plane_floats();
  if (l.channels_last()) {
    // Plane (ci, slice) at (ci * window_slices + slice) planes: each slice's channels at once.
    for (int64_t sl = 0; sl < t.window_slices; ++sl) {
      const int64_t id = first + sl;
      const bool inside = id >= 0 && id < s.in[kD];
      copy_bordered_channels_last(inside ? x + id * in_slice * l.in_channels : nullptr,
                                  l.in_channels, l.in_per_group(), s.in[kH], s.in[kW], -t.pad_top,
                                  -t.pad_left, t.pad_rows, t.pad_pitch,
                                  window + sl * t.plane_floats(),
                                  t.window_slices * t.plane_floats());
    }
  } else {
    float* plane = window;
    for (int64_t ci = 0; ci < l.in_per_group(); ++ci)
      for (int64_t id = first; id < first + t.window_slices; ++id) {
        const bool inside = id >= 0 && id < s.in[kD];
        copy_bordered(inside ? x + ci * s.in_volume() + id * in_slice : nullptr, s.in[kH],
                      s.in[kW], -t.pad_top, -t.pad_left, t.pad_rows, t.pad_pitch, plane);
        plane += t.plane_floats();
      }
  }
  // The GEMM's flat reads past the last plane (see plan.cpp).
  std::memset(dst, 0, static_cast<size_t>(window + t.window_floats - dst) * sizeof(float));
}

void gather(const LayerSpec& l, const RunShape& s, const Plan& t, const Chunk& chunk,
            const ChunkPlan& cp, const Item& item, Range item_cols, DepthTaps taps,
            const float** b_rows, float* area) {
  const int64_t cin_g = l.in_per_group();
  const int64_t in_h = s.in[kH], in_w = s.in[kW], in_slice = in_h * in_w;
  const int64_t rows = item.qy1 - item.qy0, cols = item_cols.size(), qx0 = item_cols.lo;
  const int64_t prows = rows + cp.ay_max, pitch = cp.pitch;
  const auto& oy = chunk.offset_y;
  const auto& ox = chunk.offset_x;
  // Input slice of depth tap i (one the item reads: taps.first <= i < taps.last).
  const auto slice = [&](int64_t i) { return item.qd - chunk.offset_d[static_cast<size_t>(i)]; };
  const auto plane = [&](int64_t i, int64_t ci) {
    return item.x + ci * s.in_volume() + slice(i) * in_slice;
  };
  // Where tap offset (0, 0) of output position (qy0, qx0) lies in the window's copy of a
  // plane; tap (ay, ax) is then ay rows and ax columns before it.
  const auto window_origin = [&](int64_t i, int64_t ci) {
    const int64_t p = ci * t.window_slices + slice(i) - item.window_first;
    return item.window + (p * t.pad_rows + item.qy0 + t.pad_top) * t.pad_pitch + qx0 + t.pad_left;
  };
  // Channel ci's input rows qy0 - ay_max .. qy1 - 1 from column qx0 - ax_max, bordered:
  // prows rows of `pitch` floats at dst; returns where tap (0, 0) of (qy0, qx0) lies.
  const auto bordered_rows = [&](int64_t i, int64_t ci, float* dst) {
    copy_bordered(plane(i, ci), in_h, in_w, item.qy0 - cp.ay_max, qx0 - cp.ax_max, prows, pitch,
                  dst);
    return dst + cp.ay_max * pitch + cp.ax_max;
  };
  // From a channels-last input: every channel's rows of depth tap i at once, channel ci's
  // at dst + ci * plane_stride; returns where tap (0, 0) of channel 0 lies.
  const auto bordered_channels = [&](int64_t i, float* dst, int64_t plane_stride) {
    copy_bordered_channels_last(item.x + slice(i) * in_slice * l.in_channels, l.in_channels,
                                cin_g, in_h, in_w, item.qy0 - cp.ay_max, qx0 - cp.ax_max, prows,
                                pitch, dst, plane_stride);
    return dst + cp.ay_max * pitch + cp.ax_max;
  };

  int64_t kk = 0;
  switch (cp.gather) {
    case Gather::kDirect:
      for (int64_t i = taps.first; i < taps.last; ++i)
        for (int64_t ci = 0; ci < cin_g; ++ci) b_rows[kk++] = plane(i, ci) + item.qy0 * in_w + qx0;
      return;
    case Gather::kBorderedFlat:
    case Gather::kBorderedRows: {
      // + kPaddedColumns: the GEMM may read each B row up to N rounded up to a whole strip.
      const int64_t plane_floats = prows * pitch + cp.ax_max + kPaddedColumns;
      float* copy = area;
      for (int64_t i = taps.first; i < taps.last; ++i) {
        const float* channels_origin =
            !item.window && l.channels_last() ? bordered_channels(i, copy, plane_floats) : nullptr;
        for (int64_t ci = 0; ci < cin_g; ++ci) {
          const float* origin;
          if (item.window) {
            origin = window_origin(i, ci);
          } else {
            origin = channels_origin ? channels_origin + ci * plane_floats
                                     : bordered_rows(i, ci, copy);
            std::memset(copy + prows * pitch, 0,
                        static_cast<size_t>(cp.ax_max + kPaddedColumns) * sizeof(float));
            copy += plane_floats;
          }
          for (const int64_t ay : oy)
            for (const int64_t ax : ox) b_rows[kk++] = origin - ay * pitch - ax;
        }
      }
      return;
    }
    case Gather::kIm2col: {
      // Row (tap, channel, ay, ax) holds the item's outputs' inputs for that tap, slice by
      // slice, cut out of one plane's bordered rows (bounds handled once per plane, not per
      // tap and row). Several slices are read from the window's consecutive planes.
      const int64_t k = (taps.last - taps.first) * cin_g * chunk.taps_hw();
      float* dst = area;
      float* tile = area + k * item.slices * rows * cols + kPaddedColumns;  // past the GEMM's reads
      const int64_t tile_plane = prows * pitch + cp.ax_max + kPaddedColumns;
      for (int64_t i = taps.first; i < taps.last; ++i) {
        const float* channels_origin =
            !item.window && l.channels_last() ? bordered_channels(i, tile, tile_plane) : nullptr;
        for (int64_t ci = 0; ci < cin_g; ++ci) {
          const float* origin = item.window       ? window_origin(i, ci)
                                : channels_origin ? channels_origin + ci * tile_plane
                                                  : bordered_rows(i, ci, tile);
          for (const int64_t ay : oy)
            for (const int64_t ax : ox) {
              b_rows[kk++] = dst;
              for (int64_t sl = 0; sl < item.slices; ++sl) {
                const float* src = origin + sl * t.plane_floats() - ay * pitch - ax;
                for (int64_t r = 0; r < rows; ++r, dst += cols, src += pitch) {
                  if (cols == 8 || cols > 16) {  // one vector, or long enough for the library
                    std::memcpy(dst, src, static_cast<size_t>(cols) * sizeof(float));
                  } else {
                    for (int64_t j = 0; j < cols; ++j) dst[j] = src[j];
                  }
                }
              }
            }
        }
      }
      return;
    }
  }
}

}  // namespace subpixel
}  // namespace convt_impl
