// convt-bench's two modes. Both return the exit status: 0 ok, 1 a convt call failed.
#pragma once

#include <cstdint>
#include <vector>

#include "cli.hpp"

namespace convt_bench {

// One row per (layer, algorithm), each timed on its own (default_mode.cpp).
int run_default_mode(const Options& o, const std::vector<Layer>& layers, const std::vector<int32_t>& algorithms);

// --peers: every engine on each layer, interleaved (peers_mode.cpp). `concrete`: every
// algorithm of the library but AUTO.
int run_peers_mode(const Options& o, const std::vector<Layer>& layers, const std::vector<int32_t>& concrete);

}  // namespace convt_bench
