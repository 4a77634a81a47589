// The activations (activation.hpp) in any vector type of simd.hpp, for the kernels to apply
// in registers where they store outputs; each level compiles them with its own vectors, so
// one definition serves every level (and Vec1, one float, serves scalar edges). Accuracy:
// a few units in the last place of the result, NaN in gives NaN out.
//   exp      Cody-Waite reduction by ln 2, Cephes' degree-6 polynomial, 2^n by exponent bits
//   expm1    a Taylor polynomial near 0 (where exp(y) - 1 would cancel), else exp(y) - 1
//   tanh     the odd/even rational approximation of Eigen and XLA, clamped to [-9, 9]
//   gelu     y/2 * erfc(-y/sqrt 2), erfc by Numerical Recipes' Chebyshev fit (relative
//            error below 1.2e-7), its exp(-y^2/2) in two exact parts (gelu below)
#pragma once

#include <cstdint>
#include <cstring>

#include "../activation.hpp"
#include "simd.hpp"

namespace convt_impl {
namespace act {

// The signed integer vector of a float vector's lanes (what its comparisons return).
template <typename Vec>
using Mask = decltype(Vec{} < Vec{});

template <typename To, typename From>
__attribute__((always_inline)) inline To bits(const From& v) {
  static_assert(sizeof(To) == sizeof(From));
  To t;
  std::memcpy(&t, &v, sizeof t);
  return t;
}

template <typename Vec>
__attribute__((always_inline)) inline Vec splat(float v) {
  return Vec{} + v;
}

// Where m is set, a, else b (lane by lane).
template <typename Vec>
__attribute__((always_inline)) inline Vec select(Mask<Vec> m, Vec a, Vec b) {
  return bits<Vec>((bits<Mask<Vec>>(a) & m) | (bits<Mask<Vec>>(b) & ~m));
}

template <typename Vec>
__attribute__((always_inline)) inline Vec abs(Vec v) {
  return bits<Vec>(bits<Mask<Vec>>(v) & 0x7fffffff);
}

// exp(y): 0 below -87.3 (where the result leaves the normal floats), exp(88) above 88.
template <typename Vec>
__attribute__((always_inline)) inline Vec exp(Vec y) {
  using I = Mask<Vec>;
  Vec x = select(y < -87.3f, splat<Vec>(-87.3f), y);
  x = select(x > 88.0f, splat<Vec>(88.0f), x);
  // n = round(x / ln 2): adding 1.5 * 2^23 leaves n in the low bits of the mantissa.
  const Vec magic = splat<Vec>(12582912.0f);
  const Vec t = x * 1.44269504088896341f + magic;
  const Vec n = t - magic;
  Vec r = x - n * 0.693359375f;  // ln 2 in two parts: r exact to float precision
  r = r - n * -2.12194440e-4f;
  Vec p = splat<Vec>(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  const I scale = (bits<I>(t) - bits<I>(magic)) << 23;  // n in the exponent's place
  const Vec e = bits<Vec>(bits<I>(p) + scale);
  return select(y != y, y, select(y < -87.3f, Vec{}, e));
}

// exp(y) - 1 for y <= 0 (ELU's negative side).
template <typename Vec>
__attribute__((always_inline)) inline Vec expm1_negative(Vec y) {
  // Taylor to y^9 / 9!: below 1e-11 relative error on [-0.35, 0].
  Vec p = splat<Vec>(1.0f / 362880.0f);
  p = p * y + 1.0f / 40320.0f;
  p = p * y + 1.0f / 5040.0f;
  p = p * y + 1.0f / 720.0f;
  p = p * y + 1.0f / 120.0f;
  p = p * y + 1.0f / 24.0f;
  p = p * y + 1.0f / 6.0f;
  p = p * y + 0.5f;
  const Vec small = p * (y * y) + y;
  return select(y > -0.35f, small, exp(y) - 1.0f);
}

template <typename Vec>
__attribute__((always_inline)) inline Vec tanh(Vec y) {
  Vec x = select(y > 9.0f, splat<Vec>(9.0f), y);
  x = select(x < -9.0f, splat<Vec>(-9.0f), x);
  const Vec x2 = x * x;
  Vec p = splat<Vec>(-2.76076847742355e-16f);
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 + -8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  p = p * x;
  Vec q = splat<Vec>(1.19825839466702e-06f);
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return select(y != y, y, p / q);
}

// GELU, y/2 * (1 + erf(y / sqrt 2)) = y/2 * erfc(-y / sqrt 2): erfc(|z|) for y < 0, and
// 2 - erfc(z) for y >= 0, with z = |y| / sqrt 2, so there is no cancellation where erf is
// close to -1. erfc(z) = t * exp(-z^2 + P(t)) with t = 1 / (1 + z/2) (Numerical Recipes),
// and z^2 = y^2 / 2 taken from y in two exact parts, y = m + f with m a multiple of 1/32:
// exp(-m^2 / 2) has only exp's own error, exp(P - f * (2m + f) / 2) a small argument. (exp
// of the float z^2 would be off by up to 80 ulps near z = 9: z's own rounding, squared.)
template <typename Vec>
__attribute__((always_inline)) inline Vec gelu(Vec y) {
  const Vec a = abs(y);
  const Vec z = a * 0.70710678118654752f;
  const Vec t = 1.0f / (1.0f + 0.5f * z);
  Vec p = splat<Vec>(0.17087277f);
  p = p * t + -0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t + -1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t + -0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t + -1.26551223f;
  const Vec magic = splat<Vec>(12582912.0f);
  const Vec m = ((a * 32.0f + magic) - magic) * (1.0f / 32.0f);
  const Vec f = a - m;
  const Vec c = t * exp(m * m * -0.5f) * exp(p - 0.5f * f * (2.0f * m + f));
  const Vec half = 0.5f * y;
  const Vec g = select(y < 0.0f, half * c, y - half * c);
  // Past |y| = 14 the result is y, or 0 below (erfc(9.9) < 1e-43); the formula alone would
  // give NaN at the infinities (infinity times erfc's 0).
  return select(a > 14.0f, select(y > 0.0f, y, Vec{} * y), g);
}

}  // namespace act

// The activation of `a` applied to v (lane by lane). The switch is outside any loop of the
// callers' hot paths: they call this once per block of outputs they store.
template <typename Vec>
__attribute__((always_inline)) inline Vec activate(Vec v, const Activation& a) {
  switch (a.kind) {
    case CONVT_ACTIVATION_RELU: return act::select(v < 0.0f, Vec{}, v);
    case CONVT_ACTIVATION_LEAKY_RELU: return act::select(v < 0.0f, v * a.alpha, v);
    case CONVT_ACTIVATION_CLAMP: {
      const Vec lo = act::select(v < a.alpha, act::splat<Vec>(a.alpha), v);
      return act::select(lo > a.beta, act::splat<Vec>(a.beta), lo);
    }
    case CONVT_ACTIVATION_TANH: return act::tanh(v);
    case CONVT_ACTIVATION_SIGMOID: {
      const Vec s = 1.0f / (1.0f + act::exp(Vec{} - v));
      return act::select(v != v, v, s);
    }
    case CONVT_ACTIVATION_ELU:
      return act::select(v > 0.0f, v, a.alpha * act::expm1_negative(act::select(v > 0.0f, Vec{}, v)));
    case CONVT_ACTIVATION_GELU: return act::gelu(v);
    default: return v;
  }
}

// The same over n vectors at once: the switch taken once for all of them.
template <typename Vec, int N>
__attribute__((always_inline)) inline void activate_all(Vec (&v)[N], const Activation& a) {
  switch (a.kind) {
    case CONVT_ACTIVATION_NONE: return;
    case CONVT_ACTIVATION_RELU:
      for (int i = 0; i < N; ++i) v[i] = act::select(v[i] < 0.0f, Vec{}, v[i]);
      return;
    default:
      for (int i = 0; i < N; ++i) v[i] = activate(v[i], a);
      return;
  }
}

// One float, activated (scalar code: for a few values outside the vector loops).
inline float activated(float v, const Activation& a) { return activate(Vec1{} + v, a)[0]; }

// Store-side functors, so that a kernel templated on one compiles its plain path exactly as
// before and its activated path with the activation inlined: Plain leaves values alone,
// Activated applies a.
struct Plain {
  template <typename V>
  __attribute__((always_inline)) V operator()(V v) const {
    return v;
  }
};
struct Activated {
  const Activation* a;
  template <typename V>
  __attribute__((always_inline)) V operator()(V v) const {
    return activate(v, *a);
  }
  __attribute__((always_inline)) float operator()(float v) const {
    return activate(Vec1{} + v, *a)[0];
  }
};

// dst[j] = activation(src[j] + bias) for j < n, in vectors of Vec (dst may be src).
template <typename Vec>
__attribute__((always_inline)) inline void bias_activate_impl(float* dst, const float* src,
                                                              int64_t n, float bias,
                                                              const Activation& a) {
  constexpr int64_t L = kLanes<Vec>;
  int64_t j = 0;
  for (; j + L <= n; j += L) store(dst + j, activate(load<Vec>(src + j) + bias, a));
  for (; j < n; ++j) {
    Vec1 v = Vec1{} + (src[j] + bias);
    v = activate(v, a);
    dst[j] = v[0];
  }
}

}  // namespace convt_impl
