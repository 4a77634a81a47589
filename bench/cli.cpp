#include "cli.hpp"

#include <convt/convt.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "suite.hpp"
#include "variant.hpp"

#ifndef CONVT_BENCH_DEFAULT_SUITE
#define CONVT_BENCH_DEFAULT_SUITE "shapes.txt"
#endif

namespace convt_bench {
namespace {

const char* const kUsage =
    "usage: convt-bench [--suite FILE] [--filter SUBSTRING]           (every layer of a suite)\n"
    "       convt-bench --in-channels C --out-channels C --kernel-size K --input-size H,W\n"
    "                   [--stride S] [--padding P] [--output-padding P] [--dilation D]\n"
    "                   [--groups G] [--batch N] [--no-bias] [--name NAME]  (one layer)\n"
    "                   [--spatial-dims 1|2|3]  (2: ConvTranspose2d, the default)\n"
    "options: --threads N (0 = library default)  --algorithm auto|gemm_col2im|reference|...|all\n"
    "         --runs R (20)  --warmup W (3)  --csv  --json FILE  --no-check  --help\n"
    "         --print-isa  print convt's kernel level (convt_cpu_isa(): CONVT_MAX_ISA caps it)\n"
    "         --layout channels-first|channels-last  (or nchw|nhwc) every engine's tensors:\n"
    "                  (N, C, spatial...) (the default) or (N, spatial..., C); with --peers a\n"
    "                  channels-last run adds convt AUTO channels first as a column\n"
    "         --activation none|relu|leaky_relu[:A]|clamp[:MIN:MAX]|tanh|sigmoid|elu[:A]|gelu\n"
    "                  applied after the bias (defaults A 0.01, 0:6, elu 1); convt fuses it;\n"
    "                  with --peers it adds convt AUTO without it and convt AUTO followed by a\n"
    "                  separate pass (libm per element) as columns, and each peer applies it\n"
    "                  its own way (fused post-op or a node/op after; \"-\" where it has none)\n"
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
    "Spatial flags take one integer for every dimension, or one each: H,W; L with\n"
    "--spatial-dims 1; D,H,W with --spatial-dims 3. Suite lines (the column count gives the\n"
    "rank, one rank per file; bench/shapes_1d.txt, bench/shapes_3d.txt):\n"
    "  name N Cin Cout H W kh kw sh sw ph pw oph opw dh dw groups                  (2-D, 17)\n"
    "  name N Cin Cout L k s p op d groups                                         (1-D, 11)\n"
    "  name N Cin Cout D H W kd kh kw sd sh sw pd ph pw opd oph opw dd dh dw groups (3-D, 23)\n"
    "Python peers: /usr/bin/python3 (or $CONVT_BENCH_SYSTEM_PYTHON) runs torch_peer.py with\n"
    "Debian's PyTorch; the venv of tools/bench-setup.sh (or $CONVT_BENCH_PYTHON) runs PyTorch,\n"
    "ONNX Runtime and OpenVINO from PyPI.\n"
    "default suite: " CONVT_BENCH_DEFAULT_SUITE "\n";

// A spatial flag's value for `rank` dimensions: one integer for all of them, or `rank`
// comma-separated ones ("3" -> (3, 3), "3,5" -> (3, 5) in 2-D).
void parse_spatial(const std::string& flag, const std::string& text, int rank, int64_t out[3]) {
  std::vector<std::string> parts;
  std::string part;
  for (std::istringstream list(text); std::getline(list, part, ',');) parts.push_back(part);
  if (!text.empty() && text.back() == ',') parts.push_back("");
  bool ok = parts.size() == 1 || parts.size() == static_cast<size_t>(rank);
  for (int i = 0; ok && i < rank; ++i) ok = parse_int(parts[parts.size() == 1 ? 0 : static_cast<size_t>(i)], out[i]);
  static const char* const kWhat[] = {"", "an integer (L)", "an integer or an H,W pair",
                                      "an integer or a D,H,W triple"};
  if (!ok) usage_error(flag + " expects " + kWhat[rank] + ", got '" + text + "'");
}

}  // namespace

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

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

bool parse_command_line(int argc, char** argv, Request& request) {
  Options& o = request.options;
  o = Options{};
  o.suite = CONVT_BENCH_DEFAULT_SUITE;
  Layer cli;
  bool layer_flags = false, have_in = false, have_out = false, have_k = false, have_size = false;
  bool suite_flags = false;
  struct SpatialFlag {
    std::string flag, text;
    int64_t* field;
  };
  std::vector<SpatialFlag> spatial;
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
    // Spatial values are read once the rank is known (--spatial-dims may come later).
    auto spatial_layer = [&](int64_t* field) { layer_flags = true, spatial.push_back({flag, value(), field}); };
    bool takes_no_value = flag == "--help" || flag == "-h" || flag == "--csv" || flag == "--no-check" ||
                          flag == "--no-bias" || flag == "--peers" || flag == "--with-reference" ||
                          flag == "--verbose" || flag == "--no-quiesce" || flag == "--print-isa";
    if (takes_no_value && has_inline) usage_error(flag + " takes no value");

    if (flag == "--help" || flag == "-h") { std::fputs(kUsage, stdout); return false; }
    else if (flag == "--print-isa") { std::puts(convt_cpu_isa()); return false; }
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
    else if (flag == "--layout") {
      const std::string v = value();
      if (v == "channels-last" || v == "nhwc" || v == "channels_last") o.channels_last = true;
      else if (v == "channels-first" || v == "nchw" || v == "channels_first") o.channels_last = false;
      else usage_error("--layout expects channels-first or channels-last, got '" + v + "'");
    }
    else if (flag == "--activation") {
      const std::string v = value();
      if (!parse_activation(v, o.activation)) usage_error("--activation: unknown activation '" + v + "'");
    }
    else if (flag == "--in-channels") scalar_layer(cli.cin), have_in = true;
    else if (flag == "--out-channels") scalar_layer(cli.cout), have_out = true;
    else if (flag == "--groups") scalar_layer(cli.groups);
    else if (flag == "--batch") scalar_layer(cli.n);
    else if (flag == "--kernel-size") spatial_layer(cli.k), have_k = true;
    else if (flag == "--input-size") spatial_layer(cli.in), have_size = true;
    else if (flag == "--stride") spatial_layer(cli.s);
    else if (flag == "--padding") spatial_layer(cli.p);
    else if (flag == "--output-padding") spatial_layer(cli.op);
    else if (flag == "--dilation") spatial_layer(cli.d);
    else if (flag == "--spatial-dims") {
      int64_t rank = 0;
      std::string text = value();
      if (!parse_int(text, rank) || rank < 1 || rank > 3)
        usage_error(flag + " expects 1, 2 or 3, got '" + text + "'");
      cli.rank = static_cast<int>(rank), layer_flags = true;
    }
    else if (flag == "--no-bias") cli.bias = false, layer_flags = true;
    else if (flag == "--name") cli.name = value(), layer_flags = true;
    else usage_error("unknown argument '" + flag + "'");
  }
  for (const SpatialFlag& f : spatial) parse_spatial(f.flag, f.text, cli.rank, f.field);
  if (o.peers && o.algorithm_given)
    usage_error("--algorithm cannot be combined with --peers (which times auto and every algorithm)");
  if (!o.peers && (o.with_reference || !o.quiesce || !o.engines.empty() || o.min_ms_given))
    usage_error("--with-reference, --no-quiesce, --engines and --min-ms only apply to --peers");

  // Algorithms by name, as the linked library names them (values are contiguous from AUTO).
  std::vector<int32_t>& algorithms = request.algorithms;
  std::vector<int32_t>& concrete = request.concrete;
  algorithms.clear(), concrete.clear();
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

  std::vector<Layer>& layers = request.layers;
  layers.clear();
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
  for (Layer& l : layers) {
    l.channels_last = o.channels_last;
    l.activation = o.activation.activation, l.alpha = o.activation.alpha, l.beta = o.activation.beta;
  }
  return true;
}

}  // namespace convt_bench
