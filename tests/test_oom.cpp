// Out of memory, for real, at every rank: the address space is capped with setrlimit so the
// library's own allocations fail. A failed allocation must give CONVT_ERROR_OUT_OF_MEMORY, leave no handle
// behind, and leave an existing handle usable. (Not under AddressSanitizer, which needs a
// huge address space for its shadow memory; ctest skips it there.)
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "convt/convt.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CONVT_UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CONVT_UNDER_SANITIZER 1
#endif
#endif

static int passed = 0, failed = 0;
static void expect(bool ok, const char* what) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    std::printf("FAILED: %s (last error: %s)\n", what, convt_last_error());
  }
}

static long current_vm_bytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  long pages = 0;
  if (f) {
    if (std::fscanf(f, "%ld", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  return pages * 4096;
}

// A layer of `rank` dimensions whose GEMM + col2im column buffer is about 16 MiB: a 1x1
// input, a kernel of about 4M taps (2^22 in 1-D, 2048x2048, 160x160x160), one output
// channel. (Padding 1, so that the output is not the kernel window itself, which needs no
// column buffer.)
struct BigLayer {
  int rank;
  int64_t kernel;
  convt_params p;
  convt_handle* h = nullptr;
  int64_t taps = 1, out_elems = 1;
  std::vector<int64_t> in_shape;
  std::vector<float> y;
  size_t ws = 0;

  BigLayer(int r, int64_t k) : rank(r), kernel(k), in_shape(static_cast<size_t>(2 + r), 1) {
    convt_params_init(&p, sizeof p);
    p.spatial_dims = rank;
    p.in_channels = 1;
    p.out_channels = 1;
    for (int i = 0; i < rank; ++i) {
      p.kernel_size[i] = kernel;
      p.padding[i] = 1;
      taps *= kernel;
      out_elems *= kernel - 2;
    }
    p.algorithm = CONVT_ALGORITHM_GEMM_COL2IM;
    p.num_threads = 1;
    y.assign(static_cast<size_t>(out_elems), -1.0f);
  }
};

// A small layer of `rank` dimensions: 2 channels in and out, kernel 3, on 2 pixels each way.
struct SmallLayer {
  int rank;
  convt_handle* h = nullptr;
  std::vector<int64_t> in_shape;
  std::vector<float> x, y;

  explicit SmallLayer(int r) : rank(r), in_shape(static_cast<size_t>(2 + r), 2) {
    in_shape[0] = 1;
    size_t in = 2, out = 2;
    for (int i = 0; i < rank; ++i) in *= 2, out *= 4;
    x.assign(in, 1.0f);
    y.assign(out, 0.0f);
  }
  bool create() {
    convt_params q;
    convt_params_init(&q, sizeof q);
    q.spatial_dims = rank;
    q.in_channels = 2, q.out_channels = 2;
    size_t taps = 1;
    for (int i = 0; i < rank; ++i) q.kernel_size[i] = 3, taps *= 3;
    q.num_threads = 1;
    const std::vector<float> w(2 * 2 * taps, 0.25f);
    return convt_create(&q, w.data(), nullptr, &h) == CONVT_OK;
  }
  bool run() {
    return convt_run(h, in_shape.data(), x.data(), nullptr, y.data(), y.size(), nullptr, 0) ==
           CONVT_OK;
  }
};

int main() {
#ifdef CONVT_UNDER_SANITIZER
  std::printf("skipped under a sanitizer\n");
  return 77;
#else
#ifdef __GLIBC__
  // A fixed mmap threshold: every large block is its own mapping, unmapped when freed.
  // (glibc's default raises the threshold past a freed block's size, after which large
  // blocks come from the heap and stay there when freed: a later allocation under the cap
  // could reuse one and succeed.)
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  std::vector<BigLayer> big = {BigLayer(1, int64_t(1) << 22), BigLayer(2, 2048),
                               BigLayer(3, 160)};
  float x = 2.0f;
  for (BigLayer& b : big) {
    const std::vector<float> w(static_cast<size_t>(b.taps), 0.5f);
    expect(convt_create(&b.p, w.data(), nullptr, &b.h) == CONVT_OK, "create a big layer");
    expect(convt_workspace_size(b.h, b.in_shape.data(), nullptr, &b.ws) == CONVT_OK &&
               b.ws >= (15u << 20),
           "workspace of a big layer is >= 15 MiB");
  }

  // Small layers made and run before the cap: they must keep working under it.
  std::vector<SmallLayer> small = {SmallLayer(1), SmallLayer(2), SmallLayer(3)};
  for (SmallLayer& s : small) {
    expect(s.create(), "create a small layer");
    expect(s.run(), "small run");
  }

  // Cap the address space a little above what is mapped now: 15 MiB more cannot be had.
  struct rlimit old_limit;
  getrlimit(RLIMIT_AS, &old_limit);
  struct rlimit cap = old_limit;
  cap.rlim_cur = static_cast<rlim_t>(current_vm_bytes() + (8 << 20));
  if (setrlimit(RLIMIT_AS, &cap) != 0) {
    std::printf("cannot set RLIMIT_AS: skipped\n");
    return 77;
  }

  for (BigLayer& b : big) {
    std::printf("%d-D: kernel %lld per dimension, workspace %zu bytes\n", b.rank,
                static_cast<long long>(b.kernel), b.ws);
    // The run's workspace cannot be allocated.
    expect(convt_run(b.h, b.in_shape.data(), &x, nullptr, b.y.data(), b.y.size(), nullptr, 0) ==
               CONVT_ERROR_OUT_OF_MEMORY,
           "run whose workspace cannot be had: OUT_OF_MEMORY");
    expect(std::strstr(convt_last_error(), "workspace") != nullptr, "message names the workspace");
    expect(b.y.front() == -1.0f && b.y.back() == -1.0f, "output untouched");

    // A handle whose weight copy cannot be allocated: nothing is left behind. (The weight is
    // read only after the copy is had: any readable buffer will do.)
    convt_handle* h2 = reinterpret_cast<convt_handle*>(&x);
    expect(convt_create(&b.p, b.y.data(), nullptr, &h2) == CONVT_ERROR_OUT_OF_MEMORY,
           "create whose weight copy cannot be had: OUT_OF_MEMORY");
    expect(h2 == nullptr, "no handle on failure");
  }

  // Existing handles still work, under the cap.
  for (SmallLayer& s : small) {
    expect(s.run(), "small run under the cap");
    expect(s.y[0] == 0.5f, "small run value (1*0.25 + 1*0.25)");
  }

  setrlimit(RLIMIT_AS, &old_limit);
  // With memory back, the big handles run, with a caller workspace too.
  for (BigLayer& b : big) {
    expect(convt_run(b.h, b.in_shape.data(), &x, nullptr, b.y.data(), b.y.size(), nullptr, 0) ==
               CONVT_OK,
           "big run after the cap is lifted");
    expect(b.y.front() == 1.0f && b.y.back() == 1.0f, "big run values (2 * 0.5)");
    std::vector<unsigned char> scratch(b.ws);
    std::fill(b.y.begin(), b.y.end(), -1.0f);
    expect(convt_run(b.h, b.in_shape.data(), &x, nullptr, b.y.data(), b.y.size(), scratch.data(),
                     scratch.size()) == CONVT_OK,
           "big run with a caller workspace");
    expect(b.y.front() == 1.0f && b.y.back() == 1.0f, "big run values, caller workspace");
    convt_destroy(b.h);
  }
  for (SmallLayer& s : small) convt_destroy(s.h);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
#endif
}
