// Overflow-checked size arithmetic. Every size the library derives from caller input goes
// through these, so a product that does not fit is CONVT_ERROR_SIZE_OVERFLOW, never a wrap.
#pragma once

#include <cstddef>
#include <cstdint>

#include "error.hpp"

namespace convt_impl {

inline int64_t checked_mul(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    fail(CONVT_ERROR_SIZE_OVERFLOW, what, " overflows int64 (", a, " * ", b, ")");
  return r;
}

inline int64_t checked_add(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    fail(CONVT_ERROR_SIZE_OVERFLOW, what, " overflows int64 (", a, " + ", b, ")");
  return r;
}

inline int64_t checked_sub(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r))
    fail(CONVT_ERROR_SIZE_OVERFLOW, what, " overflows int64 (", a, " - ", b, ")");
  return r;
}

// Bytes of `count` elements of `elem_size` bytes, as a size_t.
inline size_t checked_bytes(int64_t count, size_t elem_size, const char* what) {
  size_t r;
  if (count < 0 || __builtin_mul_overflow(static_cast<size_t>(count), elem_size, &r))
    fail(CONVT_ERROR_SIZE_OVERFLOW, what, " in bytes overflows size_t (", count, " elements)");
  return r;
}

// ceil(a / b) for a >= 0, b > 0, without overflow (b may be close to INT64_MAX).
inline int64_t ceil_div(int64_t a, int64_t b) { return a / b + (a % b != 0); }

}  // namespace convt_impl
