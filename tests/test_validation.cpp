// Validation: PyTorch's rules, each with its status and a message that names the numbers.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "support.hpp"

using test::Config;

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
      {"spatial_dims 4", [](convt_params& p) { p.spatial_dims = 4; }, inv, "spatial_dims: 4"},
      {"spatial_dims 0", [](convt_params& p) { p.spatial_dims = 0; }, inv, "spatial_dims: 0"},
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
  CHECK(sizeof(convt_params) == CONVT_PARAMS_SIZE_V0_1);

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
