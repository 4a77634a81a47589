// libFuzzer target: bytes -> a layer of any rank (1..3), shapes and data of bounded size;
// runs create / output_shape / workspace_size / selected_algorithm / run / destroy and
// checks:
//   - every status is a known one and every failure leaves a message;
//   - a failed run writes nothing into the output;
//   - output_shape writes its 2 + rank entries and no more;
//   - create accepts the 0.4 fields (padding kind, padding_end, layout, activation and its
//     parameters) only when the header's rules do, and reads one only when struct_size
//     covers all of it (oracle.hpp: the fuzzer's own reading of the rules);
//   - a run's status and output shape are the rules' (PyTorch's under SYMMETRIC, ONNX
//     Runtime's under the other kinds, output_size as ONNX's output_shape there): a valid
//     run is accepted unless a size is past int64 / size_t / a BLAS int, an invalid one is
//     INVALID_ARGUMENT (or SIZE_OVERFLOW where a size on the way is past int64);
//   - valid runs of every algorithm agree with an oracle within the float error bound,
//     where sum |x*w| comes from the oracle's run on |x|, |w|, |b|: the reference
//     algorithm on PyTorch's untrimmed layer (padding 0, channels first, no activation),
//     cut at the rules' begin trim (the bias past its end), permuted to the layout and
//     activated in double (or, where that layer is too large, the reference algorithm on
//     the same layer without its activation).
// Any violation aborts (a finding). Build: cmake -DCONVT_BUILD_FUZZ=ON with clang.
//
// The bytes, in order (a byte past the end reads as 0):
//   rank (1 + b % 3); num_threads, algorithm, groups, in and out channels per group;
//   per spatial dimension: kernel, stride, padding, dilation, output_padding;
//   mode (255: a raw struct_size follows, 254: a raw spatial_dims; bit 0: bias; bit 1, below
//   254: the 0.4 fields follow: padding kind, padding_end per dimension, layout, activation,
//   alpha, beta (a float byte: (b - 120)/16 below 240, then NaN, inf, -inf, -0, else 4 raw
//   bytes), and a byte that below 16 makes struct_size 168 + (3b % 49));
//   input N, then each spatial size; a byte that, when 7, replaces the channel count;
//   a byte whose bit 0 asks for an output_size, then one offset per dimension (from the
//   size at output_padding 0 under SYMMETRIC; under the ONNX kinds from the untrimmed
//   size, or when bit 1 is set the size is offset + 1);
//   the weights (one byte each), then the input (one byte each, in the layer's layout).
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
#include "oracle.hpp"

namespace {

using fuzz_oracle::i128;

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
  int32_t small32(int32_t lo, int32_t span) {
    return static_cast<int32_t>(static_cast<uint64_t>(small(lo, span)));
  }
  // Small multiples of 1/16 mostly; NaN, the infinities, -0 or any float now and then.
  float number() {
    const uint8_t b = byte();
    if (b < 240) return static_cast<float>(b - 120) / 16.0f;
    switch (b) {
      case 240: return NAN;
      case 241: return INFINITY;
      case 242: return -INFINITY;
      case 243: return -0.0f;
      default: {
        uint32_t u = 0;
        for (int i = 0; i < 4; ++i) u = (u << 8) | byte();
        float f;
        std::memcpy(&f, &u, sizeof f);
        return f;
      }
    }
  }
};

// The case being run, printed with a finding.
const convt_params* g_params = nullptr;
const std::vector<int64_t>* g_in_shape = nullptr;
const std::vector<int64_t>* g_request = nullptr;

void print_dims(const char* name, const int64_t* v, int n) {
  std::fprintf(stderr, " %s", name);
  for (int i = 0; i < n; ++i) std::fprintf(stderr, "%s%lld", i ? "," : "=", static_cast<long long>(v[i]));
}

void describe_case() {
  if (!g_params) return;
  const convt_params& p = *g_params;
  const int r = p.spatial_dims >= 1 && p.spatial_dims <= 3 ? p.spatial_dims : 3;
  std::fprintf(stderr, "case: struct_size=%zu spatial_dims=%d algorithm=%d threads=%d in=%lld out=%lld groups=%lld",
               p.struct_size, p.spatial_dims, p.algorithm, p.num_threads,
               static_cast<long long>(p.in_channels), static_cast<long long>(p.out_channels),
               static_cast<long long>(p.groups));
  print_dims("kernel", p.kernel_size, r);
  print_dims("stride", p.stride, r);
  print_dims("padding", p.padding, r);
  print_dims("output_padding", p.output_padding, r);
  print_dims("dilation", p.dilation, r);
  print_dims("padding_end", p.padding_end, r);
  std::fprintf(stderr, " padding_kind=%d layout=%d activation=%d alpha=%g beta=%g",
               p.padding_kind, p.layout, p.activation, p.activation_alpha, p.activation_beta);
  if (g_in_shape) print_dims("input", g_in_shape->data(), static_cast<int>(g_in_shape->size()));
  if (g_request && !g_request->empty())
    print_dims("output_size", g_request->data(), static_cast<int>(g_request->size()));
  std::fprintf(stderr, "\n");
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz finding: %s (last error: %s)\n", what, convt_last_error());
    describe_case();
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

// Every output against the reference algorithm on PyTorch's untrimmed layer (padding 0 at
// the rules' effective output_padding, channels first, no activation), cut at the rules'
// begin trim, the bias past the untrimmed end, permuted to the layer's layout and activated
// here. False when that layer is too large for this target (nothing compared).
bool compare_untrimmed(const convt_params& e, const fuzz_oracle::Run& rule,
                       const std::vector<int64_t>& in_shape, const std::vector<float>& x,
                       const std::vector<float>& x_abs, const std::vector<float>& w,
                       const std::vector<float>& w_abs, const float* bias,
                       const std::vector<float>& b_abs, const std::vector<float>& y,
                       double terms) {
  if (rule.verdict != fuzz_oracle::Run::kValid || rule.may_overflow || rule.too_large ||
      !rule.full_fits)
    return false;
  const int rank = e.spatial_dims;
  const int64_t n = in_shape[0], c = e.in_channels, oc = e.out_channels;
  i128 vfull = 1;
  int64_t vin = 1, vout = 1;
  for (int d = 0; d < rank; ++d) {
    vfull *= rule.full[d];
    vin *= in_shape[static_cast<size_t>(2 + d)];
    vout *= rule.out[d];
    if (vfull > 4 * kMaxElems) return false;
  }
  if (vfull * n * oc > 4 * kMaxElems) return false;
  const int64_t vf = static_cast<int64_t>(vfull);

  convt_params f;
  convt_params_init(&f, sizeof f);
  f.spatial_dims = rank;
  f.algorithm = CONVT_ALGORITHM_REFERENCE;
  f.num_threads = 1;
  f.in_channels = c, f.out_channels = oc, f.groups = e.groups;
  for (int d = 0; d < rank; ++d) {
    f.kernel_size[d] = e.kernel_size[d], f.stride[d] = e.stride[d];
    f.dilation[d] = e.dilation[d], f.output_padding[d] = rule.output_padding[d];
  }
  const bool last = e.layout == CONVT_LAYOUT_CHANNELS_LAST;
  std::vector<float> xf(x.size()), xf_abs(x.size());
  for (int64_t ni = 0; ni < n; ++ni)
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t v = 0; v < vin; ++v) {
        const size_t src = static_cast<size_t>(last ? (ni * vin + v) * c + ci : (ni * c + ci) * vin + v);
        const size_t dst = static_cast<size_t>((ni * c + ci) * vin + v);
        xf[dst] = x[src], xf_abs[dst] = x_abs[src];
      }
  convt_handle *full = nullptr, *full_abs = nullptr;
  check(convt_create(&f, w.data(), bias, &full) == CONVT_OK, "untrimmed oracle create");
  check(convt_create(&f, w_abs.data(), bias ? b_abs.data() : nullptr, &full_abs) == CONVT_OK,
        "untrimmed abs create");
  std::vector<int64_t> full_shape(static_cast<size_t>(2 + rank));
  check(convt_output_shape(full, in_shape.data(), nullptr, full_shape.data()) == CONVT_OK,
        "untrimmed oracle shape");
  for (int d = 0; d < rank; ++d)
    check(full_shape[static_cast<size_t>(2 + d)] == rule.full[d], "untrimmed size differs from the rules'");
  const size_t nz = static_cast<size_t>(n * oc * vf);
  std::vector<float> z(nz + 1), zm(nz + 1);
  check(convt_run(full, in_shape.data(), xf.data(), nullptr, z.data(), nz, nullptr, 0) == CONVT_OK,
        "untrimmed oracle run");
  check(convt_run(full_abs, in_shape.data(), xf_abs.data(), nullptr, zm.data(), nz, nullptr, 0) ==
            CONVT_OK,
        "untrimmed abs run");
  const double eps = 1.1920929e-7;
  for (int64_t ni = 0; ni < n; ++ni)
    for (int64_t co = 0; co < oc; ++co)
      for (int64_t vo = 0; vo < vout; ++vo) {
        // vo's index per dimension, moved by the begin trim into the untrimmed output
        int64_t rest = vo, at = 0, stride = 1;
        bool inside = true;
        for (int d = rank - 1; d >= 0; --d) {
          const int64_t o = rest % rule.out[d] + rule.begin[d];
          rest /= rule.out[d];
          inside = inside && o < rule.full[d];
          at += o * stride;
          stride *= rule.full[d];
        }
        const size_t zi = static_cast<size_t>((ni * oc + co) * vf + at);
        const double zv = inside ? z[zi] : (bias ? bias[co] : 0.0f);
        const double mag = inside ? zm[zi] : (bias ? b_abs[static_cast<size_t>(co)] : 0.0f);
        const size_t yi = static_cast<size_t>(last ? (ni * vout + vo) * oc + co : (ni * oc + co) * vout + vo);
        if (!fuzz_oracle::activated_within(y[yi], zv, 2 * terms * eps * mag, e))
          std::fprintf(stderr, "output %zu (n %lld, channel %lld, pixel %lld): %.9g, the oracle's "
                       "%.9g before the activation (within %.3g)\n",
                       yi, static_cast<long long>(ni), static_cast<long long>(co),
                       static_cast<long long>(vo), y[yi], zv, 2 * terms * eps * mag);
        check(fuzz_oracle::activated_within(y[yi], zv, 2 * terms * eps * mag, e),
              "result differs from the untrimmed oracle");
      }
  convt_destroy(full);
  convt_destroy(full_abs);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r{data, size};
  g_params = nullptr, g_in_shape = nullptr, g_request = nullptr;
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
  if (mode < 254 && (mode & 2)) {  // the 0.4 fields
    p.padding_kind = r.small32(0, 5);
    for (int d = 0; d < rank; ++d) p.padding_end[d] = r.small(0, 4);
    p.layout = r.small32(0, 2);
    p.activation = r.small32(0, 8);
    p.activation_alpha = r.number();
    p.activation_beta = r.number();
    const uint8_t size_byte = r.byte();
    if (size_byte < 16) p.struct_size = CONVT_PARAMS_SIZE_V0_1 + (3u * size_byte) % 49;
  }
  // What the library must read of p.
  const convt_params e = fuzz_oracle::effective(p);
  const bool onnx = fuzz_oracle::onnx(e);
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
  const bool absolute_size = want & 2;
  g_params = &p, g_in_shape = &in_shape, g_request = nullptr;

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

  const float* bias = with_bias && bias_fits ? b.data() : nullptr;
  convt_handle* h = nullptr;
  const convt_status cs = convt_create(&p, w.data(), bias, &h);
  check_status(cs);
  const bool size_ok = p.struct_size >= CONVT_PARAMS_SIZE_V0_1 && p.struct_size <= sizeof p;
  if (cs != CONVT_OK) {
    check(h == nullptr, "failed create left a handle");
    check(!size_ok || fuzz_oracle::new_fields_valid(e) || cs == CONVT_ERROR_INVALID_ARGUMENT,
          "an invalid 0.4 field is not INVALID_ARGUMENT");
    return 0;
  }
  check(w_elems >= 0, "create accepted a layer whose weight size is invalid");
  check(fuzz_oracle::new_fields_valid(e), "create accepted an invalid 0.4 field");

  std::vector<int64_t> request;
  const int64_t* output_size = nullptr;
  g_request = &request;
  if (!offsets.empty() && onnx) {
    // ONNX's output_shape: around the untrimmed size (or small sizes from 0)
    for (int d = 0; d < rank; ++d) {
      const int64_t off = offsets[static_cast<size_t>(d)];
      const i128 full = static_cast<i128>(in_shape[static_cast<size_t>(2 + d)] - 1) * e.stride[d] +
                        e.output_padding[d] + static_cast<i128>(e.dilation[d]) * (e.kernel_size[d] - 1) + 1;
      const i128 v = absolute_size ? static_cast<i128>(off) + 1 : full + off;
      request.push_back(fuzz_oracle::fits(v) ? static_cast<int64_t>(v) : off);
    }
    output_size = request.data();
  } else if (!offsets.empty()) {
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

  // The status and shape the rules give.
  const fuzz_oracle::Run rule = fuzz_oracle::resolve(e, in_shape.data(), output_size);
  if (rule.verdict == fuzz_oracle::Run::kInvalid) {
    check(ss == CONVT_ERROR_INVALID_ARGUMENT || (rule.may_overflow && ss == CONVT_ERROR_SIZE_OVERFLOW),
          "a run the rules reject is not INVALID_ARGUMENT");
  } else if (!rule.may_overflow) {
    if (rule.too_large)
      check(ss == CONVT_ERROR_SIZE_OVERFLOW || ss == CONVT_ERROR_UNSUPPORTED,
            "a run past int64 / size_t / a BLAS int is accepted");
    else
      check(ss == CONVT_OK, "a run the rules accept is rejected");
  } else {
    check(ss == CONVT_OK || ss == CONVT_ERROR_SIZE_OVERFLOW || ss == CONVT_ERROR_UNSUPPORTED,
          "a valid run whose sizes on the way overflow is not OK or SIZE_OVERFLOW");
  }
  if (ss == CONVT_OK && !rule.may_overflow) {
    check(out_shape[0] == in_shape[0] && out_shape[1] == e.out_channels, "output shape's N, C");
    for (int d = 0; d < rank; ++d)
      check(out_shape[static_cast<size_t>(2 + d)] == rule.out[d], "output shape differs from the rules'");
  }
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

  const double terms =
      static_cast<double>(w_elems / p.out_channels) + 3;  // (in/groups) * kernel volume
  const double eps = 1.1920929e-7;
  // CONVT_FUZZ_TRACE set: each input that reaches the value comparison says so, and how
  // (to check that seeds reach it).
  static const bool trace = std::getenv("CONVT_FUZZ_TRACE") != nullptr;
  const bool untrimmed = compare_untrimmed(e, rule, in_shape, x, x_abs, w, w_abs, bias, b_abs, y, terms);
  if (trace) {
    std::fprintf(stderr, "compared %zu outputs (algorithm %s, %s oracle): ", n_out,
                 convt_algorithm_name(algo), untrimmed ? "untrimmed" : "same-layer");
    describe_case();
  }
  if (!untrimmed) {
    // The untrimmed layer is too large: the reference algorithm on the same layer (its
    // layout and trims), without the activation, which is applied here.
    convt_params pr = e;
    pr.algorithm = CONVT_ALGORITHM_REFERENCE;
    pr.activation = CONVT_ACTIVATION_NONE;
    convt_handle *ref = nullptr, *ref_abs = nullptr;
    check(convt_create(&pr, w.data(), bias, &ref) == CONVT_OK, "reference create");
    check(convt_create(&pr, w_abs.data(), bias ? b_abs.data() : nullptr, &ref_abs) == CONVT_OK,
          "abs create");
    check(convt_run(ref, in_shape.data(), x.data(), output_size, y_ref.data(), n_out, nullptr,
                    0) == CONVT_OK,
          "reference run");
    check(convt_run(ref_abs, in_shape.data(), x_abs.data(), output_size, y_mag.data(), n_out,
                    nullptr, 0) == CONVT_OK,
          "abs run");
    for (size_t i = 0; i < n_out; ++i)
      check(fuzz_oracle::activated_within(y[i], y_ref[i], 2 * terms * eps * y_mag[i], e),
            "result differs from the reference");
    convt_destroy(ref);
    convt_destroy(ref_abs);
  }
  convt_destroy(h);
  return 0;
}
