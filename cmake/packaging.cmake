# CPack, included by the top-level CMakeLists.txt after the install() rules: only the source
# tarball (`make package_source` in a build directory). The Debian packages libconvt0 and
# libconvt-dev come from debian/ (dpkg-buildpackage -b -us -uc; examples/c/run-deb-test.sh
# builds and checks them, for amd64 and cross for arm64).
set(CPACK_PACKAGE_NAME "convt")
set(CPACK_PACKAGE_VENDOR "convt")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_GENERATOR "TGZ")
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/build[^/]*/" "/obj-[^/]*/" "/out/" "__pycache__"
    "/target/" "/debian/\\.debhelper/" "/debian/debhelper-build-stamp" "/debian/files"
    "/debian/[^/]*\\.substvars" "/debian/libconvt0/" "/debian/libconvt-dev/" "/debian/tmp/")
include(CPack)
