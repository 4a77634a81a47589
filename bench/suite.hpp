// Suite files (bench/shapes.txt, shapes_1d.txt, shapes_3d.txt, heldout.txt): one layer per
// line, as PyTorch's ConvTranspose1d/2d/3d takes it plus the input size, and what follows
// from a layer's parameters.
//
//   name N Cin Cout <in x S> <kernel x S> <stride x S> <padding x S> <output_padding x S>
//   <dilation x S> groups
//
// with S spatial entries each in PyTorch's order ((L); (H, W); (D, H, W)): the column
// count (11, 17 or 23) gives S, the same for every line of a file. '#' starts a comment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "peers/engines.hpp"

namespace convt_bench {

// Every layer of the suite file, in order; a file that cannot be read, or a malformed line,
// is a usage error (file:line and the expected columns on stderr, exit status 2).
std::vector<Layer> read_suite(const std::string& path);

// The column names of a suite line of rank S ("name N Cin Cout H W kh kw ...").
std::string suite_columns(int rank);

// The layer as a suite line (what the Python peers read).
std::string suite_line(const Layer& l);

// "a", "axb", "axbxc": the first `count` entries of v joined by 'x'.
std::string shape_string(const int64_t* v, int count);

// The input shape (N, Cin, spatial...) as "NxCx...".
std::string input_shape_string(const Layer& l);

// Floating-point operations of one run, one multiply-add counted as 2, the same for every
// engine: 2 * N * Cin * prod(in) * (Cout / groups) * prod(kernel).
double flops_of(const Layer& l);

}  // namespace convt_bench
