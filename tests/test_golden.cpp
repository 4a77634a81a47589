// Golden data, replayed through every convt algorithm in both layouts; needs neither PyTorch
// nor ONNX Runtime at test time. Three sets, each an index <set>.txt + <set>.bin:
//   golden       PyTorch's ConvTranspose1d/2d/3d results and verdicts (tools/gen_golden.py)
//   golden_onnx  ONNX Runtime's under the ONNX padding kinds, a few with an activation node
//                after it (tools/gen_golden_onnx.py)
//   golden_act   PyTorch's activation functions after the module, and its channels_last
//                runs (tools/gen_golden.py --set act)
// The data directory comes from the compile definition CONVT_GOLDEN_DIR, or from the command
// line: convt-golden --golden-dir DIR [catch args].
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "isa_check.hpp"
#include "support.hpp"  // algorithms, not_applicable() and the oracle; the golden layer is its own

#ifndef CONVT_GOLDEN_DIR
#define CONVT_GOLDEN_DIR "tests/data"
#endif

namespace {

std::string g_golden_dir = CONVT_GOLDEN_DIR;

constexpr int kMaxRank = 3;
constexpr int kRanks[] = {1, 2, 3};

const char* const kSets[] = {"golden", "golden_onnx", "golden_act"};

// Floors a little below each set's counts per rank (its generator): a truncated or misread
// file, or a set that lost a part, fails the counts.
struct Floor {
  size_t valid, reject, edges;
};
Floor floor_of(const std::string& set, int rank) {
  if (set == "golden_onnx") return {55, 12, 0};  // 60 / 63 / 58 valid, 14 reject per rank
  if (set == "golden_act") return {15, 0, 0};    // 17 valid per rank
  switch (rank) {
    case 1: return {70, 28, 8};
    case 2: return {80, 30, 10};
    default: return {100, 45, 10};
  }
}
using Dims = std::array<int64_t, kMaxRank>;

// One golden layer and its input. Every per-dimension array holds the caller's spatial
// dimensions in PyTorch's order ((L); (H, W); (D, H, W)) in its first `rank` entries.
struct Layer {
  int rank = 2;
  int64_t n = 1, cin = 1, cout = 1, groups = 1;
  int64_t xc = 1;  // channels of the input tensor (cin, except where PyTorch must reject)
  bool bias = true;
  Dims in{}, k{}, s{}, p{}, op{}, d{};
  Dims pe{};  // padding_end (EXPLICIT)
  int32_t kind = CONVT_PADDING_SYMMETRIC;
  int32_t stored_layout = CONVT_LAYOUT_CHANNELS_FIRST;  // of the case's x and y data
  int32_t activation = CONVT_ACTIVATION_NONE;
  float alpha = 0.0f, beta = 0.0f;

  // The entries past `rank` get values that convt_create would reject if it read them:
  // convt.h says they are ignored, and every golden run holds it to that.
  convt_params params(int32_t algorithm, int32_t layout) const {
    convt_params q;
    convt_params_init(&q, sizeof q);
    q.spatial_dims = rank;
    q.algorithm = algorithm;
    q.in_channels = cin;
    q.out_channels = cout;
    q.groups = groups;
    for (int i = 0; i < kMaxRank; ++i) {
      const bool used = i < rank;
      q.kernel_size[i] = used ? k[i] : 0;
      q.stride[i] = used ? s[i] : 0;
      q.padding[i] = used ? p[i] : -1;
      q.output_padding[i] = used ? op[i] : -1;
      q.dilation[i] = used ? d[i] : 0;
      q.padding_end[i] = used ? pe[i] : -1;
    }
    q.padding_kind = kind;
    q.layout = layout;
    q.activation = activation;
    q.activation_alpha = alpha;
    q.activation_beta = beta;
    return q;
  }
  // The layer as tests/support.hpp's Config: its shape rules (axis_run, written from the
  // operators' documents) and its oracle.
  test::Config config() const {
    test::Config c;
    c.rank = rank;
    c.n = n, c.cin = cin, c.cout = cout, c.groups = groups, c.bias = bias;
    for (int i = 0; i < rank; ++i) c.set_axis(i, {in[i], k[i], s[i], p[i], op[i], d[i], pe[i]});
    c.padding_kind = kind;
    c.activation = activation;
    c.alpha = alpha, c.beta = beta;
    return c;
  }
  // Dimension i's output size and begin trim for a run with output_size (or nullptr).
  test::AxisRun run_axis(int i, const int64_t* output_size) const {
    return config().run_axis(i, output_size);
  }
  // The untrimmed output of dimension i (output_padding at least 0).
  int64_t full_dim(int i) const {
    return (in[i] - 1) * s[i] + d[i] * (k[i] - 1) + std::max<int64_t>(op[i], 0) + 1;
  }
  // (batch, xc, in...): exactly 2 + rank entries, so a read past them is a sanitizer error.
  std::vector<int64_t> input_shape(int64_t batch) const {
    std::vector<int64_t> v{batch, xc};
    for (int i = 0; i < rank; ++i) v.push_back(in[i]);
    return v;
  }
  int64_t kernel_volume() const {
    int64_t v = 1;
    for (int i = 0; i < rank; ++i) v *= k[i];
    return v;
  }
  int64_t input_volume() const {
    int64_t v = 1;
    for (int i = 0; i < rank; ++i) v *= std::max<int64_t>(in[i], 0);
    return v;
  }
  int64_t weight_elems() const { return cin * (cout / groups) * kernel_volume(); }
  int64_t output_pixels(const std::vector<int64_t>& out_shape) const {
    int64_t v = 1;
    for (size_t i = 2; i < out_shape.size(); ++i) v *= out_shape[i];
    return v;
  }
  std::string str() const {
    auto list = [&](const Dims& v) {
      std::string r;
      for (int i = 0; i < rank; ++i) r += (i ? "x" : "") + std::to_string(v[i]);
      return r;
    };
    return std::to_string(rank) + "-D N" + std::to_string(n) + " Cin" + std::to_string(cin) +
           " Cout" + std::to_string(cout) + " in " + list(in) + " k" + list(k) + " s" + list(s) +
           " p" + list(p) + " op" + list(op) + " d" + list(d) + " g" + std::to_string(groups) +
           (bias ? " bias" : " nobias") + " xc" + std::to_string(xc) + " kind" +
           std::to_string(kind) + " pe" + list(pe) + " act" + std::to_string(activation) + "(" +
           std::to_string(alpha) + ", " + std::to_string(beta) + ")" +
           (stored_layout == CONVT_LAYOUT_CHANNELS_LAST ? " stored channels last" : "");
  }
};

struct Span {
  size_t offset = 0;  // bytes into golden.bin
  size_t count = 0;   // float32 elements
  bool present = false;
};

struct Golden {
  std::string set;  // "golden", "golden_onnx", "golden_act"
  int line = 0;
  bool valid = false;
  std::string name, stage, torch_message;  // the oracle's message (PyTorch's or ONNX Runtime's)
  Layer c;  // c.op is the layer's output_padding
  std::vector<int64_t> osize;  // the output_size request (rank entries), or empty for none
  std::vector<int64_t> out;    // the oracle's output shape, (N, C, spatial...) (VALID)
  Span x, w, b, y;

  const int64_t* request() const { return osize.empty() ? nullptr : osize.data(); }
  std::string str() const {
    std::ostringstream s;
    s << set << ".txt:" << line << " " << name << " [" << c.str();
    if (!osize.empty()) {
      s << " output_size ";
      for (size_t i = 0; i < osize.size(); ++i) s << (i ? "x" : "") << osize[i];
    }
    s << "]";
    return s.str();
  }
};

struct GoldenSet {
  std::string name;
  std::vector<Golden> cases;
  std::vector<float> data;
  size_t bin_bytes = 0;

  std::vector<float> get(const Span& s) const {
    return std::vector<float>(data.begin() + static_cast<std::ptrdiff_t>(s.offset / 4),
                              data.begin() + static_cast<std::ptrdiff_t>(s.offset / 4 + s.count));
  }
};

std::string g_loading = "golden";  // the set load() is reading, for bad_line's message

[[noreturn]] void bad_line(int line, const std::string& why) {
  throw std::runtime_error(g_loading + ".txt:" + std::to_string(line) + ": " + why);
}

// The index of `v` in `names` (the value of key `key`), or a bad line.
int32_t pick(const std::string& v, std::initializer_list<const char*> names, int line,
             const std::string& key) {
  int32_t i = 0;
  for (const char* n : names) {
    if (v == n) return i;
    ++i;
  }
  bad_line(line, "unknown " + key + "=" + v);
}

float to_float(const std::string& v, int line, const std::string& key) {
  size_t used = 0;
  float r = 0;
  try {
    r = std::stof(v, &used);  // "inf" and "-inf" too
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v.size()) bad_line(line, "bad number for " + key + ": '" + v + "'");
  return r;
}

int64_t to_int(const std::string& v, int line, const std::string& key) {
  size_t used = 0;
  long long r = 0;
  try {
    r = std::stoll(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v.size()) bad_line(line, "bad integer for " + key + ": '" + v + "'");
  return r;
}

std::vector<int64_t> to_ints(const std::string& v, int line, const std::string& key) {
  std::vector<int64_t> r;
  std::stringstream s(v);
  std::string part;
  while (std::getline(s, part, ',')) r.push_back(to_int(part, line, key));
  return r;
}

Span to_span(const std::string& v, int line, const std::string& key) {
  Span s;
  if (v == "-") return s;
  const auto p = to_ints(v, line, key);
  if (p.size() != 2 || p[0] < 0 || p[1] < 0 || p[0] % 4 != 0)
    bad_line(line, "bad span for " + key + ": '" + v + "'");
  s.offset = static_cast<size_t>(p[0]);
  s.count = static_cast<size_t>(p[1]);
  s.present = true;
  return s;
}

bool host_is_little_endian() {
  const uint32_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

// The 0.4 keys (kind, pe, act, alpha, beta, layout) are optional: golden.txt has none of them,
// and then the case is PyTorch's (SYMMETRIC, channels first, no activation).
GoldenSet load(const std::string& dir, const std::string& set) {
  GoldenSet g;
  g.name = g_loading = set;
  std::ifstream index(dir + "/" + set + ".txt");
  if (!index) throw std::runtime_error("cannot open " + dir + "/" + set + ".txt");
  std::string text, bin_name;
  int line_no = 0;
  while (std::getline(index, text)) {
    ++line_no;
    std::string comment;
    const size_t hash = text.find('#');
    if (hash != std::string::npos) {
      comment = text.substr(hash + 1);
      text = text.substr(0, hash);
      const size_t first = comment.find_first_not_of(' ');
      comment = first == std::string::npos ? "" : comment.substr(first);
    }
    std::istringstream tokens(text);
    std::string verdict;
    if (!(tokens >> verdict)) continue;  // blank or comment-only
    std::map<std::string, std::string> kv;
    std::vector<std::string> plain;
    for (std::string t; tokens >> t;) {
      const size_t eq = t.find('=');
      if (eq == std::string::npos) {
        plain.push_back(t);
        continue;
      }
      if (!kv.emplace(t.substr(0, eq), t.substr(eq + 1)).second)
        bad_line(line_no, "duplicate key " + t.substr(0, eq));
    }
    auto need = [&](const std::string& key) -> const std::string& {
      const auto it = kv.find(key);
      if (it == kv.end()) bad_line(line_no, "missing " + key + "=");
      return it->second;
    };
    auto num = [&](const std::string& key) { return to_int(need(key), line_no, key); };

    if (verdict == "BIN") {
      if (plain.size() != 1) bad_line(line_no, "BIN needs a file name");
      bin_name = plain[0];
      g.bin_bytes = static_cast<size_t>(num("bytes"));
      continue;
    }
    if (verdict != "VALID" && verdict != "REJECT") bad_line(line_no, "unknown verdict " + verdict);
    Golden k;
    k.set = set;
    k.line = line_no;
    k.valid = verdict == "VALID";
    k.name = need("name");
    k.torch_message = comment;
    Layer& c = k.c;
    const int64_t rank = num("rank");
    if (rank < 1 || rank > kMaxRank) bad_line(line_no, "rank must be 1, 2 or 3");
    c.rank = static_cast<int>(rank);
    auto list = [&](const std::string& key, size_t entries) {
      const auto v = to_ints(need(key), line_no, key);
      if (v.size() != entries)
        bad_line(line_no, key + " needs " + std::to_string(entries) + " comma-separated entries");
      return v;
    };
    auto dims = [&](const std::string& key) {
      Dims v{};
      const auto l = list(key, static_cast<size_t>(c.rank));
      std::copy(l.begin(), l.end(), v.begin());
      return v;
    };
    c.n = num("n"), c.cin = num("cin"), c.cout = num("cout"), c.groups = num("groups");
    c.bias = num("bias") != 0;
    c.xc = num("xc");
    c.in = dims("in"), c.k = dims("k"), c.s = dims("s"), c.p = dims("p");
    c.op = dims("op"), c.d = dims("d");
    if (need("osize") != "-") k.osize = list("osize", static_cast<size_t>(c.rank));
    auto optional = [&](const std::string& key) -> const std::string* {
      const auto it = kv.find(key);
      return it == kv.end() ? nullptr : &it->second;
    };
    if (const std::string* v = optional("kind"))
      c.kind = pick(*v, {"symmetric", "explicit", "same_upper", "same_lower", "valid"}, line_no,
                    "kind");
    if (optional("pe")) c.pe = dims("pe");
    if (const std::string* v = optional("act"))
      c.activation = pick(*v, {"none", "relu", "leaky_relu", "clamp", "tanh", "sigmoid", "elu",
                               "gelu"},
                          line_no, "act");
    if (const std::string* v = optional("alpha")) c.alpha = to_float(*v, line_no, "alpha");
    if (const std::string* v = optional("beta")) c.beta = to_float(*v, line_no, "beta");
    if (const std::string* v = optional("layout"))
      c.stored_layout = pick(*v, {"first", "last"}, line_no, "layout");
    if (k.valid) {
      k.out = list("out", static_cast<size_t>(2 + c.rank));
      k.x = to_span(need("x_data"), line_no, "x_data");
      k.w = to_span(need("w_data"), line_no, "w_data");
      k.b = to_span(need("b_data"), line_no, "b_data");
      k.y = to_span(need("y_data"), line_no, "y_data");
    } else {
      k.stage = need("stage");
      if (k.stage != "create" && k.stage != "run") bad_line(line_no, "bad stage " + k.stage);
    }
    g.cases.push_back(k);
  }
  if (bin_name.empty()) throw std::runtime_error(set + ".txt has no BIN line");

  std::ifstream bin(dir + "/" + bin_name, std::ios::binary);
  if (!bin) throw std::runtime_error("cannot open " + dir + "/" + bin_name);
  std::vector<char> bytes((std::istreambuf_iterator<char>(bin)), std::istreambuf_iterator<char>());
  if (bytes.size() != g.bin_bytes || bytes.size() % 4 != 0)
    throw std::runtime_error(bin_name + " has " + std::to_string(bytes.size()) +
                             " bytes, the index says " + std::to_string(g.bin_bytes));
  if (!host_is_little_endian())  // the file is little-endian float32
    for (size_t i = 0; i < bytes.size(); i += 4) {
      std::swap(bytes[i], bytes[i + 3]);
      std::swap(bytes[i + 1], bytes[i + 2]);
    }
  g.data.resize(bytes.size() / 4);
  std::memcpy(g.data.data(), bytes.data(), bytes.size());
  for (const Golden& k : g.cases)
    for (const Span* s : {&k.x, &k.w, &k.b, &k.y})
      if (s->present && s->offset + s->count * 4 > g.bin_bytes)
        bad_line(k.line, "span beyond the end of " + bin_name);
  return g;
}

const std::vector<GoldenSet>& golden_sets() {
  static const std::vector<GoldenSet> sets = [] {
    std::vector<GoldenSet> v;
    for (const char* name : kSets) v.push_back(load(g_golden_dir, name));
    return v;
  }();
  return sets;
}

int64_t product(const std::vector<int64_t>& v) {
  int64_t r = 1;
  for (int64_t e : v) r *= e;
  return r;
}

// The double-precision oracle of tests/support.hpp (gather form, written from the
// definition) on this layer, channels first, for the output shape the golden case gives: the
// begin trims follow the layer's padding kind (support.hpp's axis_run), the activation its
// definition.
test::Oracle oracle(const Golden& k, const std::vector<float>& x, const std::vector<float>& wt,
                    const float* bias) {
  const Layer& c = k.c;
  test::Config config = c.config();
  config.bias = bias != nullptr;
  std::vector<int64_t> out(k.out.begin() + 2, k.out.end()), begins;
  for (int i = 0; i < c.rank; ++i) begins.push_back(c.run_axis(i, k.request()).begin);
  return test::oracle(config, x, wt, bias, out, begins);
}

// The tolerance for |convt - oracle's data|. Both are float32 sums of the same products
// x*w (+ bias) in different orders (and with or without FMA), so they differ only by
// rounding. A float sum of `terms` products in any order is within
// terms * FLT_EPSILON * sum|x*w| of the exact sum (the first-order gamma_n bound; the +2
// covers the products' own rounding and the final store); the oracle gives terms and
// sum|x*w| (+ |bias|) in double. Strictly, two such sums can be up to twice that apart, but
// the bound is a worst case that random data never approaches (rounding errors of a
// sum of mixed signs grow like sqrt(terms)); the largest observed ratio is printed so the
// margin is visible. The absolute floor of 1e-6 is for torch's rounding where the bound is
// 0 or tiny (a bias alone, a lone product), about 8 float ulps at magnitude 1; a wrong or
// missing term is of the order |x*w| ~ 0.25 with this data, far above it. An activation
// moves the sum's error by at most its slope and adds a few ulps of its own (16 of its
// value: convt's functions are within 5, PyTorch's and ONNX Runtime's alike), as
// tools/convt_reference.py has it for the live cross-checks.
constexpr double kAbsFloor = 1e-6;
constexpr double kActivationUlps = 16;
double golden_tolerance(const test::Oracle& o, size_t i) {
  const double sum = (static_cast<double>(o.terms[i]) + 2.0) * FLT_EPSILON * o.magnitude[i];
  if (o.activation == CONVT_ACTIVATION_NONE) return sum + kAbsFloor;
  return test::activation_slope(o.activation, o.alpha) * sum + kAbsFloor +
         kActivationUlps * FLT_EPSILON * std::fabs(o.value[i]);
}

// Enough room for any output the case could have under its padding kind, so a rejection is
// never just "output_capacity too small".
size_t generous_capacity(const Golden& k) {
  const Layer& c = k.c;
  int64_t elems = std::max<int64_t>(c.n, 1) * std::max<int64_t>(c.cout, 1);
  for (int i = 0; i < c.rank; ++i) {
    int64_t v = c.full_dim(i) + std::max<int64_t>(c.s[i], 1);
    if (!k.osize.empty()) v = std::max(v, k.osize[static_cast<size_t>(i)]);
    elems *= std::max<int64_t>(v, 1);
  }
  return static_cast<size_t>(elems);
}

// A tensor of the case, (N, C, pixels) channels first or (N, pixels, C) channels last,
// converted between the two.
std::vector<float> relayout(const std::vector<float>& v, int32_t from, int32_t to, int64_t n,
                            int64_t channels, int64_t pixels) {
  if (from == to) return v;
  return to == CONVT_LAYOUT_CHANNELS_LAST ? test::to_channels_last(v, n, channels, pixels)
                                          : test::to_channels_first(v, n, channels, pixels);
}

constexpr int32_t kLayouts[] = {CONVT_LAYOUT_CHANNELS_FIRST, CONVT_LAYOUT_CHANNELS_LAST};
const char* layout_name(int32_t layout) {
  return layout == CONVT_LAYOUT_CHANNELS_LAST ? "channels last" : "channels first";
}

// The largest error seen, as a fraction of the tolerance, and where.
struct Worst {
  double ratio = 0;
  std::string where = "-";
  void see(double r, const std::string& at) {
    if (r > ratio) ratio = r, where = at;
  }
};

struct RankTally {
  size_t cases = 0, runs = 0, elements = 0;
  std::map<int32_t, size_t> runs_of;  // per algorithm (both layouts): which ones ran this rank
  Worst convt, oracle_data;           // |convt - data|, |data - double oracle|
};

const char* oracle_name(const std::string& set) {
  return set == "golden_onnx" ? "ONNX Runtime" : "PyTorch";
}

}  // namespace

int main(int argc, char** argv) {
  // With CONVT_MAX_ISA=<level>: that level, or skipped (77) on a CPU without it.
  if (!test::catch_listing_only(argc, argv)) {
    const int guard = test::isa_guard(argv[0]);
    if (guard >= 0) return guard;
  }
  Catch::Session session;
  using Catch::clara::Opt;
  session.cli(session.cli() | Opt(g_golden_dir, "dir")["--golden-dir"](
                                  "directory with the golden sets' .txt and .bin files (default: " +
                                  std::string(CONVT_GOLDEN_DIR) + ")"));
  const int rc = session.applyCommandLine(argc, argv);
  if (rc != 0) return rc;
  return session.run();
}

TEST_CASE("golden index and data are consistent", "[golden][quick]") {
  for (const GoldenSet& g : golden_sets()) {
    INFO("set " << g.name);
    std::set<std::string> names;
    std::map<int, size_t> valid, reject, stored_last;
    std::map<int, std::set<int32_t>> kinds, kinds_with_request, activations;
    for (const Golden& k : g.cases) {
      INFO(k.str());
      CHECK(names.insert(k.name).second);
      const Layer& c = k.c;
      // Names start with the rank ("2d_..."): a case cannot be filed under the wrong one.
      CHECK(k.name.rfind(std::to_string(c.rank) + "d_", 0) == 0);
      (k.osize.empty() ? kinds : kinds_with_request)[c.rank].insert(c.kind);
      activations[c.rank].insert(c.activation);
      if (c.stored_layout == CONVT_LAYOUT_CHANNELS_LAST) ++stored_last[c.rank];
      if (!k.valid) {
        ++reject[c.rank];
        CHECK(c.n == 1);  // the verdicts were taken on a batch of one
        continue;
      }
      ++valid[c.rank];
      CHECK(c.xc == c.cin);
      CHECK(k.x.count == static_cast<size_t>(c.n * c.xc * c.input_volume()));
      CHECK(k.w.count == static_cast<size_t>(c.weight_elems()));
      CHECK(k.b.present == c.bias);
      if (c.bias) CHECK(k.b.count == static_cast<size_t>(c.cout));
      CHECK(k.out[0] == c.n);
      CHECK(k.out[1] == c.cout);
      CHECK(k.y.count == static_cast<size_t>(product(k.out)));
      // The oracle's shape is the documented rule of the case's padding kind, or the request.
      for (int i = 0; i < c.rank; ++i) {
        INFO("spatial dimension " << i);
        CHECK(k.out[static_cast<size_t>(2 + i)] == c.run_axis(i, k.request()).out);
      }
    }
    for (int rank : kRanks) {
      INFO("rank " << rank);
      CHECK(valid[rank] >= floor_of(g.name, rank).valid);
      CHECK(reject[rank] >= floor_of(g.name, rank).reject);
      // What each set is for, per rank: every ONNX kind with and without output_shape; every
      // activation; tensors stored channels last.
      if (g.name == "golden_onnx") {
        for (int32_t kind = CONVT_PADDING_EXPLICIT; kind <= CONVT_PADDING_VALID; ++kind) {
          INFO("padding kind " << kind);
          CHECK(kinds[rank].count(kind) == 1);
          CHECK(kinds_with_request[rank].count(kind) == 1);
        }
        CHECK(kinds[rank].count(CONVT_PADDING_SYMMETRIC) == 0);
      }
      if (g.name == "golden_act")
        for (int32_t act = CONVT_ACTIVATION_NONE; act <= CONVT_ACTIVATION_GELU; ++act) {
          INFO("activation " << act);
          CHECK(activations[rank].count(act) == 1);
        }
      if (g.name != "golden") CHECK(stored_last[rank] >= 2);
    }
  }
}

TEST_CASE("every algorithm reproduces the golden outputs in both layouts", "[golden][quick]") {
  const std::vector<int32_t> algos = test::all_algorithms();
  REQUIRE(algos.size() >= 3);
  for (const GoldenSet& g : golden_sets()) {
    INFO("set " << g.name);
    std::map<int, RankTally> tally;
    for (const Golden& k : g.cases) {
      if (!k.valid) continue;
      INFO(k.str());
      const Layer& c = k.c;
      RankTally& t = tally[c.rank];
      ++t.cases;
      const int64_t in_pixels = c.input_volume(), out_pixels = c.output_pixels(k.out);
      // The data channels first, as the oracle takes it.
      const auto x = relayout(g.get(k.x), c.stored_layout, CONVT_LAYOUT_CHANNELS_FIRST, c.n,
                              c.xc, in_pixels);
      const auto y = relayout(g.get(k.y), c.stored_layout, CONVT_LAYOUT_CHANNELS_FIRST, c.n,
                              c.cout, out_pixels);
      const auto w = g.get(k.w), b = g.get(k.b);
      const float* bias = c.bias ? b.data() : nullptr;
      const auto o = oracle(k, x, w, bias);
      REQUIRE(o.value.size() == y.size());

      // The golden data itself against the independent double oracle: checks that the index
      // and the layouts are read as they were written, the rules of the padding kinds (the
      // begin trims), and the oracle's rounding.
      size_t data_bad = 0;
      for (size_t i = 0; i < y.size(); ++i) {
        const double r = std::fabs(y[i] - o.value[i]) / golden_tolerance(o, i);
        if (!(r <= 1)) ++data_bad;
        t.oracle_data.see(r, k.name);
      }
      CHECK(data_bad == 0);

      const std::vector<int64_t> in_shape = c.input_shape(c.n), empty_shape = c.input_shape(0);
      const size_t shape_len = in_shape.size();
      for (int32_t layout : kLayouts) {
        INFO(layout_name(layout));
        const auto x_run = relayout(x, CONVT_LAYOUT_CHANNELS_FIRST, layout, c.n, c.xc, in_pixels);
        for (int32_t algo : algos) {
          INFO("algorithm " << convt_algorithm_name(algo));
          const convt_params p = c.params(algo, layout);
          convt_handle* h = nullptr;
          const convt_status cs = convt_create(&p, w.data(), bias, &h);
          if (test::not_applicable(cs)) continue;  // a forced algorithm that cannot run this layer
          INFO("convt_create: " << convt_last_error());
          REQUIRE(cs == CONVT_OK);
          const std::unique_ptr<convt_handle, void (*)(convt_handle*)> owner(h, convt_destroy);
          // One entry past the shape: convt writes 2 + rank entries, not one more. The shape
          // is (N, C, spatial...) in either layout.
          std::vector<int64_t> shape(shape_len + 1, -1);
          const convt_status st = convt_output_shape(h, in_shape.data(), k.request(), shape.data());
          INFO("convt: " << convt_last_error());
          CHECK(st == CONVT_OK);
          CHECK(std::vector<int64_t>(shape.begin(), shape.end() - 1) == k.out);
          CHECK(shape.back() == -1);
          // A batch of zero has the same validity and the same per-item shape.
          std::vector<int64_t> shape0(shape_len, -1), want0 = k.out;
          want0[0] = 0;
          CHECK(convt_output_shape(h, empty_shape.data(), k.request(), shape0.data()) == CONVT_OK);
          CHECK(shape0 == want0);

          std::vector<float> out(y.size(), std::numeric_limits<float>::quiet_NaN());
          const convt_status rs =
              convt_run(h, in_shape.data(), x_run.empty() ? nullptr : x_run.data(), k.request(),
                        out.empty() ? nullptr : out.data(), out.size(), nullptr, 0);
          if (test::not_applicable(rs)) continue;  // e.g. pointwise with output_padding
          REQUIRE(rs == CONVT_OK);
          ++t.runs;
          ++t.runs_of[algo];
          t.elements += out.size();
          const auto got = relayout(out, layout, CONVT_LAYOUT_CHANNELS_FIRST, c.n, c.cout,
                                    out_pixels);
          size_t bad = 0, first_bad = 0;
          for (size_t i = 0; i < got.size(); ++i) {
            const double err = std::fabs(static_cast<double>(got[i]) - y[i]);
            const double r = err / golden_tolerance(o, i);
            if (!(r <= 1)) {  // also catches NaN: an element the run did not write
              if (bad++ == 0) first_bad = i;
            }
            t.convt.see(r, k.name + " / " + convt_algorithm_name(algo) + " / " +
                               layout_name(layout));
          }
          if (bad) {
            FAIL_CHECK(bad << " of " << got.size() << " elements differ from "
                           << oracle_name(g.name) << "; first at " << first_bad << " (channels "
                           << "first): convt " << got[first_bad] << ", data " << y[first_bad]
                           << ", tolerance " << golden_tolerance(o, first_bad) << " (terms "
                           << o.terms[first_bad] << ", sum|x*w| " << o.magnitude[first_bad]
                           << ")");
          }

          // Again with a caller workspace of exactly the reported size, every byte 0xFF (a NaN
          // in every float): scratch the run reads before writing would show in the output,
          // which must be bit for bit the first run's.
          size_t ws = 0;
          REQUIRE(convt_workspace_size(h, in_shape.data(), k.request(), &ws) == CONVT_OK);
          const std::unique_ptr<unsigned char[]> scratch(new unsigned char[std::max<size_t>(ws, 1)]);
          std::memset(scratch.get(), 0xFF, std::max<size_t>(ws, 1));
          std::vector<float> again(y.size(), -5.0f);
          REQUIRE(convt_run(h, in_shape.data(), x_run.empty() ? nullptr : x_run.data(),
                            k.request(), again.empty() ? nullptr : again.data(), again.size(),
                            ws ? scratch.get() : nullptr, ws) == CONVT_OK);
          CHECK((again.empty() ||
                 std::memcmp(again.data(), out.data(), out.size() * sizeof(float)) == 0));
        }
      }
    }
    for (int rank : kRanks) {
      RankTally& t = tally[rank];
      INFO("rank " << rank);
      CHECK(t.cases >= floor_of(g.name, rank).valid);
      // convt.h: GEMM + col2im and REFERENCE run every layer, and AUTO always finds one: in
      // both layouts.
      CHECK(t.runs_of[CONVT_ALGORITHM_AUTO] == 2 * t.cases);
      CHECK(t.runs_of[CONVT_ALGORITHM_GEMM_COL2IM] == 2 * t.cases);
      CHECK(t.runs_of[CONVT_ALGORITHM_REFERENCE] == 2 * t.cases);
      std::cout << g.name << " " << rank << "-D: " << t.cases << " valid cases x " << algos.size()
                << " algorithms x 2 layouts = " << t.runs << " runs, " << t.elements
                << " elements; largest |convt - " << oracle_name(g.name) << "| / tolerance = "
                << t.convt.ratio << " (" << t.convt.where << "); largest |"
                << oracle_name(g.name) << " - double oracle| / tolerance = "
                << t.oracle_data.ratio << " (" << t.oracle_data.where << "); runs per algorithm:";
      for (int32_t algo : algos)
        std::cout << " " << convt_algorithm_name(algo) << " " << t.runs_of[algo];
      std::cout << "\n";
      WARN(g.name << " " << rank << "-D: " << t.cases << " valid cases, " << t.runs
                  << " runs, largest error / tolerance " << t.convt.ratio << " ("
                  << t.convt.where << ")");
    }
  }
}

TEST_CASE("convt rejects exactly what the golden oracles reject, at the documented stage",
          "[golden][quick]") {
  const std::vector<int32_t> algos = test::all_algorithms();
  for (const GoldenSet& g : golden_sets()) {
    INFO("set " << g.name);
    std::map<int, size_t> rejects, edges, runs;
    for (const Golden& k : g.cases) {
      INFO(k.str());
      INFO(oracle_name(g.name) << ": " << k.torch_message);
      const Layer& c = k.c;
      if (k.valid) {
        // The accepted side is checked value by value above; here only count the edges.
        if (k.name.find("_edge_") != std::string::npos) ++edges[c.rank];
        continue;
      }
      ++rejects[c.rank];
      bool weight_sized = c.cin > 0 && c.cout > 0 && c.groups > 0 && c.cout % c.groups == 0;
      for (int i = 0; i < c.rank; ++i) weight_sized = weight_sized && c.k[i] > 0;
      const std::vector<float> w(weight_sized ? static_cast<size_t>(c.weight_elems()) : 1, 0.5f);
      const std::vector<float> b(static_cast<size_t>(std::max<int64_t>(c.cout, 1)), 0.25f);
      const std::vector<int64_t> in_shape = c.input_shape(c.n), empty_shape = c.input_shape(0);
      const std::vector<float> x(
          static_cast<size_t>(std::max<int64_t>(c.n * c.xc * c.input_volume(), 1)), 1.0f);
      for (int32_t layout : kLayouts)
        for (int32_t algo : algos) {
          INFO("algorithm " << convt_algorithm_name(algo) << ", " << layout_name(layout));
          const convt_params p = c.params(algo, layout);
          convt_handle* h = reinterpret_cast<convt_handle*>(&h);  // must come back NULL or valid
          const convt_status cs = convt_create(&p, w.data(), c.bias ? b.data() : nullptr, &h);
          INFO("convt_create: " << convt_status_string(cs) << " " << convt_last_error());
          if (k.stage != "create" && test::not_applicable(cs)) continue;
          ++runs[c.rank];
          if (k.stage == "create") {
            CHECK(cs == CONVT_ERROR_INVALID_ARGUMENT);
            CHECK(h == nullptr);
            CHECK(std::string(convt_last_error()).size() > 0);
            if (cs == CONVT_OK) convt_destroy(h);
            continue;
          }
          REQUIRE(cs == CONVT_OK);
          std::vector<int64_t> shape(in_shape.size(), -7);
          CHECK(convt_output_shape(h, in_shape.data(), k.request(), shape.data()) ==
                CONVT_ERROR_INVALID_ARGUMENT);
          INFO("convt_output_shape: " << convt_last_error());
          CHECK(std::string(convt_last_error()).size() > 0);
          CHECK(shape == std::vector<int64_t>(in_shape.size(), -7));  // written only on success
          // "validity is otherwise decided as for N = 1": an empty batch is rejected too.
          CHECK(convt_output_shape(h, empty_shape.data(), k.request(), shape.data()) ==
                CONVT_ERROR_INVALID_ARGUMENT);
          size_t ws = 0;
          CHECK(convt_workspace_size(h, in_shape.data(), k.request(), &ws) ==
                CONVT_ERROR_INVALID_ARGUMENT);
          int32_t chosen = -1;
          CHECK(convt_selected_algorithm(h, in_shape.data(), k.request(), &chosen) ==
                CONVT_ERROR_INVALID_ARGUMENT);
          std::vector<float> out(generous_capacity(k), -3.0f);
          CHECK(convt_run(h, in_shape.data(), x.data(), k.request(), out.data(), out.size(),
                          nullptr, 0) == CONVT_ERROR_INVALID_ARGUMENT);
          size_t touched = 0;
          for (float v : out) touched += v != -3.0f;
          CHECK(touched == 0);  // nothing written on failure
          convt_destroy(h);
        }
    }
    for (int rank : kRanks) {
      INFO("rank " << rank);
      CHECK(rejects[rank] >= floor_of(g.name, rank).reject);
      CHECK(edges[rank] >= floor_of(g.name, rank).edges);
      std::cout << g.name << " " << rank << "-D: " << rejects[rank] << " "
                << oracle_name(g.name)
                << "-rejected cases rejected by convt at the documented stage (" << runs[rank]
                << " case x algorithm x layout pairs); " << edges[rank]
                << " accepted edge cases\n";
    }
  }
}
