#!/usr/bin/env bash
# ctest driver for the Debian packages (debian/): builds them with dpkg-buildpackage from a
# copy of the source tree, checks their control fields and file lists, runs lintian on the
# pair (no error and no warning may remain: debian/*.lintian-overrides holds what is
# justified), extracts them into a throwaway root with `dpkg-deb -x`, and builds and runs
# the C example (seed_layer.c) against the extracted files with nothing but pkg-config, then
# the C++ example with find_package; as root, it also installs them with dpkg -i, builds the
# examples against /usr, and removes them with dpkg -P.
#
#   examples/c/run-deb-test.sh <source-dir> <work-dir> [--arch <debian-arch>]
#
# --arch arm64 cross-builds the arm64 pair (dpkg-buildpackage -a arm64: the cross compiler,
# libopenblas-dev:arm64 and pkgconf:arm64, as tools/install-deps.sh arm64 installs them)
# and checks it up to lintian; nothing of it runs here (tools/test-arm64.sh runs the test
# suite under qemu).
# The two packages together must hold exactly the files of a plain `cmake --install` of the
# same build tree, plus each package's copyright and changelog (so the packaging rules
# cannot drift from the install rules).
set -euo pipefail
usage() { echo "usage: $0 SOURCE-DIR WORK-DIR [--arch ARCH]"; exit 2; }
[[ $# -eq 2 || ($# -eq 4 && $3 == --arch) ]] || usage
src=$(realpath "$1") work=$(mkdir -p "$2" && realpath "$2")
native=$(dpkg --print-architecture)
arch=${4:-$native}
here=$(cd "$(dirname "$0")" && pwd)
for tool in cmake dpkg dpkg-buildpackage dpkg-deb dh lintian cc pkg-config readelf file; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not found"; exit 77; }
done
fail() { echo "FAILED: $*"; exit 1; }

rm -rf "$work/run"
work=$work/run
mkdir -p "$work/src/convt"
echo "== copy the sources the package build reads to $work/src/convt"
# What the package build reads, as tools/abi-check.sh copies it (no build trees, where $work
# itself usually is; debian/rules builds without the tests and benchmarks).
for f in CMakeLists.txt convt.pc.in LICENSE cmake include src capi debian; do
  cp -pr "$src/$f" "$work/src/convt/"
done
version=$(cd "$work/src/convt" && dpkg-parsechangelog -S Version)
header=$(sed -n 's/^#define CONVT_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' \
  "$src/include/convt/convt.h" | paste -sd.)
[[ $version == "$header" ]] ||
  fail "debian/changelog's version $version is not the header's $header"
major=${version%%.*}

echo "== dpkg-buildpackage -b -a $arch (convt $version)"
cross=()
[[ $arch != "$native" ]] && cross=(-a "$arch")
(cd "$work/src/convt" &&
  DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -b -us -uc "${cross[@]}") \
  >"$work/dpkg-buildpackage.log" 2>&1 || {
    tail -n 60 "$work/dpkg-buildpackage.log"; fail "dpkg-buildpackage"; }
run=$work/src/libconvt${major}_${version}_${arch}.deb
dev=$work/src/libconvt-dev_${version}_${arch}.deb
ls "$work"/src/*.deb
[[ -f $run && -f $dev ]] || fail "expected $(basename "$run") and $(basename "$dev")"
[[ $(ls "$work"/src/*.deb | wc -l) -eq 2 ]] || fail "expected exactly two packages"

echo "== control fields"
for d in "$run" "$dev"; do
  dpkg-deb -f "$d" Package Version Architecture Multi-Arch Section Depends; echo
done
field() { dpkg-deb -f "$1" "$2"; }
[[ $(field "$run" Package) == "libconvt$major" ]] || fail "runtime package name"
[[ $(field "$dev" Package) == "libconvt-dev" ]] || fail "dev package name"
for d in "$run" "$dev"; do
  [[ $(field "$d" Version) == "$version" ]] || fail "$(basename "$d"): version"
  [[ $(field "$d" Architecture) == "$arch" ]] || fail "$(basename "$d"): architecture"
  [[ $(field "$d" Multi-Arch) == same ]] || fail "$(basename "$d"): Multi-Arch is not same"
done
[[ $(field "$run" Depends) == *libopenblas* ]] || fail "libconvt$major does not depend on OpenBLAS"
[[ $(field "$run" Depends) == *libc6* ]] || fail "libconvt$major: no dpkg-shlibdeps dependencies"
[[ $(field "$dev" Depends) == *"libconvt$major (= $version)"* ]] ||
  fail "libconvt-dev does not depend on libconvt$major (= $version)"
dpkg-deb -e "$run" "$work/control-run"
grep -q "^libconvt $major libconvt$major" "$work/control-run/shlibs" || fail "shlibs file"
grep -q "^ convt_create@CONVT_0 " "$work/control-run/symbols" || fail "symbols file"
grep -qx "activate-noawait ldconfig" "$work/control-run/triggers" || fail "no ldconfig trigger"

echo "== file lists"
files() {  # regular files and symlinks, without the leading "./", with " -> target"
  dpkg-deb -c "$1" | awk '$1 !~ /^d/ { p = $6; sub(/^\.\//, "", p);
    if ($1 ~ /^l/) p = p " -> " $8; print p }' | sort
}
files "$run" | tee "$work/run.files"
files "$dev" | tee "$work/dev.files"
so=$(sed -n 's/^\(usr\/.*\/libconvt\.so\.[0-9]*\) -> .*/\1/p' "$work/run.files")
[[ -n $so ]] || fail "no libconvt.so.$major symlink in libconvt$major"
libdir=$(dirname "$so")
[[ $libdir == usr/lib/$(dpkg-architecture -a "$arch" -qDEB_HOST_MULTIARCH 2>/dev/null) ]] ||
  fail "the library is in $libdir, not in the multiarch directory"
doc=usr/share/doc/libconvt$major
expect_run="$libdir/libconvt.so.$major -> libconvt.so.$version
$libdir/libconvt.so.$version
$doc/changelog.gz
$doc/copyright
usr/share/lintian/overrides/libconvt$major"
[[ $(cat "$work/run.files") == "$(sort <<<"$expect_run")" ]] || fail "libconvt$major must hold exactly:
$expect_run"
for f in "usr/include/convt/convt.h" "usr/include/convt/convt.hpp" \
         "$libdir/libconvt.so -> libconvt.so.$major" "$libdir/pkgconfig/convt.pc" \
         "$libdir/cmake/convt/convtConfig.cmake" "$libdir/cmake/convt/convtConfigVersion.cmake" \
         "$libdir/cmake/convt/convtTargets.cmake" "usr/share/doc/libconvt-dev/copyright" \
         "usr/share/doc/libconvt-dev/changelog.gz"; do
  grep -qxF "$f" "$work/dev.files" || fail "libconvt-dev lacks $f"
done
grep -q "^$libdir/cmake/convt/convtTargets-.*\.cmake$" "$work/dev.files" ||
  fail "libconvt-dev lacks convtTargets-<config>.cmake"
[[ -z $(comm -12 <(sed 's/ -> .*//' "$work/run.files") <(sed 's/ -> .*//' "$work/dev.files")) ]] ||
  fail "a file is in both packages"
# What a plain install of the same build tree installs, relative to its prefix, against
# the packages' files relative to /usr, less the packages' own documents.
build=$(ls -d "$work"/src/convt/obj-*)
cmake --install "$build" --prefix "$work/plain" >"$work/plain-install.log" 2>&1 || {
  cat "$work/plain-install.log"; fail "cmake --install"; }
(cd "$work/plain" && find . -type f -o -type l) | sed 's/^\.\///' | sort >"$work/plain.files"
cat "$work/run.files" "$work/dev.files" | sed -e 's/ -> .*//' -e 's/^usr\///' |
  grep -v -e '^share/doc/' -e '^share/lintian/' | sort >"$work/deb.files"
diff -u "$work/plain.files" "$work/deb.files" ||
  fail "the packages do not hold the files of 'cmake --install' (above: - install, + packages)"
echo "the packages hold exactly the files of a plain install, and their documents"

echo "== lintian"
# No error and no warning; what lintian reports below that (info, pedantic) is shown. An
# override that no longer matches anything (unused-override, an info tag) fails too.
lintian --fail-on error,warning --display-info --pedantic --info "$run" "$dev" |
  tee "$work/lintian.log" || fail "lintian (above)"
if grep -q "unused-override" "$work/lintian.log"; then fail "an override matches nothing (above)"; fi
echo "lintian: no errors, no warnings, every override used"

echo "== dpkg-deb -x into $work/root"
root=$work/root
dpkg-deb -x "$run" "$root"
dpkg-deb -x "$dev" "$root"
grep -qx "prefix=/usr" "$root/$libdir/pkgconfig/convt.pc" || fail "convt.pc prefix is not /usr"
cmake -DLIB="$root/$libdir/libconvt.so.$major" -DSONAME="libconvt.so.$major" \
  -DCHECK_SYMBOLS="$src/tests/check_symbols.cmake" -P "$src/tests/abi/check_soname.cmake"

if [[ $arch != "$native" ]]; then
  echo "Debian packages OK ($arch, checked without running): $(basename "$run") $(basename "$dev")"
  exit 0
fi

echo "== the C example against the extracted files (pkg-config --define-variable=prefix)"
export PKG_CONFIG_PATH=$root/$libdir/pkgconfig
flags=$(pkg-config --define-variable=prefix="$root/usr" --cflags --libs convt)
echo "pkg-config --cflags --libs convt: $flags"
[[ $flags == *"-I$root/usr/include"* && $flags == *"-L$root/$libdir"* ]] ||
  fail "pkg-config flags do not point into the extracted root"
cc -std=c99 -Wall -Werror -o "$work/seed_layer" "$here/seed_layer.c" $flags -lm
deps=$(LD_LIBRARY_PATH=$root/$libdir ldd "$work/seed_layer")  # not `ldd | grep -q` (pipefail)
grep -q "$root/$libdir/libconvt.so.$major" <<<"$deps" ||
  fail "seed_layer does not resolve libconvt from the extracted root"
LD_LIBRARY_PATH=$root/$libdir "$work/seed_layer" 2

echo "== the C++ example against the extracted CMake package (find_package)"
bash "$here/../cpp/run-test.sh" prefix "$root/usr" "$work/cpp"

# As root, and when no convt package is installed already: the real thing, dpkg -i, a
# consumer built with the system's pkg-config and CMake paths alone, then dpkg -P (also when
# anything above fails: the trap). CONVT_DEB_INSTALL_TEST=0 skips this part.
if [[ $(id -u) -eq 0 && ${CONVT_DEB_INSTALL_TEST:-1} != 0 ]] &&
   [[ $(dpkg-query -W -f='${Status}' "libconvt$major" libconvt-dev 2>/dev/null) != *installed* ]]; then
  echo "== dpkg -i, a consumer against /usr, dpkg -P"
  trap 'dpkg -P libconvt-dev "libconvt$major" >/dev/null 2>&1 || true' EXIT
  dpkg -i "$run" "$dev"
  flags=$(env -u PKG_CONFIG_PATH pkg-config --cflags --libs convt)
  echo "pkg-config --cflags --libs convt: $flags"
  cc -std=c99 -Wall -Werror -o "$work/seed_layer_system" "$here/seed_layer.c" $flags -lm
  deps=$(env -u LD_LIBRARY_PATH ldd "$work/seed_layer_system")
  got=$(sed -n "s/^[[:space:]]*libconvt\.so\.$major => \([^ ]*\) .*/\1/p" <<<"$deps")
  [[ -n $got && $(realpath "$got") == $(realpath "/$libdir/libconvt.so.$major") ]] ||
    fail "the consumer does not resolve the installed libconvt: $deps"
  env -u LD_LIBRARY_PATH "$work/seed_layer_system" 1
  bash "$here/../cpp/run-test.sh" prefix /usr "$work/cpp-system"
  dpkg -P libconvt-dev "libconvt$major" >/dev/null
  trap - EXIT
  [[ ! -e /$libdir/libconvt.so.$major ]] || fail "dpkg -r left /$libdir/libconvt.so.$major behind"
  echo "installed with dpkg -i, used, removed with dpkg -P"
else
  echo "(not root, or a convt package is already installed: dpkg -i step skipped)"
fi
echo "Debian packages OK: $(basename "$run") $(basename "$dev")"
