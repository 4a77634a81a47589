/* The public header compiles as C99 and its basic functions work from C. */
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

  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
