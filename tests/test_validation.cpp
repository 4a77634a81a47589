// Validation: PyTorch's rules, each with its status and a message that names the numbers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "support.hpp"

using test::Axis;
using test::Config;
using test::layer;

namespace {

Config base() {
  Config c;
  c.n = 1, c.cin = 4, c.cout = 6, c.h = 5, c.w = 5, c.kh = c.kw = 3, c.sh = c.sw = 2;
  c.groups = 2;
  return c;
}

convt_status create(const convt_params& p, convt_handle** h) {
  static const auto w = test::random_vector(1 << 16, 2);
  return convt_create(&p, w.data(), nullptr, h);
}

struct CreateCase {
  const char* name;
  std::function<void(convt_params&)> edit;
  convt_status status;
  const char* message;  // must appear in convt_last_error()
};

}  // namespace

TEST_CASE("shape formula", "[validation][quick]") {
  // out = (in-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1
  Config c = base();
  c.h = 7, c.w = 3, c.kh = 4, c.kw = 2, c.sh = 3, c.sw = 2, c.ph = 2, c.pw = 1, c.oph = 2;
  c.opw = 0, c.dh = 2, c.dw = 3, c.groups = 1;
  convt_params p = c.params();
  convt_handle* h = nullptr;
  REQUIRE(create(p, &h) == CONVT_OK);
  const int64_t in_shape[4] = {3, 4, 7, 3};
  int64_t out[4] = {0, 0, 0, 0};
  REQUIRE(convt_output_shape(h, in_shape, nullptr, out) == CONVT_OK);
  CHECK(out[0] == 3);
  CHECK(out[1] == 6);
  CHECK(out[2] == (7 - 1) * 3 - 2 * 2 + 2 * (4 - 1) + 2 + 1);
  CHECK(out[3] == (3 - 1) * 2 - 2 * 1 + 3 * (2 - 1) + 0 + 1);
  convt_destroy(h);
}

TEST_CASE("convt_create rejects each invalid parameter with its status", "[validation][quick]") {
  const convt_status inv = CONVT_ERROR_INVALID_ARGUMENT;
  const CreateCase cases[] = {
      {"in_channels 0", [](convt_params& p) { p.in_channels = 0; }, inv, "in_channels: 0"},
      {"out_channels -1", [](convt_params& p) { p.out_channels = -1; }, inv, "out_channels: -1"},
      {"kernel 0", [](convt_params& p) { p.kernel_size[1] = 0; }, inv, "kernel_width: 0"},
      {"stride 0", [](convt_params& p) { p.stride[0] = 0; }, inv, "stride_height: 0"},
      {"padding -1", [](convt_params& p) { p.padding[1] = -1; }, inv, "padding_width: -1"},
      {"dilation 0", [](convt_params& p) { p.dilation[0] = 0; }, inv, "dilation_height: 0"},
      {"groups 0", [](convt_params& p) { p.groups = 0; }, inv, "groups: 0"},
      {"groups not dividing in", [](convt_params& p) { p.groups = 3; p.out_channels = 6; }, inv,
       "in_channels must be divisible by groups"},
      {"groups not dividing out", [](convt_params& p) { p.out_channels = 5; }, inv,
       "out_channels must be divisible by groups"},
      {"spatial_dims 4", [](convt_params& p) { p.spatial_dims = 4; }, inv,
       "spatial_dims must be 1, 2 or 3, but got spatial_dims: 4"},
      {"spatial_dims 0", [](convt_params& p) { p.spatial_dims = 0; }, inv, "spatial_dims: 0"},
      {"spatial_dims -1", [](convt_params& p) { p.spatial_dims = -1; }, inv,
       "spatial_dims must be 1, 2 or 3, but got spatial_dims: -1"},
      {"algorithm 99", [](convt_params& p) { p.algorithm = 99; }, inv, "algorithm: 99"},
      {"algorithm -1", [](convt_params& p) { p.algorithm = -1; }, inv, "algorithm: -1"},
      {"num_threads -1", [](convt_params& p) { p.num_threads = -1; }, inv, "num_threads: -1"},
      {"struct_size 0", [](convt_params& p) { p.struct_size = 0; }, inv, "struct_size is 0"},
      {"struct_size short", [](convt_params& p) { p.struct_size = CONVT_PARAMS_SIZE_V0_1 - 8; },
       inv, "struct_size is 160"},
      {"struct_size newer", [](convt_params& p) { p.struct_size = sizeof(convt_params) + 8; },
       CONVT_ERROR_UNSUPPORTED, "newer convt"},
      {"kernel extent overflows", [](convt_params& p) { p.dilation[0] = INT64_MAX / 2 + 1; },
       CONVT_ERROR_SIZE_OVERFLOW, "overflows"},
      {"weight size overflows",
       [](convt_params& p) { p.kernel_size[0] = p.kernel_size[1] = int64_t(1) << 32; },
       CONVT_ERROR_SIZE_OVERFLOW, "overflows"},
      {"GEMM rows beyond int", [](convt_params& p) { p.kernel_size[0] = int64_t(1) << 31; },
       CONVT_ERROR_UNSUPPORTED, "BLAS int"},
  };
  for (const auto& k : cases) {
    INFO(k.name);
    convt_params p = base().params();
    k.edit(p);
    convt_handle* h = reinterpret_cast<convt_handle*>(&p);  // must be reset to NULL
    CHECK(create(p, &h) == k.status);
    CHECK(h == nullptr);
    CHECK(std::string(convt_last_error()).find(k.message) != std::string::npos);
  }
}

TEST_CASE("NULL arguments are INVALID_ARGUMENT", "[validation][quick]") {
  convt_params p = base().params();
  const auto w = test::random_vector(1000, 1);
  convt_handle* h = nullptr;
  CHECK(convt_create(nullptr, w.data(), nullptr, &h) == CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(convt_create(&p, nullptr, nullptr, &h) == CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(std::string(convt_last_error()) == "weight is NULL");
  CHECK(convt_create(&p, w.data(), nullptr, nullptr) == CONVT_ERROR_INVALID_ARGUMENT);
  REQUIRE(convt_create(&p, w.data(), nullptr, &h) == CONVT_OK);
  const int64_t in_shape[4] = {1, 4, 5, 5};
  int64_t out[4];
  size_t ws;
  int32_t algo;
  CHECK(convt_output_shape(nullptr, in_shape, nullptr, out) == CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(convt_output_shape(h, nullptr, nullptr, out) == CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(convt_output_shape(h, in_shape, nullptr, nullptr) == CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(convt_workspace_size(h, in_shape, nullptr, nullptr) == CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(convt_selected_algorithm(h, in_shape, nullptr, nullptr) == CONVT_ERROR_INVALID_ARGUMENT);
  REQUIRE(convt_selected_algorithm(h, in_shape, nullptr, &algo) == CONVT_OK);
  CHECK(algo != CONVT_ALGORITHM_AUTO);
  REQUIRE(convt_workspace_size(h, in_shape, nullptr, &ws) == CONVT_OK);
  std::vector<float> x(100), y(6 * 11 * 11);
  CHECK(convt_run(h, in_shape, nullptr, nullptr, y.data(), y.size(), nullptr, 0) ==
        CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(convt_run(h, in_shape, x.data(), nullptr, nullptr, y.size(), nullptr, 0) ==
        CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(convt_run(nullptr, in_shape, x.data(), nullptr, y.data(), y.size(), nullptr, 0) ==
        CONVT_ERROR_INVALID_ARGUMENT);
  CHECK(convt_run(h, in_shape, x.data(), nullptr, y.data(), y.size(), nullptr, 0) == CONVT_OK);
  convt_destroy(h);
  convt_destroy(nullptr);
}

TEST_CASE("run-time rules: input shape, output_padding, output size, output_size range",
          "[validation][quick]") {
  const convt_status inv = CONVT_ERROR_INVALID_ARGUMENT;
  struct RunCase {
    const char* name;
    Config layer;
    int64_t in_shape[4];
    bool has_request;
    int64_t request[2];
    convt_status status;
    const char* message;
  };
  Config ok = base();
  Config op_bad = base();
  op_bad.oph = 2;  // stride 2, dilation 1
  Config op_dil = base();
  op_dil.sh = 1, op_dil.oph = 1, op_dil.dh = 2;  // smaller than dilation: fine
  Config op_neg = base();
  op_neg.opw = -1;  // PyTorch's module accepts it; forward rejects it unless output_size is given
  Config small = base();
  small.kh = small.kw = 1, small.sh = small.sw = 1, small.ph = small.pw = 1;  // 1x1, pad 1
  const RunCase cases[] = {
      {"wrong channels", ok, {1, 3, 5, 5}, false, {0, 0}, inv, "to have 4 channels, but got 3"},
      {"H 0", ok, {1, 4, 0, 5}, false, {0, 0}, inv, "input[1, 4, 0, 5]"},
      {"W -2", ok, {1, 4, 5, -2}, false, {0, 0}, inv, "input[1, 4, 5, -2]"},
      {"N -1", ok, {-1, 4, 5, 5}, false, {0, 0}, inv, "batch size"},
      {"output_padding >= stride and dilation", op_bad, {1, 4, 5, 5}, false, {0, 0}, inv,
       "output padding must be smaller than either stride or dilation, but got "
       "output_padding_height: 2 output_padding_width: 0 stride_height: 2 stride_width: 2 "
       "dilation_height: 1 dilation_width: 1"},
      {"negative output_padding", op_neg, {1, 4, 5, 5}, false, {0, 0}, inv,
       "negative output_padding is not supported, but got output_padding_height: 0 "
       "output_padding_width: -1"},
      {"negative output_padding replaced by output_size", op_neg, {1, 4, 5, 5}, true, {11, 11},
       CONVT_OK, ""},
      {"output_padding < dilation", op_dil, {1, 4, 5, 5}, false, {0, 0}, CONVT_OK, ""},
      {"output too small", small, {1, 4, 2, 2}, false, {0, 0}, inv, "Output size is too small"},
      {"output 1 at the edge", small, {1, 4, 3, 3}, false, {0, 0}, CONVT_OK, ""},
      // min 11, stride 2: valid 11..12
      {"request 10", ok, {1, 4, 5, 5}, true, {10, 11}, inv,
       "valid sizes range from [11, 11] to [12, 12]"},
      {"request 13", ok, {1, 4, 5, 5}, true, {11, 13}, inv, "requested an output size of [11, 13]"},
      {"request 11", ok, {1, 4, 5, 5}, true, {11, 11}, CONVT_OK, ""},
      {"request 12", ok, {1, 4, 5, 5}, true, {12, 12}, CONVT_OK, ""},
      // output_size replaces output_padding, even an invalid one
      {"request with bad output_padding", op_bad, {1, 4, 5, 5}, true, {12, 11}, CONVT_OK, ""},
      {"input size overflow", ok, {INT64_MAX / 2, 4, 5, 5}, false, {0, 0},
       CONVT_ERROR_SIZE_OVERFLOW, "overflows"},
      {"output size overflow", ok, {1, 4, INT64_MAX / 4, 5}, false, {0, 0},
       CONVT_ERROR_SIZE_OVERFLOW, "overflows"},
  };
  for (const auto& k : cases) {
    INFO(k.name);
    convt_params p = k.layer.params();
    convt_handle* h = nullptr;
    REQUIRE(create(p, &h) == CONVT_OK);
    int64_t out[4] = {-7, -7, -7, -7};
    CHECK(convt_output_shape(h, k.in_shape, k.has_request ? k.request : nullptr, out) == k.status);
    if (k.status != CONVT_OK) {
      CHECK(std::string(convt_last_error()).find(k.message) != std::string::npos);
      CHECK(out[0] == -7);  // untouched on failure
      size_t ws;
      CHECK(convt_workspace_size(h, k.in_shape, k.has_request ? k.request : nullptr, &ws) ==
            k.status);
      float guard[4] = {1, 2, 3, 4};
      CHECK(convt_run(h, k.in_shape, guard, k.has_request ? k.request : nullptr, guard, 4,
                      nullptr, 0) == k.status);
      CHECK(guard[0] == 1);
      CHECK(guard[3] == 4);
    } else if (k.has_request) {
      CHECK(out[2] == k.request[0]);
      CHECK(out[3] == k.request[1]);
    }
    convt_destroy(h);
  }
}

TEST_CASE("struct_size: an older struct takes defaults, params_init and get_params",
          "[validation][quick]") {
  convt_params p;
  std::memset(&p, 0xAB, sizeof p);
  convt_params_init(&p, sizeof p);
  CHECK(p.struct_size == sizeof(convt_params));
  CHECK(p.spatial_dims == 2);
  CHECK(p.algorithm == CONVT_ALGORITHM_AUTO);
  CHECK(p.stride[0] == 1);
  CHECK(p.dilation[1] == 1);
  CHECK(p.padding[0] == 0);
  CHECK(p.kernel_size[0] == 0);
  CHECK(p.groups == 1);
  CHECK(p.num_threads == 0);
  CHECK(sizeof(convt_params) == CONVT_PARAMS_SIZE_V0_2);
  CHECK(p.padding_kind == CONVT_PADDING_SYMMETRIC);
  CHECK(p.layout == CONVT_LAYOUT_CHANNELS_FIRST);
  CHECK(p.activation == CONVT_ACTIVATION_NONE);
  CHECK(p.padding_end[2] == 0);

  // Partial init touches only the first bytes.
  unsigned char raw[sizeof(convt_params) + 16];
  std::memset(raw, 0xCD, sizeof raw);
  convt_params_init(reinterpret_cast<convt_params*>(raw), 16);
  CHECK(raw[16] == 0xCD);
  convt_params_init(nullptr, sizeof p);  // no-op

  // A caller built against the first release passes a struct of CONVT_PARAMS_SIZE_V0_1
  // bytes: exactly that many are read (an over-read shows under AddressSanitizer), and
  // fields a later release appends take their defaults.
  {
    void* raw_v01 = std::malloc(CONVT_PARAMS_SIZE_V0_1);
    REQUIRE(raw_v01 != nullptr);
    convt_params* old = static_cast<convt_params*>(raw_v01);
    convt_params_init(old, CONVT_PARAMS_SIZE_V0_1);
    old->in_channels = 4, old->out_channels = 6, old->groups = 2;
    old->kernel_size[0] = old->kernel_size[1] = 3;
    static const auto w = test::random_vector(4 * 3 * 9, 2);
    convt_handle* h_old = nullptr;
    CHECK(convt_create(old, w.data(), nullptr, &h_old) == CONVT_OK);
    convt_destroy(h_old);
    std::free(raw_v01);
  }

  Config c = base();
  convt_params q = c.params(CONVT_ALGORITHM_REFERENCE, 1);
  convt_handle* h = nullptr;
  REQUIRE(create(q, &h) == CONVT_OK);
  convt_params back;
  REQUIRE(convt_get_params(h, &back, sizeof back) == CONVT_OK);
  CHECK(back.in_channels == 4);
  CHECK(back.out_channels == 6);
  CHECK(back.groups == 2);
  CHECK(back.algorithm == CONVT_ALGORITHM_REFERENCE);
  CHECK(back.num_threads == 1);
  CHECK(convt_get_params(h, &back, 8) == CONVT_ERROR_INVALID_ARGUMENT);
  convt_destroy(h);
}

TEST_CASE("names and versions", "[validation][quick]") {
  CHECK(convt_version_number() == CONVT_VERSION_NUMBER);
  CHECK(std::string(convt_version_string()) ==
        std::to_string(CONVT_VERSION_MAJOR) + "." + std::to_string(CONVT_VERSION_MINOR) + "." +
            std::to_string(CONVT_VERSION_PATCH));
  CHECK(std::string(convt_status_string(CONVT_OK)) == "CONVT_OK");
  CHECK(std::string(convt_status_string(CONVT_ERROR_SIZE_OVERFLOW)) == "CONVT_ERROR_SIZE_OVERFLOW");
  CHECK(std::string(convt_status_string(-3)) == "CONVT_ERROR_UNKNOWN");
  CHECK(std::string(convt_algorithm_name(CONVT_ALGORITHM_GEMM_COL2IM)) == "gemm_col2im");
  CHECK(std::string(convt_algorithm_name(1234)) == "unknown");
}

TEST_CASE("an absurdly large but legal output: plans stay overflow-free", "[validation][quick]") {
  // Depthwise, 1x1 kernel, dilation 2^61 and output_padding 2^61 - 1: a legal layer whose
  // output is 2^61 x 1 pixels (found by the fuzzer: the depthwise plan overflowed).
  convt_params p;
  convt_params_init(&p, sizeof p);
  p.in_channels = p.out_channels = p.groups = 1;
  p.kernel_size[0] = p.kernel_size[1] = 1;
  p.dilation[0] = int64_t(1) << 61;
  p.output_padding[0] = (int64_t(1) << 61) - 1;
  const float w = 2.0f;
  const int64_t in_shape[4] = {1, 1, 1, 1};
  for (int32_t algo : {CONVT_ALGORITHM_AUTO, CONVT_ALGORITHM_DEPTHWISE}) {
    p.algorithm = algo;
    convt_handle* h = nullptr;
    REQUIRE(convt_create(&p, &w, nullptr, &h) == CONVT_OK);
    int64_t out[4];
    REQUIRE(convt_output_shape(h, in_shape, nullptr, out) == CONVT_OK);
    CHECK(out[2] == int64_t(1) << 61);
    size_t ws = 0;
    int32_t chosen = -1;
    const convt_status st = convt_workspace_size(h, in_shape, nullptr, &ws);
    if (algo == CONVT_ALGORITHM_DEPTHWISE) {
      CHECK(st == CONVT_ERROR_UNSUPPORTED);
      CHECK(std::string(convt_last_error()).find("cannot run this shape") != std::string::npos);
    } else {
      CHECK(st == CONVT_OK);
      CHECK(convt_selected_algorithm(h, in_shape, nullptr, &chosen) == CONVT_OK);
      CHECK(chosen != CONVT_ALGORITHM_DEPTHWISE);
    }
    convt_destroy(h);
  }
}

// What AUTO picks at each kernel level (this test runs at every level the CPU has: the
// isa_* ctest entries): sub-pixel on convt's own kernel at avx2 and avx512; at neon (not yet
// timed on hardware) POINTWISE where it fits and sub-pixel only where it does no more
// multiply-adds than GEMM + col2im; at baseline OpenBLAS's GEMM + col2im, or POINTWISE for 1x1, and the depthwise kernel for
// depthwise.
TEST_CASE("AUTO's choice follows the kernel level", "[validation][quick]") {
  const std::string level = convt_cpu_isa();
  struct Case {
    int64_t cin, cout, k, s, p, groups, h;
    int32_t at_baseline, measured, unmeasured;
  };
  const Case cases[] = {
      // DCGAN's 4x4 stride-2 up-sampling on 8x8: every phase has 2x2 taps, but its rows
      // and columns overhang the input by one (9x9 per phase: 1.27x the multiply-adds)
      {64, 32, 4, 2, 1, 1, 8, CONVT_ALGORITHM_GEMM_COL2IM, CONVT_ALGORITHM_SUBPIXEL,
       CONVT_ALGORITHM_GEMM_COL2IM},
      // 1x1 stride 1
      {32, 32, 1, 1, 0, 1, 8, CONVT_ALGORITHM_POINTWISE, CONVT_ALGORITHM_SUBPIXEL,
       CONVT_ALGORITHM_POINTWISE},
      // depthwise 3x3 stride 1
      {16, 16, 3, 1, 1, 16, 8, CONVT_ALGORITHM_DEPTHWISE, CONVT_ALGORITHM_DEPTHWISE,
       CONVT_ALGORITHM_DEPTHWISE},
      // 3x3 stride 1, padding 0 on 16x16: sub-pixel computes 18x18 outputs of 9 taps each,
      // 1.27x the layer's multiply-adds (within measured levels' 1.5, above neon's 1)
      {32, 32, 3, 1, 0, 1, 16, CONVT_ALGORITHM_GEMM_COL2IM, CONVT_ALGORITHM_SUBPIXEL,
       CONVT_ALGORITHM_GEMM_COL2IM},
      // the same with padding 1: exactly the layer's multiply-adds
      {32, 32, 3, 1, 1, 1, 16, CONVT_ALGORITHM_GEMM_COL2IM, CONVT_ALGORITHM_SUBPIXEL,
       CONVT_ALGORITHM_SUBPIXEL},
  };
  for (const Case& c : cases) {
    convt_params p;
    convt_params_init(&p, sizeof p);
    p.in_channels = c.cin;
    p.out_channels = c.cout;
    p.groups = c.groups;
    p.kernel_size[0] = p.kernel_size[1] = c.k;
    p.stride[0] = p.stride[1] = c.s;
    p.padding[0] = p.padding[1] = c.p;
    std::vector<float> w(static_cast<size_t>(c.cin * (c.cout / c.groups) * c.k * c.k), 0.5f);
    convt_handle* h = nullptr;
    REQUIRE(convt_create(&p, w.data(), nullptr, &h) == CONVT_OK);
    const int64_t in_shape[4] = {1, c.cin, c.h, c.h};
    int32_t chosen = -1;
    REQUIRE(convt_selected_algorithm(h, in_shape, nullptr, &chosen) == CONVT_OK);
    INFO("level " << convt_cpu_isa() << ", kernel " << c.k << ", groups " << c.groups);
    const int32_t expected = level == "baseline" ? c.at_baseline
                             : level == "neon"   ? c.unmeasured
                                                 : c.measured;
    CHECK(chosen == expected);
    convt_destroy(h);
  }
}

// ---- 1-D and 3-D: the same rules, with PyTorch's names for each rank's dimensions ----

namespace {

// in 4, out 6, groups 2, kernel 3 and stride 2 in every dimension. On (1, 4, 5) the 1-D
// layer gives (1, 6, 11); on (1, 4, 3, 4, 5) the 3-D one gives (1, 6, 7, 9, 11).
Config base_of_rank(int rank) {
  if (rank == 1) return layer(1, 4, 6, 2, true, {{5, 3, 2, 0, 0, 1}});
  return layer(1, 4, 6, 2, true, {{3, 3, 2, 0, 0, 1}, {4, 3, 2, 0, 0, 1}, {5, 3, 2, 0, 0, 1}});
}

// Exactly `v`'s entries on the heap, so that a read past them shows under AddressSanitizer.
struct Exact {
  std::unique_ptr<int64_t[]> p;
  explicit Exact(const std::vector<int64_t>& v) : p(new int64_t[v.size()]) {
    std::copy(v.begin(), v.end(), p.get());
  }
  const int64_t* get() const { return p.get(); }
};

}  // namespace

TEST_CASE("shape formula, 1-D and 3-D", "[validation][quick]") {
  // out = (in-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1, per dimension
  const Config layers[] = {
      layer(3, 4, 6, 1, true, {{7, 4, 3, 2, 2, 2}}),
      layer(2, 4, 6, 1, true, {{7, 4, 3, 2, 2, 2}, {3, 2, 2, 1, 0, 3}, {4, 5, 1, 0, 1, 2}}),
  };
  const std::vector<int64_t> want[] = {
      {3, 6, (7 - 1) * 3 - 2 * 2 + 2 * (4 - 1) + 2 + 1},
      {2, 6, (7 - 1) * 3 - 2 * 2 + 2 * (4 - 1) + 2 + 1, (3 - 1) * 2 - 2 * 1 + 3 * (2 - 1) + 0 + 1,
       (4 - 1) * 1 - 2 * 0 + 2 * (5 - 1) + 1 + 1}};
  for (size_t k = 0; k < 2; ++k) {
    const Config& c = layers[k];
    INFO(c.str());
    const convt_params p = c.params();
    convt_handle* h = nullptr;
    REQUIRE(create(p, &h) == CONVT_OK);
    // One entry more than the rank's: it must stay as it was.
    std::vector<int64_t> out(want[k].size() + 1, -7);
    REQUIRE(convt_output_shape(h, Exact(c.input_shape()).get(), nullptr, out.data()) == CONVT_OK);
    CHECK(std::vector<int64_t>(out.begin(), out.end() - 1) == want[k]);
    CHECK(out.back() == -7);
    convt_destroy(h);
  }
}

TEST_CASE("convt_create rejects each invalid parameter of a 1-D or 3-D layer, with its names",
          "[validation][quick]") {
  const convt_status inv = CONVT_ERROR_INVALID_ARGUMENT;
  struct RankCase {
    int rank;
    const char* name;
    std::function<void(convt_params&)> edit;
    convt_status status;
    const char* message;  // the whole of convt_last_error()
  };
  const RankCase cases[] = {
      {1, "kernel 0", [](convt_params& p) { p.kernel_size[0] = 0; }, inv,
       "kernel size should be greater than zero, but got kernel_width: 0"},
      {1, "stride -1", [](convt_params& p) { p.stride[0] = -1; }, inv,
       "stride should be greater than zero, but got stride_width: -1"},
      {1, "padding -1", [](convt_params& p) { p.padding[0] = -1; }, inv,
       "negative padding is not supported, but got padding_width: -1"},
      {1, "dilation 0", [](convt_params& p) { p.dilation[0] = 0; }, inv,
       "dilation should be greater than zero, but got dilation_width: 0"},
      {1, "in_channels 0", [](convt_params& p) { p.in_channels = 0; }, inv,
       "in_channels must be positive, but got in_channels: 0"},
      {1, "groups 3", [](convt_params& p) { p.groups = 3; }, inv,
       "in_channels must be divisible by groups, but got in_channels: 4 groups: 3"},
      {1, "out_channels 5", [](convt_params& p) { p.out_channels = 5; }, inv,
       "out_channels must be divisible by groups, but got out_channels: 5 groups: 2"},
      {1, "kernel extent overflows", [](convt_params& p) { p.dilation[0] = INT64_MAX / 2 + 1; },
       CONVT_ERROR_SIZE_OVERFLOW,
       "dilation * (kernel_size - 1) overflows int64 (4611686018427387904 * 2)"},
      {1, "weight size overflows", [](convt_params& p) { p.kernel_size[0] = INT64_MAX / 8; },
       CONVT_ERROR_SIZE_OVERFLOW, "weight size overflows int64 (12 * 1152921504606846975)"},
      {1, "GEMM rows beyond int", [](convt_params& p) { p.kernel_size[0] = int64_t(1) << 30; },
       CONVT_ERROR_UNSUPPORTED,
       "out_channels/groups * kernel size = 3221225472 and in_channels/groups = 2 must each be "
       "at most 2147483647 (a BLAS int)"},
      {3, "kernel_depth 0", [](convt_params& p) { p.kernel_size[0] = 0; }, inv,
       "kernel size should be greater than zero, but got kernel_depth: 0 kernel_height: 3 "
       "kernel_width: 3"},
      {3, "kernel_width -1", [](convt_params& p) { p.kernel_size[2] = -1; }, inv,
       "kernel size should be greater than zero, but got kernel_depth: 3 kernel_height: 3 "
       "kernel_width: -1"},
      {3, "stride_height 0", [](convt_params& p) { p.stride[1] = 0; }, inv,
       "stride should be greater than zero, but got stride_depth: 2 stride_height: 0 "
       "stride_width: 2"},
      {3, "padding_depth -1", [](convt_params& p) { p.padding[0] = -1; }, inv,
       "negative padding is not supported, but got padding_depth: -1 padding_height: 0 "
       "padding_width: 0"},
      {3, "dilation_width 0", [](convt_params& p) { p.dilation[2] = 0; }, inv,
       "dilation should be greater than zero, but got dilation_depth: 1 dilation_height: 1 "
       "dilation_width: 0"},
      {3, "out_channels -1", [](convt_params& p) { p.out_channels = -1; }, inv,
       "out_channels must be positive, but got out_channels: -1"},
      {3, "groups 0", [](convt_params& p) { p.groups = 0; }, inv,
       "groups must be a positive integer, but got groups: 0"},
      {3, "spatial_dims 4", [](convt_params& p) { p.spatial_dims = 4; }, inv,
       "spatial_dims must be 1, 2 or 3, but got spatial_dims: 4"},
      {3, "spatial_dims 0", [](convt_params& p) { p.spatial_dims = 0; }, inv,
       "spatial_dims must be 1, 2 or 3, but got spatial_dims: 0"},
      {1, "spatial_dims -1", [](convt_params& p) { p.spatial_dims = -1; }, inv,
       "spatial_dims must be 1, 2 or 3, but got spatial_dims: -1"},
      {3, "kernel extent overflows (H)", [](convt_params& p) { p.dilation[1] = INT64_MAX / 2 + 1; },
       CONVT_ERROR_SIZE_OVERFLOW,
       "dilation * (kernel_size - 1) overflows int64 (4611686018427387904 * 2)"},
      // Each kernel dimension fits; their volume does not, or does not fit a BLAS int.
      {3, "kernel volume overflows",
       [](convt_params& p) {
         p.kernel_size[0] = p.kernel_size[1] = p.kernel_size[2] = int64_t(1) << 22;
       },
       CONVT_ERROR_SIZE_OVERFLOW, "kernel size overflows int64 (17592186044416 * 4194304)"},
      {3, "kernel volume beyond a BLAS int",
       [](convt_params& p) { p.kernel_size[0] = p.kernel_size[1] = 2048, p.kernel_size[2] = 256; },
       CONVT_ERROR_UNSUPPORTED,
       "out_channels/groups * kernel size = 3221225472 and in_channels/groups = 2 must each be "
       "at most 2147483647 (a BLAS int)"},
  };
  for (const auto& k : cases) {
    INFO(k.rank << "-D: " << k.name);
    convt_params p = base_of_rank(k.rank).params();
    k.edit(p);
    convt_handle* h = reinterpret_cast<convt_handle*>(&p);  // must be reset to NULL
    CHECK(create(p, &h) == k.status);
    CHECK(h == nullptr);
    CHECK(std::string(convt_last_error()) == k.message);
    std::vector<float> cw(4, 42.0f);
    CHECK(convt_conv_weight_from_transposed(&p, test::random_vector(1000, 1).data(), cw.data()) ==
          k.status);
    CHECK(std::string(convt_last_error()) == k.message);
    CHECK(cw == std::vector<float>(4, 42.0f));
  }
}

TEST_CASE("run-time rules of a 1-D or 3-D layer: input shape, output_padding, output_size",
          "[validation][quick]") {
  const convt_status inv = CONVT_ERROR_INVALID_ARGUMENT;
  struct RunCase {
    const char* name;
    Config layer;
    std::vector<int64_t> in_shape;  // 2 + rank entries
    std::vector<int64_t> request;   // empty, or rank entries
    convt_status status;
    const char* message;           // the whole message, or a part of it (overflows)
    std::vector<int64_t> out;      // the output's spatial sizes when the status is OK
  };
  const Config l1 = base_of_rank(1), l3 = base_of_rank(3);
  auto edit = [](Config c, int i, auto field, int64_t v) {
    Axis a = c.axis(i);
    a.*field = v;
    c.set_axis(i, a);
    return c;
  };
  Config l1_small = l1, l3_small = l3;  // kernel 1, stride 1, padding 1: out = in - 2
  for (int i = 0; i < 3; ++i) {
    if (i < 1) l1_small.set_axis(i, {5, 1, 1, 1, 0, 1});
    l3_small.set_axis(i, {5, 1, 1, 1, 0, 1});
  }
  Config l3_dil = edit(edit(edit(l3, 1, &Axis::s, 1), 1, &Axis::op, 1), 1, &Axis::d, 2);
  Config l3_strided = l3;
  for (int i = 0; i < 3; ++i) l3_strided = edit(l3_strided, i, &Axis::s, int64_t(1) << 21);
  const RunCase cases[] = {
      {"1-D", l1, {1, 4, 5}, {}, CONVT_OK, "", {11}},
      {"1-D wrong channels", l1, {1, 3, 5}, {}, inv,
       "Given transposed=1, weight of size [4, 3, 3], expected input[1, 3, 5] to have 4 "
       "channels, but got 3 channels instead"},
      {"1-D L 0", l1, {1, 4, 0}, {}, inv, "input width must be at least 1, but got input[1, 4, 0]"},
      {"1-D N -1", l1, {-1, 4, 5}, {}, inv, "batch size must be >= 0, but got input[-1, 4, 5]"},
      {"1-D output_padding = stride", edit(l1, 0, &Axis::op, 2), {1, 4, 5}, {}, inv,
       "output padding must be smaller than either stride or dilation, but got "
       "output_padding_width: 2 stride_width: 2 dilation_width: 1"},
      {"1-D output_padding < dilation", edit(edit(l1, 0, &Axis::op, 2), 0, &Axis::d, 3),
       {1, 4, 5}, {}, CONVT_OK, "", {17}},
      {"1-D negative output_padding", edit(l1, 0, &Axis::op, -1), {1, 4, 5}, {}, inv,
       "negative output_padding is not supported, but got output_padding_width: -1"},
      {"1-D negative output_padding replaced by output_size", edit(l1, 0, &Axis::op, -1),
       {1, 4, 5}, {12}, CONVT_OK, "", {12}},
      {"1-D output too small", l1_small, {1, 4, 2}, {}, inv,
       "Given input size per channel: (2). Calculated output size per channel: (0). Output "
       "size is too small"},
      {"1-D output 1 at the edge", l1_small, {1, 4, 3}, {}, CONVT_OK, "", {1}},
      {"1-D request 6 on an input of 3", l1, {1, 4, 3}, {6}, inv,
       "requested an output size of [6], but valid sizes range from [7] to [8] (for an input "
       "of [3])"},
      {"1-D request 9 on an input of 3", l1, {1, 4, 3}, {9}, inv,
       "requested an output size of [9], but valid sizes range from [7] to [8] (for an input "
       "of [3])"},
      {"1-D request 7", l1, {1, 4, 3}, {7}, CONVT_OK, "", {7}},
      {"1-D request 8", l1, {1, 4, 3}, {8}, CONVT_OK, "", {8}},
      {"1-D L overflows", l1, {1, 4, INT64_MAX}, {}, CONVT_ERROR_SIZE_OVERFLOW,
       "(input - 1) * stride overflows int64"},
      {"1-D L beyond a BLAS int", l1, {1, 4, int64_t(1) << 31}, {}, CONVT_ERROR_UNSUPPORTED,
       "input size per channel (2147483648) = 2147483648 must be at most 2147483647 (a BLAS int)"},
      {"3-D", l3, {1, 4, 3, 4, 5}, {}, CONVT_OK, "", {7, 9, 11}},
      {"3-D wrong channels", l3, {1, 3, 3, 4, 5}, {}, inv,
       "Given transposed=1, weight of size [4, 3, 3, 3, 3], expected input[1, 3, 3, 4, 5] to "
       "have 4 channels, but got 3 channels instead"},
      {"3-D D 0", l3, {1, 4, 0, 4, 5}, {}, inv,
       "input depth, height and width must be at least 1, but got input[1, 4, 0, 4, 5]"},
      {"3-D W -2", l3, {1, 4, 3, 4, -2}, {}, inv,
       "input depth, height and width must be at least 1, but got input[1, 4, 3, 4, -2]"},
      {"3-D N -1", l3, {-1, 4, 3, 4, 5}, {}, inv,
       "batch size must be >= 0, but got input[-1, 4, 3, 4, 5]"},
      {"3-D output_padding_depth = stride", edit(l3, 0, &Axis::op, 2), {1, 4, 3, 4, 5}, {}, inv,
       "output padding must be smaller than either stride or dilation, but got "
       "output_padding_depth: 2 output_padding_height: 0 output_padding_width: 0 stride_depth: "
       "2 stride_height: 2 stride_width: 2 dilation_depth: 1 dilation_height: 1 "
       "dilation_width: 1"},
      {"3-D negative output_padding_width", edit(l3, 2, &Axis::op, -1), {1, 4, 3, 4, 5}, {}, inv,
       "negative output_padding is not supported, but got output_padding_depth: 0 "
       "output_padding_height: 0 output_padding_width: -1"},
      {"3-D negative output_padding replaced by output_size", edit(l3, 2, &Axis::op, -1),
       {1, 4, 3, 4, 5}, {8, 9, 12}, CONVT_OK, "", {8, 9, 12}},
      {"3-D output_padding < dilation", l3_dil, {1, 4, 3, 4, 5}, {}, CONVT_OK, "", {7, 9, 11}},
      {"3-D output too small", l3_small, {1, 4, 2, 3, 3}, {}, inv,
       "Given input size per channel: (2 x 3 x 3). Calculated output size per channel: (0 x 1 x "
       "1). Output size is too small"},
      {"3-D output 1 at the edge", l3_small, {1, 4, 3, 3, 3}, {}, CONVT_OK, "", {1, 1, 1}},
      {"3-D request below the depth's range", l3, {1, 4, 3, 4, 5}, {6, 9, 11}, inv,
       "requested an output size of [6, 9, 11], but valid sizes range from [7, 9, 11] to [8, "
       "10, 12] (for an input of [3, 4, 5])"},
      {"3-D request above the height's range", l3, {1, 4, 3, 4, 5}, {7, 11, 11}, inv,
       "requested an output size of [7, 11, 11], but valid sizes range from [7, 9, 11] to [8, "
       "10, 12] (for an input of [3, 4, 5])"},
      {"3-D request above the width's range", l3, {1, 4, 3, 4, 5}, {8, 10, 13}, inv,
       "requested an output size of [8, 10, 13], but valid sizes range from [7, 9, 11] to [8, "
       "10, 12] (for an input of [3, 4, 5])"},
      {"3-D request at every minimum", l3, {1, 4, 3, 4, 5}, {7, 9, 11}, CONVT_OK, "", {7, 9, 11}},
      {"3-D request at every maximum", l3, {1, 4, 3, 4, 5}, {8, 10, 12}, CONVT_OK, "", {8, 10, 12}},
      {"3-D request mixed", l3, {1, 4, 3, 4, 5}, {8, 9, 12}, CONVT_OK, "", {8, 9, 12}},
      {"3-D request replaces a bad output_padding", edit(l3, 1, &Axis::op, 5), {1, 4, 3, 4, 5},
       {7, 10, 11}, CONVT_OK, "", {7, 10, 11}},
      {"3-D batch overflows", l3, {INT64_MAX / 2, 4, 3, 4, 5}, {}, CONVT_ERROR_SIZE_OVERFLOW,
       "input size overflows int64"},
      // Each dimension fits; the volume does not.
      {"3-D input volume overflows", l3, {1, 4, 1 << 22, 1 << 22, 1 << 22}, {},
       CONVT_ERROR_SIZE_OVERFLOW, "input size per channel overflows int64"},
      {"3-D input volume beyond a BLAS int", l3, {1, 4, 2048, 2048, 2048}, {},
       CONVT_ERROR_UNSUPPORTED,
       "input size per channel (2048 x 2048 x 2048) = 8589934592 must be at most 2147483647 (a "
       "BLAS int)"},
      {"3-D output volume overflows", l3_strided, {1, 4, 3, 4, 5}, {}, CONVT_ERROR_SIZE_OVERFLOW,
       "output size per channel overflows int64"},
  };
  for (const auto& k : cases) {
    INFO(k.name);
    const int rank = k.layer.rank;
    REQUIRE(k.in_shape.size() == static_cast<size_t>(2 + rank));
    const convt_params p = k.layer.params();
    convt_handle* h = nullptr;
    REQUIRE(create(p, &h) == CONVT_OK);
    const Exact in_shape(k.in_shape);
    std::unique_ptr<Exact> request;
    if (!k.request.empty()) request.reset(new Exact(k.request));
    const int64_t* size = request ? request->get() : nullptr;
    std::vector<int64_t> out(static_cast<size_t>(3 + rank), -7);  // one entry to spare
    CHECK(convt_output_shape(h, in_shape.get(), size, out.data()) == k.status);
    CHECK(out.back() == -7);
    if (k.status != CONVT_OK) {
      const std::string msg = convt_last_error();
      if (k.status == CONVT_ERROR_SIZE_OVERFLOW)
        CHECK(msg.find(k.message) != std::string::npos);
      else
        CHECK(msg == k.message);
      CHECK(out[0] == -7);  // untouched on failure
      size_t ws = 12345;
      int32_t algo = -77;
      CHECK(convt_workspace_size(h, in_shape.get(), size, &ws) == k.status);
      CHECK(convt_selected_algorithm(h, in_shape.get(), size, &algo) == k.status);
      CHECK(ws == 12345);
      CHECK(algo == -77);
      float guard[4] = {1, 2, 3, 4};
      CHECK(convt_run(h, in_shape.get(), guard, size, guard, 4, nullptr, 0) == k.status);
      CHECK(guard[0] == 1);
      CHECK(guard[3] == 4);
    } else {
      CHECK(out[0] == k.in_shape[0]);
      CHECK(out[1] == 6);
      CHECK(std::vector<int64_t>(out.begin() + 2, out.end() - 1) == k.out);
    }
    convt_destroy(h);
  }
}

TEST_CASE("batch 0 at every rank is an empty output with nothing read or written",
          "[validation][quick]") {
  const Config layers[] = {
      layer(0, 4, 6, 1, true, {{5, 3, 2, 0, 0, 1}}),
      layer(0, 4, 6, 1, true, {{5, 3, 2, 0, 0, 1}, {5, 3, 2, 0, 0, 1}}),
      layer(0, 4, 6, 1, true, {{3, 3, 2, 0, 0, 1}, {4, 3, 2, 0, 0, 1}, {5, 3, 2, 0, 0, 1}}),
  };
  for (const Config& c : layers) {
    const auto w = test::random_vector(c.weight_elems(), 2);
    for (int32_t algo : test::all_algorithms()) {
      INFO(c.str() << ", " << convt_algorithm_name(algo));
      convt_params p = c.params(algo);
      convt_handle* h = nullptr;
      const convt_status cs = convt_create(&p, w.data(), nullptr, &h);
      if (test::not_applicable(cs)) continue;
      REQUIRE(cs == CONVT_OK);
      const Exact in_shape(c.input_shape());
      std::vector<int64_t> shape(static_cast<size_t>(2 + c.rank), -7);
      REQUIRE(convt_output_shape(h, in_shape.get(), nullptr, shape.data()) == CONVT_OK);
      CHECK(shape == c.output_shape());
      CHECK(shape[0] == 0);
      CHECK(shape.back() == 11);
      size_t ws = 123;
      REQUIRE(convt_workspace_size(h, in_shape.get(), nullptr, &ws) == CONVT_OK);
      CHECK(ws == 0);
      CHECK(convt_run(h, in_shape.get(), nullptr, nullptr, nullptr, 0, nullptr, 0) == CONVT_OK);
      // Still validated as for a batch of one: a wrong channel count is an error, and so
      // are an empty spatial dimension and an output_size out of range.
      std::vector<int64_t> wrong = c.input_shape();
      wrong[1] = 3;
      CHECK(convt_run(h, Exact(wrong).get(), nullptr, nullptr, nullptr, 0, nullptr, 0) ==
            CONVT_ERROR_INVALID_ARGUMENT);
      wrong = c.input_shape();
      wrong.back() = 0;
      CHECK(convt_run(h, Exact(wrong).get(), nullptr, nullptr, nullptr, 0, nullptr, 0) ==
            CONVT_ERROR_INVALID_ARGUMENT);
      std::vector<int64_t> size = c.out_sizes();
      size.back() += 2;  // stride 2: max is min + 1
      CHECK(convt_run(h, in_shape.get(), nullptr, Exact(size).get(), nullptr, 0, nullptr, 0) ==
            CONVT_ERROR_INVALID_ARGUMENT);
      convt_destroy(h);
    }
  }
}

TEST_CASE("entries past spatial_dims are ignored: garbage there changes nothing",
          "[validation][quick]") {
  const Config layers[] = {
      layer(2, 4, 6, 2, true, {{7, 3, 2, 1, 1, 2}}),
      layer(2, 4, 6, 2, true, {{4, 3, 2, 1, 1, 1}, {5, 2, 1, 0, 1, 2}}),
  };
  const int64_t garbage[] = {0, -7, INT64_MAX, INT64_MIN};
  for (const Config& c : layers) {
    const auto x = test::random_vector(c.input_elems(), 1);
    const auto w = test::random_vector(c.weight_elems(), 2);
    const auto b = test::random_vector(c.cout, 3);
    const Exact in_shape(c.input_shape());
    for (int32_t algo : test::all_algorithms())
      for (int64_t g : garbage) {
        INFO(c.str() << ", " << convt_algorithm_name(algo) << ", garbage " << g);
        const convt_params clean = c.params(algo, 1);
        convt_params dirty = clean;
        for (int i = c.rank; i < 3; ++i) {
          dirty.kernel_size[i] = g, dirty.stride[i] = g, dirty.padding[i] = g;
          dirty.output_padding[i] = g, dirty.dilation[i] = g;
        }
        convt_handle *hc = nullptr, *hd = nullptr;
        const convt_status cs = convt_create(&clean, w.data(), b.data(), &hc);
        if (test::not_applicable(cs)) continue;
        REQUIRE(cs == CONVT_OK);
        REQUIRE(convt_create(&dirty, w.data(), b.data(), &hd) == CONVT_OK);
        std::vector<int64_t> shape_c(static_cast<size_t>(2 + c.rank)), shape_d = shape_c;
        REQUIRE(convt_output_shape(hc, in_shape.get(), nullptr, shape_c.data()) == CONVT_OK);
        REQUIRE(convt_output_shape(hd, in_shape.get(), nullptr, shape_d.data()) == CONVT_OK);
        CHECK(shape_c == shape_d);
        size_t ws_c = 0, ws_d = 1;
        int32_t algo_c = -1, algo_d = -2;
        REQUIRE(convt_workspace_size(hc, in_shape.get(), nullptr, &ws_c) == CONVT_OK);
        REQUIRE(convt_workspace_size(hd, in_shape.get(), nullptr, &ws_d) == CONVT_OK);
        CHECK(ws_c == ws_d);
        REQUIRE(convt_selected_algorithm(hc, in_shape.get(), nullptr, &algo_c) == CONVT_OK);
        REQUIRE(convt_selected_algorithm(hd, in_shape.get(), nullptr, &algo_d) == CONVT_OK);
        CHECK(algo_c == algo_d);
        std::vector<float> out_c(static_cast<size_t>(c.output_elems()), NAN), out_d = out_c;
        REQUIRE(convt_run(hc, in_shape.get(), x.data(), nullptr, out_c.data(), out_c.size(),
                          nullptr, 0) == CONVT_OK);
        REQUIRE(convt_run(hd, in_shape.get(), x.data(), nullptr, out_d.data(), out_d.size(),
                          nullptr, 0) == CONVT_OK);
        CHECK(std::memcmp(out_c.data(), out_d.data(), out_c.size() * sizeof(float)) == 0);
        // The parameters read back are the clean ones.
        convt_params back;
        REQUIRE(convt_get_params(hd, &back, sizeof back) == CONVT_OK);
        CHECK(back.spatial_dims == c.rank);
        for (int i = 0; i < c.rank; ++i) {
          CHECK(back.kernel_size[i] == clean.kernel_size[i]);
          CHECK(back.output_padding[i] == clean.output_padding[i]);
        }
        convt_destroy(hc);
        convt_destroy(hd);
        std::vector<float> cw_c(w.size(), NAN), cw_d(w.size(), NAN);
        REQUIRE(convt_conv_weight_from_transposed(&clean, w.data(), cw_c.data()) == CONVT_OK);
        REQUIRE(convt_conv_weight_from_transposed(&dirty, w.data(), cw_d.data()) == CONVT_OK);
        CHECK(cw_c == cw_d);
      }
  }
}

TEST_CASE("convt_get_params returns every rank's parameters, and they make the same layer",
          "[validation][quick]") {
  const Config layers[] = {
      layer(2, 6, 9, 3, true, {{7, 4, 3, 2, 1, 2}}),
      layer(2, 6, 9, 3, true, {{4, 3, 2, 1, 1, 1}, {5, 2, 1, 0, 1, 2}}),
      layer(2, 6, 9, 3, true, {{3, 2, 3, 1, 2, 1}, {4, 3, 2, 0, 1, 2}, {2, 4, 1, 2, 0, 3}}),
  };
  for (const Config& c : layers) {
    INFO(c.str());
    const auto x = test::random_vector(c.input_elems(), 1);
    const auto w = test::random_vector(c.weight_elems(), 2);
    const auto b = test::random_vector(c.cout, 3);
    const convt_params p = c.params(CONVT_ALGORITHM_REFERENCE, 1);
    convt_handle* h = nullptr;
    REQUIRE(convt_create(&p, w.data(), b.data(), &h) == CONVT_OK);
    convt_params back;
    std::memset(&back, 0xAB, sizeof back);
    REQUIRE(convt_get_params(h, &back, sizeof back) == CONVT_OK);
    CHECK(back.struct_size == sizeof(convt_params));
    CHECK(back.spatial_dims == c.rank);
    CHECK(back.algorithm == CONVT_ALGORITHM_REFERENCE);
    CHECK(back.num_threads == 1);
    CHECK(back.in_channels == 6);
    CHECK(back.out_channels == 9);
    CHECK(back.groups == 3);
    for (int i = 0; i < c.rank; ++i) {
      INFO("entry " << i);
      CHECK(back.kernel_size[i] == p.kernel_size[i]);
      CHECK(back.stride[i] == p.stride[i]);
      CHECK(back.padding[i] == p.padding[i]);
      CHECK(back.output_padding[i] == p.output_padding[i]);
      CHECK(back.dilation[i] == p.dilation[i]);
    }
    // A layer made from what came back computes the same, bit for bit.
    convt_handle* h2 = nullptr;
    REQUIRE(convt_create(&back, w.data(), b.data(), &h2) == CONVT_OK);
    const Exact in_shape(c.input_shape());
    std::vector<float> y(static_cast<size_t>(c.output_elems()), NAN), y2 = y;
    REQUIRE(convt_run(h, in_shape.get(), x.data(), nullptr, y.data(), y.size(), nullptr, 0) ==
            CONVT_OK);
    REQUIRE(convt_run(h2, in_shape.get(), x.data(), nullptr, y2.data(), y2.size(), nullptr, 0) ==
            CONVT_OK);
    CHECK(std::memcmp(y.data(), y2.data(), y.size() * sizeof(float)) == 0);
    convt_destroy(h);
    convt_destroy(h2);
  }
}

TEST_CASE("absurdly large but legal 1-D and 3-D outputs: plans stay overflow-free",
          "[validation][quick]") {
  // Depthwise, kernel 1, huge dilation and output_padding: legal layers whose outputs are
  // 2^61 pixels long (1-D) or 2^20 x 2^20 x 2^20 (3-D), from one input pixel.
  for (int rank : {1, 3}) {
    convt_params p;
    convt_params_init(&p, sizeof p);
    p.spatial_dims = rank;
    p.in_channels = p.out_channels = p.groups = 1;
    const int64_t size = rank == 1 ? int64_t(1) << 61 : int64_t(1) << 20;
    for (int i = 0; i < rank; ++i) {
      p.kernel_size[i] = 1;
      p.dilation[i] = size;
      p.output_padding[i] = size - 1;
    }
    const float w = 2.0f;
    const std::vector<int64_t> in(static_cast<size_t>(2 + rank), 1);
    const Exact in_shape(in);
    for (int32_t algo : {CONVT_ALGORITHM_AUTO, CONVT_ALGORITHM_DEPTHWISE}) {
      INFO(rank << "-D, " << convt_algorithm_name(algo));
      p.algorithm = algo;
      convt_handle* h = nullptr;
      REQUIRE(convt_create(&p, &w, nullptr, &h) == CONVT_OK);
      std::vector<int64_t> out(static_cast<size_t>(2 + rank));
      REQUIRE(convt_output_shape(h, in_shape.get(), nullptr, out.data()) == CONVT_OK);
      for (int i = 0; i < rank; ++i) CHECK(out[2 + i] == size);
      size_t ws = 0;
      int32_t chosen = -1;
      const convt_status st = convt_workspace_size(h, in_shape.get(), nullptr, &ws);
      if (algo == CONVT_ALGORITHM_DEPTHWISE) {
        CHECK(st == CONVT_ERROR_UNSUPPORTED);
        CHECK(std::string(convt_last_error()).find("cannot run this shape") != std::string::npos);
      } else {
        CHECK(st == CONVT_OK);
        CHECK(convt_selected_algorithm(h, in_shape.get(), nullptr, &chosen) == CONVT_OK);
        CHECK(chosen != CONVT_ALGORITHM_AUTO);
        CHECK(chosen != CONVT_ALGORITHM_DEPTHWISE);
      }
      convt_destroy(h);
    }
  }
}
