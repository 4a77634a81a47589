// The activation a layer applies to every output after the bias (CONVT_ACTIVATION_*), and
// its value in the vectors of every kernel level: the lowerings apply it where they store
// the output, in registers, so that it costs no pass of its own over memory.
#pragma once

#include <cstdint>

#include "convt/convt.h"

namespace convt_impl {

struct Activation {
  int32_t kind = CONVT_ACTIVATION_NONE;
  float alpha = 0.0f, beta = 0.0f;  // LEAKY_RELU's slope, CLAMP's bounds, ELU's alpha

  bool none() const { return kind == CONVT_ACTIVATION_NONE; }
};

}  // namespace convt_impl
