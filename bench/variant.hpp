// The run's variant (--layout, --activation): names on the command line and in the tables,
// and the separate activation pass that the fused activation is compared with.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "peers/engines.hpp"

namespace convt_bench {

// "relu", "leaky_relu:0.1", "clamp:-1:1", "tanh", "sigmoid", "elu:1", "gelu", "none":
// CONVT_ACTIVATION_* with its alpha and beta into l (defaults: leaky_relu 0.01, clamp 0:6,
// elu 1). False for a name this benchmark does not know.
bool parse_activation(const std::string& text, Layer& l);

// The activation of l as parse_activation reads it ("none" for none).
std::string activation_name(const Layer& l);

// "channels-first" or "channels-last", and the activation unless none: how a run's tensors
// look, for the table's header.
std::string variant_text(const Layer& l);

// The activation of l applied to every element of y, after the layer's run, in a loop of
// its own: what a caller of a library without fused activations writes (libm's tanhf,
// expf, expm1f and erff per element, as the compiler vectorizes a plain loop).
void activation_pass(const Layer& l, float* y, size_t count);

}  // namespace convt_bench
