// convt.hpp — header-only C++ RAII wrapper over the C API in convt.h (C++14 or later).
//
//   convt::Params p(16, 33, {3, 5});                      // ConvTranspose2d: rank 2 from the kernel
//   p.stride(2, 1).padding(4, 2);
//   convt::Layer layer(p, weight.data(), bias.data());    // throws convt::Error
//   convt::Shape shape = layer.output_shape({20, 16, 50, 100});   // (N, C, H, W)
//   layer.run({20, 16, 50, 100}, input.data(), output.data(), output.size());
//
//   convt::Params(16, 33, {5}).stride(3)                  // ConvTranspose1d: shapes (N, C, L)
//   convt::Params(16, 33, {3, 5, 2}).stride(2, 1, 3)      // ConvTranspose3d: (N, C, D, H, W)
//   convt::Params(16, 33, 3, 3)                           // ConvTranspose3d(16, 33, 3)
//
//   // Since 0.4: ONNX's padding rules, channels-last tensors, a fused activation.
//   convt::Params(16, 33, {4, 4}).stride(2)
//       .padding_kind(convt::PaddingKind::SameUpper)      // out = in*stride (ONNX auto_pad)
//       .layout(convt::Layout::ChannelsLast)              // x and y are (N, H, W, C)
//       .activation(convt::Activation::LeakyRelu, 0.2f);  // alpha: the slope
//   convt::Params(4, 4, {3}).padding_kind(convt::PaddingKind::Explicit)
//       .padding(3).padding_end(2)                        // ONNX pads = [3, 2]
//
// The rank (spatial_dims, 1 to 3) is fixed when the Params are made: by the number of
// kernel sizes given, or explicitly with a single kernel size (default 2, as in 0.1 and
// 0.2). Spatial values are in PyTorch's order: (L), (H, W) or (D, H, W). A setter given one
// value sets every dimension; given several it needs one per dimension. Shapes are
// convt::Shape (2 + rank entries, (N, C, spatial...)) and output sizes convt::Dims (rank
// entries), small fixed-capacity arrays that are built from braced lists and indexed like
// std::array.
//
// Every failing call throws convt::Error, which carries the status and the message: the
// library's (convt_last_error()), or the wrapper's own for a list whose length does not
// fit the rank (CONVT_ERROR_INVALID_ARGUMENT, checked before the library is called).
// A Layer is movable, not copyable, and may be run from several threads at once; Params,
// Shape and Dims are plain values (thread-compatible).
//
// 0.2's 2-D code compiles as before: Shape and Size2 (now Dims) were std::array<int64_t, 4>
// and <2>, and convert from and to them; output sizes are still taken by pointer. What
// std::array had and these lack: structured bindings, std::get and tuple_size, fill(); a
// default-constructed Shape or Dims is empty (size 0), not four (or two) entries.
//
// The 0.4 fields (padding_kind, padding_end, layout, activation and its alpha and beta) take
// the enum classes PaddingKind, Layout and Activation, or the C constants (CONVT_PADDING_*,
// ...) as int32_t; the library checks the values at Layer creation. Under
// Layout::ChannelsLast the tensors are (N, spatial..., C), but every Shape passed to or
// returned by a Layer stays (N, C, spatial...), as in the C API; the weight keeps PyTorch's
// layout either way.
#ifndef CONVT_HPP
#define CONVT_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <type_traits>
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

// The largest rank the library takes (ConvTranspose3d).
constexpr int kMaxSpatialDims = 3;

// Up to Capacity int64_t values, stored inline (no allocation), with std::array's element
// access. Made from a braced list or a std::array; a longer one throws convt::Error
// (CONVT_ERROR_INVALID_ARGUMENT). Default-constructed it is empty. Thread-compatible
// (a plain value).
template <size_t Capacity>
class Extents {
 public:
  constexpr Extents() noexcept = default;
  constexpr Extents(std::initializer_list<int64_t> values) {
    if (values.size() > Capacity) too_long(values.size());
    for (int64_t v : values) values_[size_++] = v;
  }
  // From std::array, so that code written against 0.2's std::array aliases still compiles.
  template <size_t K>
  constexpr Extents(const std::array<int64_t, K>& values) {  // NOLINT: implicit on purpose
    static_assert(K <= Capacity, "too many entries for this convt::Extents");
    for (int64_t v : values) values_[size_++] = v;
  }
  // To std::array<int64_t, K> (0.2's types); throws convt::Error unless size() == K.
  template <size_t K>
  operator std::array<int64_t, K>() const {  // NOLINT: implicit on purpose
    if (size_ != K)
      throw Error(CONVT_ERROR_INVALID_ARGUMENT, "cannot convert " + std::to_string(size_) +
                                                    " entries to std::array<int64_t, " +
                                                    std::to_string(K) + ">");
    std::array<int64_t, K> a{};
    for (size_t i = 0; i < K; ++i) a[i] = values_[i];
    return a;
  }

  constexpr size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  static constexpr size_t capacity() noexcept { return Capacity; }
  constexpr int64_t& operator[](size_t i) noexcept { return values_[i]; }
  constexpr const int64_t& operator[](size_t i) const noexcept { return values_[i]; }
  // Bounds-checked, as std::array's: std::out_of_range past size().
  int64_t& at(size_t i) { return values_[checked(i)]; }
  const int64_t& at(size_t i) const { return values_[checked(i)]; }
  constexpr int64_t* data() noexcept { return values_; }
  constexpr const int64_t* data() const noexcept { return values_; }
  constexpr int64_t* begin() noexcept { return values_; }
  constexpr int64_t* end() noexcept { return values_ + size_; }
  constexpr const int64_t* begin() const noexcept { return values_; }
  constexpr const int64_t* end() const noexcept { return values_ + size_; }

  // The product of the entries (1 when empty): the element count of a tensor of this shape.
  // Throws convt::Error (CONVT_ERROR_SIZE_OVERFLOW) if it is negative or does not fit size_t.
  size_t numel() const {
    size_t n = 1;
    for (size_t i = 0; i < size_; ++i) {
      const int64_t v = values_[i];
      if (v < 0 || (v > 0 && n > SIZE_MAX / static_cast<uint64_t>(v)))
        throw Error(CONVT_ERROR_SIZE_OVERFLOW, "no element count for this shape");
      n *= static_cast<size_t>(v);
    }
    return n;
  }

  friend constexpr bool operator==(const Extents& a, const Extents& b) noexcept {
    if (a.size_ != b.size_) return false;
    for (size_t i = 0; i < a.size_; ++i)
      if (a.values_[i] != b.values_[i]) return false;
    return true;
  }
  friend constexpr bool operator!=(const Extents& a, const Extents& b) noexcept {
    return !(a == b);
  }

 private:
  size_t checked(size_t i) const {
    if (i >= size_)
      throw std::out_of_range("convt::Extents::at: index " + std::to_string(i) + " >= size " +
                              std::to_string(size_));
    return i;
  }
  [[noreturn]] static void too_long(size_t n) {
    throw Error(CONVT_ERROR_INVALID_ARGUMENT,
                std::string(Capacity == 2 + kMaxSpatialDims ? "a shape has at most 5 entries "
                                                              "(N, C, D, H, W)"
                                                            : "at most 3 spatial sizes "
                                                              "(D, H, W)") +
                    ", but got " + std::to_string(n));
  }
  int64_t values_[Capacity] = {};
  size_t size_ = 0;
};

namespace detail {
// "1 entry", "4 entries".
inline std::string entries(size_t n) {
  return std::to_string(n) + (n == 1 ? " entry" : " entries");
}
}  // namespace detail

// A tensor shape: (N, C, L), (N, C, H, W) or (N, C, D, H, W).
using Shape = Extents<2 + kMaxSpatialDims>;
// Spatial sizes, one per dimension: (L), (H, W) or (D, H, W).
using Dims = Extents<kMaxSpatialDims>;
// 0.2's name for an output size (then std::array<int64_t, 2>).
using Size2 = Dims;

// convt_params.padding_kind (CONVT_PADDING_*): how the output is trimmed; see convt.h.
enum class PaddingKind : int32_t {
  Symmetric = CONVT_PADDING_SYMMETRIC,   // PyTorch's padding on both ends (the default)
  Explicit = CONVT_PADDING_EXPLICIT,     // ONNX's pads: padding at the begin, padding_end
  SameUpper = CONVT_PADDING_SAME_UPPER,  // ONNX's auto_pad SAME_UPPER
  SameLower = CONVT_PADDING_SAME_LOWER,  // ONNX's auto_pad SAME_LOWER
  Valid = CONVT_PADDING_VALID            // ONNX's auto_pad VALID: nothing trimmed
};

// convt_params.layout (CONVT_LAYOUT_*): how input and output are laid out in memory.
enum class Layout : int32_t {
  ChannelsFirst = CONVT_LAYOUT_CHANNELS_FIRST,  // (N, C, spatial...), the default
  ChannelsLast = CONVT_LAYOUT_CHANNELS_LAST     // (N, spatial..., C): NLC, NHWC, NDHWC
};

// convt_params.activation (CONVT_ACTIVATION_*), applied to every output after the bias.
enum class Activation : int32_t {
  None = CONVT_ACTIVATION_NONE,
  Relu = CONVT_ACTIVATION_RELU,
  LeakyRelu = CONVT_ACTIVATION_LEAKY_RELU,  // alpha: the slope below 0
  Clamp = CONVT_ACTIVATION_CLAMP,           // alpha: min, beta: max
  Tanh = CONVT_ACTIVATION_TANH,
  Sigmoid = CONVT_ACTIVATION_SIGMOID,
  Elu = CONVT_ACTIVATION_ELU,               // alpha: ELU's alpha
  Gelu = CONVT_ACTIVATION_GELU              // the exact (erf) form
};

// The optional output size of a run, as PyTorch's forward(input, output_size): none (the
// default, or nullptr), a braced list, a Dims, or a pointer to one (0.2's form, nullptr for
// none). It only refers to what it is given: pass it straight to a call.
class OutputSize {
 public:
  OutputSize() noexcept = default;
  OutputSize(const Dims* size) noexcept : size_(size) {}     // NOLINT: implicit on purpose
  OutputSize(const Dims& size) noexcept : size_(&size) {}    // NOLINT
  OutputSize(std::initializer_list<int64_t> size) : own_(size), size_(&own_) {}  // NOLINT
  template <size_t K>
  OutputSize(const std::array<int64_t, K>* size)  // NOLINT: 0.2's const Size2*
      : own_(size ? Dims(*size) : Dims()), size_(size ? &own_ : nullptr) {}
  OutputSize(const OutputSize& o) : own_(o.own_), size_(o.size_ == &o.own_ ? &own_ : o.size_) {}
  OutputSize& operator=(const OutputSize&) = delete;

  const Dims* get() const noexcept { return size_; }

 private:
  Dims own_;
  const Dims* size_ = nullptr;
};

// convt_params with PyTorch's defaults and chainable setters. Throws convt::Error
// (CONVT_ERROR_INVALID_ARGUMENT) for a rank outside 1..3 or a list of the wrong length;
// the library validates the values themselves when a Layer is made.
class Params {
  template <class T>
  using if_integer = typename std::enable_if<std::is_integral<T>::value, int>::type;

 public:
  // The rank is the number of kernel sizes: {5} ConvTranspose1d, {3, 5} 2d, {3, 5, 2} 3d.
  Params(int64_t in_channels, int64_t out_channels, const Dims& kernel_size) {
    init(in_channels, out_channels, static_cast<int>(kernel_size.size()));
    set("kernel_size", p_.kernel_size, kernel_size);
  }
  // One kernel size for every dimension of a layer of spatial_dims dimensions (default 2:
  // Params(16, 33, 3) is ConvTranspose2d(16, 33, 3), as in 0.2).
  template <class Int, if_integer<Int> = 0>
  Params(int64_t in_channels, int64_t out_channels, Int kernel_size, int spatial_dims = 2) {
    init(in_channels, out_channels, spatial_dims);
    fill(p_.kernel_size, static_cast<int64_t>(kernel_size));
  }

  // One value sets every dimension; a list needs one per dimension.
  template <class Int, if_integer<Int> = 0>
  Params& stride(Int s) { return fill(p_.stride, static_cast<int64_t>(s)); }
  Params& stride(const Dims& s) { return set("stride", p_.stride, s); }
  Params& stride(int64_t a, int64_t b) { return stride({a, b}); }
  Params& stride(int64_t a, int64_t b, int64_t c) { return stride({a, b, c}); }

  template <class Int, if_integer<Int> = 0>
  Params& padding(Int p) { return fill(p_.padding, static_cast<int64_t>(p)); }
  Params& padding(const Dims& p) { return set("padding", p_.padding, p); }
  Params& padding(int64_t a, int64_t b) { return padding({a, b}); }
  Params& padding(int64_t a, int64_t b, int64_t c) { return padding({a, b, c}); }

  template <class Int, if_integer<Int> = 0>
  Params& output_padding(Int p) { return fill(p_.output_padding, static_cast<int64_t>(p)); }
  Params& output_padding(const Dims& p) { return set("output_padding", p_.output_padding, p); }
  Params& output_padding(int64_t a, int64_t b) { return output_padding({a, b}); }
  Params& output_padding(int64_t a, int64_t b, int64_t c) { return output_padding({a, b, c}); }

  template <class Int, if_integer<Int> = 0>
  Params& dilation(Int d) { return fill(p_.dilation, static_cast<int64_t>(d)); }
  Params& dilation(const Dims& d) { return set("dilation", p_.dilation, d); }
  Params& dilation(int64_t a, int64_t b) { return dilation({a, b}); }
  Params& dilation(int64_t a, int64_t b, int64_t c) { return dilation({a, b, c}); }

  // Since 0.4: zeros trimmed at the end of each dimension under PaddingKind::Explicit
  // (ONNX pads' second half; padding() is the first).
  template <class Int, if_integer<Int> = 0>
  Params& padding_end(Int p) { return fill(p_.padding_end, static_cast<int64_t>(p)); }
  Params& padding_end(const Dims& p) { return set("padding_end", p_.padding_end, p); }
  Params& padding_end(int64_t a, int64_t b) { return padding_end({a, b}); }
  Params& padding_end(int64_t a, int64_t b, int64_t c) { return padding_end({a, b, c}); }

  // Since 0.4. The int32_t forms take the C constants (CONVT_PADDING_*, CONVT_LAYOUT_*,
  // CONVT_ACTIVATION_*); values the library does not know fail at Layer creation.
  Params& padding_kind(PaddingKind k) { return padding_kind(static_cast<int32_t>(k)); }
  Params& padding_kind(int32_t k) { p_.padding_kind = k; return *this; }
  Params& layout(Layout l) { return layout(static_cast<int32_t>(l)); }
  Params& layout(int32_t l) { p_.layout = l; return *this; }
  // alpha and beta are activation_alpha and activation_beta: LeakyRelu's slope, Clamp's
  // min and max (beta), Elu's alpha; the others ignore them. Their default is 0, as
  // convt_params_init's (not PyTorch's 0.01 slope or ELU alpha 1: pass those).
  Params& activation(Activation a, float alpha = 0.0f, float beta = 0.0f) {
    return activation(static_cast<int32_t>(a), alpha, beta);
  }
  Params& activation(int32_t a, float alpha = 0.0f, float beta = 0.0f) {
    p_.activation = a;
    p_.activation_alpha = alpha;
    p_.activation_beta = beta;
    return *this;
  }

  Params& groups(int64_t g) { p_.groups = g; return *this; }
  Params& algorithm(int32_t a) { p_.algorithm = a; return *this; }
  Params& num_threads(int32_t n) { p_.num_threads = n; return *this; }

  // 1, 2 or 3.
  int spatial_dims() const noexcept { return p_.spatial_dims; }
  const convt_params& c() const noexcept { return p_; }
  convt_params& c() noexcept { return p_; }

 private:
  void init(int64_t in_channels, int64_t out_channels, int spatial_dims) {
    if (spatial_dims < 1 || spatial_dims > kMaxSpatialDims)
      throw Error(CONVT_ERROR_INVALID_ARGUMENT,
                  "spatial_dims must be 1, 2 or 3 (one to three kernel sizes), but got "
                  "spatial_dims: " + std::to_string(spatial_dims));
    convt_params_init(&p_, sizeof p_);
    p_.spatial_dims = spatial_dims;
    p_.in_channels = in_channels;
    p_.out_channels = out_channels;
  }
  Params& fill(int64_t* field, int64_t v) {
    for (int i = 0; i < p_.spatial_dims; ++i) field[i] = v;
    return *this;
  }
  Params& set(const char* name, int64_t* field, const Dims& v) {
    if (v.size() != static_cast<size_t>(p_.spatial_dims))
      throw Error(CONVT_ERROR_INVALID_ARGUMENT,
                  std::string(name) + " has " + detail::entries(v.size()) + ", but a " +
                      std::to_string(p_.spatial_dims) + "-D layer takes " +
                      std::to_string(p_.spatial_dims) + " (or one value for all)");
    for (size_t i = 0; i < v.size(); ++i) field[i] = v[i];
    return *this;
  }
  convt_params p_;
};

// One layer: owns a convt_handle. Shapes passed to it have 2 + spatial_dims() entries and
// output sizes spatial_dims() entries; other lengths throw convt::Error
// (CONVT_ERROR_INVALID_ARGUMENT) before the library is called.
class Layer {
 public:
  // weight: (in, out/groups, kernel...) floats; bias: out_channels floats or nullptr. Copied.
  Layer(const Params& params, const float* weight, const float* bias = nullptr)
      : rank_(params.spatial_dims()) {
    check(convt_create(&params.c(), weight, bias, &h_));
  }
  ~Layer() { convt_destroy(h_); }
  Layer(Layer&& other) noexcept
      : h_(std::exchange(other.h_, nullptr)), rank_(other.rank_) {}
  Layer& operator=(Layer&& other) noexcept {
    if (this != &other) {
      convt_destroy(h_);
      h_ = std::exchange(other.h_, nullptr);
      rank_ = other.rank_;
    }
    return *this;
  }
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  // 1, 2 or 3, as the Params it was made from.
  int spatial_dims() const noexcept { return rank_; }

  // (N, out_channels, out spatial...) of a run on an input of this shape.
  Shape output_shape(const Shape& input, OutputSize output_size = {}) const {
    const int64_t* request = req(input, output_size);
    Shape out = input;  // the right length; every entry is overwritten
    check(convt_output_shape(h_, input.data(), request, out.data()));
    return out;
  }
  size_t workspace_size(const Shape& input, OutputSize output_size = {}) const {
    const int64_t* request = req(input, output_size);
    size_t bytes = 0;
    check(convt_workspace_size(h_, input.data(), request, &bytes));
    return bytes;
  }
  int32_t selected_algorithm(const Shape& input, OutputSize output_size = {}) const {
    const int64_t* request = req(input, output_size);
    int32_t a = 0;
    check(convt_selected_algorithm(h_, input.data(), request, &a));
    return a;
  }
  // output_capacity in floats; workspace may be nullptr (the library allocates).
  void run(const Shape& input_shape, const float* input, float* output, size_t output_capacity,
           OutputSize output_size = {}, void* workspace = nullptr,
           size_t workspace_size = 0) const {
    const int64_t* request = req(input_shape, output_size);
    check(convt_run(h_, input_shape.data(), input, request, output, output_capacity, workspace,
                    workspace_size));
  }

  // The parameters as the library validated them (convt_get_params).
  convt_params params() const {
    convt_params p;
    check(convt_get_params(h_, &p, sizeof p));
    return p;
  }

  convt_handle* get() const noexcept { return h_; }

 private:
  // The output_size pointer for the C API, after checking both lengths against the rank.
  const int64_t* req(const Shape& input, const OutputSize& output_size) const {
    const size_t rank = static_cast<size_t>(rank_);
    static const char* const kShapes[] = {"(N, C, L)", "(N, C, H, W)", "(N, C, D, H, W)"};
    if (input.size() != 2 + rank)
      throw Error(CONVT_ERROR_INVALID_ARGUMENT,
                  "input shape has " + detail::entries(input.size()) + ", but a " +
                      std::to_string(rank) + "-D layer takes " + std::to_string(2 + rank) +
                      ": " + kShapes[rank - 1]);
    const Dims* size = output_size.get();
    if (!size) return nullptr;
    if (size->size() != rank)
      throw Error(CONVT_ERROR_INVALID_ARGUMENT,
                  "output_size has " + detail::entries(size->size()) + ", but a " +
                      std::to_string(rank) + "-D layer takes " + std::to_string(rank));
    return size->data();
  }
  convt_handle* h_ = nullptr;
  int rank_ = 2;
};

inline std::string version() { return convt_version_string(); }
// The kernel level in use ("avx512", "avx2", "neon", "baseline"; see convt_cpu_isa).
inline std::string cpu_isa() { return convt_cpu_isa(); }

}  // namespace convt

#endif  // CONVT_HPP
