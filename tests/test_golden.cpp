// Golden data: PyTorch's own ConvTranspose1d/2d/3d results and verdicts (tests/data/golden.txt
// + golden.bin, written by tools/gen_golden.py), replayed through every convt algorithm.
// Needs no PyTorch at test time. The data directory comes from the compile definition
// CONVT_GOLDEN_DIR, or from the command line: convt-golden --golden-dir DIR [catch args].
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

// Floors a little below the set's counts per rank (tools/gen_golden.py): a truncated or
// misread file fails the counts.
struct Floor {
  size_t valid, reject, edges;
};
Floor floor_of(int rank) {
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

  // The entries past `rank` get values that convt_create would reject if it read them:
  // convt.h says they are ignored, and every golden run holds it to that.
  convt_params params(int32_t algorithm) const {
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
    }
    return q;
  }
  // The output size of dimension i at output_padding `pad` (the shape rule of convt.h).
  int64_t out_dim(int i, int64_t pad) const {
    return (in[i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + pad + 1;
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
  std::string str() const {
    auto list = [&](const Dims& v) {
      std::string r;
      for (int i = 0; i < rank; ++i) r += (i ? "x" : "") + std::to_string(v[i]);
      return r;
    };
    return std::to_string(rank) + "-D N" + std::to_string(n) + " Cin" + std::to_string(cin) +
           " Cout" + std::to_string(cout) + " in " + list(in) + " k" + list(k) + " s" + list(s) +
           " p" + list(p) + " op" + list(op) + " d" + list(d) + " g" + std::to_string(groups) +
           (bias ? " bias" : " nobias") + " xc" + std::to_string(xc);
  }
};

struct Span {
  size_t offset = 0;  // bytes into golden.bin
  size_t count = 0;   // float32 elements
  bool present = false;
};

struct Golden {
  int line = 0;
  bool valid = false;
  std::string name, stage, torch_message;
  Layer c;  // c.op is the layer's output_padding
  std::vector<int64_t> osize;  // the output_size request (rank entries), or empty for none
  std::vector<int64_t> out;    // PyTorch's output shape, 2 + rank entries (VALID)
  Span x, w, b, y;

  const int64_t* request() const { return osize.empty() ? nullptr : osize.data(); }
  std::string str() const {
    std::ostringstream s;
    s << "golden.txt:" << line << " " << name << " [" << c.str();
    if (!osize.empty()) {
      s << " output_size ";
      for (size_t i = 0; i < osize.size(); ++i) s << (i ? "x" : "") << osize[i];
    }
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

int64_t product(const std::vector<int64_t>& v) {
  int64_t r = 1;
  for (int64_t e : v) r *= e;
  return r;
}

// The double-precision oracle of tests/support.hpp (gather form, written from the
// definition) on this layer, for the output shape the golden case gives.
test::Oracle oracle(const Layer& c, const std::vector<float>& x, const std::vector<float>& wt,
                    const float* bias, const std::vector<int64_t>& out_shape) {
  test::Config config;
  config.rank = c.rank;
  config.n = c.n, config.cin = c.cin, config.cout = c.cout, config.groups = c.groups;
  config.bias = bias != nullptr;
  for (int i = 0; i < c.rank; ++i) config.set_axis(i, {c.in[i], c.k[i], c.s[i], c.p[i], 0, c.d[i]});
  const std::vector<int64_t> out(out_shape.begin() + 2, out_shape.end());
  return test::oracle(config, x, wt, bias, out);
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
  const Layer& c = k.c;
  int64_t elems = std::max<int64_t>(c.n, 1) * std::max<int64_t>(c.cout, 1);
  for (int i = 0; i < c.rank; ++i) {
    int64_t v = c.out_dim(i, c.op[i]) + std::max<int64_t>(c.s[i], 1);
    if (!k.osize.empty()) v = std::max(v, k.osize[static_cast<size_t>(i)]);
    elems *= std::max<int64_t>(v, 1);
  }
  return static_cast<size_t>(elems);
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
  std::map<int32_t, size_t> runs_of;  // per algorithm: which ones ran this rank
  Worst convt, torch;                 // |convt - torch|, |torch - double oracle|
};

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
  std::map<int, size_t> valid, reject;
  for (const Golden& k : g.cases) {
    INFO(k.str());
    CHECK(names.insert(k.name).second);
    const Layer& c = k.c;
    // Names start with the rank ("2d_..."): a case cannot be filed under the wrong one.
    CHECK(k.name.rfind(std::to_string(c.rank) + "d_", 0) == 0);
    if (!k.valid) {
      ++reject[c.rank];
      CHECK(c.n == 1);  // PyTorch's verdicts were taken on a batch of one
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
    // PyTorch's shape is the documented formula, or the request.
    for (int i = 0; i < c.rank; ++i) {
      INFO("spatial dimension " << i);
      CHECK(k.out[static_cast<size_t>(2 + i)] ==
            (k.osize.empty() ? c.out_dim(i, c.op[i]) : k.osize[static_cast<size_t>(i)]));
    }
  }
  for (int rank : kRanks) {
    INFO("rank " << rank);
    CHECK(valid[rank] >= floor_of(rank).valid);
    CHECK(reject[rank] >= floor_of(rank).reject);
  }
}

TEST_CASE("every algorithm reproduces PyTorch's golden outputs", "[golden][quick]") {
  const GoldenSet& g = golden();
  const std::vector<int32_t> algos = test::all_algorithms();
  REQUIRE(algos.size() >= 3);
  std::map<int, RankTally> tally;
  for (const Golden& k : g.cases) {
    if (!k.valid) continue;
    INFO(k.str());
    const Layer& c = k.c;
    RankTally& t = tally[c.rank];
    ++t.cases;
    const auto x = g.get(k.x), w = g.get(k.w), b = g.get(k.b), y = g.get(k.y);
    const float* bias = c.bias ? b.data() : nullptr;
    const auto o = oracle(c, x, w, bias, k.out);
    REQUIRE(o.value.size() == y.size());

    // The golden data itself against the independent double oracle: checks that the index
    // and the layouts are read as PyTorch wrote them (and PyTorch's rounding).
    size_t torch_bad = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      const double r = std::fabs(y[i] - o.value[i]) / golden_tolerance(o, i);
      if (!(r <= 1)) ++torch_bad;
      t.torch.see(r, k.name);
    }
    CHECK(torch_bad == 0);

    const std::vector<int64_t> in_shape = c.input_shape(c.n), empty_shape = c.input_shape(0);
    const size_t shape_len = in_shape.size();
    for (int32_t algo : algos) {
      INFO("algorithm " << convt_algorithm_name(algo));
      const convt_params p = c.params(algo);
      convt_handle* h = nullptr;
      const convt_status cs = convt_create(&p, w.data(), bias, &h);
      if (test::not_applicable(cs)) continue;  // a forced algorithm that cannot run this layer
      INFO("convt_create: " << convt_last_error());
      REQUIRE(cs == CONVT_OK);
      const std::unique_ptr<convt_handle, void (*)(convt_handle*)> owner(h, convt_destroy);
      // One entry past the shape: convt writes 2 + rank entries, not one more.
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
          convt_run(h, in_shape.data(), x.empty() ? nullptr : x.data(), k.request(),
                    out.empty() ? nullptr : out.data(), out.size(), nullptr, 0);
      if (test::not_applicable(rs)) continue;  // e.g. pointwise with output_padding
      REQUIRE(rs == CONVT_OK);
      ++t.runs;
      ++t.runs_of[algo];
      t.elements += out.size();
      size_t bad = 0, first_bad = 0;
      for (size_t i = 0; i < out.size(); ++i) {
        const double err = std::fabs(static_cast<double>(out[i]) - y[i]);
        const double r = err / golden_tolerance(o, i);
        if (!(r <= 1)) {  // also catches NaN: an element the run did not write
          if (bad++ == 0) first_bad = i;
        }
        t.convt.see(r, k.name + " / " + convt_algorithm_name(algo));
      }
      if (bad) {
        FAIL_CHECK(bad << " of " << out.size() << " elements differ from PyTorch; first at "
                       << first_bad << ": convt " << out[first_bad] << ", torch " << y[first_bad]
                       << ", tolerance " << golden_tolerance(o, first_bad) << " (terms "
                       << o.terms[first_bad] << ", sum|x*w| " << o.magnitude[first_bad] << ")");
      }

      // Again with a caller workspace of exactly the reported size, every byte 0xFF (a NaN
      // in every float): scratch the run reads before writing would show in the output,
      // which must be bit for bit the first run's.
      size_t ws = 0;
      REQUIRE(convt_workspace_size(h, in_shape.data(), k.request(), &ws) == CONVT_OK);
      const std::unique_ptr<unsigned char[]> scratch(new unsigned char[std::max<size_t>(ws, 1)]);
      std::memset(scratch.get(), 0xFF, std::max<size_t>(ws, 1));
      std::vector<float> again(y.size(), -5.0f);
      REQUIRE(convt_run(h, in_shape.data(), x.empty() ? nullptr : x.data(), k.request(),
                        again.empty() ? nullptr : again.data(), again.size(),
                        ws ? scratch.get() : nullptr, ws) == CONVT_OK);
      CHECK((again.empty() ||
             std::memcmp(again.data(), out.data(), out.size() * sizeof(float)) == 0));
    }
  }
  for (int rank : kRanks) {
    RankTally& t = tally[rank];
    INFO("rank " << rank);
    CHECK(t.cases >= floor_of(rank).valid);
    // convt.h: GEMM + col2im and REFERENCE run every layer, and AUTO always finds one.
    CHECK(t.runs_of[CONVT_ALGORITHM_AUTO] == t.cases);
    CHECK(t.runs_of[CONVT_ALGORITHM_GEMM_COL2IM] == t.cases);
    CHECK(t.runs_of[CONVT_ALGORITHM_REFERENCE] == t.cases);
    std::cout << "golden " << rank << "-D: " << t.cases << " valid cases x " << algos.size()
              << " algorithms = " << t.runs << " runs, " << t.elements
              << " elements; largest |convt - torch| / tolerance = " << t.convt.ratio << " ("
              << t.convt.where << "); largest |torch - double oracle| / tolerance = "
              << t.torch.ratio << " (" << t.torch.where << "); runs per algorithm:";
    for (int32_t algo : algos)
      std::cout << " " << convt_algorithm_name(algo) << " " << t.runs_of[algo];
    std::cout << "\n";
    WARN("golden " << rank << "-D: " << t.cases << " valid cases, " << t.runs
                   << " runs, largest error / tolerance " << t.convt.ratio << " ("
                   << t.convt.where << ")");
  }
}

TEST_CASE("convt rejects exactly what PyTorch rejects, at the documented stage",
          "[golden][quick]") {
  const GoldenSet& g = golden();
  const std::vector<int32_t> algos = test::all_algorithms();
  std::map<int, size_t> rejects, edges, runs;
  for (const Golden& k : g.cases) {
    INFO(k.str());
    INFO("torch: " << k.torch_message);
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
    for (int32_t algo : algos) {
      INFO("algorithm " << convt_algorithm_name(algo));
      const convt_params p = c.params(algo);
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
      CHECK(convt_run(h, in_shape.data(), x.data(), k.request(), out.data(), out.size(), nullptr,
                      0) == CONVT_ERROR_INVALID_ARGUMENT);
      size_t touched = 0;
      for (float v : out) touched += v != -3.0f;
      CHECK(touched == 0);  // nothing written on failure
      convt_destroy(h);
    }
  }
  for (int rank : kRanks) {
    INFO("rank " << rank);
    CHECK(rejects[rank] >= floor_of(rank).reject);
    CHECK(edges[rank] >= floor_of(rank).edges);
    std::cout << "golden " << rank << "-D: " << rejects[rank]
              << " PyTorch-rejected cases rejected by convt at the documented stage ("
              << runs[rank] << " case x algorithm pairs); " << edges[rank]
              << " accepted edge cases\n";
  }
}
