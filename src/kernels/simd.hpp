// GCC/clang vector types and the few operations on them that convt's kernels share. A type
// wider than the level's registers still compiles (into several register operations); each
// kernel level picks the width that fits its register file (levels.hpp).
#pragma once

#include <cstring>

namespace convt_impl {

typedef float Vec16 __attribute__((vector_size(64)));  // one AVX-512 register
typedef float Vec8 __attribute__((vector_size(32)));   // one AVX register
typedef float Vec4 __attribute__((vector_size(16)));   // one SSE or NEON register
typedef float Vec1 __attribute__((vector_size(4)));    // one float: scalar code

template <typename Vec>
constexpr int kLanes = static_cast<int>(sizeof(Vec) / sizeof(float));

// Unaligned loads and stores. (memcpy: a type's alignment attribute does not survive a
// template; the compiler turns these into single vector moves.)
template <typename Vec>
__attribute__((always_inline)) inline Vec load(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename Vec>
__attribute__((always_inline)) inline void store(float* p, const Vec& v) {
  std::memcpy(p, &v, sizeof v);
}

// The two halves of e and f interleaved: lo = e0 f0 e1 f1 ..., hi = the same from the
// middle. __builtin_shufflevector: GCC 12+ and clang (GCC's __builtin_shuffle is GCC-only).
__attribute__((always_inline)) inline void zip(const Vec16& e, const Vec16& f, Vec16& lo,
                                               Vec16& hi) {
  lo = __builtin_shufflevector(e, f, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  hi = __builtin_shufflevector(e, f, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15,
                               31);
}
__attribute__((always_inline)) inline void zip(const Vec8& e, const Vec8& f, Vec8& lo, Vec8& hi) {
  lo = __builtin_shufflevector(e, f, 0, 8, 1, 9, 2, 10, 3, 11);
  hi = __builtin_shufflevector(e, f, 4, 12, 5, 13, 6, 14, 7, 15);
}
__attribute__((always_inline)) inline void zip(const Vec4& e, const Vec4& f, Vec4& lo, Vec4& hi) {
  lo = __builtin_shufflevector(e, f, 0, 4, 1, 5);
  hi = __builtin_shufflevector(e, f, 2, 6, 3, 7);
}
__attribute__((always_inline)) inline void zip(const Vec1& e, const Vec1& f, Vec1& lo, Vec1& hi) {
  lo = e;
  hi = f;
}

}  // namespace convt_impl
