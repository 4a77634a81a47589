// convt-bench: wall-clock benchmark of convt_run through the public C API only.
//
// For each layer (a suite file, or one layer given with PyTorch-style flags) and each
// requested algorithm it creates a handle with seeded-random weights, bias and input in
// [-1, 1), asks the library for the output shape, the workspace size and the concrete
// algorithm it will use, allocates the workspace once and passes it to every run, does
// --warmup untimed runs, then times --runs calls one by one with std::chrono::steady_clock
// and reports the median. GFLOP/s counts one multiply-add as 2 flops:
//   2 * N * Cin * H * W * (Cout / groups) * kH * kW / median time.
// Unless --no-check, the result is compared with one run of CONVT_ALGORITHM_REFERENCE
// (max |result - reference|). Exit status: 0 ok, 1 a convt call failed, 2 bad usage/suite.
#include <convt/convt.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef CONVT_BENCH_DEFAULT_SUITE
#define CONVT_BENCH_DEFAULT_SUITE "shapes.txt"
#endif

namespace {

struct Layer {
  std::string name = "cli";
  int64_t n = 1, cin = 0, cout = 0, h = 0, w = 0;
  int64_t k[2] = {0, 0}, s[2] = {1, 1}, p[2] = {0, 0}, op[2] = {0, 0}, d[2] = {1, 1};
  int64_t groups = 1;
  bool bias = true;
};

struct Options {
  std::string suite = CONVT_BENCH_DEFAULT_SUITE, filter, algorithm = "auto";
  int64_t threads = 0, runs = 20, warmup = 3;
  bool csv = false, check = true;
};

// One measured (layer, algorithm) pair, as printed.
struct Row {
  std::string layer, shape, requested, algorithm, diff = "-";
  int64_t threads = 0;
  double ws_mib = 0, ms = 0, gflops = 0;
};

const char* const kUsage =
    "usage: convt-bench [--suite FILE] [--filter SUBSTRING]           (every layer of a suite)\n"
    "       convt-bench --in-channels C --out-channels C --kernel-size K --input-size H,W\n"
    "                   [--stride S] [--padding P] [--output-padding P] [--dilation D]\n"
    "                   [--groups G] [--batch N] [--no-bias] [--name NAME]  (one layer)\n"
    "options: --threads N (0 = library default)  --algorithm auto|gemm_col2im|reference|all\n"
    "         --runs R (20)  --warmup W (3)  --csv  --no-check  --help\n"
    "Spatial flags take a scalar or an H,W pair. Suite lines:\n"
    "  name N Cin Cout H W kh kw sh sw ph pw oph opw dh dw groups\n"
    "default suite: " CONVT_BENCH_DEFAULT_SUITE "\n";

[[noreturn]] void usage_error(const std::string& msg) {
  std::fprintf(stderr, "convt-bench: %s\n(see convt-bench --help)\n", msg.c_str());
  std::exit(2);
}

bool parse_int(const std::string& text, int64_t& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  value = v;
  return true;
}

// "3" -> (3, 3), "3,5" -> (3, 5).
void parse_pair(const std::string& flag, const std::string& text, int64_t out[2]) {
  size_t comma = text.find(',');
  bool ok = comma == std::string::npos
                ? parse_int(text, out[0]) && parse_int(text, out[1])
                : parse_int(text.substr(0, comma), out[0]) && parse_int(text.substr(comma + 1), out[1]);
  if (!ok) usage_error(flag + " expects an integer or an H,W pair, got '" + text + "'");
}

std::vector<Layer> read_suite(const std::string& path) {
  static const char* const kFields[16] = {"N",  "Cin", "Cout", "H",   "W",   "kh",  "kw", "sh",
                                          "sw", "ph",  "pw",   "oph", "opw", "dh",  "dw", "groups"};
  std::ifstream in(path);
  if (!in) usage_error("cannot open suite file '" + path + "'");
  std::vector<Layer> layers;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    line = line.substr(0, line.find('#'));
    std::istringstream fields(line);
    std::vector<std::string> tok;
    for (std::string t; fields >> t;) tok.push_back(t);
    if (tok.empty()) continue;
    auto fail = [&](const std::string& why) {
      std::fprintf(stderr,
                   "convt-bench: %s:%d: %s\n  expected: name N Cin Cout H W kh kw sh sw ph pw "
                   "oph opw dh dw groups\n",
                   path.c_str(), lineno, why.c_str());
      std::exit(2);
    };
    if (tok.size() != 17) fail("expected 17 fields, got " + std::to_string(tok.size()));
    int64_t v[16];
    for (int i = 0; i < 16; ++i)
      if (!parse_int(tok[i + 1], v[i]))
        fail(std::string("field ") + kFields[i] + " is not an integer: '" + tok[i + 1] + "'");
    Layer l;
    l.name = tok[0];
    l.n = v[0], l.cin = v[1], l.cout = v[2], l.h = v[3], l.w = v[4];
    for (int i = 0; i < 2; ++i) {
      l.k[i] = v[5 + i], l.s[i] = v[7 + i], l.p[i] = v[9 + i];
      l.op[i] = v[11 + i], l.d[i] = v[13 + i];
    }
    l.groups = v[15];
    layers.push_back(l);
  }
  return layers;
}

// Product of non-negative factors; false on a negative factor or size_t overflow.
bool checked_count(std::initializer_list<int64_t> factors, size_t& count) {
  count = 1;
  for (int64_t f : factors)
    if (f < 0 || __builtin_mul_overflow(count, static_cast<uint64_t>(f), &count)) return false;
  return true;
}

// Deterministic uniform [-1, 1) values (splitmix64, 24-bit mantissa), seeded per buffer.
void fill_random(std::vector<float>& v, uint64_t seed) {
  for (float& x : v) {
    uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    x = static_cast<float>(z >> 40) * (2.0f / 16777216.0f) - 1.0f;
  }
}

using Handle = std::unique_ptr<convt_handle, decltype(&convt_destroy)>;

// Thrown (and caught per row) when a convt call fails: status name + convt_last_error().
struct ConvtError {
  std::string what;
};

void check(convt_status st, const char* call) {
  if (st != CONVT_OK)
    throw ConvtError{std::string(call) + ": " + convt_status_string(st) + ": " + convt_last_error()};
}

Handle make_handle(const Layer& l, int32_t algorithm, int64_t threads, const std::vector<float>& weight,
                   const std::vector<float>& bias) {
  convt_params prm;
  convt_params_init(&prm, sizeof prm);
  prm.algorithm = algorithm;
  prm.in_channels = l.cin;
  prm.out_channels = l.cout;
  for (int i = 0; i < 2; ++i) {
    prm.kernel_size[i] = l.k[i], prm.stride[i] = l.s[i], prm.padding[i] = l.p[i];
    prm.output_padding[i] = l.op[i], prm.dilation[i] = l.d[i];
  }
  prm.groups = l.groups;
  prm.num_threads = static_cast<int32_t>(threads);
  convt_handle* h = nullptr;
  check(convt_create(&prm, weight.empty() ? nullptr : weight.data(),
                     l.bias ? bias.data() : nullptr, &h),
        "convt_create");
  return Handle(h, &convt_destroy);
}

// Benchmarks one layer for every requested algorithm; appends one row per success.
// Returns false if any convt call failed (already reported on stderr).
bool bench_layer(const Layer& l, const Options& o, const std::vector<int32_t>& algorithms,
                 const std::function<void(const Row&)>& emit) {
  bool ok = true;
  // Invalid parameters leave the weights empty; convt_create then reports the real problem.
  size_t wcount = 0;
  if (l.groups <= 0 || !checked_count({l.cin, l.cout / l.groups, l.k[0], l.k[1]}, wcount)) wcount = 0;
  std::vector<float> weight, bias, input, reference;
  bool have_reference = false;
  const int64_t in_shape[4] = {l.n, l.cin, l.h, l.w};
  try {
    weight.resize(wcount);
    bias.resize(static_cast<size_t>(std::max<int64_t>(l.cout, 0)));
    fill_random(weight, 1);
    fill_random(bias, 2);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "convt-bench: layer %s: out of memory for the weights\n", l.name.c_str());
    return false;
  }
  for (int32_t algo : algorithms) {
    Row row;
    row.layer = l.name;
    row.requested = convt_algorithm_name(algo);
    try {
      Handle h = make_handle(l, algo, o.threads, weight, bias);
      int64_t out_shape[4];
      size_t ws_bytes = 0, out_count = 0, in_count = 0;
      int32_t selected = 0;
      check(convt_output_shape(h.get(), in_shape, nullptr, out_shape), "convt_output_shape");
      check(convt_workspace_size(h.get(), in_shape, nullptr, &ws_bytes), "convt_workspace_size");
      check(convt_selected_algorithm(h.get(), in_shape, nullptr, &selected), "convt_selected_algorithm");
      convt_params got;
      check(convt_get_params(h.get(), &got, sizeof got), "convt_get_params");
      if (!checked_count({out_shape[0], out_shape[1], out_shape[2], out_shape[3]}, out_count) ||
          !checked_count({l.n, l.cin, l.h, l.w}, in_count))
        throw ConvtError{"tensor size overflows size_t"};
      if (input.size() != in_count) {
        input.resize(in_count);
        fill_random(input, 3);
      }
      std::vector<float> output(out_count);
      std::vector<unsigned char> workspace(ws_bytes);
      auto run = [&](const Handle& handle, std::vector<float>& out, void* ws, size_t ws_size) {
        check(convt_run(handle.get(), in_shape, input.data(), nullptr, out.data(), out.size(), ws,
                        ws_size),
              "convt_run");
      };
      for (int64_t i = 0; i < o.warmup; ++i) run(h, output, workspace.data(), workspace.size());
      std::vector<double> ms(static_cast<size_t>(o.runs));
      for (double& t : ms) {
        auto t0 = std::chrono::steady_clock::now();
        run(h, output, workspace.data(), workspace.size());
        t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      }
      std::sort(ms.begin(), ms.end());
      size_t mid = ms.size() / 2;
      row.ms = ms.size() % 2 ? ms[mid] : 0.5 * (ms[mid - 1] + ms[mid]);

      if (o.check && selected != CONVT_ALGORITHM_REFERENCE) {
        if (!have_reference) {  // one reference run per layer, shared by its rows
          Handle ref = make_handle(l, CONVT_ALGORITHM_REFERENCE, o.threads, weight, bias);
          reference.assign(out_count, 0.0f);
          run(ref, reference, nullptr, 0);
          have_reference = true;
        }
        double diff = 0;
        for (size_t i = 0; i < out_count; ++i) {
          double e = std::fabs(static_cast<double>(output[i]) - reference[i]);
          if (!(e <= diff)) diff = e;  // keeps a NaN
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2e", diff);
        row.diff = buf;
      }
      double flops = 2.0 * l.n * l.cin * l.h * l.w * static_cast<double>(l.cout / l.groups) * l.k[0] * l.k[1];
      row.gflops = row.ms > 0 ? flops / (row.ms * 1e6) : 0;
      row.shape = std::to_string(out_shape[0]) + "x" + std::to_string(out_shape[1]) + "x" +
                  std::to_string(out_shape[2]) + "x" + std::to_string(out_shape[3]);
      row.algorithm = convt_algorithm_name(selected);
      row.threads = got.num_threads;
      row.ws_mib = static_cast<double>(ws_bytes) / (1024.0 * 1024.0);
      emit(row);
    } catch (const ConvtError& e) {
      std::fflush(stdout);
      std::fprintf(stderr, "convt-bench: layer %s, algorithm %s: %s\n", l.name.c_str(),
                   row.requested.c_str(), e.what.c_str());
      ok = false;
    } catch (const std::bad_alloc&) {
      std::fflush(stdout);
      std::fprintf(stderr, "convt-bench: layer %s, algorithm %s: out of memory for the buffers\n",
                   l.name.c_str(), row.requested.c_str());
      ok = false;
    }
  }
  return ok;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  Layer cli;
  bool layer_flags = false, have_in = false, have_out = false, have_k = false, have_size = false;
  bool suite_flags = false;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i], inline_value;
    bool has_inline = false;
    size_t eq = flag.find('=');
    if (flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1), flag = flag.substr(0, eq), has_inline = true;
    }
    auto value = [&]() -> std::string {
      if (has_inline) return inline_value;
      if (i + 1 >= argc) usage_error(flag + " needs a value");
      return argv[++i];
    };
    auto int_value = [&](int64_t lo) {
      int64_t v = 0;
      std::string text = value();
      if (!parse_int(text, v) || v < lo || v > INT32_MAX)
        usage_error(flag + " expects an integer >= " + std::to_string(lo) + ", got '" + text + "'");
      return v;
    };
    auto scalar_layer = [&](int64_t& field) {
      layer_flags = true;
      std::string text = value();
      if (!parse_int(text, field)) usage_error(flag + " expects an integer, got '" + text + "'");
    };
    auto pair_layer = [&](int64_t* field) { layer_flags = true, parse_pair(flag, value(), field); };
    bool takes_no_value = flag == "--help" || flag == "-h" || flag == "--csv" ||
                          flag == "--no-check" || flag == "--no-bias";
    if (takes_no_value && has_inline) usage_error(flag + " takes no value");

    if (flag == "--help" || flag == "-h") { std::fputs(kUsage, stdout); return 0; }
    else if (flag == "--suite") o.suite = value(), suite_flags = true;
    else if (flag == "--filter") o.filter = value(), suite_flags = true;
    else if (flag == "--threads") o.threads = int_value(0);
    else if (flag == "--algorithm") o.algorithm = value();
    else if (flag == "--runs") o.runs = int_value(1);
    else if (flag == "--warmup") o.warmup = int_value(0);
    else if (flag == "--csv") o.csv = true;
    else if (flag == "--no-check") o.check = false;
    else if (flag == "--in-channels") scalar_layer(cli.cin), have_in = true;
    else if (flag == "--out-channels") scalar_layer(cli.cout), have_out = true;
    else if (flag == "--groups") scalar_layer(cli.groups);
    else if (flag == "--batch") scalar_layer(cli.n);
    else if (flag == "--kernel-size") pair_layer(cli.k), have_k = true;
    else if (flag == "--input-size") { int64_t hw[2]; pair_layer(hw); cli.h = hw[0], cli.w = hw[1], have_size = true; }
    else if (flag == "--stride") pair_layer(cli.s);
    else if (flag == "--padding") pair_layer(cli.p);
    else if (flag == "--output-padding") pair_layer(cli.op);
    else if (flag == "--dilation") pair_layer(cli.d);
    else if (flag == "--no-bias") cli.bias = false, layer_flags = true;
    else if (flag == "--name") cli.name = value(), layer_flags = true;
    else usage_error("unknown argument '" + flag + "'");
  }

  // Algorithms by name, as the linked library names them (values are contiguous from AUTO).
  std::vector<int32_t> algorithms, concrete;
  for (int32_t a = CONVT_ALGORITHM_AUTO + 1; std::string(convt_algorithm_name(a)) != "unknown"; ++a)
    concrete.push_back(a);
  if (o.algorithm == "all") {
    algorithms = concrete;
    algorithms.push_back(CONVT_ALGORITHM_AUTO);
  } else {
    for (int32_t a = CONVT_ALGORITHM_AUTO; a <= static_cast<int32_t>(concrete.size()); ++a)
      if (o.algorithm == convt_algorithm_name(a)) algorithms.push_back(a);
    if (algorithms.empty()) usage_error("unknown algorithm '" + o.algorithm + "'");
  }

  std::vector<Layer> layers;
  if (layer_flags) {
    if (suite_flags) usage_error("--suite/--filter cannot be combined with layer flags");
    if (!have_in || !have_out || !have_k || !have_size)
      usage_error("a layer needs --in-channels, --out-channels, --kernel-size and --input-size");
    layers.push_back(cli);
  } else {
    for (const Layer& l : read_suite(o.suite))
      if (l.name.find(o.filter) != std::string::npos) layers.push_back(l);
    if (layers.empty()) usage_error("no layer in '" + o.suite + "' matches '" + o.filter + "'");
  }

  if (convt_version_number() != CONVT_VERSION_NUMBER)
    std::fprintf(stderr, "convt-bench: warning: built against convt %d.%d.%d, running %s\n",
                 CONVT_VERSION_MAJOR, CONVT_VERSION_MINOR, CONVT_VERSION_PATCH, convt_version_string());

  int name_w = 5;
  for (const Layer& l : layers) name_w = std::max(name_w, static_cast<int>(l.name.size()));
  const char* row_fmt = "%-*s  %-17s  %-17s  %7s  %8s  %11s  %9s  %12s\n";
  if (o.csv) {
    std::puts("layer,output_shape,requested,algorithm,threads,workspace_mib,ms_median,gflops,max_abs_diff");
  } else {
    unsigned hw = std::thread::hardware_concurrency();
    std::printf("convt %s, %u hardware threads, median of %lld runs after %lld warmup%s; "
                "threads 0 = library default\n\n",
                convt_version_string(), hw, static_cast<long long>(o.runs),
                static_cast<long long>(o.warmup), o.check ? ", checked against reference" : "");
    std::printf(row_fmt, name_w, "layer", "output (NxCxHxW)", "algorithm", "threads", "ws MiB",
                "ms (median)", "GFLOP/s", "max_abs_diff");
    std::printf("%s\n", std::string(name_w + 2 + 17 + 2 + 17 + 2 + 7 + 2 + 8 + 2 + 11 + 2 + 9 + 2 + 12, '-').c_str());
  }

  double log_sum = 0;
  int rated = 0;
  auto emit = [&](const Row& r) {
    if (r.gflops > 0) log_sum += std::log(r.gflops), ++rated;
    char ws[32], ms[32], gf[32];
    std::snprintf(ws, sizeof ws, o.csv ? "%.6f" : "%.2f", r.ws_mib);
    std::snprintf(ms, sizeof ms, o.csv ? "%.6f" : "%.3f", r.ms);
    std::snprintf(gf, sizeof gf, "%.2f", r.gflops);
    if (o.csv) {
      std::printf("%s,%s,%s,%s,%lld,%s,%s,%s,%s\n", csv_field(r.layer).c_str(), r.shape.c_str(),
                  r.requested.c_str(), r.algorithm.c_str(), static_cast<long long>(r.threads), ws, ms,
                  gf, r.diff.c_str());
    } else {
      // Under --algorithm all the auto row is marked, so it can be told from the forced rows.
      std::string algo = o.algorithm == "all" && r.requested == "auto" ? "auto:" + r.algorithm : r.algorithm;
      std::printf(row_fmt, name_w, r.layer.c_str(), r.shape.c_str(), algo.c_str(),
                  std::to_string(r.threads).c_str(), ws, ms, gf, r.diff.c_str());
    }
    std::fflush(stdout);
  };

  bool ok = true;
  for (const Layer& l : layers) ok = bench_layer(l, o, algorithms, emit) && ok;

  char geo[32] = "-";
  if (rated > 0) std::snprintf(geo, sizeof geo, "%.2f", std::exp(log_sum / rated));
  // In CSV mode the summary goes to stderr so stdout stays plain CSV.
  std::fprintf(o.csv ? stderr : stdout, "%sgeomean GFLOP/s over %d rows: %s\n", o.csv ? "" : "\n",
               rated, geo);
  if (!ok) std::fprintf(stderr, "convt-bench: some layers failed (see above)\n");
  return ok ? 0 : 1;
}
