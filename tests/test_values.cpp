// Values: every algorithm against the independent double-precision oracle in support.hpp,
// on the seed's layers and on tables that cover every parameter at every rank.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>

#include "support.hpp"

using test::Axis;
using test::Config;
using test::layer;

namespace {

struct Result {
  convt_status status;
  std::vector<float> out;
  std::vector<int64_t> shape;  // 2 + rank entries
};

// x and the result are channels first whatever c's layout: a channels-last run gets x
// permuted, and its output is permuted back.
Result run(const Config& c, int32_t algorithm, const std::vector<float>& x,
           const std::vector<float>& w, const std::vector<float>& b,
           const int64_t* output_size = nullptr, int32_t threads = 0) {
  Result r{};
  convt_params p = c.params(algorithm, threads);
  convt_handle* h = nullptr;
  r.status = convt_create(&p, w.data(), c.bias ? b.data() : nullptr, &h);
  if (r.status != CONVT_OK) return r;
  const std::vector<int64_t> in_shape = c.input_shape();
  r.shape.assign(in_shape.size(), -1);
  r.status = convt_output_shape(h, in_shape.data(), output_size, r.shape.data());
  if (r.status == CONVT_OK) {
    const size_t count = static_cast<size_t>(test::product(r.shape));
    const int64_t in_pixels = c.input_elems() / std::max<int64_t>(c.n * c.cin, 1);
    const int64_t out_pixels = static_cast<int64_t>(count) / std::max<int64_t>(c.n * c.cout, 1);
    const std::vector<float> input = c.channels_last() ? test::to_channels_last(x, c.n, c.cin, in_pixels) : x;
    // NaN everywhere first: the run must overwrite every element.
    r.out.assign(count, std::numeric_limits<float>::quiet_NaN());
    r.status =
        convt_run(h, in_shape.data(), input.data(), output_size, r.out.data(), count, nullptr, 0);
    if (c.channels_last()) r.out = test::to_channels_first(r.out, c.n, c.cout, out_pixels);
  }
  convt_destroy(h);
  return r;
}

// The largest error seen per rank, as a fraction of the bound, and the runs behind it.
struct Worst {
  double ratio = 0;
  int64_t configs = 0, runs = 0;
};
Worst worst_by_rank[4];

void report(const char* table) {
  for (int rank = 1; rank <= 3; ++rank) {
    const Worst& w = worst_by_rank[rank];
    if (w.runs)
      std::cout << table << ": " << rank << "-D: " << w.configs << " configs, " << w.runs
                << " runs, largest error " << w.ratio << " of the bound\n";
    worst_by_rank[rank] = Worst{};
  }
}

// Runs c with every algorithm, on 1 and 2 threads, and checks each element against the
// oracle's bound. (The thread count can change the plan: the sub-pixel lowering borders
// the input per thread or per work item, lowering/subpixel/plan.cpp.)
void check_against_oracle(const Config& c, const int64_t* output_size = nullptr) {
  INFO(c.str());
  const auto x = test::random_vector(c.input_elems(), 1);
  const auto w = test::random_vector(c.weight_elems(), 2);
  const auto b = test::random_vector(c.cout, 3);
  std::optional<test::Oracle> want;  // computed once, at the first output shape
  Worst& worst = worst_by_rank[c.rank];
  ++worst.configs;
  for (int32_t algo : test::all_algorithms()) {
    for (int32_t threads : test::thread_counts({1, 2})) {
      INFO("algorithm " << convt_algorithm_name(algo) << ", " << threads << " threads");
      const Result r = run(c, algo, x, w, b, output_size, threads);
      if (test::not_applicable(r.status)) continue;
      REQUIRE(r.status == CONVT_OK);
      REQUIRE(r.shape.size() == static_cast<size_t>(2 + c.rank));
      CHECK(r.shape[0] == c.n);
      CHECK(r.shape[1] == c.cout);
      if (!want) want = test::oracle_run(c, x, w, c.bias ? b.data() : nullptr, output_size);
      const test::Oracle& o = *want;
      for (int i = 0; i < c.rank; ++i) CHECK(r.shape[2 + i] == c.run_axis(i, output_size).out);
      REQUIRE(r.out.size() == o.value.size());
      size_t bad = 0;
      for (size_t i = 0; i < r.out.size(); ++i)
        if (!(std::fabs(r.out[i] - o.value[i]) <= test::tolerance(o, i))) ++bad;
      CHECK(bad == 0);
      worst.ratio = std::max(worst.ratio, test::worst_ratio(r.out, o));
      ++worst.runs;
    }
  }
}

}  // namespace

TEST_CASE("seed layer ConvTranspose2d(16, 33, 3, stride=2) on 20x16x50x100", "[values][seed]") {
  Config c;
  c.n = 20, c.cin = 16, c.cout = 33, c.h = 50, c.w = 100, c.kh = c.kw = 3, c.sh = c.sw = 2;
  CHECK(c.out_h() == 101);
  CHECK(c.out_w() == 201);
  check_against_oracle(c);
}

TEST_CASE("seed layer ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))",
          "[values][seed]") {
  Config c;
  c.n = 20, c.cin = 16, c.cout = 33, c.h = 50, c.w = 100;
  c.kh = 3, c.kw = 5, c.sh = 2, c.sw = 1, c.ph = 4, c.pw = 2;
  // PyTorch: torch.Size([20, 33, 93, 100])
  CHECK(c.out_h() == 93);
  CHECK(c.out_w() == 100);
  check_against_oracle(c);
}

TEST_CASE("output_size recovers 12x12 from 6x6 with k3 s2 p1", "[values][seed][quick]") {
  // The PyTorch docs' example: downsample 12x12 -> 6x6, upsample back with output_size.
  Config c;
  c.n = 1, c.cin = 16, c.cout = 16, c.h = 6, c.w = 6, c.kh = c.kw = 3, c.sh = c.sw = 2;
  c.ph = c.pw = 1;
  CHECK(c.out_h() == 11);  // without output_size
  const int64_t want[2] = {12, 12};
  const auto x = test::random_vector(c.input_elems(), 1);
  const auto w = test::random_vector(c.weight_elems(), 2);
  const auto b = test::random_vector(c.cout, 3);
  const Result r = run(c, CONVT_ALGORITHM_AUTO, x, w, b, want);
  REQUIRE(r.status == CONVT_OK);
  CHECK(r.shape[0] == 1);
  CHECK(r.shape[1] == 16);
  CHECK(r.shape[2] == 12);
  CHECK(r.shape[3] == 12);
  // The same values as output_padding = 1 given explicitly, bit for bit.
  Config op = c;
  op.oph = op.opw = 1;
  const Result r2 = run(op, CONVT_ALGORITHM_AUTO, x, w, b);
  REQUIRE(r2.status == CONVT_OK);
  CHECK(r.out == r2.out);
  check_against_oracle(c, want);
}

static std::vector<Config> table_2d() {
  return {
      {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, true},       // smallest
      {2, 3, 5, 4, 6, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, true},       // stride 1
      {2, 4, 6, 5, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2, true},       // groups, output_padding
      {1, 6, 9, 4, 5, 2, 3, 3, 2, 0, 1, 2, 1, 1, 1, 3, false},      // groups 3, no bias
      {3, 2, 3, 3, 4, 3, 2, 1, 2, 1, 0, 0, 1, 2, 1, 1, true},       // dilation, asymmetric
      {1, 4, 4, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1, 2, 2, 1, true},       // op < dilation, stride 1
      {2, 8, 8, 6, 7, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 8, true},       // depthwise
      {1, 16, 8, 7, 7, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, true},      // 1x1
      {2, 5, 7, 3, 3, 1, 1, 2, 3, 0, 0, 1, 2, 1, 1, 1, false},      // 1x1 with stride: gaps
      {1, 3, 4, 2, 2, 5, 7, 1, 1, 0, 0, 0, 0, 1, 1, 1, true},       // kernel larger than input
      {1, 3, 4, 3, 3, 2, 2, 4, 5, 0, 0, 0, 0, 1, 1, 1, true},       // stride > kernel: gaps
      {1, 4, 2, 5, 4, 5, 5, 2, 2, 4, 3, 1, 0, 1, 1, 1, true},       // padding trims most
      {2, 6, 4, 8, 8, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 2, true},       // stride == kernel
      {1, 2, 3, 9, 1, 3, 1, 2, 1, 1, 0, 1, 0, 1, 1, 1, true},       // W = 1
      {2, 4, 6, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 3, 2, 2, true},       // op < stride, dilation
      {1, 2, 2, 3, 3, 3, 3, 1, 1, 3, 3, 0, 0, 2, 2, 1, true},       // padding > d*(k-1)/2
      {1, 512, 4, 2, 2, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, false},    // long K
      {1, 21, 21, 3, 3, 64, 64, 32, 32, 16, 16, 0, 0, 1, 1, 1, true},  // FCN-32s-like, tiles
      // Sub-pixel work splits (lowering/subpixel/plan.cpp): whole-row items with output channels
      // in blocks (the last one partial); one-chunk items in channel blocks with the input
      // read in place; whole rows at stride 3 (head, whole steps, tail); stride-2 rows wide
      // enough for every interleave width, from an odd and an even start, and an odd width;
      // a 9-row GEMM in one panel (one output channel, 9 phases).
      {1, 8, 40, 2, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true},
      {1, 300, 24, 1, 3, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, true},
      {1, 4, 6, 5, 7, 5, 5, 3, 3, 2, 1, 1, 2, 1, 1, 1, true},
      {1, 3, 8, 3, 30, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true},
      {1, 3, 8, 2, 25, 4, 4, 2, 2, 0, 0, 0, 0, 1, 1, 1, false},
      {1, 3, 8, 3, 20, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1, true},  // 39 wide: odd start, tail
      {1, 6, 1, 5, 5, 9, 9, 3, 3, 4, 4, 2, 2, 1, 1, 1, true},
      // One input pixel whose kernel window is the output (GEMM + col2im writes it directly):
      // batch and groups; a stride that cannot matter.
      {2, 6, 8, 1, 1, 3, 4, 1, 1, 0, 0, 0, 0, 1, 1, 2, true},
      {1, 5, 3, 1, 1, 2, 2, 3, 3, 0, 0, 0, 0, 1, 1, 1, true},
      // Sub-pixel GEMMs by output row (rows of 16 and 32 outputs, a reach of 2 and 1
      // columns), into the output directly and through whole-row items.
      {1, 4, 4, 16, 16, 3, 3, 1, 1, 2, 2, 0, 0, 2, 2, 1, true},
      {1, 8, 8, 4, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true},
      // Phases with the same taps but outputs starting at different q, out/groups >= 64
      // (pack.cpp: one chunk each): DCGAN-like k4 s2 p1 through whole-row items, through
      // one-chunk items (depth 256), and with groups.
      {2, 8, 64, 5, 6, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, true},
      {1, 64, 64, 3, 4, 4, 4, 2, 2, 1, 1, 1, 0, 1, 1, 1, true},
      {1, 128, 128, 3, 3, 4, 4, 2, 2, 1, 1, 0, 1, 1, 1, 2, false},
      // Stride-2 sub-pixel on a thread's slab: odd output widths, 5 channels of a group,
      // even padding.
      {1, 6, 10, 3, 32, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 2, true},
      {1, 4, 8, 2, 16, 5, 5, 2, 2, 2, 2, 0, 0, 1, 1, 1, false},
      // Stride == kernel on 40 planes 16 KB apart: too crowded in the cache to be read in
      // place (rows_crowd_cache_sets), so copied first.
      {1, 40, 4, 64, 64, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, true},
      // Depthwise layers whose kernel is a multiple of the stride (AUTO: sub-pixel).
      {1, 6, 6, 5, 4, 8, 8, 4, 4, 2, 2, 0, 0, 1, 1, 6, true},
      {2, 4, 4, 5, 5, 6, 6, 3, 3, 1, 1, 0, 0, 1, 1, 4, false},
      // Weights of 640 KB per phase (streamed: fewer, wider items), 3 rows of 3 per phase.
      {1, 256, 160, 3, 3, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, true},
  };
}

TEST_CASE("every algorithm agrees with the oracle on a table of 2-D configs", "[values][quick]") {
  // n cin cout h w | kh kw sh sw ph pw oph opw dh dw | groups bias
  for (const Config& c : table_2d()) check_against_oracle(c);
  report("2-D table");
}

// The 1-D and 3-D tables cover what the 2-D one does: every parameter and its corners, and
// the shapes that take the lowerings' other paths (see the 2-D table's comments).
// Axis: {in, kernel, stride, padding, output_padding, dilation}.
static std::vector<Config> table_1d() {
  return {
      // n cin cout groups bias {L}
      layer(1, 1, 1, 1, true, {{1, 1, 1, 0, 0, 1}}),        // smallest
      layer(2, 3, 5, 1, true, {{6, 3, 1, 0, 0, 1}}),        // stride 1
      layer(2, 4, 6, 2, true, {{5, 3, 2, 1, 1, 1}}),        // groups, output_padding
      layer(1, 6, 9, 3, false, {{5, 2, 3, 0, 2, 1}}),       // groups 3, no bias
      layer(3, 2, 3, 1, true, {{4, 3, 1, 1, 0, 2}}),        // dilation, batch 3
      layer(1, 4, 4, 1, true, {{5, 3, 1, 0, 1, 2}}),        // op < dilation, stride 1
      layer(3, 4, 4, 1, true, {{16, 2, 1, 0, 3, 4}}),       // op 3 < dilation 4
      layer(2, 4, 6, 2, true, {{4, 3, 2, 1, 1, 3}}),        // op < stride, dilation
      layer(2, 8, 8, 8, true, {{7, 4, 2, 1, 0, 1}}),        // depthwise
      layer(1, 16, 16, 16, true, {{9, 3, 1, 1, 0, 1}}),     // depthwise, stride 1
      layer(1, 6, 6, 6, true, {{5, 8, 4, 2, 0, 1}}),        // depthwise, kernel 2x stride
      layer(1, 16, 8, 1, true, {{7, 1, 1, 0, 0, 1}}),       // 1x1
      layer(2, 5, 7, 1, false, {{3, 1, 3, 0, 2, 1}}),       // 1x1 with stride: gaps
      layer(1, 3, 4, 1, true, {{2, 7, 1, 0, 0, 1}}),        // kernel larger than input
      layer(1, 3, 4, 1, true, {{3, 2, 5, 0, 0, 1}}),        // stride > kernel: gaps
      layer(1, 4, 2, 1, true, {{4, 5, 2, 4, 1, 1}}),        // padding trims most
      layer(1, 2, 2, 1, true, {{3, 3, 1, 3, 0, 2}}),        // padding > d*(k-1)/2
      layer(2, 6, 4, 2, true, {{8, 2, 2, 0, 0, 1}}),        // stride == kernel
      layer(1, 512, 4, 1, false, {{2, 4, 2, 1, 0, 1}}),     // long K
      layer(1, 21, 21, 1, true, {{3, 64, 32, 16, 0, 1}}),   // FCN-like, tiles
      layer(1, 8, 8, 1, true, {{300, 4, 2, 1, 0, 1}}),      // a long signal
      layer(1, 4, 6, 1, true, {{7, 5, 3, 2, 1, 1}}),        // stride 3: head, steps, tail
      layer(1, 3, 8, 1, true, {{30, 3, 2, 1, 1, 1}}),       // stride 2, every interleave
      layer(1, 3, 8, 1, false, {{25, 4, 2, 0, 0, 1}}),
      layer(1, 3, 8, 1, true, {{20, 3, 2, 1, 0, 1}}),       // 39 long: odd start, tail
      layer(1, 6, 1, 1, true, {{5, 9, 3, 4, 2, 1}}),        // one output channel, 3 phases
      layer(2, 8, 64, 1, true, {{6, 4, 2, 1, 0, 1}}),       // out >= 64: one chunk each
      layer(1, 128, 128, 2, false, {{3, 4, 2, 1, 1, 1}}),
      layer(1, 300, 24, 1, true, {{3, 2, 2, 0, 0, 1}}),
      layer(1, 256, 160, 1, true, {{3, 4, 2, 1, 0, 1}}),    // large weights per phase
      layer(2, 6, 8, 2, true, {{1, 4, 1, 0, 0, 1}}),        // one input pixel: the window
      layer(1, 5, 3, 1, true, {{1, 2, 3, 0, 0, 1}}),        // ... and a stride that cannot matter
      layer(1, 40, 4, 1, true, {{4096, 2, 2, 0, 0, 1}}),    // 40 rows 16 KB apart
  };
}

TEST_CASE("every algorithm agrees with the oracle on a table of 1-D configs", "[values][quick]") {
  for (const Config& c : table_1d()) check_against_oracle(c);
  report("1-D table");
}

static std::vector<Config> table_3d() {
  return {
      // n cin cout groups bias {D}, {H}, {W}
      layer(1, 1, 1, 1, true, {{1, 1, 1, 0, 0, 1}, {1, 1, 1, 0, 0, 1}, {1, 1, 1, 0, 0, 1}}),
      layer(2, 3, 5, 1, true, {{3, 3, 1, 0, 0, 1}, {4, 3, 1, 0, 0, 1}, {2, 2, 1, 0, 0, 1}}),
      // groups, output_padding in every dimension or some
      layer(2, 4, 6, 2, true, {{3, 3, 2, 1, 1, 1}, {4, 3, 2, 1, 0, 1}, {2, 3, 2, 0, 1, 1}}),
      layer(1, 6, 9, 3, false, {{2, 2, 3, 0, 2, 1}, {3, 3, 2, 1, 1, 1}, {3, 2, 1, 0, 0, 1}}),
      // dilation, op < dilation at stride 1, op < stride with dilation
      layer(2, 2, 3, 1, true, {{3, 3, 1, 1, 0, 2}, {3, 2, 2, 0, 1, 1}, {2, 3, 1, 1, 1, 3}}),
      layer(1, 4, 4, 1, true, {{3, 3, 1, 0, 1, 2}, {3, 3, 1, 0, 2, 3}, {4, 2, 1, 0, 0, 1}}),
      layer(2, 4, 6, 2, true, {{3, 3, 2, 1, 1, 3}, {3, 3, 2, 1, 1, 2}, {2, 2, 2, 0, 1, 1}}),
      // depthwise: strided, stride 1, kernel a multiple of the stride
      layer(2, 8, 8, 8, true, {{3, 3, 2, 1, 1, 1}, {4, 4, 2, 1, 0, 1}, {5, 3, 1, 1, 0, 1}}),
      layer(1, 16, 16, 16, true, {{4, 3, 1, 1, 0, 1}, {5, 3, 1, 1, 0, 1}, {6, 3, 1, 1, 0, 1}}),
      layer(1, 6, 6, 6, true, {{3, 4, 2, 1, 0, 1}, {3, 4, 2, 1, 0, 1}, {3, 4, 2, 1, 0, 1}}),
      // 1x1x1, and with strides (gaps)
      layer(1, 16, 8, 1, true, {{3, 1, 1, 0, 0, 1}, {4, 1, 1, 0, 0, 1}, {5, 1, 1, 0, 0, 1}}),
      layer(2, 5, 7, 1, false, {{2, 1, 2, 0, 1, 1}, {3, 1, 3, 0, 2, 1}, {2, 1, 1, 0, 0, 1}}),
      // kernel larger than the input; stride larger than the kernel
      layer(1, 3, 4, 1, true, {{2, 4, 1, 0, 0, 1}, {1, 5, 1, 0, 0, 1}, {2, 3, 1, 0, 0, 1}}),
      layer(1, 3, 4, 1, true, {{2, 2, 4, 0, 0, 1}, {3, 2, 3, 0, 0, 1}, {2, 1, 5, 0, 0, 1}}),
      // padding that trims most of the output; padding > d*(k-1)/2 down to one pixel
      layer(1, 4, 2, 1, true, {{4, 5, 2, 4, 1, 1}, {3, 4, 2, 3, 0, 1}, {3, 3, 1, 2, 0, 1}}),
      layer(1, 2, 2, 1, true, {{3, 3, 1, 3, 0, 2}, {3, 3, 1, 2, 0, 1}, {2, 2, 1, 1, 0, 1}}),
      // stride == kernel (a 3-D U-Net's up-sampling); a (1, 3, 3) kernel (video)
      layer(2, 6, 4, 2, true, {{4, 2, 2, 0, 0, 1}, {4, 2, 2, 0, 0, 1}, {4, 2, 2, 0, 0, 1}}),
      layer(1, 32, 16, 1, true, {{6, 2, 2, 0, 0, 1}, {6, 2, 2, 0, 0, 1}, {6, 2, 2, 0, 0, 1}}),
      layer(1, 4, 6, 1, true, {{4, 1, 1, 0, 0, 1}, {5, 3, 2, 1, 1, 1}, {5, 3, 2, 1, 1, 1}}),
      // long K; DCGAN-like k4 s2 p1 with out >= 64; groups of 32
      layer(1, 256, 4, 1, false, {{2, 4, 2, 1, 0, 1}, {2, 4, 2, 1, 0, 1}, {2, 2, 2, 0, 0, 1}}),
      layer(1, 16, 64, 1, true, {{3, 4, 2, 1, 0, 1}, {3, 4, 2, 1, 0, 1}, {4, 4, 2, 1, 0, 1}}),
      layer(1, 64, 64, 2, false, {{2, 4, 2, 1, 1, 1}, {3, 4, 2, 1, 0, 1}, {3, 4, 2, 1, 0, 1}}),
      layer(1, 64, 32, 1, true, {{4, 4, 2, 1, 0, 1}, {8, 4, 2, 1, 0, 1}, {8, 4, 2, 1, 0, 1}}),
      // stride 3 (head, whole steps, tail); a wide W at stride 2; 9x9x9 kernel at stride 3
      layer(1, 4, 6, 1, true, {{3, 5, 3, 2, 1, 1}, {3, 4, 3, 1, 2, 1}, {4, 3, 3, 0, 0, 1}}),
      layer(1, 3, 8, 1, true, {{2, 3, 2, 1, 1, 1}, {2, 3, 2, 1, 1, 1}, {20, 3, 2, 1, 0, 1}}),
      layer(1, 2, 1, 1, true, {{2, 9, 3, 4, 2, 1}, {3, 9, 3, 4, 0, 1}, {2, 9, 3, 4, 1, 1}}),
      // one input pixel whose window is the output, with batch and groups
      layer(2, 6, 8, 2, true, {{1, 2, 1, 0, 0, 1}, {1, 3, 1, 0, 0, 1}, {1, 4, 1, 0, 0, 1}}),
      // unequal strides and kernels in every dimension
      layer(2, 3, 6, 3, true, {{2, 2, 3, 0, 1, 1}, {4, 3, 1, 2, 0, 1}, {3, 5, 2, 1, 1, 2}}),
      // Sub-pixel's paths (lowering/subpixel/plan.cpp) at 3-D: one tap at offset 0 in H and W
      // (B read in place, phases zipped into 32-wide rows), and the same with 40 planes
      // 16 KB apart (crowding the cache sets: copied first); stride 1 in H and W (the GEMM
      // writes output rows); one-pixel-wide rows (im2col or a GEMM per row); depth slices
      // at the edges missing some depth taps, dilated depth taps, a long depth; few output
      // rows and out >= 64 (output channels split into blocks); weights streamed per item.
      layer(2, 8, 4, 1, true, {{3, 3, 2, 1, 1, 1}, {4, 2, 2, 0, 0, 1}, {32, 2, 2, 0, 0, 1}}),
      layer(1, 40, 4, 1, true, {{4, 1, 1, 0, 0, 1}, {32, 2, 2, 0, 0, 1}, {32, 2, 2, 0, 0, 1}}),
      layer(2, 4, 6, 1, true, {{3, 3, 2, 1, 1, 1}, {5, 3, 1, 1, 0, 1}, {6, 3, 1, 1, 0, 1}}),
      layer(1, 4, 8, 1, true, {{2, 3, 2, 1, 0, 1}, {16, 3, 2, 1, 1, 1}, {1, 3, 2, 1, 0, 1}}),
      layer(1, 4, 4, 1, true, {{3, 5, 2, 2, 1, 1}, {3, 3, 2, 1, 1, 1}, {4, 3, 2, 1, 1, 1}}),
      layer(1, 3, 3, 1, false, {{3, 3, 2, 1, 0, 2}, {3, 2, 2, 0, 0, 1}, {3, 2, 2, 0, 0, 1}}),
      layer(1, 4, 4, 1, true, {{16, 3, 2, 1, 1, 1}, {2, 3, 2, 1, 0, 1}, {2, 3, 2, 1, 0, 1}}),
      layer(1, 8, 64, 1, true, {{1, 1, 1, 0, 0, 1}, {1, 4, 2, 1, 0, 1}, {2, 4, 2, 1, 0, 1}}),
      layer(1, 128, 160, 1, true, {{1, 4, 2, 1, 0, 1}, {2, 4, 2, 1, 0, 1}, {2, 4, 2, 1, 0, 1}}),
      // batch and groups with 2 threads: each thread's items cover whole (batch item,
      // group)s (a bordered slab per thread) or not
      layer(3, 4, 4, 2, true, {{3, 3, 2, 1, 1, 1}, {4, 3, 2, 1, 1, 1}, {5, 3, 2, 1, 0, 1}}),
  };
}

TEST_CASE("every algorithm agrees with the oracle on a table of 3-D configs", "[values][quick]") {
  for (const Config& c : table_3d()) check_against_oracle(c);
  report("3-D table");
}

TEST_CASE("output_size: every legal size at every rank equals output_padding, bit for bit",
          "[values][quick]") {
  // Stride 3 in one dimension and 2 in the others: 3 or 2 legal sizes each.
  const Config layers[] = {
      layer(2, 4, 6, 2, true, {{5, 3, 3, 1, 0, 1}}),
      layer(1, 4, 4, 1, true, {{3, 3, 2, 1, 0, 1}, {4, 2, 3, 0, 0, 2}}),
      layer(2, 4, 4, 1, true, {{3, 3, 3, 1, 0, 1}, {2, 2, 2, 0, 0, 1}, {3, 3, 2, 1, 0, 2}}),
  };
  for (const Config& base : layers) {
    const auto x = test::random_vector(base.input_elems(), 1);
    const auto w = test::random_vector(base.weight_elems(), 2);
    const auto b = test::random_vector(base.cout, 3);
    // Every combination of output_padding in [0, stride) per dimension.
    int64_t combinations = 1;
    for (int i = 0; i < base.rank; ++i) combinations *= base.axis(i).s;
    for (int64_t k = 0; k < combinations; ++k) {
      Config op = base;
      std::vector<int64_t> size;
      for (int64_t i = 0, rest = k; i < base.rank; ++i) {
        Axis a = base.axis(static_cast<int>(i));
        a.op = rest % a.s;
        rest /= a.s;
        op.set_axis(static_cast<int>(i), a);
        size.push_back(a.out());
      }
      INFO(op.str());
      // The request replaces the layer's output_padding, even a bad one.
      Config bad_op = base;
      for (int i = 0; i < base.rank; ++i) {
        Axis a = base.axis(i);
        a.op = a.s + a.d;  // not below stride or dilation
        bad_op.set_axis(i, a);
      }
      const Result requested = run(bad_op, CONVT_ALGORITHM_AUTO, x, w, b, size.data());
      REQUIRE(requested.status == CONVT_OK);
      CHECK(std::vector<int64_t>(requested.shape.begin() + 2, requested.shape.end()) == size);
      const Result explicit_op = run(op, CONVT_ALGORITHM_AUTO, x, w, b);
      REQUIRE(explicit_op.status == CONVT_OK);
      CHECK(requested.out == explicit_op.out);
      check_against_oracle(base, size.data());
    }
  }
  report("output_size");
}

TEST_CASE("a caller workspace of exactly the reported size works, one byte less fails",
          "[values][quick]") {
  const Config layers[] = {
      layer(2, 8, 12, 1, true, {{9, 3, 2, 0, 0, 1}, {7, 3, 2, 0, 0, 1}}),
      layer(2, 8, 12, 1, true, {{23, 3, 2, 0, 0, 1}}),
      layer(2, 8, 12, 1, true, {{3, 3, 2, 0, 0, 1}, {4, 3, 2, 0, 0, 1}, {3, 3, 2, 1, 1, 1}}),
  };
  for (const Config& c : layers) {
    const auto x = test::random_vector(c.input_elems(), 1);
    const auto w = test::random_vector(c.weight_elems(), 2);
    const auto b = test::random_vector(c.cout, 3);
    const std::vector<int64_t> in_shape = c.input_shape();
    // Sub-pixel on 1 and 2 threads borders the input per thread (2 batch items), on 3 per
    // work item.
    for (int32_t algo : {CONVT_ALGORITHM_GEMM_COL2IM, CONVT_ALGORITHM_SUBPIXEL})
      for (int32_t threads : test::thread_counts({1, 2, 3})) {
        INFO(c.str() << ", " << convt_algorithm_name(algo) << ", " << threads << " threads");
        convt_params p = c.params(algo, threads);
        convt_handle* h = nullptr;
        const convt_status cs = convt_create(&p, w.data(), b.data(), &h);
        if (test::not_applicable(cs)) continue;
        REQUIRE(cs == CONVT_OK);
        size_t ws = 0;
        REQUIRE(convt_workspace_size(h, in_shape.data(), nullptr, &ws) == CONVT_OK);
        REQUIRE(ws > 0);
        REQUIRE(ws % sizeof(float) == 0);
        // Exactly ws bytes on the heap: the sanitizer builds catch any access past them.
        std::unique_ptr<float[]> scratch(new float[ws / sizeof(float)]);
        std::vector<float> out(static_cast<size_t>(c.output_elems()), 7.0f), ref = out;
        CHECK(convt_run(h, in_shape.data(), x.data(), nullptr, out.data(), out.size(),
                        scratch.get(), ws - 1) == CONVT_ERROR_INVALID_ARGUMENT);
        CHECK(std::string(convt_last_error()).find("workspace") != std::string::npos);
        CHECK(out == ref);  // nothing written on failure
        REQUIRE(convt_run(h, in_shape.data(), x.data(), nullptr, out.data(), out.size(),
                          scratch.get(), ws) == CONVT_OK);
        REQUIRE(convt_run(h, in_shape.data(), x.data(), nullptr, ref.data(), ref.size(), nullptr,
                          0) == CONVT_OK);
        CHECK(out == ref);
        // Any address will do: the run starts at the buffer's first 64-byte boundary, within
        // the reported size (each buffer exactly ws bytes past `off`, for the sanitizers).
        for (size_t off : {1, 4, 16, 63}) {
          INFO("workspace " << off << " bytes past an allocation");
          std::unique_ptr<unsigned char[]> raw(new unsigned char[ws + off]);
          std::fill(out.begin(), out.end(), 7.0f);
          REQUIRE(convt_run(h, in_shape.data(), x.data(), nullptr, out.data(), out.size(),
                            raw.get() + off, ws) == CONVT_OK);
          CHECK(out == ref);
        }
        CHECK(convt_run(h, in_shape.data(), x.data(), nullptr, out.data(), out.size() - 1,
                        nullptr, 0) == CONVT_ERROR_INVALID_ARGUMENT);
        convt_destroy(h);
      }
  }
}

// A kernel whose reach (dilation * (kernel - 1)) dwarfs the input: padding cuts all but the
// middle tap. The gathering lowerings border the input by the reach, so they decline such
// layers (a reach above 4096), and AUTO runs them on GEMM + col2im with a small workspace;
// the values are the middle tap's alone.
TEST_CASE("layers of a huge kernel reach run with a small workspace", "[values][quick]") {
  const int64_t reach = (int64_t{1} << 62) - 1;
  // 3-D: kernel (3, 1, 1), the depth dilation and padding 2^62 - 1: out depth = in depth.
  const Config c = layer(8, 1, 2, 1, false, {{2, 3, 1, reach, 0, reach}, {1, 1, 1, 0, 0, 1},
                                             {1, 1, 1, 0, 0, 1}});
  const auto x = test::random_vector(c.input_elems(), 11);
  const auto w = test::random_vector(c.weight_elems(), 12);
  for (int32_t algo : test::all_algorithms()) {
    INFO("algorithm " << convt_algorithm_name(algo));
    const convt_params p = c.params(algo);
    convt_handle* h = nullptr;
    const convt_status st = convt_create(&p, w.data(), nullptr, &h);
    if (test::not_applicable(st)) {
      CHECK(algo != CONVT_ALGORITHM_AUTO);
      continue;
    }
    REQUIRE(st == CONVT_OK);
    const std::vector<int64_t> in_shape = c.input_shape();
    int32_t chosen = -1;
    size_t ws = 0;
    REQUIRE(convt_selected_algorithm(h, in_shape.data(), nullptr, &chosen) == CONVT_OK);
    REQUIRE(convt_workspace_size(h, in_shape.data(), nullptr, &ws) == CONVT_OK);
    CHECK(ws < (size_t{1} << 20));
    if (algo == CONVT_ALGORITHM_AUTO) CHECK(chosen == CONVT_ALGORITHM_GEMM_COL2IM);
    std::vector<float> out(static_cast<size_t>(8 * 2 * 2), NAN);
    REQUIRE(convt_run(h, in_shape.data(), x.data(), nullptr, out.data(), out.size(), nullptr, 0) ==
            CONVT_OK);
    for (int64_t n = 0; n < 8; ++n)
      for (int64_t co = 0; co < 2; ++co)
        for (int64_t d = 0; d < 2; ++d)  // weight (1, 2, 3, 1, 1): the middle tap is [co][1]
          CHECK(out[static_cast<size_t>((n * 2 + co) * 2 + d)] ==
                Approx(x[static_cast<size_t>(n * 2 + d)] * w[static_cast<size_t>(co * 3 + 1)]));
    convt_destroy(h);
  }
  // 1-D: kernel 3, dilation and padding 2^40 on 1000 samples: the workspace stays small.
  const Config one = layer(1, 1, 2, 1, true, {{1000, 3, 1, int64_t{1} << 40, 0, int64_t{1} << 40}});
  const convt_params p = one.params();
  const auto w1 = test::random_vector(one.weight_elems(), 13);
  const auto b1 = test::random_vector(2, 14);
  convt_handle* h = nullptr;
  REQUIRE(convt_create(&p, w1.data(), b1.data(), &h) == CONVT_OK);
  size_t ws = 0;
  REQUIRE(convt_workspace_size(h, one.input_shape().data(), nullptr, &ws) == CONVT_OK);
  CHECK(ws < (size_t{1} << 20));
  convt_destroy(h);
}

// ---- ONNX padding, channels-last tensors, activations (convt_params since 0.4) --------------
// Each runs the three tables above through every algorithm, in variants of the new fields.

namespace {

std::vector<Config> all_tables() {
  std::vector<Config> all = table_1d();
  for (const Config& c : table_2d()) all.push_back(c);
  for (const Config& c : table_3d()) all.push_back(c);
  return all;
}

// c under padding kind `kind`: output_padding below the stride (ONNX Runtime's rule), and
// for EXPLICIT an end trim that differs from the begin (as long as an output remains).
Config with_kind(const Config& c, int32_t kind, int64_t salt) {
  Config v = c;
  v.padding_kind = kind;
  for (int i = 0; i < c.rank; ++i) {
    Axis a = c.axis(i);
    a.op = a.op % a.s;
    a.pe = kind == CONVT_PADDING_EXPLICIT ? (a.p + salt + i) % 3 : 0;
    while (a.pe > 0 && a.full() - a.p - a.pe < 1) --a.pe;
    if (a.full() - a.p - a.pe < 1) a.p = 0;
    v.set_axis(i, a);
  }
  return v;
}

// ONNX's output_shape for a run: per dimension one of 1, full - 1, full + 1 and the largest
// valid size stride*in + extent - 1, by `pick`, clamped to the valid range.
std::vector<int64_t> onnx_output_size(const Config& c, int64_t pick) {
  std::vector<int64_t> size;
  for (int i = 0; i < c.rank; ++i) {
    const Axis a = c.axis(i);
    const int64_t hi = a.s * a.in + a.d * (a.k - 1);
    const int64_t options[] = {1, a.full() - 1, a.full() + 1, hi};
    size.push_back(std::clamp<int64_t>(options[(pick + i) % 4], 1, hi));
  }
  return size;
}

}  // namespace

TEST_CASE("ONNX padding kinds: every algorithm agrees with the oracle at every rank",
          "[values][onnx][quick]") {
  int64_t salt = 0;
  for (const Config& base : all_tables()) {
    for (int32_t kind : {CONVT_PADDING_EXPLICIT, CONVT_PADDING_SAME_UPPER, CONVT_PADDING_SAME_LOWER,
                         CONVT_PADDING_VALID})
      check_against_oracle(with_kind(base, kind, salt));
    // output_shape: the trim follows from the requested size (split by the kind).
    for (int32_t kind : {CONVT_PADDING_EXPLICIT, CONVT_PADDING_SAME_UPPER}) {
      const Config v = with_kind(base, kind, salt);
      const std::vector<int64_t> size = onnx_output_size(v, salt);
      check_against_oracle(v, size.data());
    }
    ++salt;
  }
  report("ONNX padding");
}

TEST_CASE("channels-last: every algorithm agrees with the oracle at every rank",
          "[values][channels_last][quick]") {
  int64_t salt = 0;
  for (const Config& base : all_tables()) {
    Config v = base;
    v.layout = CONVT_LAYOUT_CHANNELS_LAST;
    check_against_oracle(v);
    // With an ONNX trim from output_size, and an activation, every third layer.
    if (salt % 3 == 0) {
      Config w = with_kind(v, CONVT_PADDING_SAME_LOWER, salt);
      w.activation = CONVT_ACTIVATION_RELU;
      const std::vector<int64_t> size = onnx_output_size(w, salt);
      check_against_oracle(w, size.data());
    }
    ++salt;
  }
  report("channels-last");
}

TEST_CASE("activations: every algorithm agrees with the oracle at every rank",
          "[values][activation][quick]") {
  struct Kind {
    int32_t kind;
    float alpha, beta;
  };
  const Kind kinds[] = {
      {CONVT_ACTIVATION_RELU, 0, 0},          {CONVT_ACTIVATION_LEAKY_RELU, 0.1f, 0},
      {CONVT_ACTIVATION_CLAMP, -0.5f, 0.75f}, {CONVT_ACTIVATION_TANH, 0, 0},
      {CONVT_ACTIVATION_SIGMOID, 0, 0},       {CONVT_ACTIVATION_ELU, 1.0f, 0},
      {CONVT_ACTIVATION_GELU, 0, 0},          {CONVT_ACTIVATION_LEAKY_RELU, -2.5f, 0},
      {CONVT_ACTIVATION_ELU, 0.3f, 0},        {CONVT_ACTIVATION_CLAMP, 0.0f, INFINITY},
  };
  int64_t salt = 0;
  for (const Config& base : all_tables()) {
    // Two kinds per layer, in turn: every kind meets every lowering path several times.
    for (int j = 0; j < 2; ++j) {
      const Kind& k = kinds[(2 * salt + j) % (sizeof kinds / sizeof kinds[0])];
      Config v = base;
      v.activation = k.kind, v.alpha = k.alpha, v.beta = k.beta;
      check_against_oracle(v);
    }
    ++salt;
  }
  report("activations");
}

// Channels last, a kernel equal to the stride tiles the output with patches: POINTWISE runs
// it as one sgemm per input row and kernel row (or over the whole batch where the stride is
// 1 in depth and height), and AUTO takes it.
TEST_CASE("channels-last patches (kernel == stride): pointwise agrees with the oracle",
          "[values][channels_last][quick]") {
  const Config layers[] = {
      // n cin cout groups bias {L} / {H}, {W} / {D}, {H}, {W}: {in, kernel, stride, p, op, d}
      layer(2, 5, 3, 1, true, {{7, 2, 2, 0, 0, 1}}),                         // 1-D: flat
      layer(1, 4, 6, 2, false, {{9, 3, 3, 0, 0, 1}}),                        // 1-D groups
      layer(1, 8, 4, 1, true, {{5, 2, 2, 0, 0, 1}, {6, 2, 2, 0, 0, 1}}),     // U-Net's 2x2
      layer(3, 6, 9, 3, true, {{4, 2, 2, 0, 0, 1}, {3, 3, 3, 0, 0, 1}}),     // groups, by row
      layer(1, 5, 7, 1, true, {{6, 1, 1, 0, 0, 3}, {5, 4, 4, 0, 0, 1}}),     // stride 1 in H
      layer(2, 3, 2, 1, true, {{3, 3, 3, 0, 0, 1}, {1, 1, 1, 0, 0, 1}}),     // stride only in H
      layer(1, 4, 4, 1, true,
            {{2, 2, 2, 0, 0, 1}, {3, 2, 2, 0, 0, 1}, {4, 2, 2, 0, 0, 1}}),   // 3-D
      layer(2, 6, 4, 2, false,
            {{3, 1, 1, 0, 0, 1}, {2, 3, 3, 0, 0, 1}, {3, 2, 2, 0, 0, 1}}),   // 3-D groups
  };
  for (Config c : layers) {
    c.layout = CONVT_LAYOUT_CHANNELS_LAST;
    check_against_oracle(c);
    c.activation = CONVT_ACTIVATION_GELU;
    check_against_oracle(c);
    // AUTO runs it on pointwise, which a forced run can take.
    convt_params p = c.params(CONVT_ALGORITHM_AUTO, 0);
    const auto w = test::random_vector(c.weight_elems(), 2);
    convt_handle* h = nullptr;
    REQUIRE(convt_create(&p, w.data(), nullptr, &h) == CONVT_OK);
    const std::vector<int64_t> in_shape = c.input_shape();
    int32_t algo = -1;
    CHECK(convt_selected_algorithm(h, in_shape.data(), nullptr, &algo) == CONVT_OK);
    CHECK(algo == CONVT_ALGORITHM_POINTWISE);
    convt_destroy(h);
    p.algorithm = CONVT_ALGORITHM_POINTWISE;
    REQUIRE(convt_create(&p, w.data(), nullptr, &h) == CONVT_OK);
    convt_destroy(h);
    // Channels first, only 1x1 layers at stride 1 are pointwise's.
    p.layout = CONVT_LAYOUT_CHANNELS_FIRST;
    CHECK(convt_create(&p, w.data(), nullptr, &h) == CONVT_ERROR_UNSUPPORTED);
    CHECK(h == nullptr);
  }
  report("channels-last patches");
}
