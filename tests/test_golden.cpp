// Golden data: PyTorch's own ConvTranspose2d results and verdicts (tests/data/golden.txt +
// golden.bin, written by tools/gen_golden.py), replayed through every convt algorithm.
// Needs no PyTorch at test time. The data directory comes from the compile definition
// CONVT_GOLDEN_DIR, or from the command line: convt-golden --golden-dir DIR [catch args].
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "isa_check.hpp"
#include "support.hpp"

#ifndef CONVT_GOLDEN_DIR
#define CONVT_GOLDEN_DIR "tests/data"
#endif

using test::Config;

namespace {

std::string g_golden_dir = CONVT_GOLDEN_DIR;

struct Span {
  size_t offset = 0;  // bytes into golden.bin
  size_t count = 0;   // float32 elements
  bool present = false;
};

struct Golden {
  int line = 0;
  bool valid = false;
  std::string name, stage, torch_message;
  Config c;  // the layer and input; c.oph/opw are the layer's output_padding
  int64_t xc = 0;  // channels of the input tensor
  bool has_osize = false;
  int64_t osize[2] = {0, 0};
  int64_t out[4] = {0, 0, 0, 0};  // PyTorch's output shape (VALID)
  Span x, w, b, y;

  std::string str() const {
    std::ostringstream s;
    s << "golden.txt:" << line << " " << name << " [" << c.str() << " xc" << xc;
    if (has_osize) s << " output_size " << osize[0] << "x" << osize[1];
    s << "]";
    return s.str();
  }
};

struct GoldenSet {
  std::vector<Golden> cases;
  std::vector<float> data;
  size_t bin_bytes = 0;

  std::vector<float> get(const Span& s) const {
    return std::vector<float>(data.begin() + static_cast<std::ptrdiff_t>(s.offset / 4),
                              data.begin() + static_cast<std::ptrdiff_t>(s.offset / 4 + s.count));
  }
};

[[noreturn]] void bad_line(int line, const std::string& why) {
  throw std::runtime_error("golden.txt:" + std::to_string(line) + ": " + why);
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

GoldenSet load(const std::string& dir) {
  GoldenSet g;
  std::ifstream index(dir + "/golden.txt");
  if (!index) throw std::runtime_error("cannot open " + dir + "/golden.txt");
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
    k.line = line_no;
    k.valid = verdict == "VALID";
    k.name = need("name");
    k.torch_message = comment;
    Config& c = k.c;
    c.n = num("n"), c.cin = num("cin"), c.cout = num("cout"), c.h = num("h"), c.w = num("w");
    c.kh = num("kh"), c.kw = num("kw"), c.sh = num("sh"), c.sw = num("sw");
    c.ph = num("ph"), c.pw = num("pw"), c.oph = num("oph"), c.opw = num("opw");
    c.dh = num("dh"), c.dw = num("dw"), c.groups = num("groups");
    c.bias = num("bias") != 0;
    k.xc = num("xc");
    if (need("osize") != "-") {
      const auto o = to_ints(need("osize"), line_no, "osize");
      if (o.size() != 2) bad_line(line_no, "osize needs H,W");
      k.has_osize = true;
      k.osize[0] = o[0], k.osize[1] = o[1];
    }
    if (k.valid) {
      const auto o = to_ints(need("out"), line_no, "out");
      if (o.size() != 4) bad_line(line_no, "out needs N,C,H,W");
      for (int i = 0; i < 4; ++i) k.out[i] = o[static_cast<size_t>(i)];
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
  if (bin_name.empty()) throw std::runtime_error("golden.txt has no BIN line");

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

const GoldenSet& golden() {
  static const GoldenSet g = load(g_golden_dir);
  return g;
}

std::vector<int32_t> algorithms() { return test::all_algorithms(); }

convt_params params_of(const Golden& k, int32_t algorithm) {
  return k.c.params(algorithm, 0);
}

// The tolerance for |convt - torch|. Both are float32 sums of the same products
// x*w (+ bias) in different orders (and with or without FMA), so they differ only by
// rounding. A float sum of `terms` products in any order is within
// terms * FLT_EPSILON * sum|x*w| of the exact sum (the first-order gamma_n bound; the +2
// covers the products' own rounding and the final store); the oracle gives terms and
// sum|x*w| (+ |bias|) in double. Strictly, two such sums can be up to twice that apart, but
// the bound is a worst case that random data never approaches (rounding errors of a
// sum of mixed signs grow like sqrt(terms)); the largest observed ratio is printed so the
// margin is visible. The absolute floor of 1e-6 is for torch's rounding where the bound is
// 0 or tiny (a bias alone, a lone product), about 8 float ulps at magnitude 1; a wrong or
// missing term is of the order |x*w| ~ 0.25 with this data, far above it.
constexpr double kAbsFloor = 1e-6;
double golden_tolerance(const test::Oracle& o, size_t i) {
  return (static_cast<double>(o.terms[i]) + 2.0) * FLT_EPSILON * o.magnitude[i] + kAbsFloor;
}

// Enough room for any output the case could have, so a rejection is never just
// "output_capacity too small".
size_t generous_capacity(const Golden& k) {
  const Config& c = k.c;
  auto dim = [](int64_t in, int64_t s, int64_t p, int64_t op, int64_t d, int64_t kk,
                bool has_req, int64_t req) {
    int64_t v = (in - 1) * s - 2 * p + d * (kk - 1) + op + 1 + std::max<int64_t>(s, 1);
    if (has_req) v = std::max(v, req);
    return std::max<int64_t>(v, 1);
  };
  const int64_t oh = dim(c.h, c.sh, c.ph, c.oph, c.dh, c.kh, k.has_osize, k.osize[0]);
  const int64_t ow = dim(c.w, c.sw, c.pw, c.opw, c.dw, c.kw, k.has_osize, k.osize[1]);
  return static_cast<size_t>(std::max<int64_t>(c.n, 1) * std::max<int64_t>(c.cout, 1) * oh * ow);
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
                                  "directory with golden.txt and golden.bin (default: " +
                                  std::string(CONVT_GOLDEN_DIR) + ")"));
  const int rc = session.applyCommandLine(argc, argv);
  if (rc != 0) return rc;
  return session.run();
}

TEST_CASE("golden index and data are consistent", "[golden][quick]") {
  const GoldenSet& g = golden();
  std::set<std::string> names;
  size_t valid = 0, reject = 0;
  for (const Golden& k : g.cases) {
    INFO(k.str());
    CHECK(names.insert(k.name).second);
    if (!k.valid) {
      ++reject;
      CHECK(k.c.n == 1);  // PyTorch's verdicts were taken on a batch of one
      continue;
    }
    ++valid;
    const Config& c = k.c;
    CHECK(k.xc == c.cin);
    CHECK(k.x.count == static_cast<size_t>(c.n * k.xc * c.h * c.w));
    CHECK(k.w.count == static_cast<size_t>(c.weight_elems()));
    CHECK(k.b.present == c.bias);
    if (c.bias) CHECK(k.b.count == static_cast<size_t>(c.cout));
    CHECK(k.out[0] == c.n);
    CHECK(k.out[1] == c.cout);
    CHECK(k.y.count == static_cast<size_t>(k.out[0] * k.out[1] * k.out[2] * k.out[3]));
    // PyTorch's shape is the documented formula, or the request.
    CHECK(k.out[2] == (k.has_osize ? k.osize[0] : c.out_h()));
    CHECK(k.out[3] == (k.has_osize ? k.osize[1] : c.out_w()));
  }
  CHECK(valid >= 80);
  CHECK(reject >= 30);
}

TEST_CASE("every algorithm reproduces PyTorch's golden outputs", "[golden][quick]") {
  const GoldenSet& g = golden();
  const std::vector<int32_t> algos = algorithms();
  REQUIRE(algos.size() >= 3);
  size_t cases = 0, runs = 0, elements = 0;
  double worst = 0, worst_torch = 0;
  std::string worst_where = "-", worst_torch_where = "-";
  for (const Golden& k : g.cases) {
    if (!k.valid) continue;
    INFO(k.str());
    ++cases;
    const Config& c = k.c;
    const auto x = g.get(k.x), w = g.get(k.w), b = g.get(k.b), y = g.get(k.y);
    const float* bias = c.bias ? b.data() : nullptr;
    const int64_t* request = k.has_osize ? k.osize : nullptr;
    const auto o = test::oracle(c, x, w, bias, k.out[2], k.out[3]);
    REQUIRE(o.value.size() == y.size());

    // The golden data itself against the independent double oracle: checks that the index
    // and the layouts are read as PyTorch wrote them (and PyTorch's rounding).
    size_t torch_bad = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      const double r = std::fabs(y[i] - o.value[i]) / golden_tolerance(o, i);
      if (!(r <= 1)) ++torch_bad;
      if (r > worst_torch) worst_torch = r, worst_torch_where = k.name;
    }
    CHECK(torch_bad == 0);

    for (int32_t algo : algos) {
      INFO("algorithm " << convt_algorithm_name(algo));
      const convt_params p = params_of(k, algo);
      convt_handle* h = nullptr;
      const convt_status cs = convt_create(&p, w.data(), bias, &h);
      if (test::not_applicable(cs)) continue;  // a forced algorithm that cannot run this layer
      REQUIRE(cs == CONVT_OK);
      const int64_t in_shape[4] = {c.n, k.xc, c.h, c.w};
      int64_t shape[4] = {-1, -1, -1, -1};
      const convt_status st = convt_output_shape(h, in_shape, request, shape);
      INFO("convt: " << convt_last_error());
      CHECK(st == CONVT_OK);
      CHECK(shape[0] == k.out[0]);
      CHECK(shape[1] == k.out[1]);
      CHECK(shape[2] == k.out[2]);
      CHECK(shape[3] == k.out[3]);
      // A batch of zero has the same validity and the same per-item shape.
      const int64_t empty_shape[4] = {0, k.xc, c.h, c.w};
      int64_t shape0[4] = {-1, -1, -1, -1};
      CHECK(convt_output_shape(h, empty_shape, request, shape0) == CONVT_OK);
      CHECK((shape0[0] == 0 && shape0[1] == k.out[1] && shape0[2] == k.out[2] &&
             shape0[3] == k.out[3]));

      std::vector<float> out(y.size(), std::numeric_limits<float>::quiet_NaN());
      const convt_status rs = convt_run(h, in_shape, x.empty() ? nullptr : x.data(), request,
                                        out.empty() ? nullptr : out.data(), out.size(), nullptr, 0);
      convt_destroy(h);
      if (test::not_applicable(rs)) continue;  // e.g. pointwise with output_padding
      REQUIRE(rs == CONVT_OK);
      ++runs;
      elements += out.size();
      size_t bad = 0, first_bad = 0;
      for (size_t i = 0; i < out.size(); ++i) {
        const double err = std::fabs(static_cast<double>(out[i]) - y[i]);
        const double r = err / golden_tolerance(o, i);
        if (!(r <= 1)) {  // also catches NaN: an element the run did not write
          if (bad++ == 0) first_bad = i;
        }
        if (r > worst) {
          worst = r;
          worst_where = k.name + " / " + convt_algorithm_name(algo);
        }
      }
      if (bad) {
        FAIL_CHECK(bad << " of " << out.size() << " elements differ from PyTorch; first at "
                       << first_bad << ": convt " << out[first_bad] << ", torch " << y[first_bad]
                       << ", tolerance " << golden_tolerance(o, first_bad) << " (terms "
                       << o.terms[first_bad] << ", sum|x*w| " << o.magnitude[first_bad] << ")");
      }
    }
  }
  CHECK(cases >= 80);
  std::cout << "golden: " << cases << " valid cases x " << algos.size() << " algorithms = "
            << runs << " runs, " << elements << " elements; largest |convt - torch| / tolerance = "
            << worst << " (" << worst_where << "); largest |torch - double oracle| / tolerance = "
            << worst_torch << " (" << worst_torch_where << ")\n";
  WARN("golden: " << cases << " valid cases, largest error / tolerance " << worst << " ("
                  << worst_where << ")");
}

TEST_CASE("convt rejects exactly what PyTorch rejects, at the documented stage",
          "[golden][quick]") {
  const GoldenSet& g = golden();
  const std::vector<int32_t> algos = algorithms();
  size_t rejects = 0, edges = 0;
  for (const Golden& k : g.cases) {
    INFO(k.str());
    INFO("torch: " << k.torch_message);
    const Config& c = k.c;
    if (k.valid) {
      // The accepted side is checked value by value above; here only count the edges.
      if (k.name.rfind("edge_", 0) == 0) ++edges;
      continue;
    }
    ++rejects;
    const bool weight_sized = c.cin > 0 && c.cout > 0 && c.groups > 0 && c.cout % c.groups == 0 &&
                              c.kh > 0 && c.kw > 0;
    const std::vector<float> w(weight_sized ? static_cast<size_t>(c.weight_elems()) : 1, 0.5f);
    const std::vector<float> b(static_cast<size_t>(std::max<int64_t>(c.cout, 1)), 0.25f);
    const int64_t* request = k.has_osize ? k.osize : nullptr;
    const int64_t in_shape[4] = {c.n, k.xc, c.h, c.w};
    const int64_t empty_shape[4] = {0, k.xc, c.h, c.w};
    const std::vector<float> x(
        static_cast<size_t>(std::max<int64_t>(c.n * k.xc * std::max<int64_t>(c.h, 0) *
                                                  std::max<int64_t>(c.w, 0), 1)),
        1.0f);
    for (int32_t algo : algos) {
      INFO("algorithm " << convt_algorithm_name(algo));
      const convt_params p = params_of(k, algo);
      convt_handle* h = reinterpret_cast<convt_handle*>(&h);  // must come back NULL or valid
      const convt_status cs = convt_create(&p, w.data(), c.bias ? b.data() : nullptr, &h);
      INFO("convt_create: " << convt_status_string(cs) << " " << convt_last_error());
      if (k.stage != "create" && test::not_applicable(cs)) continue;
      if (k.stage == "create") {
        CHECK(cs == CONVT_ERROR_INVALID_ARGUMENT);
        CHECK(h == nullptr);
        CHECK(std::string(convt_last_error()).size() > 0);
        if (cs == CONVT_OK) convt_destroy(h);
        continue;
      }
      REQUIRE(cs == CONVT_OK);
      int64_t shape[4] = {-7, -7, -7, -7};
      CHECK(convt_output_shape(h, in_shape, request, shape) == CONVT_ERROR_INVALID_ARGUMENT);
      INFO("convt_output_shape: " << convt_last_error());
      CHECK(std::string(convt_last_error()).size() > 0);
      CHECK(shape[0] == -7);
      // "validity is otherwise decided as for N = 1": an empty batch is rejected too.
      CHECK(convt_output_shape(h, empty_shape, request, shape) == CONVT_ERROR_INVALID_ARGUMENT);
      size_t ws = 0;
      CHECK(convt_workspace_size(h, in_shape, request, &ws) == CONVT_ERROR_INVALID_ARGUMENT);
      int32_t chosen = -1;
      CHECK(convt_selected_algorithm(h, in_shape, request, &chosen) ==
            CONVT_ERROR_INVALID_ARGUMENT);
      std::vector<float> out(generous_capacity(k), -3.0f);
      CHECK(convt_run(h, in_shape, x.data(), request, out.data(), out.size(), nullptr, 0) ==
            CONVT_ERROR_INVALID_ARGUMENT);
      size_t touched = 0;
      for (float v : out) touched += v != -3.0f;
      CHECK(touched == 0);  // nothing written on failure
      convt_destroy(h);
    }
  }
  CHECK(rejects >= 30);
  CHECK(edges >= 8);
  std::cout << "golden: " << rejects << " PyTorch-rejected cases rejected by convt at the "
            << "documented stage (x " << algos.size() << " algorithms); " << edges
            << " accepted edge cases\n";
}
