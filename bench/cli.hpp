// convt-bench's command line: the options, --help, and what a run is asked to do (the
// layers, from a suite file or from PyTorch-style flags, and the algorithms).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "peers/engines.hpp"

namespace convt_bench {

struct Options {
  std::string suite, filter, algorithm = "auto", json, engines;
  bool channels_last = false;  // --layout channels-last
  Layer activation;            // --activation: only its activation, alpha and beta
  int64_t threads = 0, runs = 20, warmup = 3, idle_ms = 0, min_ms = 100;
  bool csv = false, check = true, peers = false, with_reference = false, verbose = false,
       quiesce = true, algorithm_given = false, min_ms_given = false;
};

// What the command line asks for.
struct Request {
  Options options;
  std::vector<Layer> layers;
  std::vector<int32_t> algorithms;  // the default mode's algorithms (--algorithm)
  std::vector<int32_t> concrete;    // every algorithm the linked library names but AUTO
};

// Parses the command line into *request (exits with status 2 on bad usage or a bad suite).
// Returns false when it has done all that was asked (--help, --print-isa).
bool parse_command_line(int argc, char** argv, Request& request);

// Prints "convt-bench: msg" and a pointer to --help on stderr, exits with status 2.
[[noreturn]] void usage_error(const std::string& msg);

// A whole decimal integer (no trailing characters), as strtoll reads it.
bool parse_int(const std::string& text, int64_t& value);

// The environment variable `name` if set and not empty, else `fallback`.
std::string env_or(const char* name, const std::string& fallback);

}  // namespace convt_bench
