// Each level's bias_activate (levels.hpp): the activation over a row in the level's vectors.
#include "activation.hpp"

#include "levels.hpp"

namespace convt_impl {

#define CONVT_ACTIVATION_LEVEL(ns, target, Vec)                                        \
  namespace ns {                                                                      \
  target void bias_activate(float* dst, const float* src, int64_t n, float bias,      \
                            const Activation& act) {                                  \
    bias_activate_impl<Vec>(dst, src, n, bias, act);                                  \
  }                                                                                   \
  }
CONVT_FOR_EACH_LEVEL(CONVT_ACTIVATION_LEVEL)
#undef CONVT_ACTIVATION_LEVEL

}  // namespace convt_impl
