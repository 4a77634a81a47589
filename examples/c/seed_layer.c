/* The seed layer from C: ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))
 * on a 20x16x50x100 input. Runs the planner's choice and the reference algorithm and
 * checks that they agree. An optional argument sets the batch (default 20).
 * Build: cc seed_layer.c $(pkg-config --cflags --libs convt) -lm */
#include <convt/convt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Deterministic data in [-1, 1) without rand(): a small LCG. */
static void fill(float* v, size_t n, uint32_t seed) {
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    v[i] = (float)(seed >> 8) / (float)(1u << 24) * 2.0f - 1.0f;
  }
}

static convt_handle* make_layer(int32_t algorithm, const float* w, const float* b) {
  convt_params p;
  convt_handle* h = NULL;
  convt_params_init(&p, sizeof p);
  p.in_channels = 16;
  p.out_channels = 33;
  p.kernel_size[0] = 3, p.kernel_size[1] = 5;
  p.stride[0] = 2, p.stride[1] = 1;
  p.padding[0] = 4, p.padding[1] = 2;
  p.algorithm = algorithm;
  if (convt_create(&p, w, b, &h) != CONVT_OK) {
    fprintf(stderr, "convt_create: %s\n", convt_last_error());
    exit(1);
  }
  return h;
}

int main(int argc, char** argv) {
  const int64_t batch = argc > 1 ? atoi(argv[1]) : 20;
  const int64_t in_shape[4] = {batch, 16, 50, 100};
  int64_t out_shape[4];
  size_t n_in = (size_t)batch * 16 * 50 * 100, n_w = 16 * 33 * 3 * 5, n_out, i;
  float *x = malloc(n_in * sizeof *x), *w = malloc(n_w * sizeof *w), b[33];
  float *y, *ref;
  double max_diff = 0.0, sum = 0.0;
  convt_handle *fast, *slow;
  int32_t algorithm;

  fill(x, n_in, 1), fill(w, n_w, 2), fill(b, 33, 3);
  fast = make_layer(CONVT_ALGORITHM_AUTO, w, b);
  slow = make_layer(CONVT_ALGORITHM_REFERENCE, w, b);
  free(w); /* the handles keep their own copies */

  if (convt_output_shape(fast, in_shape, NULL, out_shape) != CONVT_OK) {
    fprintf(stderr, "convt_output_shape: %s\n", convt_last_error());
    return 1;
  }
  n_out = (size_t)(out_shape[0] * out_shape[1] * out_shape[2] * out_shape[3]);
  y = malloc(n_out * sizeof *y);
  ref = malloc(n_out * sizeof *ref);
  if (convt_run(fast, in_shape, x, NULL, y, n_out, NULL, 0) != CONVT_OK ||
      convt_run(slow, in_shape, x, NULL, ref, n_out, NULL, 0) != CONVT_OK) {
    fprintf(stderr, "convt_run: %s\n", convt_last_error());
    return 1;
  }
  convt_selected_algorithm(fast, in_shape, NULL, &algorithm);
  for (i = 0; i < n_out; ++i) {
    double d = fabs((double)y[i] - (double)ref[i]);
    if (d > max_diff) max_diff = d;
    sum += y[i];
  }
  printf("convt %s (%s kernels): output %lldx%lldx%lldx%lld via %s, sum %.4f, "
         "max |auto - reference| %.3g\n",
         convt_version_string(), convt_cpu_isa(), (long long)out_shape[0], (long long)out_shape[1],
         (long long)out_shape[2], (long long)out_shape[3], convt_algorithm_name(algorithm), sum,
         max_diff);
  convt_destroy(fast);
  convt_destroy(slow);
  free(x), free(y), free(ref);
  if (batch < 1 || out_shape[2] != 93 || out_shape[3] != 100 || max_diff > 1e-4) {
    fprintf(stderr, "FAILED\n");
    return 1;
  }
  return 0;
}
