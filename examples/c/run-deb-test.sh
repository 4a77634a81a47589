#!/usr/bin/env bash
# ctest driver for the Debian packages (cmake/packaging.cmake): builds them with CPack,
# checks their control fields and file lists, extracts them into a throwaway root with
# `dpkg-deb -x`, and builds and runs the C example (seed_layer.c) against
# the extracted files with nothing but pkg-config, then the C++ example with find_package;
# as root, it also installs them with dpkg -i, builds the examples against /usr, and
# removes them with dpkg -r.
#
#   examples/c/run-deb-test.sh <source-dir> <work-dir> [--build-dir <convt-build-dir>]
#
# By default it configures its own build tree, <work-dir>/build (Release, library only,
# CMAKE_INSTALL_PREFIX=/usr so that the libraries land in Debian's multiarch directory),
# because `cpack` first runs the build tree's `preinstall` target, i.e. builds everything
# in it: in a shared build directory that would rebuild (or trip over) whatever else is
# being worked on there. --build-dir packages an existing build tree instead, as a user
# runs `cpack -G DEB` in it.
# The two packages together must hold exactly the files of a plain `cmake --install` of the
# same tree (so the packaging rules cannot drift from the install rules).
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 SOURCE-DIR WORK-DIR [--build-dir DIR]"; exit 2; }
src=$(realpath "$1") work=$(mkdir -p "$2" && realpath "$2") build=""
[[ ${3:-} == --build-dir ]] && build=$(realpath "$4")
here=$(cd "$(dirname "$0")" && pwd)
for tool in cmake cpack dpkg dpkg-deb dpkg-shlibdeps cc pkg-config readelf file; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not found"; exit 77; }
done
fail() { echo "FAILED: $*"; exit 1; }

if [[ -z $build ]]; then
  build=$work/build
  echo "== configure and build the library in $build"
  if [[ ! -f $build/CMakeCache.txt ]]; then
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
      -DCONVT_BUILD_TESTS=OFF -DCONVT_BUILD_BENCH=OFF >"$work/configure.log" 2>&1 || {
        cat "$work/configure.log"; fail "configure"; }
  fi
  cmake --build "$build" --target convt -j1 >"$work/build.log" 2>&1 || {
    cat "$work/build.log"; fail "build"; }
fi
[[ -f $build/CPackConfig.cmake ]] || fail "no CPackConfig.cmake in $build"
rm -rf "$work/run"
work=$work/run
mkdir -p "$work"

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
arch=$(dpkg --print-architecture)
major=${version%%.*}
echo "== cpack -G DEB (convt $version, $arch)"
# (CPack first runs the build tree's `preinstall` target: on an up-to-date tree, a no-op.)
(cd "$build" && cpack -G DEB -B "$work/out") >"$work/cpack.log" 2>&1 || {
  cat "$work/cpack.log"
  find "$work/out" -name PreinstallOutput.log -exec tail -n 40 {} \;
  fail "cpack"; }
run=$work/out/libconvt${major}_${version}_${arch}.deb
dev=$work/out/libconvt-dev_${version}_${arch}.deb
ls "$work"/out/*.deb
[[ -f $run && -f $dev ]] || fail "expected $(basename "$run") and $(basename "$dev")"
[[ $(ls "$work"/out/*.deb | wc -l) -eq 2 ]] || fail "expected exactly two packages"

echo "== control fields"
for d in "$run" "$dev"; do dpkg-deb -f "$d" Package Version Architecture Section Depends; echo; done
field() { dpkg-deb -f "$1" "$2"; }
[[ $(field "$run" Package) == "libconvt$major" ]] || fail "runtime package name"
[[ $(field "$dev" Package) == "libconvt-dev" ]] || fail "dev package name"
[[ $(field "$run" Version) == "$version" && $(field "$dev" Version) == "$version" ]] ||
  fail "versions"
[[ $(field "$run" Depends) == *libopenblas* ]] || fail "libconvt$major does not depend on OpenBLAS"
[[ $(field "$run" Depends) == *libc6* ]] || fail "libconvt$major: no dpkg-shlibdeps dependencies"
[[ $(field "$dev" Depends) == *"libconvt$major (= $version)"* ]] ||
  fail "libconvt-dev does not depend on libconvt$major (= $version)"
dpkg-deb -e "$run" "$work/control-run"
grep -q "^libconvt $major libconvt$major" "$work/control-run/shlibs" || fail "shlibs file"
if [[ $(dpkg-deb -c "$run") == *./usr/lib/* ]]; then  # in the loader's default path
  grep -qs ldconfig "$work/control-run/postinst" || fail "libconvt$major: no ldconfig in postinst"
fi

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
expect_run="$libdir/libconvt.so.$major -> libconvt.so.$version
$libdir/libconvt.so.$version"
[[ $(cat "$work/run.files") == "$expect_run" ]] || fail "libconvt$major must hold exactly:
$expect_run"
for f in "usr/include/convt/convt.h" "usr/include/convt/convt.hpp" \
         "$libdir/libconvt.so -> libconvt.so.$major" "$libdir/pkgconfig/convt.pc" \
         "$libdir/cmake/convt/convtConfig.cmake" "$libdir/cmake/convt/convtConfigVersion.cmake" \
         "$libdir/cmake/convt/convtTargets.cmake"; do
  grep -qxF "$f" "$work/dev.files" || fail "libconvt-dev lacks $f"
done
grep -q "^$libdir/cmake/convt/convtTargets-.*\.cmake$" "$work/dev.files" ||
  fail "libconvt-dev lacks convtTargets-<config>.cmake"
[[ -z $(comm -12 <(sed 's/ -> .*//' "$work/run.files") <(sed 's/ -> .*//' "$work/dev.files")) ]] ||
  fail "a file is in both packages"
# What a plain install of the same tree installs, relative to its prefix, against the
# packages' files relative to /usr.
cmake --install "$build" --prefix "$work/plain" >"$work/plain-install.log" 2>&1 || {
  cat "$work/plain-install.log"; fail "cmake --install"; }
(cd "$work/plain" && find . -type f -o -type l) | sed 's/^\.\///' | sort >"$work/plain.files"
cat "$work/run.files" "$work/dev.files" | sed -e 's/ -> .*//' -e 's/^usr\///' | sort \
  >"$work/deb.files"
diff -u "$work/plain.files" "$work/deb.files" ||
  fail "the packages do not hold the files of 'cmake --install' (above: - install, + packages)"
echo "the packages hold exactly the files of a plain install"

echo "== dpkg-deb -x into $work/root"
root=$work/root
dpkg-deb -x "$run" "$root"
dpkg-deb -x "$dev" "$root"
grep -qx "prefix=/usr" "$root/$libdir/pkgconfig/convt.pc" || fail "convt.pc prefix is not /usr"
cmake -DLIB="$root/$libdir/libconvt.so.$major" -DSONAME="libconvt.so.$major" \
  -DCHECK_SYMBOLS="$src/tests/check_symbols.cmake" -P "$src/tests/abi/check_soname.cmake"

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
