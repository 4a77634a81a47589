// Suite files (bench/shapes.txt, bench/heldout.txt): one layer per line, as PyTorch's
// ConvTranspose2d takes it plus the input size, and what follows from a layer's parameters.
#pragma once

#include <string>
#include <vector>

#include "peers/engines.hpp"

namespace convt_bench {

// Every layer of the suite file, in order; a file that cannot be read, or a malformed line,
// is a usage error (file:line and the expected columns on stderr, exit status 2).
std::vector<Layer> read_suite(const std::string& path);

// The layer as a suite line (what the Python peers read).
std::string suite_line(const Layer& l);

// Floating-point operations of one run, one multiply-add counted as 2, the same for every
// engine: 2 * N * Cin * H * W * (Cout / groups) * kH * kW.
double flops_of(const Layer& l);

}  // namespace convt_bench
