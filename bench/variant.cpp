#include "variant.hpp"

#include <convt/convt.h>

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace convt_bench {

namespace {

// Each of n (rows x cols) matrices of x, transposed.
std::vector<float> transpose_each(const std::vector<float>& x, int64_t n, int64_t rows, int64_t cols) {
  std::vector<float> y(x.size());
  for (int64_t b = 0; b < n; ++b)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        y[static_cast<size_t>((b * cols + c) * rows + r)] = x[static_cast<size_t>((b * rows + r) * cols + c)];
  return y;
}

}  // namespace

std::vector<float> to_channels_last(const std::vector<float>& x, int64_t n, int64_t c, int64_t pixels) {
  return transpose_each(x, n, c, pixels);
}

std::vector<float> to_channels_first(const std::vector<float>& x, int64_t n, int64_t c, int64_t pixels) {
  return transpose_each(x, n, pixels, c);
}

namespace {

struct Named {
  const char* name;
  int32_t kind;
  float alpha, beta;  // defaults
  int params;         // how many of alpha, beta the name may give
};
const Named kActivations[] = {
    {"none", CONVT_ACTIVATION_NONE, 0, 0, 0},
    {"relu", CONVT_ACTIVATION_RELU, 0, 0, 0},
    {"leaky_relu", CONVT_ACTIVATION_LEAKY_RELU, 0.01f, 0, 1},
    {"clamp", CONVT_ACTIVATION_CLAMP, 0.0f, 6.0f, 2},
    {"tanh", CONVT_ACTIVATION_TANH, 0, 0, 0},
    {"sigmoid", CONVT_ACTIVATION_SIGMOID, 0, 0, 0},
    {"elu", CONVT_ACTIVATION_ELU, 1.0f, 0, 1},
    {"gelu", CONVT_ACTIVATION_GELU, 0, 0, 0},
};

}  // namespace

bool parse_activation(const std::string& text, Layer& l) {
  std::vector<std::string> parts;
  std::string part;
  for (std::istringstream in(text); std::getline(in, part, ':');) parts.push_back(part);
  if (parts.empty()) return false;
  for (const Named& a : kActivations) {
    if (parts[0] != a.name) continue;
    if (parts.size() > static_cast<size_t>(1 + a.params)) return false;
    float v[2] = {a.alpha, a.beta};
    for (size_t i = 1; i < parts.size(); ++i) {
      char* end = nullptr;
      v[i - 1] = std::strtof(parts[i].c_str(), &end);
      if (parts[i].empty() || *end != '\0') return false;
    }
    l.activation = a.kind, l.alpha = v[0], l.beta = v[1];
    return true;
  }
  return false;
}

std::string activation_name(const Layer& l) {
  for (const Named& a : kActivations) {
    if (a.kind != l.activation) continue;
    std::ostringstream s;
    s << a.name;
    if (a.params >= 1) s << ":" << l.alpha;
    if (a.params >= 2) s << ":" << l.beta;
    return s.str();
  }
  return "unknown";
}

std::string variant_text(const Layer& l) {
  std::string s = l.channels_last ? "channels-last" : "channels-first";
  if (l.activation != CONVT_ACTIVATION_NONE) s += ", activation " + activation_name(l);
  return s;
}

void activation_pass(const Layer& l, float* y, size_t count) {
  const float a = l.alpha, b = l.beta;
  switch (l.activation) {
    case CONVT_ACTIVATION_RELU:
      for (size_t i = 0; i < count; ++i) y[i] = y[i] > 0.0f ? y[i] : 0.0f;
      break;
    case CONVT_ACTIVATION_LEAKY_RELU:
      for (size_t i = 0; i < count; ++i) y[i] = y[i] >= 0.0f ? y[i] : a * y[i];
      break;
    case CONVT_ACTIVATION_CLAMP:
      for (size_t i = 0; i < count; ++i) y[i] = std::fmin(std::fmax(y[i], a), b);
      break;
    case CONVT_ACTIVATION_TANH:
      for (size_t i = 0; i < count; ++i) y[i] = std::tanh(y[i]);
      break;
    case CONVT_ACTIVATION_SIGMOID:
      for (size_t i = 0; i < count; ++i) y[i] = 1.0f / (1.0f + std::exp(-y[i]));
      break;
    case CONVT_ACTIVATION_ELU:
      for (size_t i = 0; i < count; ++i) y[i] = y[i] > 0.0f ? y[i] : a * std::expm1(y[i]);
      break;
    case CONVT_ACTIVATION_GELU:
      for (size_t i = 0; i < count; ++i) y[i] = 0.5f * y[i] * (1.0f + std::erf(y[i] * 0.70710678f));
      break;
    default: break;
  }
}

}  // namespace convt_bench
