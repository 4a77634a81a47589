#include "shape.hpp"

#include <climits>
#include <cmath>
#include <ostream>
#include <sstream>

#include "checked.hpp"
#include "error.hpp"

namespace convt_impl {
namespace {

constexpr convt_status kInvalid = CONVT_ERROR_INVALID_ARGUMENT;

// PyTorch's name of the caller's spatial dimension i.
const char* dim_name(int rank, int i) {
  static const char* const kNames[] = {"depth", "height", "width"};
  return kNames[internal_dim(rank, i)];
}

// "kernel_height: 0 kernel_width: 3", the way PyTorch prints a parameter per dimension.
struct Named {
  const char* name;
  const Dims& v;
  int rank;
};
std::ostream& operator<<(std::ostream& os, const Named& p) {
  for (int i = 0; i < p.rank; ++i)
    os << (i ? " " : "") << p.name << "_" << dim_name(p.rank, i) << ": "
       << p.v[internal_dim(p.rank, i)];
  return os;
}

// The caller's entries of a size, "a, b, c" (in brackets: List) or "a x b x c" (Product).
struct Joined {
  const Dims& v;
  int rank;
  const char* separator;
};
std::ostream& operator<<(std::ostream& os, const Joined& j) {
  for (int i = 0; i < j.rank; ++i) os << (i ? j.separator : "") << j.v[internal_dim(j.rank, i)];
  return os;
}
Joined list(const Dims& v, int rank) { return {v, rank, ", "}; }
Joined product(const Dims& v, int rank) { return {v, rank, " x "}; }

// "input height and width", "input depth, height and width", "input width".
std::string input_dims_phrase(int rank) {
  std::string s = "input ";
  for (int i = 0; i < rank; ++i) {
    if (i > 0) s += i == rank - 1 ? " and " : ", ";
    s += dim_name(rank, i);
  }
  return s;
}

bool any_below(const Dims& v, int rank, int64_t bound) {
  for (int i = 0; i < rank; ++i)
    if (v[internal_dim(rank, i)] < bound) return true;
  return false;
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

const char* padding_kind_name(int32_t kind) {
  switch (kind) {
    case CONVT_PADDING_EXPLICIT: return "padding_kind EXPLICIT";
    case CONVT_PADDING_SAME_UPPER: return "padding_kind SAME_UPPER";
    case CONVT_PADDING_SAME_LOWER: return "padding_kind SAME_LOWER";
    case CONVT_PADDING_VALID: return "padding_kind VALID";
    default: return "padding_kind SYMMETRIC";
  }
}

void validate_activation(const Activation& a) {
  if (a.kind < CONVT_ACTIVATION_NONE || a.kind > CONVT_ACTIVATION_GELU)
    fail(kInvalid,
         "activation must be a CONVT_ACTIVATION_* value (NONE 0, RELU 1, LEAKY_RELU 2, CLAMP 3, "
         "TANH 4, SIGMOID 5, ELU 6, GELU 7), but got activation: ",
         a.kind);
  const char* name = a.kind == CONVT_ACTIVATION_LEAKY_RELU ? "LEAKY_RELU"
                     : a.kind == CONVT_ACTIVATION_ELU      ? "ELU"
                                                           : "CLAMP";
  const bool reads_alpha = a.kind == CONVT_ACTIVATION_LEAKY_RELU ||
                           a.kind == CONVT_ACTIVATION_ELU || a.kind == CONVT_ACTIVATION_CLAMP;
  if (reads_alpha && std::isnan(a.alpha))
    fail(kInvalid, "activation_alpha must be a number for ", name, ", but got activation_alpha: nan");
  if (a.kind != CONVT_ACTIVATION_CLAMP) return;
  if (std::isnan(a.beta))
    fail(kInvalid, "activation_beta must be a number for CLAMP, but got activation_beta: nan");
  if (a.alpha > a.beta)
    fail(kInvalid, "CLAMP needs activation_alpha (min) <= activation_beta (max), but got "
         "activation_alpha: ", a.alpha, " activation_beta: ", a.beta);
}

// The untrimmed output of one dimension, stride*(in-1) + output_padding + extent: what ONNX
// calls the output before its pads are removed.
int64_t full_extent(const LayerSpec& l, int d, int64_t in, int64_t op) {
  int64_t v = checked_mul(in - 1, l.stride[d], "(input - 1) * stride");
  v = checked_add(v, kernel_extent(l.kernel[d], l.dilation[d]), "output size");
  return checked_add(v, op, "output size");
}

// SAME_UPPER and SAME_LOWER's total trim: max(0, full - in*stride) = max(0, output_padding +
// extent - stride), the same for every input size.
int64_t same_total(const LayerSpec& l, int d) {
  const int64_t t = checked_add(kernel_extent(l.kernel[d], l.dilation[d]), l.output_padding[d],
                                "output size") -
                    l.stride[d];
  return t > 0 ? t : 0;
}

}  // namespace

Dims default_pad_begin(const LayerSpec& l) {
  Dims begin{0, 0, 0};
  for (int d = 0; d < kMaxRank; ++d) switch (l.padding_kind) {
      case CONVT_PADDING_SYMMETRIC:
      case CONVT_PADDING_EXPLICIT: begin[d] = l.padding[d]; break;
      case CONVT_PADDING_SAME_UPPER: begin[d] = same_total(l, d) / 2; break;
      case CONVT_PADDING_SAME_LOWER: begin[d] = same_total(l, d) - same_total(l, d) / 2; break;
      default: begin[d] = 0; break;  // VALID
    }
  return begin;
}

std::string dims_list(const Dims& v, int rank) {
  std::ostringstream s;
  s << list(v, rank);
  return s.str();
}

void validate_layer(const LayerSpec& l) {
  if (l.rank < 1 || l.rank > kMaxRank)
    fail(kInvalid, "spatial_dims must be 1, 2 or 3, but got spatial_dims: ", l.rank);
  if (l.num_threads < 0)
    fail(kInvalid, "num_threads must be >= 0 (0: library default), but got num_threads: ",
         l.num_threads);
  const int r = l.rank;
  if (l.in_channels < 1)
    fail(kInvalid, "in_channels must be positive, but got in_channels: ", l.in_channels);
  if (l.out_channels < 1)
    fail(kInvalid, "out_channels must be positive, but got out_channels: ", l.out_channels);
  if (any_below(l.kernel, r, 1))
    fail(kInvalid, "kernel size should be greater than zero, but got ", Named{"kernel", l.kernel, r});
  if (any_below(l.stride, r, 1))
    fail(kInvalid, "stride should be greater than zero, but got ", Named{"stride", l.stride, r});
  if (l.padding_kind < CONVT_PADDING_SYMMETRIC || l.padding_kind > CONVT_PADDING_VALID)
    fail(kInvalid,
         "padding_kind must be a CONVT_PADDING_* value (SYMMETRIC 0, EXPLICIT 1, SAME_UPPER 2, "
         "SAME_LOWER 3, VALID 4), but got padding_kind: ",
         l.padding_kind);
  // SAME_* and VALID ignore padding and padding_end, as ONNX's auto_pad ignores pads.
  const bool reads_padding =
      l.padding_kind == CONVT_PADDING_SYMMETRIC || l.padding_kind == CONVT_PADDING_EXPLICIT;
  if (reads_padding && any_below(l.padding, r, 0))
    fail(kInvalid, "negative padding is not supported, but got ", Named{"padding", l.padding, r});
  if (l.padding_kind == CONVT_PADDING_EXPLICIT && any_below(l.padding_end, r, 0))
    fail(kInvalid, "negative padding_end is not supported, but got ",
         Named{"padding_end", l.padding_end, r});
  if (any_below(l.dilation, r, 1))
    fail(kInvalid, "dilation should be greater than zero, but got ",
         Named{"dilation", l.dilation, r});
  if (l.groups < 1) fail(kInvalid, "groups must be a positive integer, but got groups: ", l.groups);
  if (l.onnx_padding()) {
    // ONNX Runtime rejects output_padding >= stride even below the dilation (PyTorch's
    // rule, checked per run under SYMMETRIC, allows it).
    for (int i = 0; i < r; ++i) {
      const int d = internal_dim(r, i);
      if (l.output_padding[d] < 0 || l.output_padding[d] >= l.stride[d])
        fail(kInvalid, "output_padding must be >= 0 and smaller than stride under ONNX padding (",
             padding_kind_name(l.padding_kind), "), but got ",
             Named{"output_padding", l.output_padding, r}, " ", Named{"stride", l.stride, r});
    }
  }
  if (l.layout != CONVT_LAYOUT_CHANNELS_FIRST && l.layout != CONVT_LAYOUT_CHANNELS_LAST)
    fail(kInvalid,
         "layout must be CONVT_LAYOUT_CHANNELS_FIRST (0) or CONVT_LAYOUT_CHANNELS_LAST (1), but "
         "got layout: ",
         l.layout);
  validate_activation(l.activation);
  if (l.in_channels % l.groups != 0)
    fail(kInvalid, "in_channels must be divisible by groups, but got in_channels: ", l.in_channels,
         " groups: ", l.groups);
  if (l.out_channels % l.groups != 0)
    fail(kInvalid, "out_channels must be divisible by groups, but got out_channels: ",
         l.out_channels, " groups: ", l.groups);

  // Sizes: each must be representable before anything is allocated.
  int64_t kernel_volume = 1;
  for (int d = 0; d < kMaxRank; ++d) {
    kernel_extent(l.kernel[d], l.dilation[d]);
    if (l.padding_kind == CONVT_PADDING_SYMMETRIC) checked_mul(2, l.padding[d], "2 * padding");
    if (l.padding_kind == CONVT_PADDING_EXPLICIT)
      checked_add(l.padding[d], l.padding_end[d], "padding + padding_end");
    kernel_volume = checked_mul(kernel_volume, l.kernel[d], "kernel size");
  }
  const int64_t weight = checked_mul(checked_mul(l.in_channels, l.out_per_group(), "weight size"),
                                     kernel_volume, "weight size");
  checked_bytes(weight, sizeof(float), "weight size");

  // The library's limit: GEMM + col2im, which runs every layer, hands BLAS int dimensions:
  // M = out/groups * kernel volume rows of the column matrix, K = in/groups.
  const int64_t gemm_m = checked_mul(l.out_per_group(), kernel_volume, "out_channels/groups * kernel size");
  if (gemm_m > INT_MAX || l.in_per_group() > INT_MAX)
    fail(CONVT_ERROR_UNSUPPORTED, "out_channels/groups * kernel size = ", gemm_m,
         " and in_channels/groups = ", l.in_per_group(), " must each be at most ", INT_MAX,
         " (a BLAS int)");
}

namespace {

// The requested sizes, or the valid range's "[lo] to [hi]" when one lies outside it: per
// dimension lo <= size <= base + span, compared as a difference (base + span may not fit
// int64, and is printed exactly all the same).
void check_requested(const LayerSpec& l, const Dims& in, const int64_t* output_size,
                     const Dims& lo, const Dims& base, const Dims& span, Dims* requested) {
  const int r = l.rank;
  bool ok = true;
  for (int i = 0; i < r; ++i) {
    const int d = internal_dim(r, i);
    (*requested)[d] = output_size[i];
    int64_t diff;
    ok = ok && (*requested)[d] >= lo[d] &&
         !__builtin_sub_overflow((*requested)[d], base[d], &diff) && diff <= span[d];
  }
  if (ok) return;
  std::ostringstream hi;
  for (int i = 0; i < r; ++i) {
    const int d = internal_dim(r, i);
    int64_t v;
    hi << (i ? ", " : "");
    if (__builtin_add_overflow(base[d], span[d], &v))
      hi << base[d] << " + " << span[d];
    else
      hi << v;
  }
  fail(kInvalid, "requested an output size of [", list(*requested, r),
       "], but valid sizes range from [", list(lo, r), "] to [", hi.str(),
       "] (for an input of [", list(in, r), "])");
}

// PyTorch's rule (SYMMETRIC): output_size picks output_padding in [0, stride - 1] (its
// _output_padding), else output_padding must be below the stride or the dilation.
void pytorch_output(const LayerSpec& l, const int64_t* output_size, RunShape& s) {
  const int r = l.rank;
  const Dims& in = s.in;
  s.pad_begin = l.padding;
  if (output_size) {
    Dims requested{1, 1, 1}, min_size{1, 1, 1}, lo{1, 1, 1}, span{0, 0, 0};
    for (int d = 0; d < kMaxRank; ++d) {
      min_size[d] = output_extent(l, d, in[d], 0);
      lo[d] = min_size[d] < 1 ? 1 : min_size[d];
      span[d] = l.stride[d] - 1;
    }
    check_requested(l, in, output_size, lo, min_size, span, &requested);
    for (int d = 0; d < kMaxRank; ++d) {
      s.out[d] = requested[d];
      s.output_padding[d] = requested[d] - min_size[d];
    }
    return;
  }
  // Checked here, not at create: PyTorch's forward checks output_padding only when no
  // output_size replaces it.
  if (any_below(l.output_padding, r, 0))
    fail(kInvalid, "negative output_padding is not supported, but got ",
         Named{"output_padding", l.output_padding, r});
  for (int d = 0; d < kMaxRank; ++d) {
    const int64_t op = l.output_padding[d];
    if (!(op < l.stride[d] || op < l.dilation[d]))
      fail(kInvalid, "output padding must be smaller than either stride or dilation, but got ",
           Named{"output_padding", l.output_padding, r}, " ", Named{"stride", l.stride, r}, " ",
           Named{"dilation", l.dilation, r});
    s.output_padding[d] = op;
  }
  for (int d = 0; d < kMaxRank; ++d) s.out[d] = output_extent(l, d, in[d], s.output_padding[d]);
  if (any_below(s.out, r, 1))
    fail(kInvalid, "Given input size per channel: (", product(in, r),
         "). Calculated output size per channel: (", product(s.out, r),
         "). Output size is too small");
}

// ONNX Runtime's rules (every other kind): the untrimmed output `full` less begin and end
// trims that follow from the kind, or from output_size (ONNX's output_shape).
void onnx_output(const LayerSpec& l, const int64_t* output_size, RunShape& s) {
  const int r = l.rank;
  const Dims& in = s.in;
  s.output_padding = l.output_padding;  // below the stride: checked at create
  Dims full{1, 1, 1};
  for (int d = 0; d < kMaxRank; ++d) full[d] = full_extent(l, d, in[d], l.output_padding[d]);
  if (output_size) {
    // Sizes from 1 to stride*in + extent - 1: the largest from which a stride-s convolution
    // gives back `in`. That bound is full + (stride - 1 - output_padding), both parts in
    // int64 (output_padding < stride), compared as a difference: where the bound itself is
    // past int64 every requested size below it is valid, not an overflow.
    Dims requested{1, 1, 1}, one{1, 1, 1}, span{0, 0, 0};
    for (int d = 0; d < kMaxRank; ++d) span[d] = l.stride[d] - 1 - l.output_padding[d];
    check_requested(l, in, output_size, one, full, span, &requested);
    for (int d = 0; d < kMaxRank; ++d) {
      const int64_t total = full[d] > requested[d] ? full[d] - requested[d] : 0;
      s.pad_begin[d] = l.padding_kind == CONVT_PADDING_SAME_UPPER ? total / 2 : total - total / 2;
      s.out[d] = requested[d];
    }
    return;
  }
  s.pad_begin = default_pad_begin(l);
  for (int d = 0; d < kMaxRank; ++d) {
    int64_t end = 0;
    switch (l.padding_kind) {
      case CONVT_PADDING_EXPLICIT: end = l.padding_end[d]; break;
      case CONVT_PADDING_SAME_UPPER:
      case CONVT_PADDING_SAME_LOWER: end = same_total(l, d) - s.pad_begin[d]; break;
      default: break;  // VALID
    }
    s.out[d] = checked_sub(checked_sub(full[d], s.pad_begin[d], "output size"), end, "output size");
  }
  if (any_below(s.out, r, 1))
    fail(kInvalid, "Given input size per channel: (", product(in, r),
         "). Calculated output size per channel: (", product(s.out, r),
         "). Output size is too small (", padding_kind_name(l.padding_kind), ": ",
         Named{"padding", l.padding, r}, " ", Named{"padding_end", l.padding_end, r}, ")");
}

}  // namespace

RunShape resolve_run_shape(const LayerSpec& l, const int64_t* input_shape,
                           const int64_t* output_size) {
  if (!input_shape) fail(kInvalid, "input_shape is NULL");
  const int r = l.rank;
  const int64_t n = input_shape[0], c = input_shape[1];
  Dims in{1, 1, 1};
  for (int i = 0; i < r; ++i) in[internal_dim(r, i)] = input_shape[2 + i];
  auto input_str = [&] {
    std::ostringstream s;
    s << "input[" << n << ", " << c << ", " << list(in, r) << "]";
    return s.str();
  };
  if (n < 0) fail(kInvalid, "batch size must be >= 0, but got ", input_str());
  if (c != l.in_channels) {
    std::ostringstream weight;
    weight << l.in_channels << ", " << l.out_per_group() << ", " << list(l.kernel, r);
    fail(kInvalid, "Given transposed=1, weight of size [", weight.str(), "], expected ",
         input_str(), " to have ", l.in_channels, " channels, but got ", c, " channels instead");
  }
  if (any_below(in, r, 1))
    fail(kInvalid, input_dims_phrase(r), " must be at least 1, but got ", input_str());

  RunShape s;
  s.batch = n;
  s.in = in;
  if (l.onnx_padding())
    onnx_output(l, output_size, s);
  else
    pytorch_output(l, output_size, s);
  const Dims& out = s.out;

  int64_t in_volume = 1, out_volume = 1;
  for (int d = 0; d < kMaxRank; ++d)
    in_volume = checked_mul(in_volume, in[d], "input size per channel");
  s.input_elems = checked_mul(checked_mul(n, c, "input size"), in_volume, "input size");
  checked_bytes(checked_mul(l.in_channels, in_volume, "input size"), sizeof(float), "input size");
  checked_bytes(s.input_elems, sizeof(float), "input size");
  for (int d = 0; d < kMaxRank; ++d)
    out_volume = checked_mul(out_volume, out[d], "output size per channel");
  const int64_t out_item = checked_mul(l.out_channels, out_volume, "output size");
  s.output_elems = checked_mul(n, out_item, "output size");
  checked_bytes(out_item, sizeof(float), "output size");
  checked_bytes(s.output_elems, sizeof(float), "output size");
  // The column GEMM's ldb is the input's pixels per channel: a BLAS int.
  if (in_volume > INT_MAX)
    fail(CONVT_ERROR_UNSUPPORTED, "input size per channel (", product(in, r), ") = ", in_volume,
         " must be at most ", INT_MAX, " (a BLAS int)");
  return s;
}

}  // namespace convt_impl
