/* The public header compiles as C99 and its basic functions work from C, at every rank. */
#include <convt/convt.h>
#include <stdio.h>
#include <string.h>

static int failed = 0, passed = 0;
#define EXPECT(cond)                                              \
  do {                                                            \
    if (cond) {                                                   \
      ++passed;                                                   \
    } else {                                                      \
      ++failed;                                                   \
      fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                             \
  } while (0)

int main(void) {
  convt_params p;
  convt_handle* h = NULL;
  float w[2 * 3 * 2 * 2];
  float x[1 * 2 * 2 * 2] = {1, 2, 3, 4, 5, 6, 7, 8};
  float y[1 * 3 * 3 * 3];
  int64_t in_shape[4] = {1, 2, 2, 2}, out_shape[4];
  int i;
  for (i = 0; i < 24; ++i) w[i] = (float)(i % 5) - 2.0f;

  EXPECT(convt_version_number() == CONVT_VERSION_NUMBER);
  EXPECT(strcmp(convt_status_string(CONVT_ERROR_INTERNAL), "CONVT_ERROR_INTERNAL") == 0);
  EXPECT(strcmp(convt_last_error(), "") == 0);

  convt_params_init(&p, sizeof p);
  p.in_channels = 2;
  p.out_channels = 3;
  p.kernel_size[0] = p.kernel_size[1] = 2;
  EXPECT(convt_create(&p, w, NULL, &h) == CONVT_OK);
  EXPECT(convt_output_shape(h, in_shape, NULL, out_shape) == CONVT_OK);
  EXPECT(out_shape[0] == 1 && out_shape[1] == 3 && out_shape[2] == 3 && out_shape[3] == 3);
  EXPECT(convt_run(h, in_shape, x, NULL, y, 27, NULL, 0) == CONVT_OK);
  /* out[co=0][0][0] = x[ci=0][0][0]*w[0][0][0][0] + x[ci=1][0][0]*w[1][0][0][0]
   *                 = 1*(-2) + 5*w[12] = -2 + 5*(12%5-2) = -2 + 0 = -2 */
  EXPECT(y[0] == -2.0f);
  EXPECT(convt_run(h, in_shape, x, NULL, y, 26, NULL, 0) == CONVT_ERROR_INVALID_ARGUMENT);
  EXPECT(strstr(convt_last_error(), "output_capacity") != NULL);
  convt_destroy(h);

  /* ConvTranspose1d(1, 1, 3, stride=2) on (1, 1, 2): x = (1, 2), w = (1, 10, 100) gives
   * (1, 10, 100 + 2*1, 2*10, 2*100); with output_size 6 one more, 0 (nothing reaches it). */
  {
    const float x1[2] = {1, 2}, w1[3] = {1, 10, 100};
    const float want[6] = {1, 10, 102, 20, 200, 0};
    const int64_t in1[3] = {1, 1, 2}, size1[1] = {6};
    int64_t out1[3 + 1] = {0, 0, 0, -7};
    float y1[6];
    convt_params_init(&p, sizeof p);
    p.spatial_dims = 1;
    p.in_channels = p.out_channels = 1;
    p.kernel_size[0] = 3;
    p.stride[0] = 2;
    p.kernel_size[1] = 0; /* entries past spatial_dims are ignored */
    EXPECT(convt_create(&p, w1, NULL, &h) == CONVT_OK);
    EXPECT(convt_output_shape(h, in1, NULL, out1) == CONVT_OK);
    EXPECT(out1[0] == 1 && out1[1] == 1 && out1[2] == 5 && out1[3] == -7);
    EXPECT(convt_run(h, in1, x1, NULL, y1, 5, NULL, 0) == CONVT_OK);
    EXPECT(memcmp(y1, want, 5 * sizeof(float)) == 0);
    EXPECT(convt_run(h, in1, x1, size1, y1, 6, NULL, 0) == CONVT_OK);
    EXPECT(memcmp(y1, want, 6 * sizeof(float)) == 0);
    convt_destroy(h);
  }

  /* ConvTranspose3d(1, 2, (2, 1, 1), stride=(2, 1, 1)) on (1, 1, 2, 1, 2): each depth tap
   * kd of output channel o scales the input into output depth 2*d + kd. */
  {
    const float x3[4] = {1, 2, 3, 4}; /* x[d][w]: d 0: (1, 2), d 1: (3, 4) */
    const float w3[4] = {1, 10, -1, 0.5f}; /* w[0][o][kd]: o 0: (1, 10), o 1: (-1, 0.5) */
    const float b3[2] = {100, 0};
    const float want[2 * 4 * 2] = {101, 102, 110, 120, 103, 104, 130, 140,
                                   -1, -2, 0.5f, 1, -3, -4, 1.5f, 2};
    const int64_t in3[5] = {1, 1, 2, 1, 2};
    int64_t out3[5 + 1] = {0, 0, 0, 0, 0, -7};
    float y3[16];
    convt_params_init(&p, sizeof p);
    p.spatial_dims = 3;
    p.in_channels = 1;
    p.out_channels = 2;
    p.kernel_size[0] = 2, p.kernel_size[1] = p.kernel_size[2] = 1;
    p.stride[0] = 2;
    EXPECT(convt_create(&p, w3, b3, &h) == CONVT_OK);
    EXPECT(convt_output_shape(h, in3, NULL, out3) == CONVT_OK);
    EXPECT(out3[0] == 1 && out3[1] == 2 && out3[2] == 4 && out3[3] == 1 && out3[4] == 2 &&
           out3[5] == -7);
    EXPECT(convt_run(h, in3, x3, NULL, y3, 16, NULL, 0) == CONVT_OK);
    EXPECT(memcmp(y3, want, sizeof want) == 0);
    convt_destroy(h);
    p.spatial_dims = 4;
    EXPECT(convt_create(&p, w3, b3, &h) == CONVT_ERROR_INVALID_ARGUMENT);
    EXPECT(strcmp(convt_last_error(), "spatial_dims must be 1, 2 or 3, but got spatial_dims: 4") ==
           0);
    EXPECT(h == NULL);
  }

  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
