// convt-bench: wall-clock benchmark of convt_run through the public C API only, alone or
// against other engines (--peers).
//
// Default mode: for each layer (a suite file, or one layer given with PyTorch-style flags)
// and each requested algorithm it creates a handle with seeded-random weights, bias and
// input in [-1, 1), asks the library for the output shape, the workspace size and the
// concrete algorithm it will use, allocates the workspace once and passes it to every run,
// does --warmup untimed runs, then times --runs calls one by one with
// std::chrono::steady_clock (each after --idle-ms of sleep, if given) and reports the
// median. A forced algorithm that cannot run a layer (CONVT_ERROR_UNSUPPORTED, "... cannot
// run this ...") prints "n/a" and is no failure.
//
// --peers: per layer, convt AUTO, convt with each forced algorithm that can run the layer
// (REFERENCE only with --with-reference), the in-process peers that were built in (oneDNN,
// XNNPACK, the GEMM-only floor; bench/peers/*.cpp) are timed interleaved: each engine does
// --warmup runs, then --runs timed runs in rounds: each round runs every engine for a burst
// of 5 back-to-back runs (each round in its own seeded order; before each burst the
// benchmark waits until the process's threads are idle, so one engine's spinning pool does
// not slow the next, then runs the engine untimed for 5 ms so that its own threads are
// awake and the cores at speed, as when it runs in an application's loop), more rounds
// until every engine's timed runs add up to --min-ms; each engine's median is reported.
// The Python peers (PyTorch from Debian and from PyPI, ONNX Runtime, OpenVINO;
// bench/peers/*.py) run in their own processes, one after another, with the same data,
// warm-up and run count, and their medians are merged in. Every engine gets the same
// thread count. Every output is compared once with convt's REFERENCE output.
//
// GFLOP/s counts one multiply-add as 2 flops, the same for every engine:
//   2 * N * Cin * H * W * (Cout / groups) * kH * kW / median time.
// Exit status: 0 ok, 1 a convt call failed, 2 bad usage/suite. Peers never make it fail.
#include <convt/convt.h>

#include <dirent.h>
#include <dlfcn.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "peers/engines.hpp"
#include "peers/python_peers.hpp"

#ifdef CONVT_BENCH_HAVE_OPENBLAS
#include <cblas.h>
#endif

#ifndef CONVT_BENCH_DEFAULT_SUITE
#define CONVT_BENCH_DEFAULT_SUITE "shapes.txt"
#endif
#ifndef CONVT_BENCH_PEERS_DIR
#define CONVT_BENCH_PEERS_DIR "peers"
#endif
#ifndef CONVT_BENCH_PEERS_VENV
#define CONVT_BENCH_PEERS_VENV ""
#endif

namespace {

using convt_bench::Layer;

struct Options {
  std::string suite = CONVT_BENCH_DEFAULT_SUITE, filter, algorithm = "auto", json, engines;
  int64_t threads = 0, runs = 20, warmup = 3, idle_ms = 0, min_ms = 100;
  bool csv = false, check = true, peers = false, with_reference = false, verbose = false,
       quiesce = true, algorithm_given = false, min_ms_given = false;
};

// One measured (layer, algorithm) pair, as printed (default mode).
struct Row {
  std::string layer, shape, requested, algorithm, diff = "-";
  int64_t threads = 0;
  double ws_mib = 0, ms = 0, gflops = 0;
  bool not_applicable = false;
};

const char* const kUsage =
    "usage: convt-bench [--suite FILE] [--filter SUBSTRING]           (every layer of a suite)\n"
    "       convt-bench --in-channels C --out-channels C --kernel-size K --input-size H,W\n"
    "                   [--stride S] [--padding P] [--output-padding P] [--dilation D]\n"
    "                   [--groups G] [--batch N] [--no-bias] [--name NAME]  (one layer)\n"
    "options: --threads N (0 = library default)  --algorithm auto|gemm_col2im|reference|...|all\n"
    "         --runs R (20)  --warmup W (3)  --csv  --json FILE  --no-check  --help\n"
    "         --print-isa  print convt's kernel level (convt_cpu_isa(): CONVT_MAX_ISA caps it)\n"
    "         --idle-ms M  (without --peers) sleep M ms before each timed run: a run after\n"
    "                  the application was idle, whose pool threads have gone to sleep\n"
    "         --peers  time convt AUTO, every forced algorithm that can run the layer, and\n"
    "                  the peers (oneDNN, XNNPACK (NHWC), PyTorch (Debian, PyPI), ONNX Runtime,\n"
    "                  OpenVINO, the GEMM-only floor), interleaved, every engine at --threads\n"
    "                  threads (0: all hardware threads); missing peers print \"-\"\n"
    "         --with-reference  (with --peers) also time CONVT_ALGORITHM_REFERENCE\n"
    "         --min-ms M        (with --peers) more rounds until every engine's timed runs\n"
    "                           add up to at least M ms (100; at most 60 rounds): on fast\n"
    "                           layers a median of 20 runs moved with the host's load\n"
    "         --no-quiesce      (with --peers) do not wait for idle threads between runs\n"
    "         --verbose         (with --peers) per-layer peer notes (oneDNN's implementation)\n"
    "         --engines ID,...  (with --peers) time only these columns besides convt AUTO (ids as\n"
    "                           in --csv: convt_subpixel, onednn, xnnpack_nhwc, torch_debian,\n"
    "                           torch_pypi, onnxruntime, openvino, gemm_floor)\n"
    "Spatial flags take a scalar or an H,W pair. Suite lines:\n"
    "  name N Cin Cout H W kh kw sh sw ph pw oph opw dh dw groups\n"
    "Python peers: /usr/bin/python3 (or $CONVT_BENCH_SYSTEM_PYTHON) runs torch_peer.py with\n"
    "Debian's PyTorch; the venv of tools/bench-setup.sh (or $CONVT_BENCH_PYTHON) runs PyTorch,\n"
    "ONNX Runtime and OpenVINO from PyPI.\n"
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

double flops_of(const Layer& l) {
  return 2.0 * l.n * l.cin * l.h * l.w * static_cast<double>(l.cout / l.groups) * l.k[0] * l.k[1];
}

double median_of(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
}

// max |a - b| (NaN if any element is NaN, or the sizes differ).
double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return NAN;
  double diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    double e = std::fabs(static_cast<double>(a[i]) - b[i]);
    if (!(e <= diff)) diff = e;  // keeps a NaN
  }
  return diff;
}

using Handle = std::unique_ptr<convt_handle, decltype(&convt_destroy)>;

// Thrown (and caught per row) when a convt call fails: status name + convt_last_error().
struct ConvtError {
  std::string what;
  bool cannot_run = false;  // a forced algorithm that cannot run this layer/shape
};

void check(convt_status st, const char* call) {
  if (st != CONVT_OK) {
    std::string msg = convt_last_error();
    throw ConvtError{std::string(call) + ": " + convt_status_string(st) + ": " + msg,
                     st == CONVT_ERROR_UNSUPPORTED && msg.find(" cannot run this ") != std::string::npos};
  }
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

// The seeded tensors of one layer (the same for every engine and every mode).
struct Tensors {
  std::vector<float> weight, bias, input;
};

// Throws std::bad_alloc; leaves the weights empty for invalid parameters (convt_create
// then reports the real problem) and the input empty when its size overflows.
Tensors make_tensors(const Layer& l) {
  Tensors t;
  size_t wcount = 0, in_count = 0;
  if (l.groups <= 0 || !checked_count({l.cin, l.cout / l.groups, l.k[0], l.k[1]}, wcount)) wcount = 0;
  if (!checked_count({l.n, l.cin, l.h, l.w}, in_count)) in_count = 0;
  t.weight.resize(wcount);
  t.bias.resize(static_cast<size_t>(std::max<int64_t>(l.cout, 0)));
  t.input.resize(in_count);
  fill_random(t.weight, 1);
  fill_random(t.bias, 2);
  fill_random(t.input, 3);
  return t;
}

// A ready-to-run convt handle for one layer: output shape, workspace, output buffer.
struct ConvtRunner {
  Handle h{nullptr, &convt_destroy};
  int64_t in_shape[4] = {0, 0, 0, 0}, out_shape[4] = {0, 0, 0, 0};
  int32_t selected = 0, num_threads = 0;
  size_t ws_bytes = 0;
  std::vector<unsigned char> workspace;
  std::vector<float> output;
  const float* input = nullptr;

  // Throws ConvtError / std::bad_alloc.
  void setup(const Layer& l, int32_t algorithm, int64_t threads, const Tensors& t) {
    h = make_handle(l, algorithm, threads, t.weight, t.bias);
    in_shape[0] = l.n, in_shape[1] = l.cin, in_shape[2] = l.h, in_shape[3] = l.w;
    size_t out_count = 0, in_count = 0;
    check(convt_output_shape(h.get(), in_shape, nullptr, out_shape), "convt_output_shape");
    check(convt_workspace_size(h.get(), in_shape, nullptr, &ws_bytes), "convt_workspace_size");
    check(convt_selected_algorithm(h.get(), in_shape, nullptr, &selected), "convt_selected_algorithm");
    convt_params got;
    check(convt_get_params(h.get(), &got, sizeof got), "convt_get_params");
    num_threads = got.num_threads;
    if (!checked_count({out_shape[0], out_shape[1], out_shape[2], out_shape[3]}, out_count) ||
        !checked_count({l.n, l.cin, l.h, l.w}, in_count) || in_count != t.input.size())
      throw ConvtError{"tensor size overflows size_t"};
    output.assign(out_count, 0.0f);
    workspace.assign(ws_bytes, 0);
    input = t.input.data();
  }
  void run() {
    check(convt_run(h.get(), in_shape, input, nullptr, output.data(), output.size(), workspace.data(),
                    workspace.size()),
          "convt_run");
  }
  std::string shape() const {
    return std::to_string(out_shape[0]) + "x" + std::to_string(out_shape[1]) + "x" +
           std::to_string(out_shape[2]) + "x" + std::to_string(out_shape[3]);
  }
};

// The REFERENCE output of a layer (one run), or empty (with *error set) if it failed.
std::vector<float> reference_output(const Layer& l, int64_t threads, const Tensors& t, std::string* error) {
  try {
    ConvtRunner ref;
    ref.setup(l, CONVT_ALGORITHM_REFERENCE, threads, t);
    ref.run();
    return std::move(ref.output);
  } catch (const ConvtError& e) {
    if (error) *error = e.what;
  } catch (const std::bad_alloc&) {
    if (error) *error = "out of memory for the reference";
  }
  return {};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string json_string(const std::string& s) {
  std::string q = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') q += '\\', q += static_cast<char>(c);
    else if (c == '\n') q += "\\n";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      q += buf;
    } else q += static_cast<char>(c);
  }
  return q + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string fmt(const char* format, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

// The CPU's model name (/proc/cpuinfo on Linux; "unknown" elsewhere).
std::string cpu_model() {
  std::FILE* f = std::fopen("/proc/cpuinfo", "r");
  if (!f) return "unknown";
  char line[512];
  std::string model = "unknown";
  while (std::fgets(line, sizeof line, f)) {
    const std::string l(line);
    const auto colon = l.find(':');
    if (colon != std::string::npos && l.compare(0, 10, "model name") == 0) {
      model = l.substr(colon + 2);
      while (!model.empty() && (model.back() == '\n' || model.back() == ' ')) model.pop_back();
      break;
    }
  }
  std::fclose(f);
  return model;
}

// Where the numbers come from: the CPU, convt's kernel level and what capped it, the peers'
// caps, OpenBLAS's core and its environment.
std::string machine_line() {
  std::string s = "CPU " + cpu_model() + "; convt kernels " + convt_cpu_isa() +
                  " (CONVT_MAX_ISA=" + env_or("CONVT_MAX_ISA", "<unset>") + ")";
  for (const char* cap : {"ONEDNN_MAX_CPU_ISA", "ATEN_CPU_CAPABILITY"})
    if (std::getenv(cap)) s += std::string("; ") + cap + "=" + std::getenv(cap);
#ifdef CONVT_BENCH_HAVE_OPENBLAS
  s += std::string("; OpenBLAS core ") + openblas_get_corename();
#endif
  s += " (OPENBLAS_CORETYPE=" + env_or("OPENBLAS_CORETYPE", "<unset>") +
       ", OPENBLAS_L2_SIZE=" + env_or("OPENBLAS_L2_SIZE", "<unset>") + ")";
  return s;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) usage_error("cannot write '" + path + "'");
}

// ===================================================================================
// Default mode: one row per (layer, algorithm), each timed on its own.
// ===================================================================================

// Returns false if a convt call failed (already reported on stderr).
double quiesce();  // below: waits until the process's threads are idle

bool bench_layer(const Layer& l, const Options& o, const std::vector<int32_t>& algorithms,
                 const std::function<void(const Row&)>& emit) {
  bool ok = true;
  Tensors t;
  std::vector<float> reference;
  bool have_reference = false;
  try {
    t = make_tensors(l);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "convt-bench: layer %s: out of memory for the tensors\n", l.name.c_str());
    return false;
  }
  for (int32_t algo : algorithms) {
    Row row;
    row.layer = l.name;
    row.requested = convt_algorithm_name(algo);
    try {
      ConvtRunner r;
      r.setup(l, algo, o.threads, t);
      for (int64_t i = 0; i < o.warmup; ++i) r.run();
      std::vector<double> ms(static_cast<size_t>(o.runs));
      for (double& v : ms) {
        if (o.idle_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.idle_ms));
        auto t0 = std::chrono::steady_clock::now();
        r.run();
        v = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      }
      row.ms = median_of(ms);
      if (o.check && r.selected != CONVT_ALGORITHM_REFERENCE) {
        if (!have_reference) {  // one reference run per layer, shared by its rows
          std::string err;
          reference = reference_output(l, o.threads, t, &err);
          if (reference.empty() && !r.output.empty()) throw ConvtError{"reference: " + err};
          have_reference = true;
        }
        row.diff = fmt("%.2e", max_abs_diff(r.output, reference));
      }
      row.gflops = row.ms > 0 ? flops_of(l) / (row.ms * 1e6) : 0;
      row.shape = r.shape();
      row.algorithm = convt_algorithm_name(r.selected);
      row.threads = r.num_threads;
      row.ws_mib = static_cast<double>(r.ws_bytes) / (1024.0 * 1024.0);
      emit(row);
    } catch (const ConvtError& e) {
      if (e.cannot_run && algo != CONVT_ALGORITHM_AUTO) {
        // Not a failure: this forced algorithm does not apply to the layer.
        row.not_applicable = true;
        row.algorithm = "n/a";
        emit(row);
        continue;
      }
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

int run_default_mode(const Options& o, const std::vector<Layer>& layers, const std::vector<int32_t>& algorithms) {
  int name_w = 5;
  for (const Layer& l : layers) name_w = std::max(name_w, static_cast<int>(l.name.size()));
  const char* row_fmt = "%-*s  %-17s  %-17s  %7s  %8s  %11s  %9s  %12s\n";
  if (o.csv) {
    std::puts("layer,output_shape,requested,algorithm,threads,workspace_mib,ms_median,gflops,max_abs_diff");
  } else {
    unsigned hw = std::thread::hardware_concurrency();
    std::printf("convt %s, %u hardware threads, median of %lld runs after %lld warmup%s; "
                "threads 0 = library default\n",
                convt_version_string(), hw, static_cast<long long>(o.runs),
                static_cast<long long>(o.warmup), o.check ? ", checked against reference" : "");
    std::printf("%s\n\n", machine_line().c_str());
    std::printf(row_fmt, name_w, "layer", "output (NxCxHxW)", "algorithm", "threads", "ws MiB",
                "ms (median)", "GFLOP/s", "max_abs_diff");
    std::printf("%s\n", std::string(name_w + 2 + 17 + 2 + 17 + 2 + 7 + 2 + 8 + 2 + 11 + 2 + 9 + 2 + 12, '-').c_str());
  }

  double log_sum = 0;
  int rated = 0;
  std::vector<std::string> json_rows;
  auto emit = [&](const Row& r) {
    if (r.not_applicable) {
      if (o.csv)
        std::printf("%s,,%s,n/a,,,,,\n", csv_field(r.layer).c_str(), r.requested.c_str());
      else
        std::printf(row_fmt, name_w, r.layer.c_str(), "-", ("n/a:" + r.requested).c_str(), "-", "-", "-", "-", "-");
      json_rows.push_back("{\"layer\": " + json_string(r.layer) + ", \"requested\": " + json_string(r.requested) +
                          ", \"algorithm\": \"n/a\"}");
      std::fflush(stdout);
      return;
    }
    if (r.gflops > 0) log_sum += std::log(r.gflops), ++rated;
    std::string ws = fmt(o.csv ? "%.6f" : "%.2f", r.ws_mib), ms = fmt(o.csv ? "%.6f" : "%.3f", r.ms),
                gf = fmt("%.2f", r.gflops);
    if (o.csv) {
      std::printf("%s,%s,%s,%s,%lld,%s,%s,%s,%s\n", csv_field(r.layer).c_str(), r.shape.c_str(),
                  r.requested.c_str(), r.algorithm.c_str(), static_cast<long long>(r.threads), ws.c_str(),
                  ms.c_str(), gf.c_str(), r.diff.c_str());
    } else {
      // Under --algorithm all the auto row is marked, so it can be told from the forced rows.
      std::string algo = o.algorithm == "all" && r.requested == "auto" ? "auto:" + r.algorithm : r.algorithm;
      std::printf(row_fmt, name_w, r.layer.c_str(), r.shape.c_str(), algo.c_str(),
                  std::to_string(r.threads).c_str(), ws.c_str(), ms.c_str(), gf.c_str(), r.diff.c_str());
    }
    json_rows.push_back("{\"layer\": " + json_string(r.layer) + ", \"output_shape\": " + json_string(r.shape) +
                        ", \"requested\": " + json_string(r.requested) + ", \"algorithm\": " +
                        json_string(r.algorithm) + ", \"threads\": " + std::to_string(r.threads) +
                        ", \"workspace_mib\": " + json_number(r.ws_mib) + ", \"ms_median\": " +
                        json_number(r.ms) + ", \"gflops\": " + json_number(r.gflops) +
                        ", \"max_abs_diff\": " + (r.diff == "-" ? "null" : r.diff) + "}");
    std::fflush(stdout);
  };

  // OpenBLAS's own thread spins for about 0.1 s after the library loads: wait that out, or
  // the first layer is timed with one core taken.
  quiesce();
  bool ok = true;
  for (const Layer& l : layers) ok = bench_layer(l, o, algorithms, emit) && ok;

  char geo[32] = "-";
  if (rated > 0) std::snprintf(geo, sizeof geo, "%.2f", std::exp(log_sum / rated));
  // In CSV mode the summary goes to stderr so stdout stays plain CSV.
  std::fprintf(o.csv ? stderr : stdout, "%sgeomean GFLOP/s over %d rows: %s\n", o.csv ? "" : "\n",
               rated, geo);
  if (!o.json.empty()) {
    std::string j = "{\n  \"convt_version\": " + json_string(convt_version_string()) +
                    ",\n  \"cpu_model\": " + json_string(cpu_model()) +
                    ",\n  \"convt_isa\": " + json_string(convt_cpu_isa()) +
                    ",\n  \"runs\": " + std::to_string(o.runs) + ",\n  \"warmup\": " + std::to_string(o.warmup) +
                    ",\n  \"rows\": [\n";
    for (size_t i = 0; i < json_rows.size(); ++i) j += "    " + json_rows[i] + (i + 1 < json_rows.size() ? ",\n" : "\n");
    j += "  ],\n  \"geomean_gflops\": " + (rated ? json_number(std::exp(log_sum / rated)) : std::string("null")) + "\n}\n";
    write_file(o.json, j);
  }
  if (!ok) std::fprintf(stderr, "convt-bench: some layers failed (see above)\n");
  return ok ? 0 : 1;
}

// ===================================================================================
// --peers: every engine on each layer, interleaved.
// ===================================================================================

enum class Kind { ConvtForced, Peer, Floor };

struct Column {
  Column(std::string id_, std::string label_, Kind kind_, int32_t algorithm_ = 0)
      : id(std::move(id_)), label(std::move(label_)), kind(kind_), algorithm(algorithm_) {}
  std::string id, label;
  Kind kind;
  int32_t algorithm = 0;  // ConvtForced
  int inproc = -1;        // index into the in-process peers, or -1
  int python = -1;        // index into the Python peers, or -1
  std::string missing;    // non-empty: the engine is not available at all ("-")
};

struct Cell {
  double ms = NAN, ms_min = NAN, ms_max = NAN, diff = NAN;
  // Python peers: the peer's own median and convt AUTO's, both timed in the peer's process;
  // ms is then own_ms scaled to this process's time window (see below).
  double own_ms = NAN, own_convt_ms = NAN;
  std::string status;  // "" measured; "n/a" cannot run this layer; "-" missing; "error"
  std::string note;    // why, or detail (oneDNN's implementation)
  bool bad = false;    // its output does not match convt's reference
};

struct LayerResult {
  Layer l;
  bool ok = false;
  std::string error, shape, algorithm;
  double ms = NAN, ms_min = NAN, ms_max = NAN, gflops = NAN, best_ms = NAN, speedup = NAN, ref_scale = NAN;
  std::string best, best_id;
  std::vector<Cell> cells;  // one per column
};

double process_cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// How many of this process's other threads are running or runnable (state R in
// /proc/self/task/*/stat); -1 where that cannot be read.
int other_threads_running() {
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return -1;
  const std::string self = std::to_string(static_cast<long>(syscall(SYS_gettid)));
  int running = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.' || self == e->d_name) continue;
    std::ifstream f(std::string("/proc/self/task/") + e->d_name + "/stat");
    std::string stat;
    std::getline(f, stat);
    const size_t paren = stat.rfind(')');  // the name may hold spaces and parentheses
    if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'R') ++running;
  }
  closedir(dir);
  return running;
}

// Waits (up to ~0.5 s) until the process's other threads are idle: none running on two
// checks 0.25 ms apart. Pools that spin after their work (OpenMP, OpenBLAS, pthreadpool,
// ONNX Runtime's for about 30 ms) would otherwise take a core from the engine timed next.
// (Not by the process's CPU time: CLOCK_PROCESS_CPUTIME_ID counts a thread running on
// another core only at scheduler ticks, so a 0.5 ms window of it saw a spinning pool as
// idle.) Without /proc: less than 10 % of a core busy over 5 ms. Returns the ms waited.
double quiesce() {
  const auto start = std::chrono::steady_clock::now();
  const auto waited = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  if (other_threads_running() >= 0) {
    for (int quiet = 0; quiet < 2 && waited() < 500;) {
      quiet = other_threads_running() == 0 ? quiet + 1 : 0;
      std::this_thread::sleep_for(std::chrono::microseconds(250));
    }
    return waited();
  }
  while (waited() < 500) {
    const double c0 = process_cpu_ms();
    const auto w0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const double wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w0).count();
    if (process_cpu_ms() - c0 < 0.1 * wall) break;
  }
  return waited();
}

// Untimed runs after the wait for idle threads, until kWarmUpMs have passed (at least one):
// the engine's own pool awake, and the cores back at speed. After a long wait (the GEMM
// floor's OpenBLAS pool spins for about 100 ms) one run was not enough: the next burst of
// convt ran 7-13 % slower than after a short wait, and with 3 ms of runs as fast.
constexpr double kWarmUpMs = 5.0;
void warm_up(const std::function<void()>& run) {
  const auto start = std::chrono::steady_clock::now();
  do {
    run();
  } while (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() <
           kWarmUpMs);
}

// A slot in the interleaved loop: one engine ready to run on the current layer.
struct Slot {
  Slot(int column_, std::function<void()> enter_, std::function<void()> run_, std::function<void()> leave_)
      : column(column_), enter(std::move(enter_)), run(std::move(run_)), leave(std::move(leave_)) {}
  int column = -1;  // -1: convt AUTO
  std::function<void()> enter, run, leave;
  std::vector<double> ms;
  std::string error;
};

std::string torch_label(const std::string& version) {
  // "1.13.0a0" -> "torch1.13"; "2.15.0+cu132" -> "torch2.15"
  size_t dot = version.find('.');
  size_t dot2 = dot == std::string::npos ? std::string::npos : version.find('.', dot + 1);
  return "torch" + (dot2 == std::string::npos ? version : version.substr(0, dot2));
}

// The file libconvt was loaded from (for the Python peers to time the same build), or "" if
// convt is linked into this executable.
std::string convt_library_path() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&convt_run), &info) == 0 || !info.dli_fname) return "";
  const std::string path = info.dli_fname;
  return std::filesystem::path(path).filename().string().rfind("libconvt", 0) == 0 ? path : "";
}

int run_peers_mode(const Options& options, const std::vector<Layer>& layers, const std::vector<int32_t>& concrete) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const int threads = options.threads > 0 ? static_cast<int>(options.threads) : static_cast<int>(hw);
  Options o = options;
  o.threads = threads;  // convt too gets the resolved count, as every other engine
  const auto inproc = convt_bench::inprocess_peers();

  // ---- The columns -----------------------------------------------------------------
  std::vector<Column> cols;
  for (int32_t a : concrete) {
    if (a == CONVT_ALGORITHM_REFERENCE && !o.with_reference) continue;
    cols.emplace_back(std::string("convt_") + convt_algorithm_name(a), convt_algorithm_name(a), Kind::ConvtForced, a);
  }
  auto add_inproc = [&](const std::string& id, const std::string& label, Kind kind, const char* missing) {
    Column c{id, label, kind};
    for (size_t i = 0; i < inproc.size(); ++i)
      if (inproc[i].id == id) c.inproc = static_cast<int>(i), c.label = inproc[i].label;
    if (c.inproc < 0) c.missing = missing;
    cols.push_back(c);
  };
  add_inproc("onednn", "oneDNN", Kind::Peer, "not built in (libdnnl-dev not found at configure time)");
  add_inproc("xnnpack_nhwc", "XNNPACK(NHWC)", Kind::Peer,
             "not built in (libxnnpack-dev/libpthreadpool-dev not found at configure time)");

  const std::string peers_dir = env_or("CONVT_BENCH_PEERS_DIR", CONVT_BENCH_PEERS_DIR);
  const std::string system_python = env_or("CONVT_BENCH_SYSTEM_PYTHON", "/usr/bin/python3");
  std::string venv_python = env_or("CONVT_BENCH_PYTHON", "");
  if (venv_python.empty() && *CONVT_BENCH_PEERS_VENV) venv_python = std::string(CONVT_BENCH_PEERS_VENV) + "/bin/python";
  std::vector<convt_bench::PythonPeer> pypeers = {
      {"torch_debian", "torch-deb", system_python, peers_dir + "/torch_peer.py"},
      {"torch_pypi", "torch-pypi", venv_python, peers_dir + "/torch_peer.py"},
      {"onnxruntime", "ORT", venv_python, peers_dir + "/ort_peer.py"},
      {"openvino", "OpenVINO", venv_python, peers_dir + "/openvino_peer.py"},
  };
  for (size_t i = 0; i < pypeers.size(); ++i) {
    Column c{pypeers[i].id, pypeers[i].label, Kind::Peer};
    c.python = static_cast<int>(i);
    cols.push_back(c);
  }
  add_inproc("gemm_floor", "GEMM-floor", Kind::Floor, "not built in (OpenBLAS's cblas.h not found)");
  if (!o.engines.empty()) {
    std::vector<std::string> want;
    std::stringstream list(o.engines);
    for (std::string id; std::getline(list, id, ',');) {
      if (std::none_of(cols.begin(), cols.end(), [&](const Column& c) { return c.id == id; }))
        usage_error("--engines: unknown engine '" + id + "'");
      want.push_back(id);
    }
    cols.erase(std::remove_if(cols.begin(), cols.end(),
                              [&](const Column& c) { return std::find(want.begin(), want.end(), c.id) == want.end(); }),
               cols.end());
  }

  // ---- Data for the Python peers: the same tensors, in a temporary directory -------
  // Each Python peer also times this libconvt in its own process (interleaved with itself),
  // because the host's speed drifts between processes (single layers by up to 1.9x minutes
  // apart here): its time is then compared in its own window, scaled to this one's.
  const std::string convt_library = convt_library_path();
  char tmpl[] = "/tmp/convt-bench-XXXXXX";
  std::string data_dir;
  if (char* d = mkdtemp(tmpl)) data_dir = d;
  std::vector<convt_bench::PythonPeerResult> pyres(pypeers.size());
  if (data_dir.empty()) {
    for (auto& r : pyres) r.unavailable = "cannot create a temporary directory";
  } else {
    std::string suite_text;
    for (size_t i = 0; i < layers.size(); ++i) {
      const Layer& l = layers[i];
      suite_text += l.name + " " + std::to_string(l.n) + " " + std::to_string(l.cin) + " " + std::to_string(l.cout) +
                    " " + std::to_string(l.h) + " " + std::to_string(l.w);
      for (const int64_t* f : {l.k, l.s, l.p, l.op, l.d})
        suite_text += " " + std::to_string(f[0]) + " " + std::to_string(f[1]);
      suite_text += " " + std::to_string(l.groups) + "\n";
      try {
        Tensors t = make_tensors(l);
        auto dump = [&](const char* ext, const std::vector<float>& v) {
          std::ofstream out(data_dir + "/" + std::to_string(i) + ext, std::ios::binary);
          out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
        };
        dump(".x", t.input);
        dump(".w", t.weight);
        if (l.bias) dump(".b", t.bias);
      } catch (const std::bad_alloc&) {
      }
    }
    write_file(data_dir + "/suite.txt", suite_text);
    for (size_t i = 0; i < pypeers.size(); ++i) {
      if (std::none_of(cols.begin(), cols.end(), [&](const Column& c) { return c.python == static_cast<int>(i); })) {
        pyres[i].unavailable = "not requested";
        continue;
      }
      if (access(pypeers[i].interpreter.c_str(), X_OK) == 0)
        std::fprintf(stderr, "convt-bench: running peer %s (%s %s)...\n", pypeers[i].id.c_str(),
                     pypeers[i].interpreter.c_str(), pypeers[i].script.c_str());
      pyres[i] = convt_bench::run_python_peer(pypeers[i], data_dir + "/suite.txt", layers.size(), threads, o.runs,
                                              o.min_ms, o.warmup, data_dir, convt_library);
    }
  }
  for (Column& c : cols) {
    if (c.python < 0) continue;
    auto& r = pyres[static_cast<size_t>(c.python)];
    if (c.id.rfind("torch", 0) == 0 && r.unavailable.empty()) c.label = torch_label(r.version);
    if (c.id == "torch_pypi" && r.unavailable.empty() && pyres[0].unavailable.empty() &&
        r.version == pyres[0].version)
      r.unavailable = "the same PyTorch version as torch_debian";
    if (!r.unavailable.empty()) c.missing = r.unavailable;
  }

  // ---- Header ----------------------------------------------------------------------
  FILE* info = o.csv ? stderr : stdout;
  std::fprintf(info,
               "convt-bench --peers: convt %s, %d threads for every engine (%u hardware threads); per layer %lld "
               "warm-up runs of each engine, then %lld timed runs in interleaved rounds (every engine a burst of "
               "5 back-to-back runs per round, each round in its own order%s); median ms%s\n",
               convt_version_string(), threads, hw, static_cast<long long>(o.warmup), static_cast<long long>(o.runs),
               o.quiesce ? "; before each burst: other threads idle, then 5 ms of untimed runs" : "",
               o.check ? "; outputs checked against convt's reference" : "");
  std::fprintf(info, "%s\n", machine_line().c_str());
  std::fprintf(info, "engines:\n  %-13s convt_run, AUTO and each forced algorithm that can run the layer, num_threads %lld\n",
               "convt", static_cast<long long>(o.threads));
  for (const Column& c : cols) {
    if (c.kind == Kind::ConvtForced) continue;
    std::string what;
    if (!c.missing.empty()) what = "- (" + c.missing + ")";
    else if (c.inproc >= 0) what = inproc[static_cast<size_t>(c.inproc)].describe(threads);
    else {
      const auto& r = pyres[static_cast<size_t>(c.python)];
      const auto& p = pypeers[static_cast<size_t>(c.python)];
      what = r.version + " in its own process (" + p.interpreter + " " +
             std::filesystem::path(p.script).filename().string() + "): " + r.description;
    }
    std::fprintf(info, "  %-13s %s\n", c.label.c_str(), what.c_str());
  }
  std::fprintf(info, "\n");
  std::fflush(info);

  // ---- Per layer: set up every engine, interleave, check ---------------------------
  bool ok = true;
  double quiesce_ms = 0;
  std::vector<LayerResult> results;
  for (size_t li = 0; li < layers.size(); ++li) {
    const Layer& l = layers[li];
    LayerResult res;
    res.l = l;
    res.cells.assign(cols.size(), Cell{});
    try {
      Tensors t = make_tensors(l);
      std::vector<std::unique_ptr<ConvtRunner>> runners;
      std::vector<std::unique_ptr<convt_bench::Engine>> engines;
      std::vector<Slot> slots;
      std::vector<ConvtRunner*> col_runner(cols.size(), nullptr);
      std::vector<convt_bench::Engine*> col_engine(cols.size(), nullptr);
      // convt AUTO: must work.
      runners.push_back(std::make_unique<ConvtRunner>());
      ConvtRunner* autor = runners.back().get();
      autor->setup(l, CONVT_ALGORITHM_AUTO, o.threads, t);
      res.shape = autor->shape();
      res.algorithm = convt_algorithm_name(autor->selected);
      slots.emplace_back(-1, [] {}, [autor] { autor->run(); }, [] {});
      convt_bench::LayerData data;
      data.x = t.input.data();
      data.w = t.weight.data();
      data.b = l.bias ? t.bias.data() : nullptr;
      data.oh = autor->out_shape[2];
      data.ow = autor->out_shape[3];
      for (size_t ci = 0; ci < cols.size(); ++ci) {
        Column& c = cols[ci];
        Cell& cell = res.cells[ci];
        if (!c.missing.empty()) {
          cell.status = "-";
          continue;
        }
        if (c.kind == Kind::ConvtForced) {
          try {
            auto r = std::make_unique<ConvtRunner>();
            r->setup(l, c.algorithm, o.threads, t);
            ConvtRunner* rp = r.get();
            col_runner[ci] = rp;
            runners.push_back(std::move(r));
            slots.emplace_back(static_cast<int>(ci), [] {}, [rp] { rp->run(); }, [] {});
          } catch (const ConvtError& e) {
            cell.status = e.cannot_run ? "n/a" : "error";
            cell.note = e.what;
            if (!e.cannot_run) {
              std::fprintf(stderr, "convt-bench: layer %s, algorithm %s: %s\n", l.name.c_str(), c.label.c_str(),
                           e.what.c_str());
              ok = false;
            }
          }
        } else if (c.inproc >= 0) {
          std::string why, note;
          auto e = inproc[static_cast<size_t>(c.inproc)].make(l, data, threads, why, note);
          cell.note = note;
          if (!e) {
            cell.status = "error";
            cell.note = why;
            continue;
          }
          convt_bench::Engine* ep = e.get();
          col_engine[ci] = ep;
          engines.push_back(std::move(e));
          slots.emplace_back(static_cast<int>(ci), [ep] { ep->enter(); }, [ep] { ep->run(); }, [ep] { ep->leave(); });
        } else {  // Python peer: already measured
          const auto& r = pyres[static_cast<size_t>(c.python)];
          cell.ms = cell.own_ms = r.ms[li];
          cell.own_convt_ms = r.convt_ms[li];
          if (!r.layer_error[li].empty()) cell.status = "error", cell.note = r.layer_error[li];
          else if (!std::isfinite(cell.ms)) cell.status = "error", cell.note = "no result";
        }
      }

      // Warm-up, then the interleaved rounds. A slot whose run throws drops out.
      // Each round runs every engine for a burst of kBurst timed runs back to back, after
      // waiting until the other engines' threads are idle, and untimed runs (warm_up):
      // each engine is timed as an application that calls it in a loop sees it, with its own
      // pool awake and settled on the cores, and without another engine's spinning pool
      // beside it. (Interleaving single runs instead makes every pool start cold each time,
      // and pools woken onto a busy core lose the second core for the whole short run.)
      constexpr int64_t kBurst = 5;
      auto guarded = [&](Slot& s, int64_t timed_runs) {
        if (!s.error.empty()) return;
        try {
          s.enter();
          if (timed_runs > 0 && o.quiesce) warm_up(s.run);
          for (int64_t i = 0; i < std::max<int64_t>(timed_runs, 1); ++i) {
            auto t0 = std::chrono::steady_clock::now();
            s.run();
            auto t1 = std::chrono::steady_clock::now();
            if (timed_runs > 0) s.ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
          }
          s.leave();
        } catch (const ConvtError& e) {
          s.error = e.what;
        } catch (const std::exception& e) {
          s.error = e.what();
        }
      };
      for (Slot& s : slots)
        for (int64_t i = 0; i < o.warmup; ++i) guarded(s, 0);
      // Each round in its own order (seeded: the same every time): in a fixed rotation each
      // engine always followed the same one, and convt AUTO the GEMM floor, whose OpenBLAS
      // pool spins for about 100 ms before it sleeps (before the warm-up above, what ran
      // after the floor ran 7-13 % slower).
      std::vector<size_t> order(slots.size());
      for (size_t j = 0; j < order.size(); ++j) order[j] = j;
      std::mt19937 order_rng(static_cast<unsigned>(li) + 1u);
      // Rounds until every engine has --runs timed runs adding up to --min-ms.
      const auto enough = [&] {
        for (const Slot& s : slots) {
          if (!s.error.empty()) continue;
          double sum = 0;
          for (const double ms : s.ms) sum += ms;
          if (static_cast<int64_t>(s.ms.size()) < o.runs || sum < static_cast<double>(o.min_ms)) return false;
        }
        return true;
      };
      constexpr int64_t kMaxRounds = 60;
      for (int64_t done = 0, round = 0; round < kMaxRounds && !enough(); done += kBurst, ++round) {
        std::shuffle(order.begin(), order.end(), order_rng);
        for (const size_t j : order) {
          if (o.quiesce) quiesce_ms += quiesce();
          guarded(slots[j], done < o.runs ? std::min(kBurst, o.runs - done) : kBurst);
        }
      }

      // Results and checks.
      std::vector<float> reference;
      std::string ref_error;
      if (o.check) {
        reference = reference_output(l, o.threads, t, &ref_error);
        double scale = 0;
        for (float v : reference) scale = std::max(scale, static_cast<double>(std::fabs(v)));
        res.ref_scale = scale;
      }
      const bool have_ref = o.check && (!reference.empty() || autor->output.empty());
      // Tolerance for a peer's output: float32 sums in another order stay far below it;
      // bf16/tf32 arithmetic, a wrong weight layout or padding are far above it.
      const double tol = 1e-3 * std::max(1.0, res.ref_scale);
      for (Slot& s : slots) {
        if (!s.error.empty()) {
          if (s.column < 0) throw ConvtError{s.error};
          Cell& cell = res.cells[static_cast<size_t>(s.column)];
          cell.status = "error", cell.note = s.error;
          if (cols[static_cast<size_t>(s.column)].kind == Kind::ConvtForced) {
            std::fprintf(stderr, "convt-bench: layer %s, algorithm %s: %s\n", l.name.c_str(),
                         cols[static_cast<size_t>(s.column)].label.c_str(), s.error.c_str());
            ok = false;
          }
          continue;
        }
        const double ms = median_of(s.ms);
        if (getenv("CONVT_BENCH_SAMPLES")) {
          std::string all;
          for (double v : s.ms) all += fmt(" %.3f", v);
          std::fprintf(stderr, "samples %s %s:%s\n", l.name.c_str(), s.column < 0 ? "auto" : cols[static_cast<size_t>(s.column)].id.c_str(), all.c_str());
        }
        const auto [lo, hi] = std::minmax_element(s.ms.begin(), s.ms.end());
        if (s.column < 0) {
          res.ms = ms, res.ms_min = *lo, res.ms_max = *hi;
          continue;
        }
        Cell& cell = res.cells[static_cast<size_t>(s.column)];
        cell.ms = ms, cell.ms_min = *lo, cell.ms_max = *hi;
      }
      if (have_ref) {
        std::vector<float> out;
        for (size_t ci = 0; ci < cols.size(); ++ci) {
          Cell& cell = res.cells[ci];
          if (!cell.status.empty()) continue;
          const Column& c = cols[ci];
          bool got = false;
          if (col_runner[ci]) {
            out = col_runner[ci]->output, got = true;
          } else if (col_engine[ci]) {
            got = col_engine[ci]->output_nchw(out);
          } else if (c.python >= 0) {
            std::ifstream in(data_dir + "/" + std::to_string(li) + "." + c.id + ".out", std::ios::binary);
            if (in) {
              out.assign(autor->output.size(), 0.0f);
              in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size() * sizeof(float)));
              got = static_cast<size_t>(in.gcount()) == out.size() * sizeof(float) && in.peek() == EOF;
              if (!got) out.clear(), got = true;  // wrong size: NaN diff below
            }
          }
          if (!got) continue;
          cell.diff = max_abs_diff(out, reference);
          if (!(cell.diff <= tol)) {
            cell.bad = true;
            std::fprintf(stderr, "convt-bench: layer %s: %s's output differs from convt's reference by %.3g "
                         "(tolerance %.3g): misconfigured? (not counted as a peer)\n",
                         l.name.c_str(), c.label.c_str(), cell.diff, tol);
          }
        }
        // convt AUTO itself
        double d = max_abs_diff(autor->output, reference);
        if (!(d <= tol))
          std::fprintf(stderr, "convt-bench: layer %s: convt AUTO differs from REFERENCE by %.3g\n", l.name.c_str(), d);
      } else if (o.check && !ref_error.empty()) {
        std::fprintf(stderr, "convt-bench: layer %s: no reference output (%s): peers unchecked\n", l.name.c_str(),
                     ref_error.c_str());
      }
      res.ok = true;
      res.gflops = res.ms > 0 ? flops_of(l) / (res.ms * 1e6) : NAN;
      // A Python peer's time in this run's window: its own ms times convt's ms here over
      // convt's ms in the peer's process (so peer / convt is the ratio measured side by side).
      for (Cell& cell : res.cells)
        if (std::isfinite(cell.own_ms) && cell.own_convt_ms > 0 && res.ms > 0)
          cell.ms = cell.own_ms * res.ms / cell.own_convt_ms;
      for (size_t ci = 0; ci < cols.size(); ++ci) {
        const Cell& cell = res.cells[ci];
        if (cols[ci].kind != Kind::Peer || !cell.status.empty() || cell.bad || !std::isfinite(cell.ms)) continue;
        if (!(cell.ms >= res.best_ms)) res.best_ms = cell.ms, res.best = cols[ci].label, res.best_id = cols[ci].id;
      }
      if (std::isfinite(res.best_ms) && res.ms > 0) res.speedup = res.best_ms / res.ms;
    } catch (const ConvtError& e) {
      res.error = e.what;
      std::fprintf(stderr, "convt-bench: layer %s, algorithm auto: %s\n", l.name.c_str(), e.what.c_str());
      ok = false;
    } catch (const std::bad_alloc&) {
      res.error = "out of memory for the buffers";
      std::fprintf(stderr, "convt-bench: layer %s: out of memory for the buffers\n", l.name.c_str());
      ok = false;
    }
    results.push_back(res);
    std::fprintf(stderr, "convt-bench: layer %s done (%.1f s waiting for idle threads so far)\n", l.name.c_str(),
                 quiesce_ms / 1e3);
  }
  if (!data_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir, ec);
  }

  // ---- Output ----------------------------------------------------------------------
  auto cell_text = [](const Cell& c) {
    if (!c.status.empty()) return c.status == "error" ? std::string("err") : c.status;
    return fmt("%.3f", c.ms) + (c.bad ? "!" : "");
  };
  // Geomeans: convt's speed-up over the best peer, and over each peer alone.
  double log_sum = 0;
  int rated = 0;
  for (const auto& r : results)
    if (std::isfinite(r.speedup) && r.speedup > 0) log_sum += std::log(r.speedup), ++rated;
  const double geomean = rated ? std::exp(log_sum / rated) : NAN;
  struct PerPeer {
    double log_sum = 0;
    int n = 0;
  };
  std::vector<PerPeer> per(cols.size());
  for (const auto& r : results) {
    if (!r.ok || !(r.ms > 0)) continue;
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      const Cell& c = r.cells[ci];
      if (c.status.empty() && !c.bad && c.ms > 0) per[ci].log_sum += std::log(c.ms / r.ms), ++per[ci].n;
    }
  }

  if (o.csv) {
    std::string head = "layer,output_shape,threads,convt_ms,algorithm";
    for (const Column& c : cols) head += "," + c.id + "_ms";
    head += ",gflops,best_peer,best_peer_ms,speedup";
    for (const Column& c : cols) head += "," + c.id + "_max_abs_diff";
    for (const Column& c : cols)
      if (c.python >= 0) head += "," + c.id + "_own_ms," + c.id + "_own_convt_ms";
    std::puts(head.c_str());
    for (const auto& r : results) {
      std::string line = csv_field(r.l.name) + "," + r.shape + "," + std::to_string(threads) + "," +
                         (r.ok ? fmt("%.6f", r.ms) : std::string("error")) + "," + r.algorithm;
      for (const Cell& c : r.cells) line += "," + (c.status.empty() ? fmt("%.6f", c.ms) : c.status);
      line += "," + (std::isfinite(r.gflops) ? fmt("%.2f", r.gflops) : std::string()) + "," + r.best_id + "," +
              (std::isfinite(r.best_ms) ? fmt("%.6f", r.best_ms) : std::string()) + "," +
              (std::isfinite(r.speedup) ? fmt("%.4f", r.speedup) : std::string());
      for (const Cell& c : r.cells) line += "," + (std::isfinite(c.diff) ? fmt("%.3e", c.diff) : std::string());
      for (size_t ci = 0; ci < cols.size(); ++ci)
        if (cols[ci].python >= 0)
          for (double v : {r.cells[ci].own_ms, r.cells[ci].own_convt_ms})
            line += "," + (std::isfinite(v) ? fmt("%.6f", v) : std::string());
      std::puts(line.c_str());
    }
    std::fprintf(stderr, "geomean speed-up of convt over the best peer, %d layers: %s\n", rated,
                 rated ? fmt("%.3f", geomean).c_str() : "-");
  } else {
    int name_w = 5;
    for (const Layer& l : layers) name_w = std::max(name_w, static_cast<int>(l.name.size()));
    std::vector<int> w;
    for (const Column& c : cols) w.push_back(std::max<int>(8, static_cast<int>(c.label.size())));
    std::string head;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-*s  %8s  %-11s", name_w, "layer", "convt ms", "algorithm");
    head = buf;
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      std::snprintf(buf, sizeof buf, "  %*s", w[ci], cols[ci].label.c_str());
      head += buf;
    }
    std::snprintf(buf, sizeof buf, "  %8s  %-13s  %7s  %9s", "GFLOP/s", "best peer", "speedup", "max diff");
    head += buf;
    std::printf("%s\n%s\n", head.c_str(), std::string(head.size(), '-').c_str());
    for (const auto& r : results) {
      std::snprintf(buf, sizeof buf, "%-*s  %8s  %-11s", name_w, r.l.name.c_str(),
                    r.ok ? fmt("%.3f", r.ms).c_str() : "error", r.algorithm.c_str());
      std::string line = buf;
      double maxdiff = NAN;
      for (size_t ci = 0; ci < cols.size(); ++ci) {
        std::snprintf(buf, sizeof buf, "  %*s", w[ci], cell_text(r.cells[ci]).c_str());
        line += buf;
        if (std::isfinite(r.cells[ci].diff)) maxdiff = std::isfinite(maxdiff) ? std::max(maxdiff, r.cells[ci].diff) : r.cells[ci].diff;
      }
      std::snprintf(buf, sizeof buf, "  %8s  %-13s  %7s  %9s", std::isfinite(r.gflops) ? fmt("%.1f", r.gflops).c_str() : "-",
                    r.best.empty() ? "-" : r.best.c_str(),
                    std::isfinite(r.speedup) ? (fmt("%.2f", r.speedup) + "x").c_str() : "-",
                    std::isfinite(maxdiff) ? fmt("%.1e", maxdiff).c_str() : "-");
      line += buf;
      std::printf("%s\n", line.c_str());
    }
    std::printf("\nms: median per call; n/a: that forced algorithm cannot run the layer; -: engine not available; "
                "err: it failed (see --verbose); !: output differs from convt's reference (not counted)\n"
                "speedup = best peer ms / convt AUTO ms (peers: the columns from oneDNN to OpenVINO; "
                "XNNPACK's time is NHWC in and out)\n"
                "Python peers (PyTorch, ONNX Runtime, OpenVINO) run in their own process, which also times "
                "convt AUTO interleaved with them:\n"
                "their ms here = their own ms x convt's ms here / convt's ms there (the ratio to convt as "
                "measured side by side)\n");
    std::printf("geomean speed-up of convt over the best peer, %d layers: %s\n", rated,
                rated ? (fmt("%.3f", geomean) + "x").c_str() : "-");
    std::string each;
    for (size_t ci = 0; ci < cols.size(); ++ci)
      if (per[ci].n)
        each += "  " + cols[ci].label + " " + fmt("%.2f", std::exp(per[ci].log_sum / per[ci].n)) + "x (" +
                std::to_string(per[ci].n) + ")";
    if (!each.empty()) std::printf("geomean of engine ms / convt AUTO ms (layers):%s\n", each.c_str());
    bool any_note = false;
    for (const auto& r : results)
      for (size_t ci = 0; ci < cols.size(); ++ci) {
        const Cell& c = r.cells[ci];
        if (c.note.empty() || c.status == "-" || (c.status == "n/a" && !o.verbose)) continue;
        if (!o.verbose && c.status.empty()) continue;
        if (!any_note) std::printf("\nnotes:\n"), any_note = true;
        std::printf("  %s %s: %s\n", r.l.name.c_str(), cols[ci].label.c_str(), c.note.c_str());
      }
  }

  if (!o.json.empty()) {
    std::string j = "{\n  \"convt_version\": " + json_string(convt_version_string()) +
                    ",\n  \"cpu_model\": " + json_string(cpu_model()) +
                    ",\n  \"convt_isa\": " + json_string(convt_cpu_isa()) +
                    ",\n  \"threads\": " + std::to_string(threads) + ",\n  \"hardware_threads\": " +
                    std::to_string(hw) + ",\n  \"runs\": " + std::to_string(o.runs) + ",\n  \"warmup\": " +
                    std::to_string(o.warmup) + ",\n  \"openblas_coretype_env\": " +
                    json_string(env_or("OPENBLAS_CORETYPE", "")) + ",\n  \"openblas_l2_size_env\": " +
                    json_string(env_or("OPENBLAS_L2_SIZE", ""));
#ifdef CONVT_BENCH_HAVE_OPENBLAS
    j += ",\n  \"openblas_core\": " + json_string(openblas_get_corename());
#endif
    j += ",\n  \"engines\": [\n";
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      const Column& c = cols[ci];
      std::string desc = !c.missing.empty() ? "" : c.inproc >= 0 ? inproc[static_cast<size_t>(c.inproc)].describe(threads)
                         : c.python >= 0 ? pyres[static_cast<size_t>(c.python)].version + ": " + pyres[static_cast<size_t>(c.python)].description
                         : "convt_run with this algorithm forced";
      const char* kind = c.kind == Kind::ConvtForced ? "convt" : c.kind == Kind::Peer ? "peer" : "floor";
      j += "    {\"id\": " + json_string(c.id) + ", \"label\": " + json_string(c.label) + ", \"kind\": \"" + kind +
           "\", \"available\": " + (c.missing.empty() ? "true" : "false") + ", \"description\": " +
           json_string(c.missing.empty() ? desc : c.missing) + "}" + (ci + 1 < cols.size() ? ",\n" : "\n");
    }
    j += "  ],\n  \"layers\": [\n";
    for (size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      const Layer& l = r.l;
      j += "    {\"name\": " + json_string(l.name) + ", \"params\": {\"N\": " + std::to_string(l.n) +
           ", \"Cin\": " + std::to_string(l.cin) + ", \"Cout\": " + std::to_string(l.cout) + ", \"H\": " +
           std::to_string(l.h) + ", \"W\": " + std::to_string(l.w) + ", \"kernel\": [" + std::to_string(l.k[0]) +
           ", " + std::to_string(l.k[1]) + "], \"stride\": [" + std::to_string(l.s[0]) + ", " +
           std::to_string(l.s[1]) + "], \"padding\": [" + std::to_string(l.p[0]) + ", " + std::to_string(l.p[1]) +
           "], \"output_padding\": [" + std::to_string(l.op[0]) + ", " + std::to_string(l.op[1]) +
           "], \"dilation\": [" + std::to_string(l.d[0]) + ", " + std::to_string(l.d[1]) + "], \"groups\": " +
           std::to_string(l.groups) + "}, \"output_shape\": " + json_string(r.shape) + ", \"flops\": " +
           json_number(flops_of(l)) + ",\n     \"convt\": {\"ms\": " + json_number(r.ms) + ", \"ms_min\": " + json_number(r.ms_min) +
           ", \"ms_max\": " + json_number(r.ms_max) + ", \"algorithm\": " +
           json_string(r.algorithm) + ", \"gflops\": " + json_number(r.gflops) +
           (r.error.empty() ? std::string() : ", \"error\": " + json_string(r.error)) + "},\n     \"engines\": {";
      for (size_t ci = 0; ci < cols.size(); ++ci) {
        const Cell& c = r.cells[ci];
        j += std::string(ci ? ", " : "") + json_string(cols[ci].id) + ": {\"ms\": " +
             json_number(c.status.empty() ? c.ms : NAN) + ", \"ms_min\": " + json_number(c.ms_min) +
             ", \"ms_max\": " + json_number(c.ms_max) + ", \"gflops\": " +
             json_number(c.status.empty() && c.ms > 0 ? flops_of(l) / (c.ms * 1e6) : NAN) + ", \"status\": " +
             json_string(c.status.empty() ? (c.bad ? "mismatch" : "ok") : c.status == "-" ? "missing" : c.status) +
             ", \"max_abs_diff\": " + json_number(c.diff) +
             (cols[ci].python >= 0 ? ", \"own_ms\": " + json_number(c.own_ms) + ", \"own_convt_ms\": " +
                                         json_number(c.own_convt_ms)
                                   : std::string()) +
             (c.note.empty() ? std::string() : ", \"note\": " + json_string(c.note)) + "}";
      }
      j += "},\n     \"best_peer\": " + (r.best_id.empty() ? std::string("null") : json_string(r.best_id)) +
           ", \"best_peer_ms\": " + json_number(r.best_ms) + ", \"speedup\": " + json_number(r.speedup) + "}" +
           (i + 1 < results.size() ? ",\n" : "\n");
    }
    j += "  ],\n  \"geomean_speedup\": " + json_number(geomean) + ",\n  \"geomean_speedup_layers\": " +
         std::to_string(rated) + "\n}\n";
    write_file(o.json, j);
  }
  if (!ok) std::fprintf(stderr, "convt-bench: some convt runs failed (see above)\n");
  return ok ? 0 : 1;
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
    bool takes_no_value = flag == "--help" || flag == "-h" || flag == "--csv" || flag == "--no-check" ||
                          flag == "--no-bias" || flag == "--peers" || flag == "--with-reference" ||
                          flag == "--verbose" || flag == "--no-quiesce" || flag == "--print-isa";
    if (takes_no_value && has_inline) usage_error(flag + " takes no value");

    if (flag == "--help" || flag == "-h") { std::fputs(kUsage, stdout); return 0; }
    else if (flag == "--print-isa") { std::puts(convt_cpu_isa()); return 0; }
    else if (flag == "--suite") o.suite = value(), suite_flags = true;
    else if (flag == "--filter") o.filter = value(), suite_flags = true;
    else if (flag == "--threads") o.threads = int_value(0);
    else if (flag == "--algorithm") o.algorithm = value(), o.algorithm_given = true;
    else if (flag == "--runs") o.runs = int_value(1);
    else if (flag == "--min-ms") o.min_ms = int_value(0), o.min_ms_given = true;
    else if (flag == "--warmup") o.warmup = int_value(0);
    else if (flag == "--idle-ms") o.idle_ms = int_value(0);
    else if (flag == "--csv") o.csv = true;
    else if (flag == "--json") o.json = value();
    else if (flag == "--no-check") o.check = false;
    else if (flag == "--peers") o.peers = true;
    else if (flag == "--with-reference") o.with_reference = true;
    else if (flag == "--verbose") o.verbose = true;
    else if (flag == "--no-quiesce") o.quiesce = false;
    else if (flag == "--engines") o.engines = value();
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
  if (o.peers && o.algorithm_given)
    usage_error("--algorithm cannot be combined with --peers (which times auto and every algorithm)");
  if (!o.peers && (o.with_reference || !o.quiesce || !o.engines.empty() || o.min_ms_given))
    usage_error("--with-reference, --no-quiesce, --engines and --min-ms only apply to --peers");

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

  return o.peers ? run_peers_mode(o, layers, concrete) : run_default_mode(o, layers, algorithms);
}
