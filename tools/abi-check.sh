#!/usr/bin/env bash
# ABI check of libconvt against the committed baseline dump of the release (tests/abi/).
#
#   tools/abi-check.sh check    [--source DIR] [--work DIR] [--baseline FILE] [--lib SO]
#       Builds libconvt with debug info (-g -Og, the library target only) from the source
#       tree DIR (default: this repository) in WORK/build, dumps its ABI with abi-dumper
#       (public API: the headers in DIR/include/convt) and compares it with the baseline
#       with abi-compliance-checker. --lib SO dumps an existing library (built with -g)
#       instead of building one.
#       Exit 0: compatible (added symbols, or fields appended to convt_params, are fine);
#       1: a binary or source break (the report is WORK/report/compat_report.html);
#       2: usage, build or tool error; 77: abi-dumper or abi-compliance-checker missing.
#
#   tools/abi-check.sh selftest [--work DIR]
#       Shows that the check catches a break: copies the library's sources to
#       WORK/broken-src (never touching the real files), changes the type of
#       convt_params.groups from int64_t to int32_t in the copy's header, and runs `check`
#       on it. Exit 0 when the check reports that break (exit 1, naming the field);
#       1 when it does not; 2 or 77 as above.
#
#   tools/abi-check.sh baseline [--source DIR] [--work DIR]
#       Writes tests/abi/convt-<version>.dump (the version from DIR's convt.h) from DIR:
#       run it on the released tree (e.g. a `git archive <tag>` export) once per release.
#
# The default baseline is the newest tests/abi/convt-<major>.*.dump of the source's major
# version. WORK defaults to ./build-abi.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-}
[[ $# -gt 0 ]] && shift
source_dir=$repo work=$PWD/build-abi baseline="" lib=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --source) source_dir=$(cd "$2" && pwd); shift 2 ;;
    --work) work=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --lib) lib=$2; shift 2 ;;
    *) echo "abi-check: unknown argument $1" >&2; exit 2 ;;
  esac
done
case $cmd in check|selftest|baseline) ;; *) sed -n '2,30p' "$0" >&2; exit 2 ;; esac

for tool in abi-dumper abi-compliance-checker; do
  command -v $tool >/dev/null || {
    echo "abi-check: SKIP: $tool is not installed (apt-get install $tool)"; exit 77; }
done
mkdir -p "$work"
work=$(cd "$work" && pwd)

version_of() {  # "major.minor.patch" from a source tree's convt.h
  local h=$1/include/convt/convt.h
  printf '%s.%s.%s' "$(sed -n 's/^#define CONVT_VERSION_MAJOR \([0-9]*\).*/\1/p' "$h")" \
    "$(sed -n 's/^#define CONVT_VERSION_MINOR \([0-9]*\).*/\1/p' "$h")" \
    "$(sed -n 's/^#define CONVT_VERSION_PATCH \([0-9]*\).*/\1/p' "$h")"
}

# build_lib SRC DIR: configures (once) and builds the library target with -g -Og.
build_lib() {
  local src=$1 dir=$2
  if [[ ! -f $dir/CMakeCache.txt ]]; then
    cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-g -Og" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-g -Og" \
      -DCONVT_BUILD_TESTS=OFF -DCONVT_BUILD_BENCH=OFF -DCONVT_BUILD_FUZZ=OFF \
      -DCONVT_SANITIZE= >"$dir.configure.log" 2>&1 || {
        cat "$dir.configure.log" >&2; echo "abi-check: configure failed" >&2; return 2; }
  fi
  cmake --build "$dir" --target convt -j1 >"$dir.build.log" 2>&1 || {
    cat "$dir.build.log" >&2; echo "abi-check: build failed" >&2; return 2; }
  echo "$dir/libconvt.so.$(version_of "$src")"
}

# dump SO SRC OUT: abi-dumper with the source's public headers as the API filter.
dump() {
  local so=$1 src=$2 out=$3
  abi-dumper "$so" -o "$out" -lver "$(version_of "$src")" \
    -public-headers "$src/include/convt" >"$out.log" 2>&1 || {
      cat "$out.log" >&2; echo "abi-check: abi-dumper failed on $so" >&2; return 2; }
}

check() {
  local src=$1 dir=$2
  local major
  major=$(version_of "$src"); major=${major%%.*}
  if [[ -z $baseline ]]; then
    baseline=$(ls "$repo"/tests/abi/convt-"$major".*.dump 2>/dev/null | sort -V | tail -n1)
    [[ -n $baseline ]] || { echo "abi-check: no baseline tests/abi/convt-$major.*.dump" >&2; return 2; }
  fi
  local so=$lib
  if [[ -z $so ]]; then
    so=$(build_lib "$src" "$dir/build") || return 2
  fi
  local sections
  sections=$(readelf -S "$so" 2>/dev/null) || { echo "abi-check: cannot read $so" >&2; return 2; }
  [[ $sections == *.debug_info* ]] || {
    echo "abi-check: $so has no debug info (build it with -g)" >&2; return 2; }
  dump "$so" "$src" "$dir/new.dump" || return 2
  echo "abi-check: $so ($(version_of "$src")) against $(basename "$baseline")"
  local rc=0
  abi-compliance-checker -l convt -old "$baseline" -new "$dir/new.dump" \
    -report-path "$dir/report/compat_report.html" >"$dir/acc.log" 2>&1 || rc=$?
  sed -n '/compatibility/p' "$dir/acc.log"
  case $rc in
    0) echo "abi-check: compatible"; return 0 ;;
    1) abi-compliance-checker -l convt -old "$baseline" -new "$dir/new.dump" -xml \
         -report-path "$dir/report/compat_report.xml" >/dev/null 2>&1 || true
       echo "abi-check: ABI/API BREAK against $(basename "$baseline"):"
       grep -E '<(type|symbol) name=|<change |<problem id=' "$dir/report/compat_report.xml" |
         sed 's/^ */  /' | head -n 40
       echo "abi-check: full report: $dir/report/compat_report.html"
       return 1 ;;
    *) cat "$dir/acc.log" >&2; echo "abi-check: abi-compliance-checker failed ($rc)" >&2
       return 2 ;;
  esac
}

case $cmd in
  check)
    check "$source_dir" "$work" ;;
  baseline)
    so=$(build_lib "$source_dir" "$work/build")
    v=$(version_of "$source_dir")
    mkdir -p "$repo/tests/abi"
    dump "$so" "$source_dir" "$repo/tests/abi/convt-$v.dump"
    rm -f "$repo/tests/abi/convt-$v.dump.log"
    echo "abi-check: wrote tests/abi/convt-$v.dump" ;;
  selftest)
    broken=$work/broken-src
    rm -rf "$broken"
    mkdir -p "$broken"
    for f in CMakeLists.txt convt.pc.in cmake include src capi; do
      cp -pr "$source_dir/$f" "$broken/"
    done
    h=$broken/include/convt/convt.h
    grep -qE '^ *int64_t +groups;' "$h" || {
      echo "abi-check: selftest: 'int64_t groups;' not found in convt.h" >&2; exit 2; }
    sed -i -E 's/^( *)int64_t( +groups;)/\1int32_t\2/' "$h"
    echo "abi-check: selftest: convt_params.groups is int32_t in $h"
    rc=0
    check "$broken" "$work" || rc=$?
    if [[ $rc -eq 1 ]] && grep -q 'target="groups"' "$work/report/compat_report.xml"; then
      echo "abi-check: selftest: the break was caught"
      exit 0
    fi
    [[ $rc -eq 2 || $rc -eq 77 ]] && exit $rc
    echo "abi-check: selftest: the check did NOT report the changed field (exit $rc)"
    exit 1 ;;
esac
