// The fuzzer's own reading of the header's rules, apart from the library's code: which
// fields a struct_size covers, whether the 0.4 fields are valid, a run's output size and
// begin trim per dimension (PyTorch's rules under SYMMETRIC, ONNX Runtime's under the
// other kinds), and the range an activation maps an interval to. Sizes are computed
// exactly (__int128), so the oracle also knows when the library may report an overflow.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "convt/convt.h"

namespace fuzz_oracle {

using i128 = __int128;

// The parameters the library must read from a caller's struct: a 0.4 field only when
// struct_size covers all of it, else its default.
inline convt_params effective(const convt_params& p) {
  if (p.struct_size < CONVT_PARAMS_SIZE_V0_1 || p.struct_size > sizeof(convt_params)) return p;
  convt_params e;
  convt_params_init(&e, sizeof e);
  std::memcpy(&e, &p, CONVT_PARAMS_SIZE_V0_1);
  struct Field {
    size_t offset, size;
  };
  static const Field fields[] = {
      {offsetof(convt_params, padding_end), sizeof p.padding_end},
      {offsetof(convt_params, padding_kind), sizeof p.padding_kind},
      {offsetof(convt_params, layout), sizeof p.layout},
      {offsetof(convt_params, activation), sizeof p.activation},
      {offsetof(convt_params, activation_alpha), sizeof p.activation_alpha},
      {offsetof(convt_params, activation_beta), sizeof p.activation_beta}};
  for (const Field& f : fields)
    if (f.offset + f.size <= p.struct_size)
      std::memcpy(reinterpret_cast<char*>(&e) + f.offset,
                  reinterpret_cast<const char*>(&p) + f.offset, f.size);
  e.struct_size = sizeof e;
  return e;
}

inline bool onnx(const convt_params& e) { return e.padding_kind != CONVT_PADDING_SYMMETRIC; }

// The 0.4 fields' rules, checked at create (the other fields are not judged here).
inline bool new_fields_valid(const convt_params& e) {
  if (e.padding_kind < CONVT_PADDING_SYMMETRIC || e.padding_kind > CONVT_PADDING_VALID) return false;
  if (e.layout != CONVT_LAYOUT_CHANNELS_FIRST && e.layout != CONVT_LAYOUT_CHANNELS_LAST) return false;
  if (e.activation < CONVT_ACTIVATION_NONE || e.activation > CONVT_ACTIVATION_GELU) return false;
  const bool alpha = e.activation == CONVT_ACTIVATION_LEAKY_RELU ||
                     e.activation == CONVT_ACTIVATION_CLAMP || e.activation == CONVT_ACTIVATION_ELU;
  if (alpha && std::isnan(e.activation_alpha)) return false;
  if (e.activation == CONVT_ACTIVATION_CLAMP &&
      (std::isnan(e.activation_beta) || e.activation_alpha > e.activation_beta))
    return false;
  const int rank = e.spatial_dims;
  for (int i = 0; i < rank && i < 3; ++i) {
    if (e.padding_kind == CONVT_PADDING_EXPLICIT && e.padding_end[i] < 0) return false;
    if (onnx(e) && (e.output_padding[i] < 0 || e.output_padding[i] >= e.stride[i])) return false;
  }
  return true;
}

// One run's sizes by the header's rules, for a layer that convt_create accepted.
struct Run {
  enum Verdict { kValid, kInvalid } verdict = kValid;
  // Some size the library computes on the way (stride * (in - 1), the untrimmed output)
  // is past int64: it may say SIZE_OVERFLOW instead.
  bool may_overflow = false;
  // Valid, but an element count or byte size is past int64 / size_t, or the input's
  // pixels past a BLAS int: SIZE_OVERFLOW or UNSUPPORTED.
  bool too_large = false;
  int64_t out[3] = {1, 1, 1}, begin[3] = {0, 0, 0};
  // The untrimmed output at the effective output_padding (PyTorch's padding 0 layer that
  // the trims cut from), per dimension.
  int64_t full[3] = {1, 1, 1}, output_padding[3] = {0, 0, 0};
  bool full_fits = true;
};

inline bool fits(i128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

// in_shape has 2 + rank entries; request is NULL or rank entries.
inline Run resolve(const convt_params& e, const int64_t* in_shape, const int64_t* request) {
  Run r;
  const int rank = e.spatial_dims;
  if (in_shape[0] < 0 || in_shape[1] != e.in_channels) {
    r.verdict = Run::kInvalid;
    return r;
  }
  for (int i = 0; i < rank; ++i)
    if (in_shape[2 + i] < 1) {
      r.verdict = Run::kInvalid;
      return r;
    }
  for (int i = 0; i < rank; ++i) {
    const i128 in = in_shape[2 + i], s = e.stride[i], p = e.padding[i], op = e.output_padding[i];
    const i128 eff = static_cast<i128>(e.dilation[i]) * (e.kernel_size[i] - 1) + 1;
    const i128 a = (in - 1) * s;
    if (!fits(a)) r.may_overflow = true;
    i128 out, begin, op_eff, full;
    if (!onnx(e)) {
      const i128 min = a - 2 * p + eff;
      if (!fits(min)) r.may_overflow = true;
      begin = p;
      if (request) {
        const i128 lo = min < 1 ? 1 : min, req = request[i];
        if (req < lo || req > min + s - 1) r.verdict = Run::kInvalid;
        out = req, op_eff = req - min;
      } else {
        if (op < 0 || !(op < s || op < e.dilation[i])) r.verdict = Run::kInvalid;
        out = min + op, op_eff = op;
      }
      full = a + eff + op_eff;
    } else {
      full = a + op + eff, op_eff = op;
      if (!fits(full)) r.may_overflow = true;
      if (request) {
        const i128 req = request[i];
        if (req < 1 || req > s * in + eff - 1) r.verdict = Run::kInvalid;
        const i128 t = full > req ? full - req : 0;
        begin = e.padding_kind == CONVT_PADDING_SAME_UPPER ? t / 2 : t - t / 2;
        out = req;
      } else if (e.padding_kind == CONVT_PADDING_EXPLICIT) {
        begin = p, out = full - p - e.padding_end[i];
      } else if (e.padding_kind == CONVT_PADDING_VALID) {
        begin = 0, out = full;
      } else {
        const i128 t0 = eff + op - s, t = t0 > 0 ? t0 : 0;
        begin = e.padding_kind == CONVT_PADDING_SAME_UPPER ? t / 2 : t - t / 2;
        out = full - t;
      }
    }
    if (!fits(out) || !fits(begin)) r.may_overflow = true;
    if (out < 1) r.verdict = Run::kInvalid;
    if (r.verdict == Run::kInvalid || !fits(out) || !fits(begin)) continue;
    r.out[i] = static_cast<int64_t>(out), r.begin[i] = static_cast<int64_t>(begin);
    // (PyTorch's rules never form the untrimmed size: it may be past int64 for a valid run)
    if (fits(full)) r.full[i] = static_cast<int64_t>(full);
    r.full_fits = r.full_fits && fits(full);
    r.output_padding[i] = static_cast<int64_t>(op_eff);
  }
  if (r.verdict == Run::kValid && !r.may_overflow) {
    // Element counts and bytes, each product saturated at 2^100 (past every limit, and
    // far from __int128's).
    auto mul = [](i128 a, i128 b) {
      const i128 cap = static_cast<i128>(1) << 100;
      return a != 0 && b > cap / a ? cap : a * b;
    };
    i128 vin = 1, vout = 1;
    for (int i = 0; i < rank; ++i) vin = mul(vin, in_shape[2 + i]), vout = mul(vout, r.out[i]);
    const i128 limit = static_cast<i128>(INT64_MAX), bytes = static_cast<i128>(SIZE_MAX);
    const i128 n = in_shape[0];
    const i128 in_item = mul(vin, e.in_channels), out_item = mul(vout, e.out_channels);
    const bool big =
        vin > limit || vout > limit || in_item > limit || mul(in_item, 4) > bytes ||
        mul(in_item, n) > limit || mul(mul(in_item, n), 4) > bytes || out_item > limit ||
        mul(out_item, 4) > bytes || mul(out_item, n) > limit || mul(mul(out_item, n), 4) > bytes ||
        vin > INT32_MAX;  // the input's pixels per channel: a BLAS int
    r.too_large = big;
  }
  return r;
}

// The header's activation of y (in double).
inline double activation(double y, const convt_params& e) {
  const double a = e.activation_alpha, b = e.activation_beta;
  switch (e.activation) {
    case CONVT_ACTIVATION_RELU: return y < 0 ? 0.0 : y;
    case CONVT_ACTIVATION_LEAKY_RELU: return y >= 0 ? y : a * y;
    case CONVT_ACTIVATION_CLAMP: {
      const double lo = y < a ? a : y;
      return lo > b ? b : lo;
    }
    case CONVT_ACTIVATION_TANH: return std::tanh(y);
    case CONVT_ACTIVATION_SIGMOID: return 1.0 / (1.0 + std::exp(-y));
    case CONVT_ACTIVATION_ELU: return y > 0 ? y : a * std::expm1(y);
    case CONVT_ACTIVATION_GELU: return 0.5 * y * std::erfc(-y / std::sqrt(2.0));  // (1 + erf cancels)
    default: return y;
  }
}

// Whether `got` is the activation of some value within `bound` of z, up to the
// activation's own rounding (a few ulps; the header promises 5): the range over
// [z - bound, z + bound] is reached at its ends or where the activation turns (0 for
// LEAKY_RELU and ELU with a negative alpha, GELU's minimum near -0.7518). An interval where
// the activation is NaN (ELU with an infinite alpha at 0) accepts anything. The ends are
// rounded to float, where a large alpha overflows to infinity as the library's does.
inline bool activated_within(float got, double z, double bound, const convt_params& e) {
  std::vector<double> at{z - bound, z + bound};
  if (z - bound < 0 && z + bound > 0) at.push_back(0.0);
  const double gelu_min = -0.751791524693564457;
  if (z - bound < gelu_min && z + bound > gelu_min) at.push_back(gelu_min);
  double lo = INFINITY, hi = -INFINITY, scale = 0;
  for (double v : at) {
    // in float, as the library's result: a LEAKY_RELU slope of 1e38 overflows to infinity
    const double f = static_cast<float>(activation(v, e));
    if (std::isnan(f)) return true;
    lo = f < lo ? f : lo, hi = f > hi ? f : hi;
    if (std::isfinite(f)) scale = std::fabs(f) > scale ? std::fabs(f) : scale;
  }
  if (std::isnan(got)) return false;
  if (lo == hi && std::isinf(lo)) return got == lo;
  const double tol = 8 * 1.1920929e-7 * scale + 1e-30;
  return got >= lo - tol && got <= hi + tol;
}

}  // namespace fuzz_oracle
