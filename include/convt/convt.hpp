// convt.hpp — header-only C++ RAII wrapper over the C API in convt.h.
//
//   convt::Params p(16, 33, {3, 5});
//   p.stride(2, 1).padding(4, 2);
//   convt::Layer layer(p, weight.data(), bias.data());   // throws convt::Error
//   auto shape = layer.output_shape({20, 16, 50, 100});   // std::array<int64_t, 4>
//   layer.run({20, 16, 50, 100}, input.data(), output.data(), output.size());
//
// Every failing call throws convt::Error, which carries the status and convt_last_error().
// A Layer is movable, not copyable, and may be run from several threads at once.
#ifndef CONVT_HPP
#define CONVT_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "convt/convt.h"

namespace convt {

class Error : public std::runtime_error {
 public:
  Error(convt_status status, const std::string& message)
      : std::runtime_error(std::string(convt_status_string(status)) + ": " + message),
        status_(status) {}
  convt_status status() const noexcept { return status_; }

 private:
  convt_status status_;
};

inline void check(convt_status status) {
  if (status != CONVT_OK) throw Error(status, convt_last_error());
}

using Shape = std::array<int64_t, 4>;  // (N, C, H, W)
using Size2 = std::array<int64_t, 2>;  // (H, W)

// convt_params with PyTorch's defaults and chainable setters; each takes (H, W) or one
// value for both.
class Params {
 public:
  Params(int64_t in_channels, int64_t out_channels, Size2 kernel_size) {
    convt_params_init(&p_, sizeof p_);
    p_.in_channels = in_channels;
    p_.out_channels = out_channels;
    set(p_.kernel_size, kernel_size[0], kernel_size[1]);
  }
  Params(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Params(in_channels, out_channels, Size2{kernel_size, kernel_size}) {}

  Params& stride(int64_t h, int64_t w) { return set(p_.stride, h, w); }
  Params& stride(int64_t s) { return stride(s, s); }
  Params& padding(int64_t h, int64_t w) { return set(p_.padding, h, w); }
  Params& padding(int64_t p) { return padding(p, p); }
  Params& output_padding(int64_t h, int64_t w) { return set(p_.output_padding, h, w); }
  Params& output_padding(int64_t p) { return output_padding(p, p); }
  Params& dilation(int64_t h, int64_t w) { return set(p_.dilation, h, w); }
  Params& dilation(int64_t d) { return dilation(d, d); }
  Params& groups(int64_t g) { p_.groups = g; return *this; }
  Params& algorithm(int32_t a) { p_.algorithm = a; return *this; }
  Params& num_threads(int32_t n) { p_.num_threads = n; return *this; }

  const convt_params& c() const noexcept { return p_; }
  convt_params& c() noexcept { return p_; }

 private:
  Params& set(int64_t* field, int64_t h, int64_t w) {
    field[0] = h;
    field[1] = w;
    return *this;
  }
  convt_params p_;
};

// One layer: owns a convt_handle.
class Layer {
 public:
  // weight: (in, out/groups, kH, kW) floats; bias: out_channels floats or nullptr. Copied.
  Layer(const Params& params, const float* weight, const float* bias = nullptr) {
    check(convt_create(&params.c(), weight, bias, &h_));
  }
  ~Layer() { convt_destroy(h_); }
  Layer(Layer&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
  Layer& operator=(Layer&& other) noexcept {
    if (this != &other) {
      convt_destroy(h_);
      h_ = std::exchange(other.h_, nullptr);
    }
    return *this;
  }
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  Shape output_shape(const Shape& input, const Size2* output_size = nullptr) const {
    Shape out{};
    check(convt_output_shape(h_, input.data(), req(output_size), out.data()));
    return out;
  }
  size_t workspace_size(const Shape& input, const Size2* output_size = nullptr) const {
    size_t bytes = 0;
    check(convt_workspace_size(h_, input.data(), req(output_size), &bytes));
    return bytes;
  }
  int32_t selected_algorithm(const Shape& input, const Size2* output_size = nullptr) const {
    int32_t a = 0;
    check(convt_selected_algorithm(h_, input.data(), req(output_size), &a));
    return a;
  }
  // output_capacity in floats; workspace may be nullptr (the library allocates).
  void run(const Shape& input_shape, const float* input, float* output, size_t output_capacity,
           const Size2* output_size = nullptr, void* workspace = nullptr,
           size_t workspace_size = 0) const {
    check(convt_run(h_, input_shape.data(), input, req(output_size), output, output_capacity,
                    workspace, workspace_size));
  }

  convt_handle* get() const noexcept { return h_; }

 private:
  static const int64_t* req(const Size2* s) { return s ? s->data() : nullptr; }
  convt_handle* h_ = nullptr;
};

inline std::string version() { return convt_version_string(); }
// The kernel level in use ("avx512", "avx2", "neon", "baseline"; see convt_cpu_isa).
inline std::string cpu_isa() { return convt_cpu_isa(); }

}  // namespace convt

#endif  // CONVT_HPP

