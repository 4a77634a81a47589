// libFuzzer target: bytes -> a layer of any rank (1..3), shapes and data of bounded size;
// runs create / output_shape / workspace_size / selected_algorithm / run / destroy and
// checks:
//   - every status is a known one and every failure leaves a message;
//   - a failed run writes nothing into the output;
//   - output_shape writes its 2 + rank entries and no more;
//   - valid runs of every algorithm agree with the reference algorithm within the float
//     error bound, where sum |x*w| comes from the reference run on |x|, |w|, |b|.
// Any violation aborts (a finding). Build: cmake -DCONVT_BUILD_FUZZ=ON with clang.
//
// The bytes, in order (a byte past the end reads as 0):
//   rank (1 + b % 3); num_threads, algorithm, groups, in and out channels per group;
//   per spatial dimension: kernel, stride, padding, dilation, output_padding;
//   mode (255: a raw struct_size follows, 254: a raw spatial_dims; bit 0: bias);
//   input N, then each spatial size; a byte that, when 7, replaces the channel count;
//   a byte whose bit 0 asks for an output_size, then one offset per dimension;
//   the weights (one byte each), then the input (one byte each).
// Most values are small; a byte >= 250 reads 8 raw bytes instead (any int64), 245..249 a
// small negative number. The shapes and arrays passed to the library are heap vectors of
// exactly the rank's length, so that a read past them shows under AddressSanitizer.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "convt/convt.h"

namespace {

constexpr int64_t kMaxElems = 1 << 14;  // per tensor: keeps each input fast

struct Reader {
  const uint8_t* p;
  size_t n;
  uint8_t byte() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  int64_t raw() {
    int64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return v;
  }
  // Mostly small values in [lo, lo + span); now and then anything at all.
  int64_t small(int64_t lo, int64_t span) {
    const uint8_t b = byte();
    if (b >= 250) return raw();
    if (b >= 245) return -static_cast<int64_t>(b - 244);
    return lo + b % span;
  }
};

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz finding: %s (last error: %s)\n", what, convt_last_error());
    std::abort();
  }
}

void check_status(convt_status s) {
  check(s >= CONVT_OK && s <= CONVT_ERROR_SIZE_OVERFLOW, "unexpected status (INTERNAL or unknown)");
  if (s != CONVT_OK) check(convt_last_error()[0] != '\0', "failure without a message");
}

// The product of the entries, with overflow and negatives reported as -1.
int64_t product(const int64_t* v, size_t count) {
  int64_t r = 1;
  for (size_t i = 0; i < count; ++i) {
    if (v[i] < 0 || __builtin_mul_overflow(r, v[i], &r)) return -1;
  }
  return r;
}
int64_t product(const std::vector<int64_t>& v) { return product(v.data(), v.size()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r{data, size};
  convt_params p;
  convt_params_init(&p, sizeof p);
  int rank = 1 + r.byte() % 3;
  p.spatial_dims = rank;
  p.num_threads = static_cast<int32_t>(r.small(0, 3));
  p.algorithm = static_cast<int32_t>(r.small(0, 3));
  p.groups = r.small(1, 3);
  // Multiples of groups mostly; whatever the bytes say when that overflows.
  auto channels = [&] {
    const int64_t m = r.small(1, 3);
    int64_t c;
    return p.groups > 0 && !__builtin_mul_overflow(p.groups, m, &c) ? c : m;
  };
  p.in_channels = channels();
  p.out_channels = channels();
  // 3-D: smaller kernels and inputs, so that its volumes stay about as cheap as 2-D's.
  const int64_t kernel_span = rank == 3 ? 3 : 5, in_span = rank == 3 ? 5 : 7;
  for (int d = 0; d < rank; ++d) {
    p.kernel_size[d] = r.small(1, kernel_span);
    p.stride[d] = r.small(1, 4);
    p.padding[d] = r.small(0, 4);
    p.dilation[d] = r.small(1, 3);
    p.output_padding[d] = r.small(0, 3);
  }
  const uint8_t mode = r.byte();
  if (mode == 255) p.struct_size = static_cast<size_t>(r.raw());
  if (mode == 254) p.spatial_dims = static_cast<int32_t>(r.raw());
  const bool with_bias = mode & 1;
  // The rank the library takes (a raw spatial_dims of 1..3 replaces the decoded one: the
  // arrays past the decoded rank hold convt_params_init's values).
  if (p.spatial_dims >= 1 && p.spatial_dims <= 3) rank = p.spatial_dims;

  std::vector<int64_t> in_shape(static_cast<size_t>(2 + rank));
  in_shape[0] = r.small(0, 3);
  in_shape[1] = p.in_channels;
  for (int d = 0; d < rank; ++d) in_shape[static_cast<size_t>(2 + d)] = r.small(1, in_span);
  if (r.byte() == 7) in_shape[1] = r.small(0, 9);  // a wrong channel count now and then
  const uint8_t want = r.byte();
  std::vector<int64_t> offsets;
  if (want & 1)
    for (int d = 0; d < rank; ++d) offsets.push_back(r.small(-1, 5));

  const int64_t cout_g = p.groups > 0 ? p.out_channels / p.groups : 0;
  std::vector<int64_t> w_dims{p.in_channels, cout_g};
  for (int d = 0; d < rank; ++d) w_dims.push_back(p.kernel_size[d]);
  const int64_t w_elems = product(w_dims);
  if (w_elems > kMaxElems) return 0;  // a legal but large layer: not this target's business
  const size_t w_count = w_elems > 0 ? static_cast<size_t>(w_elems) : 1;
  std::vector<float> w(w_count), w_abs(w_count), b(64), b_abs(64);
  for (size_t i = 0; i < w.size(); ++i) {
    w[i] = static_cast<float>(static_cast<int8_t>(r.byte())) / 16.0f;
    w_abs[i] = std::fabs(w[i]);
  }
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = static_cast<float>(i % 7) - 3.0f, b_abs[i] = std::fabs(b[i]);
  const bool bias_fits = p.out_channels >= 0 && p.out_channels <= 64;

  convt_handle *h = nullptr, *ref = nullptr, *ref_abs = nullptr;
  const convt_status cs =
      convt_create(&p, w.data(), with_bias && bias_fits ? b.data() : nullptr, &h);
  check_status(cs);
  if (cs != CONVT_OK) {
    check(h == nullptr, "failed create left a handle");
    return 0;
  }
  check(w_elems >= 0, "create accepted a layer whose weight size is invalid");

  std::vector<int64_t> request;
  const int64_t* output_size = nullptr;
  if (!offsets.empty()) {
    std::vector<int64_t> base(static_cast<size_t>(2 + rank));
    convt_params q = p;
    for (int d = 0; d < rank; ++d) q.output_padding[d] = 0;
    convt_handle* h0 = nullptr;
    const bool have_base =
        convt_create(&q, w.data(), nullptr, &h0) == CONVT_OK &&
        convt_output_shape(h0, in_shape.data(), nullptr, base.data()) == CONVT_OK;
    for (int d = 0; d < rank; ++d) {
      const int64_t off = offsets[static_cast<size_t>(d)];
      int64_t v;
      request.push_back(
          have_base && !__builtin_add_overflow(base[static_cast<size_t>(2 + d)], off, &v) ? v
                                                                                          : off);
    }
    convt_destroy(h0);
    output_size = request.data();
  }

  std::vector<int64_t> out_shape(static_cast<size_t>(3 + rank), -7);  // one entry to spare
  const convt_status ss = convt_output_shape(h, in_shape.data(), output_size, out_shape.data());
  check_status(ss);
  check(out_shape.back() == -7, "output_shape written past its 2 + rank entries");
  out_shape.pop_back();
  size_t ws = 0;
  int32_t algo = -1;
  // A valid shape may still be one the handle's (forced) algorithm cannot run, or whose
  // plan's sizes overflow: then workspace_size, selected_algorithm and run all say so.
  const convt_status ws_st = convt_workspace_size(h, in_shape.data(), output_size, &ws);
  check_status(ws_st);
  check(ws_st == ss || (ss == CONVT_OK &&
                        (ws_st == CONVT_ERROR_UNSUPPORTED || ws_st == CONVT_ERROR_SIZE_OVERFLOW)),
        "workspace_size disagrees with output_shape");
  check(convt_selected_algorithm(h, in_shape.data(), output_size, &algo) == ws_st,
        "selected_algorithm disagrees with workspace_size");
  const int64_t in_elems = product(in_shape);
  const int64_t out_elems = ss == CONVT_OK ? product(out_shape) : 0;
  if (ws_st != CONVT_OK) {
    // A failing run must leave the output alone (and read nothing: it fails first).
    float guard[16];
    for (float& g : guard) g = 42.0f;
    std::vector<float> x(16, 1.0f);
    const convt_status rs =
        convt_run(h, in_shape.data(), x.data(), output_size, guard, 16, nullptr, 0);
    check_status(rs);
    if (ss == CONVT_OK && ws_st != CONVT_OK && in_elems <= 16 && out_elems > 0 && out_elems <= 16)
      check(rs == ws_st, "run disagrees with workspace_size");
    if (rs != CONVT_OK)
      for (float g : guard) check(g == 42.0f, "failed run wrote into the output");
    convt_destroy(h);
    return 0;
  }
  if (in_elems > kMaxElems || out_elems > kMaxElems || in_elems < 0) {
    convt_destroy(h);  // valid but large: not this target's business
    return 0;
  }
  check(algo != CONVT_ALGORITHM_AUTO, "selected_algorithm returned AUTO");

  std::vector<float> x(static_cast<size_t>(in_elems) + 1), x_abs(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<float>(static_cast<int8_t>(r.byte())) / 8.0f;
    x_abs[i] = std::fabs(x[i]);
  }
  const size_t n_out = static_cast<size_t>(out_elems);
  std::vector<float> y(n_out + 1, NAN), y_ref(n_out + 1), y_mag(n_out + 1);
  y[n_out] = 42.0f;  // guard after the end
  std::vector<unsigned char> scratch(ws + 1);
  check(convt_run(h, in_shape.data(), x.data(), output_size, y.data(), n_out,
                  ws ? scratch.data() : nullptr, ws) == CONVT_OK,
        "valid run failed");
  check(y[n_out] == 42.0f, "run wrote past the output");
  if (ws)
    check(convt_run(h, in_shape.data(), x.data(), output_size, y.data(), n_out, scratch.data(),
                    ws - 1) == CONVT_ERROR_INVALID_ARGUMENT,
          "short workspace accepted");

  convt_params pr = p;
  pr.algorithm = CONVT_ALGORITHM_REFERENCE;
  check(convt_create(&pr, w.data(), with_bias && bias_fits ? b.data() : nullptr, &ref) == CONVT_OK,
        "reference create");
  check(convt_create(&pr, w_abs.data(), with_bias && bias_fits ? b_abs.data() : nullptr,
                     &ref_abs) == CONVT_OK,
        "abs create");
  check(convt_run(ref, in_shape.data(), x.data(), output_size, y_ref.data(), n_out, nullptr, 0) ==
            CONVT_OK,
        "reference run");
  check(convt_run(ref_abs, in_shape.data(), x_abs.data(), output_size, y_mag.data(), n_out, nullptr,
                  0) == CONVT_OK,
        "abs run");
  const double terms =
      static_cast<double>(w_elems / p.out_channels) + 3;  // (in/groups) * kernel volume
  for (size_t i = 0; i < n_out; ++i) {
    const double bound = 2 * terms * 1.1920929e-7 * y_mag[i];
    check(std::fabs(static_cast<double>(y[i]) - y_ref[i]) <= bound,
          "result differs from the reference");
  }
  convt_destroy(ref);
  convt_destroy(ref_abs);
  convt_destroy(h);
  return 0;
}
