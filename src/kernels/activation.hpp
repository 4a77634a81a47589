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
  // The polynomial by Estrin's scheme: a short dependency chain, so that the vectors of a
  // loop overlap (a Horner chain made the activations latency-bound).
  const Vec r2 = r * r, r4 = r2 * r2;
  const Vec p01 = r * 1.6666665459e-1f + 5.0000001201e-1f;
  const Vec p23 = r * 8.3334519073e-3f + 4.1665795894e-2f;
  const Vec p45 = r * 1.9875691500e-4f + 1.3981999507e-3f;
  Vec p = p45 * r4 + (p23 * r2 + p01);
  p = p * r2 + r + 1.0f;
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
// close to -1. erfc(z) = t * exp(-z^2 + P(t)) with t = 1 / (1 + z/2) (Numerical Recipes).
// The exponent is taken from y in two exact parts, y = m + f with m a multiple of 1/32:
// -m^2/2 is exact in a float, and the rounding of its sum with the small rest is carried
// (two-sum) into exp(s + e) = exp(s) * (1 + e). (exp of the float z^2 would be off by up to
// 80 ulps near z = 9: z's own rounding, squared.)
template <typename Vec>
__attribute__((always_inline)) inline Vec gelu(Vec y) {
  const Vec a = abs(y);
  const Vec z = a * 0.70710678118654752f;
  const Vec t = 1.0f / (1.0f + 0.5f * z);
  // P(t) of degree 9 by Estrin's scheme (see exp).
  const Vec t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
  const Vec q01 = t * 1.00002368f + -1.26551223f;
  const Vec q23 = t * 0.09678418f + 0.37409196f;
  const Vec q45 = t * 0.27886807f + -0.18628806f;
  const Vec q67 = t * 1.48851587f + -1.13520398f;
  const Vec q89 = t * 0.17087277f + -0.82215223f;
  const Vec p = q89 * t8 + ((q67 * t2 + q45) * t4 + (q23 * t2 + q01));
  const Vec magic = splat<Vec>(12582912.0f);
  const Vec m = ((a * 32.0f + magic) - magic) * (1.0f / 32.0f);
  const Vec f = a - m;
  const Vec big = m * m * -0.5f;                  // exact: (32m)^2 < 2^24
  const Vec small = p - 0.5f * f * (2.0f * m + f);
  const Vec sum = big + small;
  const Vec back = sum - big;
  const Vec err = (big - (sum - back)) + (small - back);
  const Vec e = exp(sum);
  const Vec c = t * (e * err + e);
  const Vec half = 0.5f * y;
  const Vec g = select(y < 0.0f, half * c, y - half * c);
  // Past |y| = 14 the result is y, or 0 below (erfc(9.9) < 1e-43); the formula alone would
  // give NaN at the infinities (infinity times erfc's 0).
  return select(a > 14.0f, select(y > 0.0f, y, Vec{} * y), g);
}

// Activation kind K (CONVT_ACTIVATION_*) of v, lane by lane.
template <int K, typename Vec>
__attribute__((always_inline)) inline Vec apply(Vec v, const Activation& a) {
  if constexpr (K == CONVT_ACTIVATION_RELU) {
    return select(v < 0.0f, Vec{}, v);
  } else if constexpr (K == CONVT_ACTIVATION_LEAKY_RELU) {
    return select(v < 0.0f, v * a.alpha, v);
  } else if constexpr (K == CONVT_ACTIVATION_CLAMP) {
    const Vec lo = select(v < a.alpha, splat<Vec>(a.alpha), v);
    return select(lo > a.beta, splat<Vec>(a.beta), lo);
  } else if constexpr (K == CONVT_ACTIVATION_TANH) {
    return tanh(v);
  } else if constexpr (K == CONVT_ACTIVATION_SIGMOID) {
    const Vec s = 1.0f / (1.0f + exp(Vec{} - v));
    return select(v != v, v, s);
  } else if constexpr (K == CONVT_ACTIVATION_ELU) {
    return select(v > 0.0f, v, a.alpha * expm1_negative(select(v > 0.0f, Vec{}, v)));
  } else if constexpr (K == CONVT_ACTIVATION_GELU) {
    return gelu(v);
  } else {
    return v;
  }
}

}  // namespace act

// Store-side functors, so that a kernel templated on one compiles its plain path exactly as
// before and its activated path with the activation inlined: Plain leaves values alone,
// Act<K> applies kind K, Activated applies whichever kind `a` has (a switch per call: for
// code that calls it once per block of vectors, see all()).
struct Plain {
  template <typename V>
  __attribute__((always_inline)) V operator()(V v) const {
    return v;
  }
  template <typename V, int N>
  __attribute__((always_inline)) void all(V (&)[N]) const {}
};

template <int K>
struct Act {
  const Activation* a;
  template <typename V>
  __attribute__((always_inline)) V operator()(V v) const {
    return act::apply<K>(v, *a);
  }
  __attribute__((always_inline)) float operator()(float v) const {
    return act::apply<K>(Vec1{} + v, *a)[0];
  }
  template <typename V, int N>
  __attribute__((always_inline)) void all(V (&v)[N]) const {
    for (int i = 0; i < N; ++i) v[i] = act::apply<K>(v[i], *a);
  }
};

// Calls f(op) once, with op Plain for NONE and Act<kind> otherwise: the switch on the kind
// taken outside f's loops, each kind's loop compiled with its activation inlined.
template <typename F>
__attribute__((always_inline)) inline void with_activation(const Activation& a, F&& f) {
  switch (a.kind) {
    case CONVT_ACTIVATION_RELU: return f(Act<CONVT_ACTIVATION_RELU>{&a});
    case CONVT_ACTIVATION_LEAKY_RELU: return f(Act<CONVT_ACTIVATION_LEAKY_RELU>{&a});
    case CONVT_ACTIVATION_CLAMP: return f(Act<CONVT_ACTIVATION_CLAMP>{&a});
    case CONVT_ACTIVATION_TANH: return f(Act<CONVT_ACTIVATION_TANH>{&a});
    case CONVT_ACTIVATION_SIGMOID: return f(Act<CONVT_ACTIVATION_SIGMOID>{&a});
    case CONVT_ACTIVATION_ELU: return f(Act<CONVT_ACTIVATION_ELU>{&a});
    case CONVT_ACTIVATION_GELU: return f(Act<CONVT_ACTIVATION_GELU>{&a});
    default: return f(Plain{});
  }
}

// The activation of `a` applied to v (lane by lane), the kind chosen per call.
template <typename Vec>
__attribute__((always_inline)) inline Vec activate(Vec v, const Activation& a) {
  Vec r = v;
  with_activation(a, [&](auto op) __attribute__((always_inline)) { r = op(v); });
  return r;
}

// The same over n vectors at once: the switch taken once for all of them.
template <typename Vec, int N>
__attribute__((always_inline)) inline void activate_all(Vec (&v)[N], const Activation& a) {
  with_activation(a, [&](auto op) __attribute__((always_inline)) { op.all(v); });
}

// One float, activated (scalar code: for a few values outside the vector loops).
inline float activated(float v, const Activation& a) { return activate(Vec1{} + v, a)[0]; }

struct Activated {
  const Activation* a;
  template <typename V>
  __attribute__((always_inline)) V operator()(V v) const {
    return activate(v, *a);
  }
  __attribute__((always_inline)) float operator()(float v) const {
    return activate(Vec1{} + v, *a)[0];
  }
  template <typename V, int N>
  __attribute__((always_inline)) void all(V (&v)[N]) const {
    activate_all(v, *a);
  }
};

// dst[j] = activation(src[j] + bias) for j < n, in vectors of Vec (dst may be src).
template <typename Vec>
__attribute__((always_inline)) inline void bias_activate_impl(float* dst, const float* src,
                                                              int64_t n, float bias,
                                                              const Activation& a) {
  constexpr int64_t L = kLanes<Vec>;
  with_activation(a, [&](auto op) __attribute__((always_inline)) {
    int64_t j = 0;
    for (; j + 2 * L <= n; j += 2 * L) {
      Vec v[2] = {load<Vec>(src + j) + bias, load<Vec>(src + j + L) + bias};
      op.all(v);
      store(dst + j, v[0]);
      store(dst + j + L, v[1]);
    }
    for (; j + L <= n; j += L) store(dst + j, op(load<Vec>(src + j) + bias));
    for (; j < n; ++j) dst[j] = op(Vec1{} + (src[j] + bias))[0];
  });
}

}  // namespace convt_impl
