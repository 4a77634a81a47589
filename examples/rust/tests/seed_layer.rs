//! The seed layer ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2)) on a
//! (2, 16, 50, 100) batch: shape, golden values, the planner's choice against the REFERENCE
//! algorithm, errors, and one layer run from several threads.
use convt::{Algorithm, Layer, Params};

// Data every example reproduces exactly, over each tensor's flat row-major index i:
//   x[i] = ((i*7) % 13 - 6)/8,  w[i] = ((i*5) % 11 - 5)/16,  bias[c] = (c%3 - 1)/4.
// Golden values made with PyTorch 1.13 (Debian python3-torch) by examples/golden.py:
//   /usr/bin/python3 examples/golden.py
// They are exact (multiples of 1/128, exact float32 sums; squares summed exactly in f64).
const IN: [i64; 4] = [2, 16, 50, 100];
const OUT: [i64; 4] = [2, 33, 93, 100];
const GOLDEN: [(usize, f32); 4] = [
    (0, -0.1796875),
    (613799, 0.3125),
    (469650, 0.046875),
    (47520, 0.6875),
];
const GOLDEN_SUM_SQUARES: f64 = 87082.0693359375;
const GOLDEN_SUM_SQUARES_94: f64 = 87695.34753417969; // output_size (94, 100)
const TOLERANCE: f64 = 1e-4; // |AUTO - REFERENCE| per element

fn data() -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let x = (0..2 * 16 * 50 * 100)
        .map(|i: i64| ((i * 7) % 13 - 6) as f32 / 8.0)
        .collect();
    let w = (0..16 * 33 * 3 * 5)
        .map(|i: i64| ((i * 5) % 11 - 5) as f32 / 16.0)
        .collect();
    let b = (0..33).map(|c: i64| (c % 3 - 1) as f32 / 4.0).collect();
    (x, w, b)
}

fn seed_params() -> Params {
    Params::new(16, 33, (3, 5)).stride(2, 1).padding(4, 2)
}

fn sum_squares(v: &[f32]) -> f64 {
    v.iter().map(|&y| (y as f64) * (y as f64)).sum()
}

#[test]
fn seed_layer_matches_golden_and_reference() {
    let (x, w, b) = data();
    let fast = Layer::new(&seed_params(), &w, Some(&b)).unwrap();
    let slow = Layer::new(&seed_params().algorithm(Algorithm::Reference), &w, Some(&b)).unwrap();
    drop(w); // the layers hold their own copies

    let (shape, y) = fast.forward(IN, &x, None).unwrap();
    let (ref_shape, r) = slow.forward(IN, &x, None).unwrap();
    assert_eq!(shape, OUT);
    assert_eq!(ref_shape, OUT);
    for (i, v) in GOLDEN {
        assert_eq!(r[i], v, "reference output[{i}]");
    }
    assert_eq!(sum_squares(&r), GOLDEN_SUM_SQUARES);
    let max_diff = y
        .iter()
        .zip(&r)
        .map(|(a, b)| (*a as f64 - *b as f64).abs())
        .fold(0.0, f64::max);
    assert!(max_diff <= TOLERANCE, "max |auto - reference| = {max_diff}");
    eprintln!(
        "convt {} (Rust): output {shape:?} via {}, max |auto - reference| {max_diff:e}",
        convt::version(),
        fast.selected_algorithm(IN, None).unwrap()
    );

    // output_size: one more row.
    let (s94, y94) = slow.forward(IN, &x, Some([94, 100])).unwrap();
    assert_eq!(s94, [2, 33, 94, 100]);
    assert_eq!(sum_squares(&y94), GOLDEN_SUM_SQUARES_94);
}

#[test]
fn errors_carry_status_and_message() {
    let w = vec![0.5f32; 4 * 4 * 3 * 3];
    let layer = Layer::new(
        &Params::new(4, 4, (3, 3)).stride(2, 2).output_padding(2, 2),
        &w,
        None,
    )
    .unwrap();
    let e = layer.output_shape([1, 4, 5, 5], None).unwrap_err();
    assert_eq!(e.status, convt::ffi::CONVT_ERROR_INVALID_ARGUMENT);
    assert_eq!(e.status_name(), "CONVT_ERROR_INVALID_ARGUMENT");
    assert!(
        e.message
            .contains("output padding must be smaller than either stride or dilation"),
        "{e}"
    );
    assert!(
        e.to_string().starts_with("CONVT_ERROR_INVALID_ARGUMENT: "),
        "{e}"
    );

    // Rejected at create: groups must divide the channels.
    let e = Layer::new(&Params::new(5, 4, (3, 3)).groups(2), &w, None).unwrap_err();
    assert_eq!(e.status, convt::ffi::CONVT_ERROR_INVALID_ARGUMENT);
    assert!(!e.message.is_empty());

    // A too-short buffer never reaches the library.
    let e = Layer::new(&Params::new(4, 4, (3, 3)), &w[..10], None).unwrap_err();
    assert!(e.message.contains("weight has 10 floats"), "{e}");

    // Too small an output buffer: the library's own check.
    let ok = Layer::new(&Params::new(4, 4, (3, 3)), &w, None).unwrap();
    let x = vec![1.0f32; 4 * 5 * 5];
    let mut small = vec![0f32; 3];
    let e = ok.run([1, 4, 5, 5], &x, None, &mut small).unwrap_err();
    assert_eq!(e.status, convt::ffi::CONVT_ERROR_INVALID_ARGUMENT);
}

#[test]
fn one_layer_from_several_threads() {
    let (x, w, b) = data();
    let layer = Layer::new(&seed_params(), &w, Some(&b)).unwrap();
    let x1 = &x[..16 * 50 * 100];
    let one = [1, 16, 50, 100];
    let (_, expected) = layer.forward(one, x1, None).unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| s.spawn(|| layer.forward(one, x1, None).unwrap().1))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), expected); // bit-identical
        }
    });
}

#[test]
fn loaded_from_expected_prefix() {
    // CONVT_EXPECT_PREFIX=<dir>: the libconvt mapped into this process lies under <dir>.
    let prefix = match std::env::var("CONVT_EXPECT_PREFIX") {
        Ok(p) => p,
        Err(_) => return,
    };
    let prefix = std::fs::canonicalize(prefix).unwrap();
    let _ = convt::version(); // make sure the library is in use
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let path = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .find(|p| p.contains("libconvt.so"))
        .expect("libconvt not mapped");
    let path = std::fs::canonicalize(path).unwrap();
    assert!(
        path.starts_with(&prefix),
        "{path:?} is not under {prefix:?}"
    );
}
