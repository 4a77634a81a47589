#!/usr/bin/env bash
# ctest driver for the Rust example: `cargo test --offline` against an installed prefix.
#   examples/rust/run-test.sh <install-prefix> <work-dir>
# The crate is copied to <work-dir> (cargo writes Cargo.lock next to Cargo.toml), and
# CARGO_TARGET_DIR and CARGO_HOME live there too: nothing is written to the source tree or
# ~/.cargo, and nothing is fetched (the crate has no dependencies).
set -euo pipefail
prefix=$(realpath "$1") work=$2
here=$(cd "$(dirname "$0")" && pwd)
# rustup installs into ~/.cargo/bin, which is not always on the PATH ctest runs with.
if ! command -v cargo >/dev/null && [[ -x ${HOME:-/nonexistent}/.cargo/bin/cargo ]]; then
  PATH=$HOME/.cargo/bin:$PATH
fi
command -v cargo >/dev/null || { echo "SKIP: cargo not found"; exit 77; }
command -v rustc >/dev/null || { echo "SKIP: rustc not found"; exit 77; }
mkdir -p "$work"
rm -rf "$work/crate"
mkdir -p "$work/crate"
cp -r "$here/Cargo.toml" "$here/build.rs" "$here/src" "$here/tests" "$work/crate/"
pcdir=$(dirname "$(find "$prefix" -name convt.pc -print -quit)")
export PKG_CONFIG_PATH=$pcdir
export CARGO_TARGET_DIR=$work/target CARGO_HOME=$work/cargo-home CARGO_NET_OFFLINE=true
export CONVT_RPATH=1 CONVT_EXPECT_PREFIX=$prefix
# Keep rustup's toolchain selection when CARGO_HOME moves (the proxies live in ~/.cargo/bin).
[[ -n ${RUSTUP_HOME:-} || -z ${HOME:-} ]] || export RUSTUP_HOME=$HOME/.rustup
cargo --version
cargo test --offline --manifest-path "$work/crate/Cargo.toml" -j1 -- --test-threads=1 --nocapture
