// Out of memory, for real: the address space is capped with setrlimit so the library's own
// allocations fail. A failed allocation must give CONVT_ERROR_OUT_OF_MEMORY, leave no handle
// behind, and leave an existing handle usable. (Not under AddressSanitizer, which needs a
// huge address space for its shadow memory; ctest skips it there.)
#include <sys/resource.h>

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

int main() {
#ifdef CONVT_UNDER_SANITIZER
  std::printf("skipped under a sanitizer\n");
  return 77;
#else
  // A layer whose column buffer is large: 1x1 input, 2048x2048 kernel, one output channel:
  // the GEMM lowering's scratch is 2048*2048 floats = 16 MiB. (Padding 1, so that the
  // output, 2046x2046, is not the kernel window itself, which needs no column buffer.)
  convt_params p;
  convt_params_init(&p, sizeof p);
  p.in_channels = 1;
  p.out_channels = 1;
  p.kernel_size[0] = p.kernel_size[1] = 2048;
  p.padding[0] = p.padding[1] = 1;
  p.algorithm = CONVT_ALGORITHM_GEMM_COL2IM;
  p.num_threads = 1;
  std::vector<float> w(2048 * 2048, 0.5f), y(2046 * 2046, -1.0f), small_w(4 * 9, 0.25f);
  float x = 2.0f;
  convt_handle* h = nullptr;
  expect(convt_create(&p, w.data(), nullptr, &h) == CONVT_OK, "create the big layer");
  const int64_t in_shape[4] = {1, 1, 1, 1};
  size_t ws = 0;
  expect(convt_workspace_size(h, in_shape, nullptr, &ws) == CONVT_OK && ws >= (16u << 20),
         "workspace of the big layer is >= 16 MiB");

  // A small layer made before the cap: it must keep working under it.
  convt_params q;
  convt_params_init(&q, sizeof q);
  q.in_channels = 2, q.out_channels = 2, q.kernel_size[0] = q.kernel_size[1] = 3;
  q.num_threads = 1;
  convt_handle* small = nullptr;
  expect(convt_create(&q, small_w.data(), nullptr, &small) == CONVT_OK, "create a small layer");
  const int64_t small_in[4] = {1, 2, 2, 2};
  float sx[8] = {1, 1, 1, 1, 1, 1, 1, 1}, sy[2 * 4 * 4];
  expect(convt_run(small, small_in, sx, nullptr, sy, 32, nullptr, 0) == CONVT_OK, "small run");

  // Cap the address space a little above what is mapped now: 16 MiB more cannot be had.
  struct rlimit old_limit;
  getrlimit(RLIMIT_AS, &old_limit);
  struct rlimit cap = old_limit;
  cap.rlim_cur = static_cast<rlim_t>(current_vm_bytes() + (8 << 20));
  if (setrlimit(RLIMIT_AS, &cap) != 0) {
    std::printf("cannot set RLIMIT_AS: skipped\n");
    return 77;
  }

  // The run's workspace cannot be allocated.
  expect(convt_run(h, in_shape, &x, nullptr, y.data(), y.size(), nullptr, 0) ==
             CONVT_ERROR_OUT_OF_MEMORY, "run whose workspace cannot be had: OUT_OF_MEMORY");
  expect(std::strstr(convt_last_error(), "workspace") != nullptr, "message names the workspace");
  expect(y[0] == -1.0f && y[y.size() - 1] == -1.0f, "output untouched");

  // A handle whose weight copy cannot be allocated: nothing is left behind.
  convt_handle* h2 = reinterpret_cast<convt_handle*>(&x);
  expect(convt_create(&p, w.data(), nullptr, &h2) == CONVT_ERROR_OUT_OF_MEMORY,
         "create whose weight copy cannot be had: OUT_OF_MEMORY");
  expect(h2 == nullptr, "no handle on failure");

  // Existing handles still work, under the cap.
  expect(convt_run(small, small_in, sx, nullptr, sy, 32, nullptr, 0) == CONVT_OK,
         "small run under the cap");
  expect(sy[0] == 0.5f, "small run value (1*0.25 + 1*0.25)");

  setrlimit(RLIMIT_AS, &old_limit);
  // With memory back, the big handle runs, with a caller workspace too.
  std::vector<unsigned char> scratch(ws + 64);
  expect(convt_run(h, in_shape, &x, nullptr, y.data(), y.size(), nullptr, 0) == CONVT_OK,
         "big run after the cap is lifted");
  expect(y[0] == 1.0f && y[y.size() - 1] == 1.0f, "big run values (2 * 0.5)");
  convt_destroy(h);
  convt_destroy(small);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
#endif
}
