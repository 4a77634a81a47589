#include "shape.hpp"

#include <climits>

#include "checked.hpp"
#include "error.hpp"
#include "plan.hpp"

namespace convt {
namespace {

constexpr convt_status kInvalid = CONVT_ERROR_INVALID_ARGUMENT;

// "kernel_height: 0 kernel_width: 3", the way PyTorch prints a pair.
struct Pair {
  const char* name;
  const int64_t* v;
};
std::ostream& operator<<(std::ostream& os, const Pair& p) {
  return os << p.name << "_height: " << p.v[0] << " " << p.name << "_width: " << p.v[1];
}

// dilation*(kernel-1) + 1: the span of one kernel window in the output.
int64_t kernel_extent(int64_t kernel, int64_t dilation) {
  return checked_add(checked_mul(dilation, kernel - 1, "dilation * (kernel_size - 1)"), 1,
                     "kernel extent");
}

// Output size at a given output_padding: (in-1)*stride - 2*padding + extent + op.
int64_t output_extent(const LayerSpec& l, int d, int64_t in, int64_t op) {
  int64_t v = checked_mul(in - 1, l.stride[d], "(input - 1) * stride");
  v = checked_sub(v, checked_mul(2, l.padding[d], "2 * padding"), "output size");
  v = checked_add(v, kernel_extent(l.kernel[d], l.dilation[d]), "output size");
  return checked_add(v, op, "output size");
}

}  // namespace

LayerSpec validate_layer(const convt_params& p, bool has_bias) {
  if (p.spatial_dims == 1 || p.spatial_dims == 3)
    fail(CONVT_ERROR_UNSUPPORTED, "spatial_dims ", p.spatial_dims,
         " is reserved for a later version; only 2 is supported");
  if (p.spatial_dims != 2)
    fail(kInvalid, "spatial_dims must be 2, but got spatial_dims: ", p.spatial_dims);
  if (p.algorithm < CONVT_ALGORITHM_AUTO || p.algorithm > CONVT_ALGORITHM_POINTWISE)
    fail(kInvalid, "unknown algorithm: ", p.algorithm);
  if (p.num_threads < 0)
    fail(kInvalid, "num_threads must be >= 0 (0: library default), but got num_threads: ",
         p.num_threads);

  LayerSpec l;
  l.in_channels = p.in_channels;
  l.out_channels = p.out_channels;
  l.groups = p.groups;
  for (int d = 0; d < 2; ++d) {
    l.kernel[d] = p.kernel_size[d];
    l.stride[d] = p.stride[d];
    l.padding[d] = p.padding[d];
    l.output_padding[d] = p.output_padding[d];
    l.dilation[d] = p.dilation[d];
  }
  l.algorithm = p.algorithm;
  l.num_threads = p.num_threads;
  l.has_bias = has_bias;

  if (l.in_channels < 1)
    fail(kInvalid, "in_channels must be positive, but got in_channels: ", l.in_channels);
  if (l.out_channels < 1)
    fail(kInvalid, "out_channels must be positive, but got out_channels: ", l.out_channels);
  if (l.kernel[0] < 1 || l.kernel[1] < 1)
    fail(kInvalid, "kernel size should be greater than zero, but got ", Pair{"kernel", l.kernel});
  if (l.stride[0] < 1 || l.stride[1] < 1)
    fail(kInvalid, "stride should be greater than zero, but got ", Pair{"stride", l.stride});
  if (l.padding[0] < 0 || l.padding[1] < 0)
    fail(kInvalid, "negative padding is not supported, but got ", Pair{"padding", l.padding});
  if (l.dilation[0] < 1 || l.dilation[1] < 1)
    fail(kInvalid, "dilation should be greater than zero, but got ", Pair{"dilation", l.dilation});
  if (l.groups < 1) fail(kInvalid, "groups must be a positive integer, but got groups: ", l.groups);
  if (l.in_channels % l.groups != 0)
    fail(kInvalid, "in_channels must be divisible by groups, but got in_channels: ", l.in_channels,
         " groups: ", l.groups);
  if (l.out_channels % l.groups != 0)
    fail(kInvalid, "out_channels must be divisible by groups, but got out_channels: ",
         l.out_channels, " groups: ", l.groups);

  // Sizes: each must be representable before anything is allocated.
  for (int d = 0; d < 2; ++d) kernel_extent(l.kernel[d], l.dilation[d]);
  checked_mul(l.kernel[0], l.kernel[1], "kernel area");
  int64_t weight = checked_mul(checked_mul(l.in_channels, l.out_per_group(), "weight size"),
                               l.kernel_area(), "weight size");
  checked_bytes(weight, sizeof(float), "weight size");
  checked_mul(2, l.padding[0], "2 * padding");
  checked_mul(2, l.padding[1], "2 * padding");

  // BLAS takes int dimensions: M = out/groups * kH * kW rows of the column matrix, K = in/groups.
  int64_t gemm_m = checked_mul(l.out_per_group(), l.kernel_area(), "out_channels/groups * kH * kW");
  if (gemm_m > INT_MAX || l.in_per_group() > INT_MAX)
    fail(CONVT_ERROR_UNSUPPORTED, "out_channels/groups * kH * kW = ", gemm_m,
         " and in_channels/groups = ", l.in_per_group(), " must each be at most ", INT_MAX,
         " (a BLAS int)");
  check_algorithm_possible(l);
  return l;
}

RunShape resolve_run_shape(const LayerSpec& l, const int64_t* input_shape,
                           const int64_t* output_size) {
  if (!input_shape) fail(kInvalid, "input_shape is NULL");
  const int64_t n = input_shape[0], c = input_shape[1], h = input_shape[2], w = input_shape[3];
  auto input_str = [&] {
    std::ostringstream s;
    s << "input[" << n << ", " << c << ", " << h << ", " << w << "]";
    return s.str();
  };
  if (n < 0) fail(kInvalid, "batch size must be >= 0, but got ", input_str());
  if (c != l.in_channels)
    fail(kInvalid, "Given transposed=1, weight of size [", l.in_channels, ", ", l.out_per_group(),
         ", ", l.kernel[0], ", ", l.kernel[1], "], expected ", input_str(), " to have ",
         l.in_channels, " channels, but got ", c, " channels instead");
  if (h < 1 || w < 1)
    fail(kInvalid, "input height and width must be at least 1, but got ", input_str());

  RunShape s;
  s.batch = n;
  s.in_h = h;
  s.in_w = w;
  const int64_t in[2] = {h, w};
  int64_t out[2];
  if (output_size) {
    // PyTorch's _output_padding: the request picks output_padding in [0, stride - 1].
    int64_t min_size[2], lo[2];
    bool ok = true;
    for (int d = 0; d < 2; ++d) {
      min_size[d] = output_extent(l, d, in[d], 0);
      lo[d] = min_size[d] < 1 ? 1 : min_size[d];
      // size <= min + stride - 1, compared as a difference: min + stride may not fit int64.
      int64_t diff;
      ok = ok && output_size[d] >= lo[d] &&
           !__builtin_sub_overflow(output_size[d], min_size[d], &diff) && diff <= l.stride[d] - 1;
    }
    if (!ok) {
      std::ostringstream hi;  // min + stride - 1, printed exactly even beyond int64
      for (int d = 0; d < 2; ++d) {
        int64_t v;
        if (__builtin_add_overflow(min_size[d], l.stride[d] - 1, &v))
          hi << (d ? ", " : "") << min_size[d] << " + " << l.stride[d] - 1;
        else
          hi << (d ? ", " : "") << v;
      }
      fail(kInvalid, "requested an output size of [", output_size[0], ", ", output_size[1],
           "], but valid sizes range from [", lo[0], ", ", lo[1], "] to [", hi.str(),
           "] (for an input of [", h, ", ", w, "])");
    }
    for (int d = 0; d < 2; ++d) {
      out[d] = output_size[d];
      s.output_padding[d] = output_size[d] - output_extent(l, d, in[d], 0);
    }
  } else {
    // Checked here, not at create: PyTorch's forward checks output_padding only when no
    // output_size replaces it.
    if (l.output_padding[0] < 0 || l.output_padding[1] < 0)
      fail(kInvalid, "negative output_padding is not supported, but got ",
           Pair{"output_padding", l.output_padding});
    for (int d = 0; d < 2; ++d) {
      const int64_t op = l.output_padding[d];
      if (!(op < l.stride[d] || op < l.dilation[d]))
        fail(kInvalid, "output padding must be smaller than either stride or dilation, but got ",
             Pair{"output_padding", l.output_padding}, " ", Pair{"stride", l.stride}, " ",
             Pair{"dilation", l.dilation});
      s.output_padding[d] = op;
    }
    for (int d = 0; d < 2; ++d) out[d] = output_extent(l, d, in[d], s.output_padding[d]);
    if (out[0] < 1 || out[1] < 1)
      fail(kInvalid, "Given input size per channel: (", h, " x ", w,
           "). Calculated output size per channel: (", out[0], " x ", out[1],
           "). Output size is too small");
  }
  s.out_h = out[0];
  s.out_w = out[1];

  const int64_t in_plane = checked_mul(h, w, "input H * W");
  s.input_elems = checked_mul(checked_mul(n, c, "input size"), in_plane, "input size");
  checked_bytes(checked_mul(l.in_channels, in_plane, "input size"), sizeof(float), "input size");
  checked_bytes(s.input_elems, sizeof(float), "input size");
  const int64_t out_plane = checked_mul(out[0], out[1], "output H * W");
  const int64_t out_item = checked_mul(l.out_channels, out_plane, "output size");
  s.output_elems = checked_mul(n, out_item, "output size");
  checked_bytes(out_item, sizeof(float), "output size");
  checked_bytes(s.output_elems, sizeof(float), "output size");
  // The column GEMM's ldb is H * W input pixels: a BLAS int.
  if (in_plane > INT_MAX)
    fail(CONVT_ERROR_UNSUPPORTED, "input H * W = ", in_plane, " must be at most ", INT_MAX,
         " (a BLAS int)");
  return s;
}

}  // namespace convt
