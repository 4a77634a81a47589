//! The seed layers, one per rank, on a batch of 2 with 16 input and 33 output channels:
//!   ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2)) on (2, 16, 50, 100),
//!   ConvTranspose1d(16, 33, 5, stride=3, padding=2, dilation=2) on (2, 16, 100),
//!   ConvTranspose3d(16, 33, (3, 5, 2), stride=(2, 1, 3), padding=(1, 2, 0)) on (2, 16, 6, 10, 12):
//! shapes, golden values, the planner's choice against the REFERENCE algorithm, output_size;
//! then errors, and one layer run from several threads.
use convt::{Algorithm, Layer, Params};

// Data every example reproduces exactly, over each tensor's flat row-major index i:
//   x[i] = ((i*7) % 13 - 6)/8,  w[i] = ((i*5) % 11 - 5)/16,  bias[c] = (c%3 - 1)/4.
// Golden values made with PyTorch 1.13 (Debian python3-torch) by examples/golden.py:
//   /usr/bin/python3 examples/golden.py
// They are exact (multiples of 1/128, exact float32 sums; squares summed exactly in f64).
struct Seed {
    params: Params,
    input: &'static [i64],
    output: &'static [i64],
    golden: [(usize, f32); 4],
    sum_squares: f64,
    output_size: &'static [i64],
    requested_output: &'static [i64],
    requested_sum_squares: f64,
}

fn seed(rank: usize) -> Seed {
    match rank {
        1 => Seed {
            params: Params::new_1d(16, 33, 5).stride(3).padding(2).dilation(2),
            input: &[2, 16, 100],
            output: &[2, 33, 302],
            golden: [
                (1, -0.1328125),
                (19931, -0.03125),
                (15250, 0.4375),
                (1587, 0.34375),
            ],
            sum_squares: 1542.5257568359375,
            output_size: &[304],
            requested_output: &[2, 33, 304],
            requested_sum_squares: 1552.5576171875,
        },
        2 => Seed {
            params: Params::new(16, 33, (3, 5)).stride((2, 1)).padding((4, 2)),
            input: &[2, 16, 50, 100],
            output: &[2, 33, 93, 100],
            golden: [
                (0, -0.1796875),
                (613799, 0.3125),
                (469650, 0.046875),
                (47520, 0.6875),
            ],
            sum_squares: 87082.0693359375,
            output_size: &[94, 100],
            requested_output: &[2, 33, 94, 100],
            requested_sum_squares: 87695.34753417969,
        },
        _ => Seed {
            params: Params::new(16, 33, [3, 5, 2])
                .stride([2, 1, 3])
                .padding([1, 2, 0]),
            input: &[2, 16, 6, 10, 12],
            output: &[2, 33, 11, 10, 35],
            golden: [
                (0, -0.171875),
                (254099, 0.328125),
                (194407, 0.25),
                (20565, 0.25),
            ],
            sum_squares: 16752.239990234375,
            output_size: &[12, 10, 37],
            requested_output: &[2, 33, 12, 10, 37],
            requested_sum_squares: 18785.483642578125,
        },
    }
}
const TOLERANCE: f64 = 1e-4; // |AUTO - REFERENCE| per element

fn data(s: &Seed) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let n_x: i64 = s.input.iter().product();
    let n_w: i64 = 16
        * 33
        * s.params.raw().kernel_size[..s.params.spatial_dims()]
            .iter()
            .product::<i64>();
    let x = (0..n_x).map(|i| ((i * 7) % 13 - 6) as f32 / 8.0).collect();
    let w = (0..n_w).map(|i| ((i * 5) % 11 - 5) as f32 / 16.0).collect();
    let b = (0..33).map(|c: i64| (c % 3 - 1) as f32 / 4.0).collect();
    (x, w, b)
}

fn sum_squares(v: &[f32]) -> f64 {
    v.iter().map(|&y| (y as f64) * (y as f64)).sum()
}

fn check_seed(rank: usize) {
    let s = seed(rank);
    let (x, w, b) = data(&s);
    let fast = Layer::new(&s.params, &w, Some(&b)).unwrap();
    let slow = Layer::new(
        &s.params.clone().algorithm(Algorithm::Reference),
        &w,
        Some(&b),
    )
    .unwrap();
    drop(w); // the layers hold their own copies
    assert_eq!(fast.spatial_dims(), rank);

    let (shape, y) = fast.forward(s.input, &x, None).unwrap();
    let (ref_shape, r) = slow.forward(s.input, &x, None).unwrap();
    assert_eq!(shape, s.output);
    assert_eq!(ref_shape, s.output);
    for (i, v) in s.golden {
        assert_eq!(r[i], v, "{rank}-D reference output[{i}]");
    }
    assert_eq!(sum_squares(&r), s.sum_squares, "{rank}-D sum of squares");
    let max_diff = y
        .iter()
        .zip(&r)
        .map(|(a, b)| (*a as f64 - *b as f64).abs())
        .fold(0.0, f64::max);
    assert!(max_diff <= TOLERANCE, "max |auto - reference| = {max_diff}");
    eprintln!(
        "convt {} (Rust), {rank}-D: output {shape:?} via {}, max |auto - reference| {max_diff:e}",
        convt::version(),
        fast.selected_algorithm(s.input, None).unwrap()
    );

    // output_size, as PyTorch's forward(input, output_size).
    let (requested, y) = slow.forward(s.input, &x, Some(s.output_size)).unwrap();
    assert_eq!(requested, s.requested_output);
    assert_eq!(sum_squares(&y), s.requested_sum_squares);
}

#[test]
fn seed_layer_1d_matches_golden_and_reference() {
    check_seed(1);
}

#[test]
fn seed_layer_2d_matches_golden_and_reference() {
    check_seed(2);
}

#[test]
fn seed_layer_3d_matches_golden_and_reference() {
    check_seed(3);
}

#[test]
fn errors_carry_status_and_message() {
    let w = vec![0.5f32; 4 * 4 * 3 * 3 * 3];
    let layer = Layer::new(
        &Params::new_2d(4, 4, 3).stride(2).output_padding(2),
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
    let e = Layer::new(&Params::new_2d(5, 4, 3).groups(2), &w, None).unwrap_err();
    assert_eq!(e.status, convt::ffi::CONVT_ERROR_INVALID_ARGUMENT);
    assert!(!e.message.is_empty());

    // A too-short buffer never reaches the library.
    let e = Layer::new(&Params::new_2d(4, 4, 3), &w[..10], None).unwrap_err();
    assert!(e.message.contains("weight has 10 floats"), "{e}");
    let e = Layer::new(&Params::new_3d(4, 4, 3), &w[..4 * 4 * 9], None).unwrap_err();
    assert!(e.message.contains("the layer needs 432"), "{e}");

    // Too small an output buffer: the library's own check.
    let ok = Layer::new(&Params::new_2d(4, 4, 3), &w, None).unwrap();
    let x = vec![1.0f32; 4 * 5 * 5];
    let mut small = vec![0f32; 3];
    let e = ok.run([1, 4, 5, 5], &x, None, &mut small).unwrap_err();
    assert_eq!(e.status, convt::ffi::CONVT_ERROR_INVALID_ARGUMENT);
}

#[test]
fn shapes_must_fit_the_rank() {
    let w = vec![0.5f32; 4 * 4 * 3 * 3 * 3];
    let cube = Layer::new(&Params::new_3d(4, 4, 3).stride([2, 1, 1]), &w, None).unwrap();
    let e = cube.output_shape([1, 4, 5, 5], None).unwrap_err();
    assert_eq!(e.status, convt::ffi::CONVT_ERROR_INVALID_ARGUMENT);
    assert!(
        e.message
            .ends_with("has 4 entries, but a 3-D layer takes 5: (N, C, D, H, W)"),
        "{e}"
    );
    let e = cube
        .output_shape([1, 4, 5, 5, 5], Some(&[7, 7]))
        .unwrap_err();
    assert!(
        e.message
            .contains("output_size [7, 7] has 2 entries, but a 3-D layer takes 3"),
        "{e}"
    );
    assert_eq!(
        cube.output_shape(vec![1, 4, 5, 5, 5], Some(&[12, 7, 7]))
            .unwrap(),
        [1, 4, 12, 7, 7]
    );
    // The library's messages name the rank's dimensions, as PyTorch's do.
    let e = cube
        .output_shape([1, 4, 5, 5, 5], Some(&[13, 7, 7]))
        .unwrap_err();
    assert!(
        e.message
            .contains("requested an output size of [13, 7, 7], but valid sizes range from [11, 7, 7] to [12, 7, 7]"),
        "{e}"
    );
    let line = Layer::new(
        &Params::new_1d(4, 4, 3).stride(2).output_padding(2),
        &w,
        None,
    )
    .unwrap();
    let e = line.output_shape([1, 4, 5], None).unwrap_err();
    assert!(
        e.message
            .contains("output_padding_width: 2 stride_width: 2"),
        "{e}"
    );
    let e = line.output_shape(&[1i64, 4][..], None).unwrap_err();
    assert!(e.message.contains("takes 3: (N, C, L)"), "{e}");
    assert_eq!(line.params().unwrap().spatial_dims(), 1);
}

#[test]
fn one_layer_from_several_threads() {
    let s = seed(2);
    let (x, w, b) = data(&s);
    let layer = Layer::new(&s.params, &w, Some(&b)).unwrap();
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
