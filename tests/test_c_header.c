/* The public header compiles as C99 and its basic functions work from C, at every rank,
 * with each of the 0.4 fields (padding kinds, padding_end, output_size as ONNX's
 * output_shape, channels last, the activations): values worked out by hand. */
#include <convt/convt.h>
#include <math.h>
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

/* ConvTranspose1d(1, 1, 3, stride=2) on x = (1, 2), w = (1, 10, 100): the untrimmed output
 * is (1, 10, 102, 20, 200). Runs it with a padding kind (and padding, padding_end, bias,
 * output_size) and compares with want[0 .. n-1], exactly. */
static int run_1d(int32_t kind, int64_t padding, int64_t padding_end, const float* bias,
                  const int64_t* size, const float* want, int64_t n) {
  const float x[2] = {1, 2}, w[3] = {1, 10, 100};
  const int64_t in[3] = {1, 1, 2};
  int64_t out[3] = {0, 0, 0};
  float y[8];
  convt_params p;
  convt_handle* h = NULL;
  int ok;
  convt_params_init(&p, sizeof p);
  p.spatial_dims = 1;
  p.in_channels = p.out_channels = 1;
  p.kernel_size[0] = 3;
  p.stride[0] = 2;
  p.padding[0] = padding;
  p.padding_end[0] = padding_end;
  p.padding_kind = kind;
  if (convt_create(&p, w, bias, &h) != CONVT_OK) return 0;
  ok = convt_output_shape(h, in, size, out) == CONVT_OK && out[2] == n &&
       convt_run(h, in, x, size, y, (size_t)n, NULL, 0) == CONVT_OK &&
       memcmp(y, want, (size_t)n * sizeof(float)) == 0;
  convt_destroy(h);
  return ok;
}

/* ConvTranspose1d(1, 1, 3) (stride 1) on x = (1, -2), w = (1, -1, 0.5): (1, -3, 2.5, -1),
 * then the activation. Within 1e-6 of want (exactly where the activation is exact). */
static int run_activation(int32_t activation, float alpha, float beta, const float* want) {
  const float x[2] = {1, -2}, w[3] = {1, -1, 0.5f};
  const int64_t in[3] = {1, 1, 2};
  float y[4];
  convt_params p;
  convt_handle* h = NULL;
  int ok, i;
  convt_params_init(&p, sizeof p);
  p.spatial_dims = 1;
  p.in_channels = p.out_channels = 1;
  p.kernel_size[0] = 3;
  p.activation = activation;
  p.activation_alpha = alpha;
  p.activation_beta = beta;
  if (convt_create(&p, w, NULL, &h) != CONVT_OK) return 0;
  ok = convt_run(h, in, x, NULL, y, 4, NULL, 0) == CONVT_OK;
  for (i = 0; i < 4; ++i) ok = ok && fabs((double)y[i] - want[i]) <= 1e-6 * (1 + fabs(want[i]));
  convt_destroy(h);
  return ok;
}

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

  /* ---- The 0.4 fields (convt_params of 216 bytes) ---- */
  EXPECT(sizeof(convt_params) == CONVT_PARAMS_SIZE_V0_2);
  {
    const float full[5] = {1, 10, 102, 20, 200};
    const float trimmed[2] = {10, 102};           /* EXPLICIT: 1 at the begin, 2 at the end */
    const float same_upper[4] = {1, 10, 102, 20}; /* T = 3 - 2 = 1, at the end */
    const float same_lower[4] = {10, 102, 20, 200};
    const float b[1] = {0.5f};
    const float extended[6] = {1.5f, 10.5f, 102.5f, 20.5f, 200.5f, 0.5f}; /* the bias past it */
    const float upper2[2] = {10, 102}, lower2[2] = {102, 20}; /* output_size 2: T = 3 */
    const int64_t six[1] = {6}, seven[1] = {7}, two[1] = {2};
    EXPECT(run_1d(CONVT_PADDING_SYMMETRIC, 0, 9, NULL, NULL, full, 5)); /* padding_end unread */
    EXPECT(run_1d(CONVT_PADDING_EXPLICIT, 1, 2, NULL, NULL, trimmed, 2));
    EXPECT(run_1d(CONVT_PADDING_SAME_UPPER, 9, 9, NULL, NULL, same_upper, 4));
    EXPECT(run_1d(CONVT_PADDING_SAME_LOWER, 0, 0, NULL, NULL, same_lower, 4));
    EXPECT(run_1d(CONVT_PADDING_VALID, 1, 1, NULL, NULL, full, 5));
    /* ONNX's output_shape: 1 .. stride*in + dilation*(kernel-1) = 6 */
    EXPECT(run_1d(CONVT_PADDING_EXPLICIT, 1, 2, b, six, extended, 6));
    EXPECT(run_1d(CONVT_PADDING_SAME_UPPER, 0, 0, NULL, two, upper2, 2));
    EXPECT(run_1d(CONVT_PADDING_SAME_LOWER, 0, 0, NULL, two, lower2, 2));
    EXPECT(!run_1d(CONVT_PADDING_VALID, 0, 0, NULL, seven, full, 7));
    EXPECT(strstr(convt_last_error(), "output size of [7], but valid sizes range from [1] to [6]"));
    EXPECT(!run_1d(CONVT_PADDING_EXPLICIT, 3, 2, NULL, NULL, full, 0)); /* 5 - 3 - 2 = 0 */
    EXPECT(strstr(convt_last_error(), "Output size is too small (padding_kind EXPLICIT"));
    EXPECT(!run_1d(CONVT_PADDING_EXPLICIT, 0, -1, NULL, NULL, full, 6));
    EXPECT(strstr(convt_last_error(), "padding_end_width: -1"));
    EXPECT(!run_1d(5, 0, 0, NULL, NULL, full, 5));
    EXPECT(strstr(convt_last_error(), "but got padding_kind: 5"));
  }
  {
    /* ConvTranspose2d(2, 3, 1) on one row of 2 pixels, channels last: (N, H, W, C) in and
     * out, y[pixel][o] = sum_c x[pixel][c] * w[c][o]. */
    const float x[4] = {1, 10, 2, 20};        /* pixel 0: (1, 10), pixel 1: (2, 20) */
    const float w[6] = {1, 2, 3, 4, 5, 6};    /* w[c][o][0][0] */
    const float want[6] = {41, 52, 63, 82, 104, 126};
    const int64_t in[4] = {1, 2, 1, 2};       /* shapes stay (N, C, H, W) */
    int64_t out[4] = {0, 0, 0, 0};
    float y[6];
    convt_params_init(&p, sizeof p);
    p.in_channels = 2;
    p.out_channels = 3;
    p.kernel_size[0] = p.kernel_size[1] = 1;
    p.layout = CONVT_LAYOUT_CHANNELS_LAST;
    EXPECT(convt_create(&p, w, NULL, &h) == CONVT_OK);
    EXPECT(convt_output_shape(h, in, NULL, out) == CONVT_OK);
    EXPECT(out[0] == 1 && out[1] == 3 && out[2] == 1 && out[3] == 2);
    EXPECT(convt_run(h, in, x, NULL, y, 6, NULL, 0) == CONVT_OK);
    EXPECT(memcmp(y, want, sizeof want) == 0);
    EXPECT(convt_get_params(h, &p, sizeof p) == CONVT_OK && p.layout == CONVT_LAYOUT_CHANNELS_LAST);
    convt_destroy(h);
    p.layout = 2;
    EXPECT(convt_create(&p, w, NULL, &h) == CONVT_ERROR_INVALID_ARGUMENT && h == NULL);
    EXPECT(strstr(convt_last_error(), "but got layout: 2"));
  }
  {
    /* the activations of (1, -3, 2.5, -1) */
    const float relu[4] = {1, 0, 2.5f, 0}, leaky[4] = {1, -1.5f, 2.5f, -0.5f};
    const float clamp[4] = {1, -1, 2, -1};
    const float tanh_[4] = {0.761594156f, -0.995054754f, 0.986614298f, -0.761594156f};
    const float sigmoid[4] = {0.731058579f, 0.0474258732f, 0.92414182f, 0.268941421f};
    const float elu[4] = {1, -0.950212932f, 2.5f, -0.632120559f};
    const float gelu[4] = {0.841344746f, -0.00404969409f, 2.48447584f, -0.158655254f};
    const float none[4] = {1, -3, 2.5f, -1};
    EXPECT(run_activation(CONVT_ACTIVATION_NONE, 0, 0, none));
    EXPECT(run_activation(CONVT_ACTIVATION_RELU, 0, 0, relu));
    EXPECT(run_activation(CONVT_ACTIVATION_LEAKY_RELU, 0.5f, 0, leaky));
    EXPECT(run_activation(CONVT_ACTIVATION_CLAMP, -1, 2, clamp));
    EXPECT(run_activation(CONVT_ACTIVATION_CLAMP, -INFINITY, INFINITY, none));
    EXPECT(run_activation(CONVT_ACTIVATION_TANH, 0, 0, tanh_));
    EXPECT(run_activation(CONVT_ACTIVATION_SIGMOID, 0, 0, sigmoid));
    EXPECT(run_activation(CONVT_ACTIVATION_ELU, 1, 0, elu));
    EXPECT(run_activation(CONVT_ACTIVATION_GELU, 0, 0, gelu));
    EXPECT(!run_activation(CONVT_ACTIVATION_CLAMP, 2, -1, clamp));
    EXPECT(strcmp(convt_last_error(), "CLAMP needs activation_alpha (min) <= activation_beta "
                                      "(max), but got activation_alpha: 2 activation_beta: -1") == 0);
    EXPECT(!run_activation(CONVT_ACTIVATION_ELU, NAN, 0, elu));
    EXPECT(strstr(convt_last_error(), "activation_alpha must be a number for ELU"));
    EXPECT(!run_activation(8, 0, 0, none));
    EXPECT(strstr(convt_last_error(), "but got activation: 8"));
  }

  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
