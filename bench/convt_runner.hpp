// convt through its public C API, as the benchmark runs it: a layer's seeded tensors, a
// handle ready to run with its output and workspace, and the REFERENCE output that every
// other engine is checked against.
#pragma once

#include <convt/convt.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "peers/engines.hpp"

namespace convt_bench {

using Handle = std::unique_ptr<convt_handle, decltype(&convt_destroy)>;

// Thrown (and caught per row) when a convt call fails: status name + convt_last_error().
struct ConvtError : std::runtime_error {
  explicit ConvtError(const std::string& what_, bool cannot_run_ = false)
      : std::runtime_error(what_), cannot_run(cannot_run_) {}
  bool cannot_run = false;  // a forced algorithm that cannot run this layer/shape
};

// Throws ConvtError (the status's name and convt_last_error()) for st of a failed call.
[[noreturn]] void throw_convt_error(convt_status st, const char* call);

// Throws ConvtError unless st is CONVT_OK.
inline void check(convt_status st, const char* call) {
  if (st != CONVT_OK) throw_convt_error(st, call);
}

// The seeded tensors of one layer (the same for every engine and every mode): uniform
// [-1, 1), weight, bias and input each from its own seed.
struct Tensors {
  std::vector<float> weight, bias, input;
};

// Throws std::bad_alloc; leaves the weights empty for invalid parameters (convt_create
// then reports the real problem) and the input empty when its size overflows.
Tensors make_tensors(const Layer& l);

// Product of the `n` non-negative factors at f; false on a negative factor or size_t overflow.
bool checked_count(const int64_t* f, size_t n, size_t& count);

// A ready-to-run convt handle for one layer (in its layout, with its activation): output
// shape, workspace, output buffer, and the input in the handle's layout.
struct ConvtRunner {
  Handle h{nullptr, &convt_destroy};
  int64_t in_shape[5] = {0, 0, 0, 0, 0}, out_shape[5] = {0, 0, 0, 0, 0};  // 2 + rank entries
  int rank = 2;
  int32_t selected = 0, num_threads = 0;
  size_t ws_bytes = 0;
  std::vector<unsigned char> workspace;
  std::vector<float> output;
  const float* input = nullptr;
  bool channels_last = false;
  std::vector<float> input_channels_last;  // the input as a channels-last handle reads it

  // Throws ConvtError / std::bad_alloc.
  void setup(const Layer& l, int32_t algorithm, int64_t threads, const Tensors& t);
  void run() {
    check(convt_run(h.get(), in_shape, input, nullptr, output.data(), output.size(), workspace.data(),
                    workspace.size()),
          "convt_run");
  }
  // "NxCxHxW" (2 + rank sizes) of the output.
  std::string shape() const;
  // The last run's output as (N, C, spatial...), whatever the handle's layout.
  std::vector<float> output_channels_first() const;
};

// The REFERENCE output of a layer (one run, channels first, with the layer's activation),
// or empty (with *error set) if it failed.
std::vector<float> reference_output(const Layer& l, int64_t threads, const Tensors& t, std::string* error);

// max |a - b| (NaN if any element is NaN, or the sizes differ).
double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace convt_bench
