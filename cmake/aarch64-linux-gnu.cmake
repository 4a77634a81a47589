# Cross build for 64-bit Arm Linux with Debian's cross toolchain and multiarch packages:
#
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
#
# needs g++-aarch64-linux-gnu, libopenblas-dev:arm64 (after dpkg --add-architecture arm64)
# and, to run the tests, qemu-user (tools/install-deps.sh arm64 installs all of them).
# There is no sysroot: Debian installs arm64 libraries beside the host's, in
# /usr/lib/aarch64-linux-gnu, where the cross compiler and CMake (through
# CMAKE_LIBRARY_ARCHITECTURE) look already.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# pkg-config reads the arm64 .pc files only (and the architecture-independent ones).
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# ctest (and Catch2's test discovery at build time) run the programs under qemu-user,
# through a wrapper that keeps every process single-threaded (tools/qemu-aarch64-run).
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/../tools/qemu-aarch64-run")
