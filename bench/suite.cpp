#include "suite.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli.hpp"

namespace convt_bench {

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

std::string suite_line(const Layer& l) {
  std::string s = l.name + " " + std::to_string(l.n) + " " + std::to_string(l.cin) + " " + std::to_string(l.cout) +
                  " " + std::to_string(l.h) + " " + std::to_string(l.w);
  for (const int64_t* f : {l.k, l.s, l.p, l.op, l.d}) s += " " + std::to_string(f[0]) + " " + std::to_string(f[1]);
  return s + " " + std::to_string(l.groups);
}

double flops_of(const Layer& l) {
  return 2.0 * l.n * l.cin * l.h * l.w * static_cast<double>(l.cout / l.groups) * l.k[0] * l.k[1];
}

}  // namespace convt_bench
