// convt-kernel-bench: convt's GEMM kernel (gemm_packed, lowering/gemm_kernel.hpp) of every
// level this CPU supports, on one core, against that level's FMA peak and OpenBLAS.
//
// Per level (baseline, avx2, avx512, up to convt_impl::cpu_best_isa(); a level the CPU lacks is
// never called, and CONVT_MAX_ISA does not apply: the levels are taken with kernels_at):
//  - peak: a register-only loop of independent multiply-adds (acc = acc * m + a) on the
//    level's vector type (Vec4 / Vec8 / Vec16, simd.hpp) with enough accumulators to cover
//    the latency, compiled with the level's target attribute (kernels.hpp), as its kernels
//    are; flops = 2 * lanes * accumulators * iterations; the best of 5 runs of ~10 ms of
//    the thread's CPU time.
//  - per GEMM shape (C = A x B, M x N = (M x K) x (K x N), fp32): the level's gemm_packed
//    with A packed once by pack_a in panels of h = panel_rows(M, panel, tile) rows
//    (panel = tile.tall_rows if K >= kTallPanelDepth, else tile.rows), B as K row pointers
//    into a K x N row-major buffer followed by kPaddedColumns floats (b_padded), no bias;
//    and cblas_sgemm (RowMajor, NoTrans, NoTrans, the same A, B and N) at one OpenBLAS
//    thread, whatever core OpenBLAS dispatches to. OpenBLAS is timed once per shape and
//    shown on every level's row; its output is the reference convt's C is checked against.
// Timing: after a warm-up (>= 3 calls and >= 5 ms), samples of back-to-back calls (each
// sample >= 0.2 ms) until they add up to --min-ms and there are >= 5; the median time per
// call is reported. The operands stay in the caches between calls: this measures the
// kernel, not the memory system. GFLOP/s = 2 * M * N * K / time.
//
// The shapes are the suite's sub-pixel GEMMs (bench/shapes.txt; for a layer of kernel k and
// stride s, k % s == 0, dilation 1: per phase chunk M = Cout/groups * phases merged (up to
// ~256 rows, pack.hpp kMergedRows), K = Cin/groups * (kh/sh) * (kw/sw), N = H * W per batch
// item), plus a merged DCGAN variant and a synthetic thin, shallow one.
//
// Exit status: 0 ok, 1 a convt result disagrees with OpenBLAS, 2 bad usage.
#include <cblas.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../include/convt/convt.h"
#include "../src/isa.hpp"
#include "../src/kernels/levels.hpp"
#include "../src/kernels/gemm.hpp"
#include "../src/kernels/simd.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// ---- FMA peak ------------------------------------------------------------------------------

// N independent chains of acc = acc * m + a on Vec, `iters` times; returns their sum (so
// nothing is dead). m and a come from volatiles (nothing to fold) and, without -ffast-math,
// the compiler may not reassociate the recurrences. m < 1 keeps the values near a / (1 - m):
// no overflow, no denormals.
template <typename Vec, int N>
__attribute__((always_inline)) inline float fma_chains(int64_t iters, float m, float a) {
  Vec acc[N];
  for (int i = 0; i < N; ++i) acc[i] = Vec{} + (1.0f + 0.001f * static_cast<float>(i));
  const Vec mv = Vec{} + m, av = Vec{} + a;
  for (int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 32
    for (int i = 0; i < N; ++i) acc[i] = acc[i] * mv + av;
  }
  Vec s = Vec{};
  for (int i = 0; i < N; ++i) s += acc[i];
  float r = 0.0f;
  for (int l = 0; l < convt_impl::kLanes<Vec>; ++l) r += s[l];
  return r;
}

// Accumulators per level: 12 of 16 registers (SSE/NEON, AVX2: two more hold m and a),
// 16 of AVX-512's 32 (FMA latency 4 x 2 ports = 8 needed on current x86 cores).
constexpr int kChainsBaseline = 12, kChainsAvx2 = 12, kChainsAvx512 = 16;

__attribute__((noinline)) float peak_baseline(int64_t iters, float m, float a) {
  return fma_chains<convt_impl::CONVT_BASELINE_VEC, kChainsBaseline>(iters, m, a);
}
#if CONVT_HAVE_NEON_LEVEL
constexpr int kChainsNeon = 24;  // of 32 q registers
__attribute__((noinline)) float peak_neon(int64_t iters, float m, float a) {
  return fma_chains<convt_impl::Vec4, kChainsNeon>(iters, m, a);
}
#endif
#if CONVT_HAVE_X86_LEVELS
__attribute__((noinline)) CONVT_TARGET_AVX2 float peak_avx2(int64_t iters, float m, float a) {
  return fma_chains<convt_impl::Vec8, kChainsAvx2>(iters, m, a);
}
__attribute__((noinline)) CONVT_TARGET_AVX512 float peak_avx512(int64_t iters, float m,
                                                                 float a) {
  return fma_chains<convt_impl::Vec16, kChainsAvx512>(iters, m, a);
}
#endif

volatile float g_m = 0.999999f, g_a = 1e-6f;
volatile float g_sink = 0.0f;

struct PeakLoop {
  float (*fn)(int64_t, float, float);
  int lanes, chains;
  const char* vec;
};

PeakLoop peak_loop(convt_impl::Isa isa) {
  switch (isa) {
#if CONVT_HAVE_X86_LEVELS
    case convt_impl::Isa::kAvx512: return {peak_avx512, 16, kChainsAvx512, "Vec16"};
    case convt_impl::Isa::kAvx2: return {peak_avx2, 8, kChainsAvx2, "Vec8"};
#elif CONVT_HAVE_NEON_LEVEL
    case convt_impl::Isa::kNeon: return {peak_neon, 4, kChainsNeon, "Vec4"};
#endif
    default:
      return {peak_baseline, convt_impl::kLanes<convt_impl::CONVT_BASELINE_VEC>, kChainsBaseline,
              convt_impl::kLanes<convt_impl::CONVT_BASELINE_VEC> == 1 ? "Vec1" : "Vec4"};
  }
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// GFLOP/s: a calibration run, a ~10 ms warm-up (and clock ramp-up), then the best of 5 runs
// of ~10 ms (~50 ms in all). Timed in the thread's CPU time, so that a run the scheduler
// preempts on a busy machine does not read low; a shared core (SMT sibling, hypervisor)
// still can.
double measure_peak(const PeakLoop& p) {
  int64_t iters = 1 << 12;
  double t = 0.0;
  for (;;) {  // calibrate: at least 2 ms
    const double t0 = thread_cpu_seconds();
    g_sink = g_sink + p.fn(iters, g_m, g_a);
    t = thread_cpu_seconds() - t0;
    if (t >= 2e-3 || iters > (int64_t{1} << 40)) break;
    iters *= 4;
  }
  const double per_iter = t / static_cast<double>(iters);
  const int64_t warm = std::max<int64_t>(1, static_cast<int64_t>(10e-3 / per_iter));
  g_sink = g_sink + p.fn(warm, g_m, g_a);
  const int64_t n = std::max<int64_t>(1, static_cast<int64_t>(10e-3 / per_iter));
  double best = 0.0;
  for (int run = 0; run < 5; ++run) {
    const double t0 = thread_cpu_seconds();
    g_sink = g_sink + p.fn(n, g_m, g_a);
    const double dt = std::max(thread_cpu_seconds() - t0, 1e-9);
    best = std::max(best, 2.0 * p.lanes * p.chains * static_cast<double>(n) / dt * 1e-9);
  }
  return best;
}

// ---- GEMM -----------------------------------------------------------------------------------

struct Shape {
  const char* name;
  int64_t m, n, k;
  const char* from;
};

// name, M, N, K, where it comes from (bench/shapes.txt, the rule above).
const Shape kShapes[] = {
    {"dcgan_g2", 256, 64, 2048, "512->256 8x8 k4 s2: 1 phase/chunk (2x2 taps)"},
    {"dcgan_g2_merged", 1024, 64, 2048, "dcgan_g2 with its 4 phases in one A"},
    {"dcgan_proj", 512, 16, 1600, "100->512 1x1 k4 s1: 1 phase, 4x4 taps"},
    {"unet_up", 256, 4096, 128, "128->64 64x64 k2 s2: 4 phases merged, 1 tap"},
    {"fcn32s", 273, 256, 84, "21->21 16x16 k64 s32: 13 phases merged, 2x2 taps"},
    {"fsrcnn", 9, 4096, 504, "56->1 64x64 k9 s3: 9 phases merged, 3x3 taps"},
    {"pointwise", 256, 784, 256, "256->256 28x28 k1 s1"},
    {"shallow", 64, 3136, 72, "synthetic: thin and shallow"},
};

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<float[], FreeDeleter>;

Buffer aligned_floats(int64_t count) {
  const size_t bytes = (static_cast<size_t>(std::max<int64_t>(count, 1)) * sizeof(float) + 63) /
                       64 * 64;
  void* p = std::aligned_alloc(64, bytes);
  if (!p) {
    std::fprintf(stderr, "convt-kernel-bench: out of memory\n");
    std::exit(2);
  }
  std::memset(p, 0, bytes);
  return Buffer(static_cast<float*>(p));
}

// The median seconds per call of f (see the top of the file).
template <typename F>
double median_seconds(F&& f, double min_ms) {
  double last = 0.0, warm = 0.0;
  for (int calls = 0; calls < 3 || warm < 5e-3; ++calls) {
    const Clock::time_point t0 = Clock::now();
    f();
    last = seconds_since(t0);
    warm += last;
  }
  const int batch = static_cast<int>(std::min(1e6, std::ceil(2e-4 / std::max(last, 1e-9))));
  std::vector<double> per_call;
  double total = 0.0;
  while ((total < min_ms * 1e-3 || per_call.size() < 5) && per_call.size() < 1000000) {
    const Clock::time_point t0 = Clock::now();
    for (int b = 0; b < batch; ++b) f();
    const double dt = seconds_since(t0);
    per_call.push_back(dt / batch);
    total += dt;
  }
  std::sort(per_call.begin(), per_call.end());
  const size_t n = per_call.size();
  return n % 2 ? per_call[n / 2] : 0.5 * (per_call[n / 2 - 1] + per_call[n / 2]);
}

// One shape's operands, OpenBLAS's result (the reference) and its time.
struct ShapeData {
  const Shape* shape = nullptr;
  Buffer a, b, c_ref;
  std::vector<const float*> b_rows;
  double blas_seconds = 0.0;
};

ShapeData make_shape_data(const Shape& s, double min_ms) {
  ShapeData d;
  d.shape = &s;
  std::mt19937 rng(static_cast<unsigned>(s.m * 131 + s.n * 7 + s.k));
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  d.a = aligned_floats(s.m * s.k);
  d.b = aligned_floats(s.k * s.n + convt_impl::kPaddedColumns);  // padded: b_padded reads
  d.c_ref = aligned_floats(s.m * s.n);
  for (int64_t i = 0; i < s.m * s.k; ++i) d.a[i] = u(rng);
  for (int64_t i = 0; i < s.k * s.n; ++i) d.b[i] = u(rng);
  for (int64_t kk = 0; kk < s.k; ++kk) d.b_rows.push_back(d.b.get() + kk * s.n);
  const int m = static_cast<int>(s.m), n = static_cast<int>(s.n), k = static_cast<int>(s.k);
  const float* a = d.a.get();
  const float* b = d.b.get();
  float* c = d.c_ref.get();
  d.blas_seconds = median_seconds(
      [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f,
                    c, n);
      },
      min_ms);
  return d;
}

struct KernelResult {
  int64_t h = 0;
  double seconds = 0.0;
  double max_rel_err = 0.0;  // max |C - C_ref| / max |C_ref|
};

KernelResult run_kernel(const convt_impl::KernelLevel& level, const ShapeData& d, double min_ms) {
  const Shape& s = *d.shape;
  const convt_impl::GemmTile& tile = level.tile;
  const int64_t panel = s.k >= convt_impl::kTallPanelDepth ? tile.tall_rows : tile.rows;
  KernelResult r;
  r.h = convt_impl::panel_rows(s.m, panel, tile);
  Buffer packed = aligned_floats(convt_impl::packed_a_floats(s.m, s.k, r.h));
  convt_impl::pack_a(s.m, s.k, d.a.get(), s.k, r.h, packed.get());
  Buffer c = aligned_floats(s.m * s.n);
  const float* a_packed = packed.get();
  const float* const* b_rows = d.b_rows.data();
  float* c_out = c.get();
  const int64_t h = r.h;
  r.seconds = median_seconds(
      [&] {
        level.gemm_packed(s.m, s.n, s.k, a_packed, s.k, h, b_rows, 0, c_out, s.n, true, nullptr,
                          nullptr);
      },
      min_ms);
  double max_ref = 0.0, max_diff = 0.0;
  for (int64_t i = 0; i < s.m * s.n; ++i) {
    max_ref = std::max(max_ref, static_cast<double>(std::fabs(d.c_ref[i])));
    const double diff = std::fabs(static_cast<double>(c[i]) - d.c_ref[i]);
    max_diff = std::isnan(diff) ? INFINITY : std::max(max_diff, diff);
  }
  r.max_rel_err = max_diff / std::max(max_ref, 1e-30);
  return r;
}

// ---- Header -------------------------------------------------------------------------------

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0 || line.rfind("Model", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        size_t b = colon + 1;
        while (b < line.size() && line[b] == ' ') ++b;
        return line.substr(b);
      }
    }
  }
  return "unknown";
}

const char* env_or_unset(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "(unset)";
}

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: convt-kernel-bench [--level baseline|avx2|avx512] [--min-ms M]\n"
               "  One core, one thread: convt's gemm_packed per kernel level (up to the\n"
               "  CPU's best) vs. the level's FMA peak and OpenBLAS cblas_sgemm (1 thread).\n"
               "  --level NAME  run only this level (the CPU must support it)\n"
               "  --min-ms M    timed milliseconds per (kernel, shape), default 200 (>= 1)\n");
}

}  // namespace

int main(int argc, char** argv) {
  double min_ms = 200.0;
  int only_level = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    } else if (arg == "--min-ms" && i + 1 < argc) {
      char* end = nullptr;
      min_ms = std::strtod(argv[++i], &end);
      if (!end || *end || !(min_ms >= 1.0) || min_ms > 1e6) {
        std::fprintf(stderr, "convt-kernel-bench: --min-ms wants a number of ms >= 1\n");
        return 2;
      }
    } else if (arg == "--level" && i + 1 < argc) {
      const std::string name = argv[++i];
      for (int l = 0; l < convt_impl::kIsaCount; ++l)
        if (name == convt_impl::isa_name(static_cast<convt_impl::Isa>(l))) only_level = l;
      if (only_level < 0) {
        std::fprintf(stderr, "convt-kernel-bench: unknown level '%s'\n", name.c_str());
        usage(stderr);
        return 2;
      }
    } else {
      std::fprintf(stderr, "convt-kernel-bench: unknown argument '%s'\n", arg.c_str());
      usage(stderr);
      return 2;
    }
  }
  const convt_impl::Isa best = convt_impl::cpu_best_isa();
  int last_level = static_cast<int>(best);
  if (only_level > last_level) {
    std::fprintf(stderr, "convt-kernel-bench: this CPU lacks level %s (its best is %s)\n",
                 convt_impl::isa_name(static_cast<convt_impl::Isa>(only_level)), convt_impl::isa_name(best));
    return 2;
  }

  openblas_set_num_threads(1);
  std::printf("convt-kernel-bench: GEMM kernels on one core, one thread, fp32, C = A x B\n");
  std::printf("CPU        %s\n", cpu_model().c_str());
  std::printf("convt      convt_cpu_isa() %s, cpu_best_isa() %s (levels benched: ", convt_cpu_isa(),
              convt_impl::isa_name(best));
  for (int l = 0; l <= last_level; ++l)
    if (only_level < 0 || only_level == l)
      std::printf("%s%s", l == (only_level < 0 ? 0 : only_level) ? "" : ", ",
                  convt_impl::isa_name(static_cast<convt_impl::Isa>(l)));
  std::printf(")\n");
  std::printf("OpenBLAS   core %s, 1 thread; OPENBLAS_CORETYPE=%s OPENBLAS_L2_SIZE=%s\n",
              openblas_get_corename(), env_or_unset("OPENBLAS_CORETYPE"),
              env_or_unset("OPENBLAS_L2_SIZE"));
  std::printf("           config: %s\n", openblas_get_config());
  std::printf("timing     median per call over >= %.0f ms per (kernel, shape), warm caches;\n"
              "           convt: gemm_packed, A packed once (h rows per panel), B = K row\n"
              "           pointers (b_padded), no bias; OpenBLAS: cblas_sgemm RowMajor NN\n"
              "           GFLOP/s = 2*M*N*K / time; %% = of the level's FMA peak (register-only\n"
              "           multiply-adds, best of 5 x ~10 ms of thread CPU time)\n\n",
              min_ms);
  std::fflush(stdout);

  // OpenBLAS per shape: once, the first time a shape is needed.
  std::vector<ShapeData> data;
  const int shape_count = static_cast<int>(sizeof kShapes / sizeof kShapes[0]);
  bool mismatch = false, above_peak = false;
  const char* rule =
      "-------------------------------------------------------------------------------------"
      "------------";
  for (int l = 0; l <= last_level; ++l) {
    if (only_level >= 0 && l != only_level) continue;
    const convt_impl::Isa isa = static_cast<convt_impl::Isa>(l);
    const convt_impl::KernelLevel& level = convt_impl::kernels_at(isa);
    const PeakLoop loop = peak_loop(isa);
    const double peak = measure_peak(loop);
    std::printf("peak %-8s %8.1f GFLOP/s  (%d x %s multiply-add chains, %d lanes; tile %lldx%lld,"
                " tall %lld, max %lld)\n",
                convt_impl::isa_name(isa), peak, loop.chains, loop.vec, loop.lanes,
                static_cast<long long>(level.tile.rows), static_cast<long long>(level.tile.cols),
                static_cast<long long>(level.tile.tall_rows),
                static_cast<long long>(level.tile.max_rows));
    std::printf("%-8s %-16s %5s %5s %5s %3s  %9s %6s  %9s %6s  %8s\n", "level", "shape", "M", "N",
                "K", "h", "convt", "%peak", "OpenBLAS", "%peak", "convt/OB");
    std::printf("%-8s %-16s %5s %5s %5s %3s  %9s %6s  %9s %6s  %8s\n", "", "", "", "", "", "",
                "GFLOP/s", "", "GFLOP/s", "", "");
    std::printf("%s\n", rule);
    std::fflush(stdout);
    for (int si = 0; si < shape_count; ++si) {
      const Shape& s = kShapes[si];
      if (static_cast<int>(data.size()) <= si) data.push_back(make_shape_data(s, min_ms));
      const ShapeData& d = data[static_cast<size_t>(si)];
      const KernelResult r = run_kernel(level, d, min_ms);
      const double flops = 2.0 * static_cast<double>(s.m) * static_cast<double>(s.n) *
                           static_cast<double>(s.k);
      const double ours = flops / r.seconds * 1e-9, blas = flops / d.blas_seconds * 1e-9;
      std::printf("%-8s %-16s %5lld %5lld %5lld %3lld  %9.1f %5.1f%%  %9.1f %5.1f%%  %8.2f\n",
                  convt_impl::isa_name(isa), s.name, static_cast<long long>(s.m),
                  static_cast<long long>(s.n), static_cast<long long>(s.k),
                  static_cast<long long>(r.h), ours, 100.0 * ours / peak, blas,
                  100.0 * blas / peak, ours / blas);
      above_peak |= ours > peak || blas > peak;
      // fp32 sums of K products in a different order: ~1e-6 relative; 1e-4 is a wrong result.
      if (!(r.max_rel_err <= 1e-4)) {
        std::printf("  ^ MISMATCH: convt's C differs from OpenBLAS's by %.3g (relative to max |C|)\n",
                    r.max_rel_err);
        mismatch = true;
      }
      std::fflush(stdout);
    }
    std::printf("\n");
  }
  if (above_peak)
    std::printf("note: a rate above 100 %% of its level's peak: the peak loop ran slow (a busy\n"
                "      machine or a shared core?); rerun on an idle one\n\n");
  std::printf("shapes (bench/shapes.txt, per sub-pixel phase chunk: M = Cout/g * phases merged,\n"
              "        K = Cin/g * taps, N = H*W per batch item):\n");
  for (const Shape& s : kShapes) std::printf("  %-16s %s\n", s.name, s.from);
  return mismatch ? 1 : 0;
}
