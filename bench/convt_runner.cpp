#include "convt_runner.hpp"

#include <algorithm>
#include <cmath>
#include <new>

#include "suite.hpp"

namespace convt_bench {
namespace {

// Deterministic uniform [-1, 1) values (splitmix64, 24-bit mantissa), seeded per buffer.
void fill_random(std::vector<float>& v, uint64_t seed) {
  for (float& x : v) {
    uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    x = static_cast<float>(z >> 40) * (2.0f / 16777216.0f) - 1.0f;
  }
}

Handle make_handle(const Layer& l, int32_t algorithm, int64_t threads, const std::vector<float>& weight,
                   const std::vector<float>& bias) {
  convt_params prm;
  convt_params_init(&prm, sizeof prm);
  prm.spatial_dims = l.rank;
  prm.algorithm = algorithm;
  prm.in_channels = l.cin;
  prm.out_channels = l.cout;
  for (int i = 0; i < l.rank; ++i) {
    prm.kernel_size[i] = l.k[i], prm.stride[i] = l.s[i], prm.padding[i] = l.p[i];
    prm.output_padding[i] = l.op[i], prm.dilation[i] = l.d[i];
  }
  prm.groups = l.groups;
  prm.num_threads = static_cast<int32_t>(threads);
  prm.layout = l.channels_last ? CONVT_LAYOUT_CHANNELS_LAST : CONVT_LAYOUT_CHANNELS_FIRST;
  prm.activation = l.activation;
  prm.activation_alpha = l.alpha;
  prm.activation_beta = l.beta;
  convt_handle* h = nullptr;
  check(convt_create(&prm, weight.empty() ? nullptr : weight.data(),
                     l.bias ? bias.data() : nullptr, &h),
        "convt_create");
  return Handle(h, &convt_destroy);
}

}  // namespace

void throw_convt_error(convt_status st, const char* call) {
  std::string msg = convt_last_error();
  throw ConvtError(std::string(call) + ": " + convt_status_string(st) + ": " + msg,
                   st == CONVT_ERROR_UNSUPPORTED && msg.find(" cannot run this ") != std::string::npos);
}

bool checked_count(const int64_t* f, size_t n, size_t& count) {
  count = 1;
  for (size_t i = 0; i < n; ++i)
    if (f[i] < 0 || __builtin_mul_overflow(count, static_cast<uint64_t>(f[i]), &count)) return false;
  return true;
}

namespace {

// (N, Cin, in...) and (Cin, Cout/groups, kernel...) of a layer: 2 + rank entries each.
void input_shape_of(const Layer& l, int64_t shape[5]) {
  shape[0] = l.n, shape[1] = l.cin;
  for (int i = 0; i < l.rank; ++i) shape[2 + i] = l.in[i];
}

void weight_shape_of(const Layer& l, int64_t shape[5]) {
  shape[0] = l.cin, shape[1] = l.cout / l.groups;
  for (int i = 0; i < l.rank; ++i) shape[2 + i] = l.k[i];
}

}  // namespace

Tensors make_tensors(const Layer& l) {
  Tensors t;
  size_t wcount = 0, in_count = 0;
  const size_t dims = 2 + static_cast<size_t>(l.rank);
  int64_t wshape[5], in_shape[5];
  input_shape_of(l, in_shape);
  if (l.groups > 0) weight_shape_of(l, wshape);
  if (l.groups <= 0 || !checked_count(wshape, dims, wcount)) wcount = 0;
  if (!checked_count(in_shape, dims, in_count)) in_count = 0;
  t.weight.resize(wcount);
  t.bias.resize(static_cast<size_t>(std::max<int64_t>(l.cout, 0)));
  t.input.resize(in_count);
  fill_random(t.weight, 1);
  fill_random(t.bias, 2);
  fill_random(t.input, 3);
  return t;
}

void ConvtRunner::setup(const Layer& l, int32_t algorithm, int64_t threads, const Tensors& t) {
  h = make_handle(l, algorithm, threads, t.weight, t.bias);
  rank = l.rank;
  input_shape_of(l, in_shape);
  const size_t dims = 2 + static_cast<size_t>(rank);
  size_t out_count = 0, in_count = 0;
  check(convt_output_shape(h.get(), in_shape, nullptr, out_shape), "convt_output_shape");
  check(convt_workspace_size(h.get(), in_shape, nullptr, &ws_bytes), "convt_workspace_size");
  check(convt_selected_algorithm(h.get(), in_shape, nullptr, &selected), "convt_selected_algorithm");
  convt_params got;
  check(convt_get_params(h.get(), &got, sizeof got), "convt_get_params");
  num_threads = got.num_threads;
  if (!checked_count(out_shape, dims, out_count) || !checked_count(in_shape, dims, in_count) ||
      in_count != t.input.size())
    throw ConvtError("tensor size overflows size_t");
  output.assign(out_count, 0.0f);
  workspace.assign(ws_bytes, 0);
  channels_last = l.channels_last;
  if (channels_last) {
    input_channels_last = to_channels_last(t.input, l.n, l.cin, volume(l.in, l.rank));
    input = input_channels_last.data();
  } else {
    input = t.input.data();
  }
}

std::string ConvtRunner::shape() const { return shape_string(out_shape, 2 + rank); }

std::vector<float> ConvtRunner::output_channels_first() const {
  if (!channels_last) return output;
  return to_channels_first(output, out_shape[0], out_shape[1], volume(out_shape + 2, rank));
}

std::vector<float> reference_output(const Layer& l, int64_t threads, const Tensors& t, std::string* error) {
  try {
    ConvtRunner ref;
    Layer channels_first = l;
    channels_first.channels_last = false;
    ref.setup(channels_first, CONVT_ALGORITHM_REFERENCE, threads, t);
    ref.run();
    return std::move(ref.output);
  } catch (const ConvtError& e) {
    if (error) *error = e.what();
  } catch (const std::bad_alloc&) {
    if (error) *error = "out of memory for the reference";
  }
  return {};
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return NAN;
  double diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    double e = std::fabs(static_cast<double>(a[i]) - b[i]);
    if (!(e <= diff)) diff = e;  // keeps a NaN
  }
  return diff;
}

}  // namespace convt_bench
