// convt's own GEMM kernels at every level this CPU has (src/kernels/levels.hpp, the
// contracts in src/kernels/gemm.hpp), below the API, against a plain loop in double:
//  - gemm_packed over every block height of the tile and past two register blocks, every
//    right edge past two tile widths, column blocks past the L2 block, depths 0 .. 300; with
//    and without bias; B exact (each row ends at an inaccessible page: reading one float
//    past n faults, with or without ASan) and padded (readable up to n rounded up to
//    kPaddedColumns, the extra floats NaN that must not reach C), through a window b_col0;
//    C with a row stride past n whose gaps (and everything around C) must stay untouched;
//  - gemm_packed_zip2's zipped layout, nothing written outside it;
//  - the register budget each tile claims.
// And the level the process runs at (hidden cases with their own ctest entries, which set
// or unset CONVT_MAX_ISA: tests/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../src/isa.hpp"
#include "../src/kernels/levels.hpp"
#include "../src/kernels/gemm.hpp"
#include "isa_check.hpp"

namespace {

using convt_impl::GemmTile;
using convt_impl::Isa;
using convt_impl::KernelLevel;
using convt_impl::kPaddedColumns;

// Baseline up to the CPU's best level: the lower of the library's detection and
// /proc/cpuinfo's, so that a wrong detection fails the [isa_env] tests instead of raising
// SIGILL here.
std::vector<Isa> levels_here() {
  const int library = static_cast<int>(convt_impl::cpu_best_isa());
  const int cpuinfo = test::isa_rank(test::cpu_level_from_cpuinfo().best);
  std::vector<Isa> levels;
  for (int i = 0; i <= std::min(library, cpuinfo); ++i) levels.push_back(static_cast<Isa>(i));
  return levels;
}

// A NaN with a payload: the garbage B's padding holds (it must not reach a result) and the
// sentinel around C (it must stay, bit for bit).
constexpr uint32_t kSentinelBits = 0x7fc0beefu;
float sentinel() {
  float f;
  std::memcpy(&f, &kSentinelBits, sizeof f);
  return f;
}
bool is_sentinel(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits == kSentinelBits;
}

// Slots of memory each followed by an inaccessible page: a row placed at the end of a slot
// (tail()) faults when read one float past its end.
class GuardedSlots {
 public:
  GuardedSlots(int64_t count, int64_t floats) : count_(count) {
    const int64_t page = sysconf(_SC_PAGESIZE);
    slot_bytes_ = (floats * 4 + page - 1) / page * page;
    stride_ = slot_bytes_ + page;
    bytes_ = static_cast<size_t>(count * stride_);
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap failed");
    base_ = static_cast<char*>(p);
    for (int64_t i = 0; i < count; ++i)
      if (mprotect(base_ + i * stride_ + slot_bytes_, static_cast<size_t>(page), PROT_NONE) != 0)
        throw std::runtime_error("mprotect failed");
    for (int64_t i = 0; i < count; ++i) std::fill(tail(i, capacity()), tail(i, 0), sentinel());
  }
  ~GuardedSlots() { munmap(base_, bytes_); }
  GuardedSlots(const GuardedSlots&) = delete;
  GuardedSlots& operator=(const GuardedSlots&) = delete;

  int64_t capacity() const { return slot_bytes_ / 4; }
  // The last `len` floats of slot i.
  float* tail(int64_t i, int64_t len) {
    if (i >= count_ || len > capacity()) throw std::logic_error("GuardedSlots: too small");
    return reinterpret_cast<float*>(base_ + i * stride_ + slot_bytes_) - len;
  }

 private:
  int64_t count_, slot_bytes_ = 0, stride_ = 0;
  size_t bytes_ = 0;
  char* base_ = nullptr;
};

constexpr int64_t kDepths[] = {0, 1, 2, 7, 64, 300};
constexpr int64_t kMaxK = 300;
constexpr int64_t kMaxM = 26;    // 2 x the tallest block (12) + 2
constexpr int64_t kMaxN = 1100;  // past the 1024-column L2 block at k = 64

// Seeded A (kMaxM x kMaxK), B (kMaxK x kMaxN) and bias; every case uses their top-left
// corner, so C = A x B in double is computed once per depth.
struct Data {
  std::vector<float> a, b, bias;
  struct Product {
    std::vector<double> value, magnitude;  // sum a*b, sum |a*b|: kMaxM x kMaxN
  };
  std::vector<Product> products;  // per kDepths entry

  Data() {
    std::mt19937 rng(20261203);
    std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
    a.resize(static_cast<size_t>(kMaxM * kMaxK));
    b.resize(static_cast<size_t>(kMaxK * kMaxN));
    bias.resize(kMaxM);
    for (float& v : a) v = unit(rng);
    for (float& v : b) v = unit(rng);
    for (float& v : bias) v = 2.0f * unit(rng);
    for (const int64_t k : kDepths) {
      Product p;
      p.value.assign(static_cast<size_t>(kMaxM * kMaxN), 0.0);
      p.magnitude.assign(static_cast<size_t>(kMaxM * kMaxN), 0.0);
      for (int64_t i = 0; i < kMaxM; ++i)
        for (int64_t kk = 0; kk < k; ++kk) {
          const double aik = a[static_cast<size_t>(i * kMaxK + kk)];
          const float* brow = &b[static_cast<size_t>(kk * kMaxN)];
          double* v = &p.value[static_cast<size_t>(i * kMaxN)];
          double* mag = &p.magnitude[static_cast<size_t>(i * kMaxN)];
          for (int64_t j = 0; j < kMaxN; ++j) {
            v[j] += aik * brow[j];
            mag[j] += std::fabs(aik * brow[j]);
          }
        }
      products.push_back(std::move(p));
    }
  }
  const Product& product(int64_t k) const {
    for (size_t d = 0; d < std::size(kDepths); ++d)
      if (kDepths[d] == k) return products[d];
    throw std::logic_error("no such depth");
  }
  float b_at(int64_t kk, int64_t j) const { return b[static_cast<size_t>(kk * kMaxN + j)]; }
};

const Data& data() {
  static const Data d;
  return d;
}

// Within the float rounding of a k-term sum (as tools/crosscheck_torch.py allows):
// (k + 2) * FLT_EPSILON * (sum |a*b| + |bias|) + 1e-6.
bool close(float got, double want, double magnitude, int64_t k) {
  const double tol = static_cast<double>(k + 2) * FLT_EPSILON * magnitude + 1e-6;
  return std::fabs(static_cast<double>(got) - want) <= tol;  // false for NaN
}

// Reports the first few failing cases of a test in full, then counts the rest.
struct Failures {
  int count = 0;
  void add(const std::string& what) {
    if (++count <= 12) FAIL_CHECK(what);
  }
};

// A's packed panels, ending at an inaccessible page (a read past them faults). With
// k0 > 0 or extra > 0, A is packed for a depth of k0 + k + extra, its columns k0 .. k0 + k
// being the test's A and the others NaN (which must not reach C): the kernel is then called
// on that part of K alone (a_packed + k0 * h, a_depth = the whole depth), as the sub-pixel
// lowering calls it for the depth taps whose input slices exist.
const float* pack_a(GuardedSlots& a_mem, int64_t m, int64_t k, int64_t h, int64_t k0 = 0,
                    int64_t extra = 0) {
  const int64_t depth = k0 + k + extra;
  const int64_t floats = convt_impl::packed_a_floats(m, depth, h);
  float* packed = a_mem.tail(0, floats);
  std::vector<float> wide(static_cast<size_t>(m * std::max<int64_t>(depth, 1)), sentinel());
  for (int64_t i = 0; i < m; ++i)
    for (int64_t kk = 0; kk < k; ++kk)
      wide[static_cast<size_t>(i * depth + k0 + kk)] = data().a[static_cast<size_t>(i * kMaxK + kk)];
  convt_impl::pack_a(m, depth, wide.data(), depth, h, packed);
  return packed + k0 * h;
}

// The panel heights a matrix of m rows is tested with: the packer's (panel_rows of the
// tile's short and tall panels), and the whole panels of a larger packed A of which a call
// covers the first m rows (a work item's channels; even only, when zipping).
std::vector<int64_t> panel_heights(const GemmTile& tile, int64_t m, bool even) {
  std::set<int64_t> hs;
  for (const int64_t panel : {tile.rows, tile.tall_rows}) {
    hs.insert(convt_impl::panel_rows(m, panel, tile));
    hs.insert(panel);
  }
  std::vector<int64_t> out;
  for (const int64_t h : hs)
    if (!even || h % 2 == 0) out.push_back(h);
  return out;
}

int64_t round_up(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

// The sizes of one level's grid: every m and n near the tile's edges (all of them with
// `full`), depths kDepths, plus n past the L2 column block at the two deepest depths.
struct Grid {
  std::vector<int64_t> ms, ns;
};
Grid gemm_grid(const GemmTile& tile, bool full) {
  Grid g;
  const int64_t top_m = 2 * tile.max_rows + 1, top_n = 2 * tile.cols + 3, lanes = tile.cols / 2;
  if (full) {
    for (int64_t m = 1; m <= top_m; ++m) g.ms.push_back(m);
    for (int64_t n = 1; n <= top_n; ++n) g.ns.push_back(n);
  } else {
    std::set<int64_t> ms{1, 2, 3, tile.rows - 1, tile.rows, tile.rows + 1, tile.tall_rows,
                         tile.max_rows, tile.max_rows + 1, 2 * tile.max_rows - 1, top_m};
    std::set<int64_t> ns{1, 2, lanes - 1, lanes, lanes + 1, tile.cols - 1, tile.cols,
                         tile.cols + 1, tile.cols + lanes + 1, 2 * tile.cols, top_n};
    for (const int64_t m : ms)
      if (m >= 1 && m <= top_m) g.ms.push_back(m);
    for (const int64_t n : ns)
      if (n >= 1) g.ns.push_back(n);
  }
  g.ns.push_back(100);
  return g;
}

// n past the GEMM's L2 column block (256 KB of B: 192-216 columns at k = 300, 1024 at
// k = 64), for a few m.
std::vector<int64_t> wide_ns(int64_t k) {
  if (k == 300) return {450};
  if (k == 64) return {1100};
  return {};
}

void test_gemm_packed(const KernelLevel& level, bool full) {
  const Data& d = data();
  const GemmTile& tile = level.tile;
  const char* name = convt_impl::isa_name(level.isa);
  GuardedSlots b_mem(kMaxK, 2 * kPaddedColumns + kMaxN + 64);
  GuardedSlots a_mem(1, convt_impl::packed_a_floats(kMaxM, kMaxK + 8, 16) + 16 * kMaxK);
  const Grid grid = gemm_grid(tile, full);
  std::vector<const float*> b_rows(kMaxK);
  Failures failures;
  int64_t cases = 0;
  constexpr int64_t kBefore = 19, kAfter = 23;  // sentinels around C
  for (const int64_t k : kDepths) {
    const Data::Product& ref = d.product(k);
    std::vector<int64_t> ns = grid.ns;
    for (const int64_t n : wide_ns(k)) ns.push_back(n);
    for (const int64_t n : ns) {
      const bool wide = n > 100;
      for (const bool b_padded : {false, true})
        for (const int64_t b_col0 : {int64_t{0}, 3 + n % 29}) {
          const int variant = 2 * b_padded + (b_col0 != 0);
          INFO(name << ": k " << k << ", n " << n << ", b_padded " << b_padded << ", b_col0 "
                    << b_col0);
          // Each row of B: NaN before it and in its padding, ending at an inaccessible page
          // where the contract's readable part ends.
          const int64_t row_len = b_col0 + (b_padded ? round_up(n, kPaddedColumns) : n);
          for (int64_t kk = 0; kk < k; ++kk) {
            float* row = b_mem.tail(kk, row_len);
            std::fill(row - std::min<int64_t>(16, b_mem.capacity() - row_len), row + row_len,
                      sentinel());
            for (int64_t j = 0; j < n; ++j) row[b_col0 + j] = d.b_at(kk, j);
            b_rows[static_cast<size_t>(kk)] = row;
          }
          for (const int64_t m : grid.ms) {
            if (wide && m != 1 && m != tile.max_rows && m != 2 * tile.max_rows + 1) continue;
            for (const int64_t h : panel_heights(tile, m, false))
            for (const int64_t k0 : {int64_t{0}, int64_t{5}}) {
              // A part of K (k0 > 0) with B exact and no window: enough to cover the offset.
              if (k0 > 0 && (b_padded || b_col0 != 0)) continue;
              const int64_t a_depth = k0 > 0 ? k0 + k + 2 : k;
              const float* a = pack_a(a_mem, m, k, h, k0, a_depth - k - k0);
              for (const bool with_bias : {false, true}) {
                // The full grid: with and without bias in two of the 4 variants of B each.
                if (full && with_bias != ((variant + m + n) % 2 == 1)) continue;
                const int64_t ldc = n + 1 + (5 * m + n) % 19;
                std::vector<float> buf(static_cast<size_t>(kBefore + m * ldc + kAfter),
                                       sentinel());
                float* c = buf.data() + kBefore;
                level.gemm_packed(m, n, k, a, a_depth, h, b_rows.data(), b_col0, c, ldc,
                                  b_padded, with_bias ? d.bias.data() : nullptr, nullptr);
                ++cases;
                int64_t bad = 0;
                std::ostringstream first;
                for (int64_t at = 0; at < static_cast<int64_t>(buf.size()); ++at) {
                  const int64_t off = at - kBefore, i = off / ldc, j = off % ldc;
                  const float got = buf[static_cast<size_t>(at)];
                  if (off < 0 || i >= m || j >= n) {
                    if (is_sentinel(got)) continue;
                    if (bad++ == 0)
                      first << "wrote " << got << " outside C (float " << off
                            << " from C's start)";
                    continue;
                  }
                  const size_t r = static_cast<size_t>(i * kMaxN + j);
                  const double bias = with_bias ? d.bias[static_cast<size_t>(i)] : 0.0;
                  if (close(got, ref.value[r] + bias, ref.magnitude[r] + std::fabs(bias), k))
                    continue;
                  if (bad++ == 0)
                    first << "C[" << i << "][" << j << "] = " << got << ", expected "
                          << ref.value[r] + bias;
                }
                if (bad)
                  failures.add(std::string(name) + " gemm_packed m " + std::to_string(m) +
                               " n " + std::to_string(n) + " k " + std::to_string(k) + " h " +
                               std::to_string(h) + " k0 " + std::to_string(k0) + " ldc " +
                               std::to_string(ldc) + " b_col0 " +
                               std::to_string(b_col0) + (b_padded ? " padded" : " exact") +
                               (with_bias ? " bias" : " no bias") + ": " +
                               std::to_string(bad) + " wrong floats; first: " + first.str());
              }
            }
          }
        }
    }
  }
  INFO(name << ": " << cases << " gemm_packed calls");
  CHECK(failures.count == 0);
  CHECK(cases > 0);
}

// Zipped-store layouts for m/2 row pairs of n columns in output rows of `width` pairs:
// {ldo, row_step}. Pair-major (a channel's rows together, as the sub-pixel lowering has
// it), and row-major (the pairs' rows interleaved), each with gaps.
struct ZipLayout {
  int64_t ldo, row_step;
};
std::vector<ZipLayout> zip_layouts(int64_t pairs, int64_t n, int64_t width) {
  const int64_t out_rows = (n + width - 1) / width;
  const int64_t pair_major_step = 2 * width + 6;
  const int64_t row_major_ldo = 2 * width + 10;
  return {{out_rows * pair_major_step + 13, pair_major_step},
          {row_major_ldo, pairs * row_major_ldo + 7}};
}

void test_gemm_packed_zip2(const KernelLevel& level, bool full) {
  const Data& d = data();
  const GemmTile& tile = level.tile;
  const char* name = convt_impl::isa_name(level.isa);
  GuardedSlots b_mem(kMaxK, kMaxN);
  GuardedSlots a_mem(1, convt_impl::packed_a_floats(kMaxM, kMaxK + 8, 16) + 16 * kMaxK);
  std::vector<const float*> b_rows(kMaxK);
  Failures failures;
  int64_t cases = 0;
  constexpr int64_t kBefore = 21;
  for (const int64_t k : kDepths) {
    const Data::Product& ref = d.product(k);
    std::vector<int64_t> ns{32, 64, 96};
    if (k == 300) ns.push_back(224);  // past every level's L2 column block (192-216)
    if (k == 64 && full) ns.push_back(1056);  // past the 1024 block
    for (const int64_t n : ns) {
      INFO(name << ": zip2, k " << k << ", n " << n);
      for (int64_t kk = 0; kk < k; ++kk) {  // rows readable up to n exactly
        float* row = b_mem.tail(kk, n);
        for (int64_t j = 0; j < n; ++j) row[j] = d.b_at(kk, j);
        b_rows[static_cast<size_t>(kk)] = row;
      }
      std::set<int64_t> widths{32, n};
      if (n > 64) widths.insert(64);
      for (int64_t m = 2; m <= 2 * tile.max_rows + 2; m += 2) {
        if (!full && m % 4 != 2 && m != tile.max_rows && m != 2 * tile.max_rows) continue;
        if (n > 224 && m != 2 && m != 2 * tile.max_rows + 2) continue;
        for (const int64_t h : panel_heights(tile, m, true)) {
          const float* a = pack_a(a_mem, m, k, h);
          for (const int64_t width : widths)
            for (const ZipLayout& layout : zip_layouts(m / 2, n, width))
              for (const bool with_bias : {false, true}) {
                // Where each value goes (the contract's formula), checked to be distinct.
                std::vector<int64_t> place(static_cast<size_t>(m * n));
                int64_t span = 0;
                for (int64_t i = 0; i < m; ++i)
                  for (int64_t j = 0; j < n; ++j) {
                    const int64_t at = i / 2 * layout.ldo + j / width * layout.row_step +
                                       2 * (j % width) + i % 2;
                    place[static_cast<size_t>(i * n + j)] = at;
                    span = std::max(span, at + 1);
                  }
                std::vector<int32_t> source(static_cast<size_t>(span), -1);  // i * n + j
                bool overlap = false;
                for (int64_t v = 0; v < m * n; ++v) {
                  int32_t& s = source[static_cast<size_t>(place[static_cast<size_t>(v)])];
                  overlap = overlap || s >= 0;
                  s = static_cast<int32_t>(v);
                }
                REQUIRE_FALSE(overlap);  // the test's own layouts
                std::vector<float> buf(static_cast<size_t>(kBefore + span + 17), sentinel());
                convt_impl::Zip2Store out;
                out.out = buf.data() + kBefore;
                out.ldo = layout.ldo;
                out.row_step = layout.row_step;
                out.width = width;
                level.gemm_packed_zip2(m, n, k, a, k, h, b_rows.data(),
                                       with_bias ? d.bias.data() : nullptr, nullptr, out);
                ++cases;
                int64_t bad = 0;
                std::ostringstream first;
                for (int64_t at = 0; at < static_cast<int64_t>(buf.size()); ++at) {
                  const int64_t off = at - kBefore;
                  const float got = buf[static_cast<size_t>(at)];
                  const int32_t s =
                      off >= 0 && off < span ? source[static_cast<size_t>(off)] : -1;
                  if (s < 0) {
                    if (is_sentinel(got)) continue;
                    if (bad++ == 0)
                      first << "wrote " << got << " at float " << off << ", no value's place";
                    continue;
                  }
                  const int64_t i = s / n, j = s % n;
                  const size_t r = static_cast<size_t>(i * kMaxN + j);
                  const double bias = with_bias ? d.bias[static_cast<size_t>(i)] : 0.0;
                  if (close(got, ref.value[r] + bias, ref.magnitude[r] + std::fabs(bias), k))
                    continue;
                  if (bad++ == 0)
                    first << "row " << i << " column " << j << " (float " << off << ") = " << got
                          << ", expected " << ref.value[r] + bias;
                }
                if (bad)
                  failures.add(std::string(name) + " gemm_packed_zip2 m " + std::to_string(m) +
                               " n " + std::to_string(n) + " k " + std::to_string(k) + " h " +
                               std::to_string(h) + " width " + std::to_string(width) +
                               " ldo " + std::to_string(layout.ldo) + " row_step " +
                               std::to_string(layout.row_step) +
                               (with_bias ? " bias" : " no bias") + ": " + std::to_string(bad) +
                               " wrong floats; first: " + first.str());
              }
        }
      }
    }
  }
  INFO(name << ": " << cases << " gemm_packed_zip2 calls");
  CHECK(failures.count == 0);
  CHECK(cases > 0);
}

}  // namespace

TEST_CASE("gemm_packed matches a double loop at every level (edges sampled)",
          "[quick][kernels]") {
  for (const Isa isa : levels_here()) {
    INFO("level " << convt_impl::isa_name(isa));
    test_gemm_packed(convt_impl::kernels_at(isa), false);
  }
}

TEST_CASE("gemm_packed matches a double loop at every level (every m and n)", "[kernels]") {
  for (const Isa isa : levels_here()) {
    INFO("level " << convt_impl::isa_name(isa));
    test_gemm_packed(convt_impl::kernels_at(isa), true);
  }
}

TEST_CASE("gemm_packed_zip2 writes the zipped layout at every level (sampled)",
          "[quick][kernels]") {
  for (const Isa isa : levels_here()) {
    INFO("level " << convt_impl::isa_name(isa));
    test_gemm_packed_zip2(convt_impl::kernels_at(isa), false);
  }
}

TEST_CASE("gemm_packed_zip2 writes the zipped layout at every level (every m)", "[kernels]") {
  for (const Isa isa : levels_here()) {
    INFO("level " << convt_impl::isa_name(isa));
    test_gemm_packed_zip2(convt_impl::kernels_at(isa), true);
  }
}

TEST_CASE("each level's GEMM tile fits its register file", "[quick][kernels]") {
  struct Claim {
    Isa isa;
    GemmTile tile;
    int lanes, registers, accumulators;
  };
#if CONVT_HAVE_X86_LEVELS
  std::vector<Claim> claims{{Isa::kBaseline, convt_impl::baseline::kTile, 4, 16, 12}};
  claims.push_back({Isa::kAvx2, convt_impl::avx2::kTile, 8, 16, 12});
  claims.push_back({Isa::kAvx512, convt_impl::avx512::kTile, 16, 32, 24});
#elif CONVT_HAVE_NEON_LEVEL
  // The baseline is scalar: one float per register of the 32.
  std::vector<Claim> claims{{Isa::kBaseline, convt_impl::baseline::kTile, 1, 32, 12}};
  claims.push_back({Isa::kNeon, convt_impl::neon::kTile, 4, 32, 24});
#else
  std::vector<Claim> claims{{Isa::kBaseline, convt_impl::baseline::kTile, 4, 16, 12}};
#endif
  const std::vector<Isa> here = levels_here();
  for (const Claim& c : claims) {
    const GemmTile& t = c.tile;
    INFO("level " << convt_impl::isa_name(c.isa) << ": rows " << t.rows << ", tall_rows "
                  << t.tall_rows << ", max_rows " << t.max_rows << ", cols " << t.cols);
    const int64_t lanes = t.cols / 2;  // cols is two vectors
    CHECK(t.cols == 2 * c.lanes);      // ... of the level's width
    CHECK(t.max_rows * t.cols / lanes <= c.accumulators);
    // With the block's 2 vectors of B and the broadcast of A.
    CHECK(t.max_rows * t.cols / lanes + 2 + 1 <= c.registers);
    // Panels are blocks: no taller than max_rows, even (gemm_packed_zip2's row pairs).
    CHECK(t.rows >= 2);
    CHECK(t.rows <= t.tall_rows);
    CHECK(t.tall_rows <= t.max_rows);
    CHECK(t.rows % 2 == 0);
    CHECK(t.tall_rows % 2 == 0);
    // A padded row is read up to whole strips of cols.
    CHECK(convt_impl::kPaddedColumns % t.cols == 0);
    // The table holds this tile for the level (read, not called: fine on any CPU).
    if (std::find(here.begin(), here.end(), c.isa) != here.end()) {
      const KernelLevel& k = convt_impl::kernels_at(c.isa);
      CHECK(k.isa == c.isa);
      CHECK(k.tile.rows == t.rows);
      CHECK(k.tile.tall_rows == t.tall_rows);
      CHECK(k.tile.max_rows == t.max_rows);
      CHECK(k.tile.cols == t.cols);
    }
  }
}

// Hidden ("[.]": neither discovered nor run by default): run by the ctest entries
// isa_uncapped and isa_cap_* (tests/CMakeLists.txt), which unset or set CONVT_MAX_ISA for
// the process (the level is decided once per process).
TEST_CASE("with CONVT_MAX_ISA unset the kernel level is the CPU's best",
          "[.][isa_env][isa_uncapped]") {
  REQUIRE(std::getenv("CONVT_MAX_ISA") == nullptr);
  const test::CpuLevel cpu = test::cpu_level_from_cpuinfo();
  INFO("CPU's best level " << cpu.best << " (from " << cpu.source << ")");
  CHECK(std::string(convt_impl::isa_name(convt_impl::cpu_best_isa())) == cpu.best);
  CHECK(std::string(convt_cpu_isa()) == cpu.best);
  CHECK(std::string(convt_impl::isa_name(convt_impl::active_isa())) == cpu.best);
  CHECK(convt_impl::kernels().isa == convt_impl::active_isa());
}

TEST_CASE("CONVT_MAX_ISA caps the kernel level", "[.][isa_env][isa_cap]") {
  const char* cap = std::getenv("CONVT_MAX_ISA");
  REQUIRE(cap != nullptr);
  const test::CpuLevel cpu = test::cpu_level_from_cpuinfo();
  const std::string expected = test::expected_isa(cpu, cap);
  INFO("CONVT_MAX_ISA=" << cap << "; CPU's best level " << cpu.best << " (from " << cpu.source
                        << "); expected " << expected);
  CHECK(std::string(convt_impl::isa_name(convt_impl::cpu_best_isa())) == cpu.best);
  CHECK(std::string(convt_cpu_isa()) == expected);
  CHECK(std::string(convt_impl::isa_name(convt_impl::active_isa())) == expected);
  CHECK(convt_impl::kernels().isa == convt_impl::active_isa());
}

TEST_CASE("transpose writes every element once at every level, with bias and activation",
          "[quick][kernels]") {
  // rows and cols from 1 to past two 8 x 8 tiles (whole tiles, 4 x 4 ones and the scalar
  // edge), row strides past the row, the destination's gaps and surroundings sentinels.
  const convt_impl::Activation relu{CONVT_ACTIVATION_RELU, 0, 0};
  for (const Isa isa : levels_here()) {
    const KernelLevel& level = convt_impl::kernels_at(isa);
    INFO("level " << convt_impl::isa_name(isa));
    int64_t failures = 0, cases = 0;
    for (int64_t rows = 1; rows <= 19; ++rows)
      for (int64_t cols = 1; cols <= 19; ++cols)
        for (int variant = 0; variant < 3; ++variant) {  // plain, bias, bias + relu
          const int64_t ld_src = cols + variant, ld_dst = rows + 2 * variant + 1;
          std::vector<float> src(static_cast<size_t>(rows * ld_src)), bias(static_cast<size_t>(rows));
          for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<float>(i % 23) - 11.0f;
          for (size_t i = 0; i < bias.size(); ++i) bias[i] = 0.5f * static_cast<float>(i);
          constexpr int64_t kGuard = 16;
          std::vector<float> buf(static_cast<size_t>(2 * kGuard + cols * ld_dst), sentinel());
          float* dst = buf.data() + kGuard;
          level.transpose(src.data(), rows, cols, ld_src, dst, ld_dst,
                          variant ? bias.data() : nullptr, variant == 2 ? &relu : nullptr);
          ++cases;
          for (int64_t at = 0; at < static_cast<int64_t>(buf.size()); ++at) {
            const int64_t k = at - kGuard, c = k / ld_dst, r = k % ld_dst;
            const bool inside = k >= 0 && c < cols && r < rows;
            float want;
            if (inside) {
              want = src[static_cast<size_t>(r * ld_src + c)] + (variant ? bias[static_cast<size_t>(r)] : 0.0f);
              if (variant == 2) want = std::max(want, 0.0f);
            }
            const float got = buf[static_cast<size_t>(at)];
            const bool ok = inside ? got == want
                                   : std::memcmp(&got, &kSentinelBits, sizeof got) == 0;
            if (!ok) ++failures;
          }
        }
    INFO(cases << " transposes");
    CHECK(failures == 0);
  }
}
