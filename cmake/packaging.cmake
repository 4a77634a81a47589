# Debian packages with CPack, included by the top-level CMakeLists.txt after the install()
# rules. In the build directory:
#
#   cpack -G DEB            ->  libconvt0_<version>_<arch>.deb     (runtime: libconvt.so.0*)
#                               libconvt-dev_<version>_<arch>.deb  (headers, libconvt.so,
#                                                                   convt.pc, CMake package)
#
# Both install under /usr (CPACK_PACKAGING_INSTALL_PREFIX), in CMAKE_INSTALL_LIBDIR relative
# to it: configure with -DCMAKE_INSTALL_PREFIX=/usr (or -DCMAKE_INSTALL_LIBDIR=lib/<triplet>)
# to get Debian's multiarch directory; the default prefix /usr/local gives /usr/lib.
# Runtime dependencies (libopenblas0, libc6, libstdc++6, ...) come from dpkg-shlibdeps;
# libconvt-dev depends on libconvt0 of exactly the same version and on libopenblas-dev
# (convt.pc names openblas in Requires.private, which pkg-config resolves).
#
# Components: CPACK_DEB_COMPONENT_INSTALL packages the install components "runtime" and
# "dev" that the install() rules of CMakeLists.txt carry.

if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
  return()
endif()

set(CONVT_PACKAGE_COMPONENTS runtime dev)
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "libconvt")
set(CPACK_PACKAGE_VENDOR "convt")
set(CPACK_PACKAGE_CONTACT "convt maintainers <convt@localhost>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "convt computes 2-D transposed convolutions with the semantics of PyTorch's\ntorch.nn.ConvTranspose2d, on CPUs, behind a small stable C ABI.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
# Install with DESTDIR and CMAKE_INSTALL_PREFIX=/usr itself (CPACK_INSTALL_PREFIX), not into
# a prefix inside CPack's staging directory: the install-time pass that writes convt.pc
# records CMAKE_INSTALL_PREFIX as its prefix.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX "${CPACK_PACKAGING_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${CONVT_PACKAGE_COMPONENTS})
set(CPACK_COMPONENT_RUNTIME_DISPLAY_NAME "convt shared library")
set(CPACK_COMPONENT_DEV_DISPLAY_NAME "convt development files")
set(CPACK_COMPONENT_DEV_DEPENDS runtime)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)            # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE "")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/convt")
# dev depends on the runtime package, "libconvt0 (= <version>)": from the component
# dependency above.
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "libconvt${PROJECT_VERSION_MAJOR}")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION "libs")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)     # libopenblas0, libc6, libstdc++6, ...
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)       # DEBIAN/shlibs + ldconfig triggers
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "Transposed convolution (ConvTranspose2d) with a stable C ABI - shared library\n${CPACK_PACKAGE_DESCRIPTION}")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME "libconvt-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION "libdevel")
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libopenblas-dev")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "Transposed convolution (ConvTranspose2d) with a stable C ABI - development files\nHeaders (convt/convt.h, the C++ wrapper convt/convt.hpp), the libconvt.so link,\nconvt.pc for pkg-config and the CMake package (find_package(convt), convt::convt).")

# `make package_source`: the sources only, not build trees or local state.
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/build[^/]*/" "/out/" "__pycache__" "/target/")

include(CPack)
