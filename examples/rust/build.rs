//! Link flags from the `pkg-config` program (no crates needed): `pkg-config --libs convt`.
//! PKG_CONFIG_PATH selects the installation, as for any pkg-config user. With
//! CONVT_RPATH=1 the library directory is also written into the binaries' RPATH.
use std::env;
use std::process::Command;

fn main() {
    for var in [
        "PKG_CONFIG_PATH",
        "PKG_CONFIG_LIBDIR",
        "PKG_CONFIG_SYSROOT_DIR",
        "CONVT_RPATH",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let pkg_config = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let run = |args: &[&str]| -> String {
        let out = Command::new(&pkg_config)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run `{pkg_config}`: {e}"));
        if !out.status.success() {
            panic!(
                "`{pkg_config} {}` failed (is PKG_CONFIG_PATH set to convt's pkgconfig \
                 directory?):\n{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        String::from_utf8(out.stdout).expect("pkg-config output is not UTF-8")
    };
    let libs = run(&["--libs", "convt"]);
    for flag in libs.split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={dir}");
        } else if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib=dylib={lib}");
        } else {
            println!("cargo:rustc-link-arg={flag}");
        }
    }
    let libdir = run(&["--variable=libdir", "convt"]);
    let libdir = libdir.trim();
    println!("cargo:libdir={libdir}");
    if env::var("CONVT_RPATH").map(|v| v == "1").unwrap_or(false) {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{libdir}");
    }
}
