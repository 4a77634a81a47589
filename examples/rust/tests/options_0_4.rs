//! The options of library 0.4 through the crate: the setters reach the library, ONNX's
//! padding kinds give the shapes of convt.h's formulas and the VALID output cropped, channels
//! last gives the permuted channels-first result, each activation is its definition applied
//! after a plain run, and bad values are the library's errors.
//!
//! Exact data (the seed pattern: every product a multiple of 1/128, every sum exact in f32)
//! make crops and permutations equal bit for bit, whatever order the library adds in.
use convt::{ffi, Activation, Algorithm, Layer, Layout, PaddingKind, Params};

fn exact(n: usize, mul: usize, modulo: usize, off: i64, scale: f32) -> Vec<f32> {
    (0..n)
        .map(|i| ((i * mul % modulo) as i64 - off) as f32 / scale)
        .collect()
}

/// Weight, bias for a layer and an input of `shape` (channels first), all exact.
fn exact_data(p: &Params, shape: &[i64]) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let r = p.raw();
    let k: i64 = r.kernel_size[..p.spatial_dims()].iter().product();
    let n_w = (r.in_channels * (r.out_channels / r.groups) * k) as usize;
    let n_x = shape.iter().product::<i64>() as usize;
    (
        exact(n_w, 5, 11, 5, 16.0),
        exact(r.out_channels as usize, 1, 3, 1, 4.0),
        exact(n_x, 7, 13, 6, 8.0),
    )
}

/// A small deterministic generator (no crates): uniform in [-2, 2).
fn random(n: usize, mut state: u64) -> Vec<f32> {
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 4.0 - 2.0
        })
        .collect()
}

/// (N, C, P) -> (N, P, C), P the pixels per channel.
fn to_channels_last(v: &[f32], n: i64, c: i64, pixels: i64) -> Vec<f32> {
    let mut out = vec![0.0; v.len()];
    for b in 0..n {
        for ch in 0..c {
            for p in 0..pixels {
                out[((b * pixels + p) * c + ch) as usize] = v[((b * c + ch) * pixels + p) as usize];
            }
        }
    }
    out
}

/// One dimension's size by convt.h's rules: full = s*(in-1) + op + d*(k-1) + 1, then
/// EXPLICIT full - begin - end, SAME_* full - max(0, full - in*s), VALID full.
fn onnx_out(
    kind: PaddingKind,
    n_in: i64,
    k: i64,
    s: i64,
    op: i64,
    d: i64,
    pb: i64,
    pe: i64,
) -> i64 {
    let full = s * (n_in - 1) + op + d * (k - 1) + 1;
    match kind {
        PaddingKind::Explicit => full - pb - pe,
        PaddingKind::SameUpper | PaddingKind::SameLower => full - (full - n_in * s).max(0),
        _ => full,
    }
}

/// The window of `full` (N, C, spatial... channels first) that starts at `begin` and has
/// the spatial sizes of `out`.
fn crop(full: &[f32], full_shape: &[i64], out_shape: &[i64], begin: &[i64]) -> Vec<f32> {
    let rank = full_shape.len() - 2;
    // As (D, H, W), the missing leading dimensions of size 1.
    let (mut f3, mut o3, mut b3) = ([1i64; 3], [1i64; 3], [0i64; 3]);
    for i in 0..rank {
        f3[3 - rank + i] = full_shape[2 + i];
        o3[3 - rank + i] = out_shape[2 + i];
        b3[3 - rank + i] = begin[i];
    }
    let mut out = Vec::new();
    for nc in 0..full_shape[0] * full_shape[1] {
        for d in 0..o3[0] {
            for h in 0..o3[1] {
                for w in 0..o3[2] {
                    let at = ((nc * f3[0] + d + b3[0]) * f3[1] + h + b3[1]) * f3[2] + w + b3[2];
                    out.push(full[at as usize]);
                }
            }
        }
    }
    out
}

struct Case {
    params: fn() -> Params,
    input: &'static [i64],
    pb: &'static [i64], // EXPLICIT's begin and end pads
    pe: &'static [i64],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            params: || Params::new_1d(3, 4, 5).stride(3).output_padding(1),
            input: &[2, 3, 6],
            pb: &[2],
            pe: &[3],
        },
        Case {
            params: || {
                Params::new(3, 4, (3, 4))
                    .stride((2, 3))
                    .output_padding((1, 0))
                    .dilation((1, 2))
            },
            input: &[1, 3, 4, 5],
            pb: &[1, 0],
            pe: &[2, 3],
        },
        Case {
            params: || {
                Params::new(4, 6, [3, 3, 3])
                    .stride([2, 1, 2])
                    .output_padding([0, 0, 1])
                    .groups(2)
            },
            input: &[1, 4, 2, 3, 3],
            pb: &[0, 1, 2],
            pe: &[1, 1, 0],
        },
    ]
}

#[test]
fn the_0_4_setters_reach_the_library() {
    let p = Params::new(4, 6, (3, 5))
        .stride((2, 3))
        .padding((1, 2))
        .padding_kind(PaddingKind::Explicit)
        .padding_end((2, 0))
        .layout(Layout::ChannelsLast)
        .activation(Activation::Clamp {
            min: -0.5,
            max: 0.75,
        });
    let w = vec![0.25f32; 4 * 6 * 15];
    let got = *Layer::new(&p, &w, None).unwrap().params().unwrap().raw();
    assert_eq!(got.struct_size, ffi::CONVT_PARAMS_SIZE_V0_2);
    assert_eq!(got.padding_kind, ffi::CONVT_PADDING_EXPLICIT);
    assert_eq!(&got.padding[..2], &[1, 2]);
    assert_eq!(&got.padding_end[..2], &[2, 0]);
    assert_eq!(got.layout, ffi::CONVT_LAYOUT_CHANNELS_LAST);
    assert_eq!(
        (got.activation, got.activation_alpha, got.activation_beta),
        (ffi::CONVT_ACTIVATION_CLAMP, -0.5, 0.75)
    );
    for (kind, raw) in [
        (PaddingKind::Symmetric, 0),
        (PaddingKind::Explicit, 1),
        (PaddingKind::SameUpper, 2),
        (PaddingKind::SameLower, 3),
        (PaddingKind::Valid, 4),
    ] {
        let layer = Layer::new(
            &Params::new_1d(2, 2, 3).stride(2).padding_kind(kind),
            &w,
            None,
        )
        .unwrap();
        assert_eq!(layer.params().unwrap().raw().padding_kind, raw, "{kind:?}");
    }
    let layer = Layer::new(
        &Params::new_1d(2, 2, 3).activation(Activation::Elu { alpha: 0.5 }),
        &w,
        None,
    )
    .unwrap();
    let raw = *layer.params().unwrap().raw();
    assert_eq!(
        (raw.activation, raw.activation_alpha),
        (ffi::CONVT_ACTIVATION_ELU, 0.5)
    );
}

#[test]
fn onnx_kinds_give_the_formula_shapes_and_the_valid_output_cropped() {
    for case in cases() {
        let base = (case.params)();
        let rank = base.spatial_dims();
        let (w, b, x) = exact_data(&base, case.input);
        let valid =
            Layer::new(&base.clone().padding_kind(PaddingKind::Valid), &w, Some(&b)).unwrap();
        let (full_shape, full) = valid.forward(case.input, &x, None).unwrap();
        let r = *base.raw();
        for kind in [
            PaddingKind::SameUpper,
            PaddingKind::SameLower,
            PaddingKind::Explicit,
        ] {
            let p = base
                .clone()
                .padding_kind(kind)
                .padding(case.pb)
                .padding_end(case.pe);
            let layer = Layer::new(&p, &w, Some(&b)).unwrap();
            let (shape, y) = layer.forward(case.input, &x, None).unwrap();
            let mut begin = Vec::new();
            for i in 0..rank {
                let want = onnx_out(
                    kind,
                    case.input[2 + i],
                    r.kernel_size[i],
                    r.stride[i],
                    r.output_padding[i],
                    r.dilation[i],
                    case.pb[i],
                    case.pe[i],
                );
                assert_eq!(shape[2 + i], want, "{rank}-D {kind:?} dimension {i}");
                let t = (full_shape[2 + i] - case.input[2 + i] * r.stride[i]).max(0);
                begin.push(match kind {
                    PaddingKind::Explicit => case.pb[i],
                    PaddingKind::SameUpper => t / 2,
                    _ => t - t / 2,
                });
            }
            if kind != PaddingKind::Explicit {
                for i in 0..rank {
                    assert_eq!(shape[2 + i], case.input[2 + i] * r.stride[i], "T > 0 here");
                }
            }
            assert_eq!(&shape[..2], &[case.input[0], r.out_channels]);
            assert!(
                y == crop(&full, &full_shape, &shape, &begin),
                "{rank}-D {kind:?}: not VALID's crop"
            );
        }
    }
}

#[test]
fn output_size_is_onnx_output_shape() {
    // VALID 1-D: full = 2*(4-1) + 3 = 9; sizes 1 ..= 2*4 + 3 - 1 = 10; position 9 is the bias.
    let p = Params::new_1d(2, 3, 3)
        .stride(2)
        .padding_kind(PaddingKind::Valid);
    let (w, b, x) = exact_data(&p, &[1, 2, 4]);
    let layer = Layer::new(&p, &w, Some(&b)).unwrap();
    let (shape, full) = layer.forward([1, 2, 4], &x, None).unwrap();
    assert_eq!(shape, [1, 3, 9]);
    let (shape, y) = layer.forward([1, 2, 4], &x, Some(&[10])).unwrap();
    assert_eq!(shape, [1, 3, 10]);
    for c in 0..3 {
        assert_eq!(&y[c * 10..c * 10 + 9], &full[c * 9..c * 9 + 9]);
        assert_eq!(y[c * 10 + 9], b[c]);
    }
    let e = layer.output_shape([1, 2, 4], Some(&[11])).unwrap_err();
    assert!(
        e.message
            .contains("requested an output size of [11], but valid sizes range from [1] to [10]"),
        "{e}"
    );
}

#[test]
fn channels_last_is_the_permuted_channels_first_result() {
    for case in cases() {
        for act in [Activation::None, Activation::Relu] {
            let first = (case.params)()
                .padding_kind(PaddingKind::SameUpper)
                .activation(act);
            let last = first.clone().layout(Layout::ChannelsLast);
            let (w, b, x) = exact_data(&first, case.input);
            let l_first = Layer::new(&first, &w, Some(&b)).unwrap();
            let l_last = Layer::new(&last, &w, Some(&b)).unwrap();
            let (shape, y) = l_first.forward(case.input, &x, None).unwrap();
            let in_pixels: i64 = case.input[2..].iter().product();
            let out_pixels: i64 = shape[2..].iter().product();
            let x_last = to_channels_last(&x, case.input[0], case.input[1], in_pixels);
            let (shape_last, y_last) = l_last.forward(case.input, &x_last, None).unwrap();
            assert_eq!(shape_last, shape, "the shape stays (N, C, spatial...)");
            assert!(
                y_last == to_channels_last(&y, shape[0], shape[1], out_pixels),
                "{}-D {act:?}",
                first.spatial_dims()
            );
            if act == Activation::Relu {
                assert!(y.iter().all(|&v| v >= 0.0));
            }
        }
    }
}

/// erf in f64 to ~1e-15: its Taylor series below 2.5, else 1 - erfc from erfc's continued
/// fraction (no erf in Rust's std).
fn erf(x: f64) -> f64 {
    let a = x.abs();
    let r = if a < 2.5 {
        let (mut term, mut sum, mut n) = (a, a, 0.0);
        while term.abs() > 1e-17 * sum.abs() {
            n += 1.0;
            term *= -a * a / n;
            sum += term / (2.0 * n + 1.0);
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    } else {
        let mut k = a;
        for n in (1..=60).rev() {
            k = a + (n as f64 / 2.0) / k;
        }
        1.0 - (-a * a).exp() / std::f64::consts::PI.sqrt() / k
    };
    r.copysign(x)
}

fn activate(a: Activation, y: f64) -> f64 {
    match a {
        Activation::None => y,
        Activation::Relu => y.max(0.0),
        Activation::LeakyRelu { slope } => {
            if y >= 0.0 {
                y
            } else {
                slope as f64 * y
            }
        }
        Activation::Clamp { min, max } => y.max(min as f64).min(max as f64),
        Activation::Tanh => y.tanh(),
        Activation::Sigmoid => 1.0 / (1.0 + (-y).exp()),
        Activation::Elu { alpha } => {
            if y > 0.0 {
                y
            } else {
                alpha as f64 * y.exp_m1()
            }
        }
        Activation::Gelu => 0.5 * y * (1.0 + erf(y / std::f64::consts::SQRT_2)),
    }
}

#[test]
fn erf_is_erf() {
    // Values from tables (Abramowitz and Stegun 7.1), and oddness.
    for (x, want) in [
        (0.5, 0.5204998778130465),
        (1.0, 0.8427007929497149),
        (2.0, 0.9953222650189527),
        (3.0, 0.9999779095030014),
    ] {
        assert!((erf(x) - want).abs() < 1e-14, "erf({x}) = {}", erf(x));
        assert_eq!(erf(-x), -erf(x));
    }
}

#[test]
fn each_activation_is_its_definition_after_a_plain_run() {
    let activations = [
        Activation::Relu,
        Activation::LeakyRelu { slope: 0.2 },
        Activation::Clamp {
            min: -0.3,
            max: 0.6,
        },
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Elu { alpha: 0.7 },
        Activation::Gelu,
    ];
    let shapes: [(Params, &[i64]); 3] = [
        (Params::new_1d(5, 6, 4).stride(2).padding(1), &[2, 5, 9]),
        (
            Params::new(5, 6, (3, 2))
                .stride((2, 1))
                .padding(1)
                .layout(Layout::ChannelsLast),
            &[2, 5, 6, 7],
        ),
        (
            Params::new_3d(5, 6, 3).stride(2).padding(1),
            &[1, 5, 3, 4, 3],
        ),
    ];
    for (base, input) in shapes.iter() {
        let base = base.clone().algorithm(Algorithm::Auto);
        let r = *base.raw();
        let k: i64 = r.kernel_size[..base.spatial_dims()].iter().product();
        let w = random((5 * 6 * k) as usize, 1);
        let b = random(6, 2);
        let x = random(input.iter().product::<i64>() as usize, 3);
        let (_, plain) = Layer::new(&base, &w, Some(&b))
            .unwrap()
            .forward(input, &x, None)
            .unwrap();
        for &a in activations.iter() {
            let (_, y) = Layer::new(&base.clone().activation(a), &w, Some(&b))
                .unwrap()
                .forward(input, &x, None)
                .unwrap();
            let mut moved = false;
            for (i, (&got, &pre)) in y.iter().zip(&plain).enumerate() {
                let want = activate(a, pre as f64);
                // A few units in the last place of the activation; the sums are the same ones.
                let tol = 4e-6 * want.abs() + 1e-7;
                assert!(
                    (got as f64 - want).abs() <= tol,
                    "{}-D {a:?} [{i}]: {got} for f({pre}) = {want}",
                    base.spatial_dims()
                );
                moved |= (got - pre).abs() > 1e-3;
            }
            assert!(moved, "{a:?} changed nothing");
        }
    }
}

#[test]
fn bad_values_are_the_library_errors() {
    let w = vec![0.5f32; 2 * 2 * 9];
    let check = |p: Params, want: &str| {
        let e = Layer::new(&p, &w, None).unwrap_err();
        assert_eq!(e.status, ffi::CONVT_ERROR_INVALID_ARGUMENT);
        assert!(e.message.contains(want), "{e}, want {want:?}");
    };
    let mut p = Params::new_2d(2, 2, 3);
    p.raw_mut().padding_kind = 7;
    check(p, "padding_kind must be a CONVT_PADDING_* value (SYMMETRIC 0, EXPLICIT 1, SAME_UPPER 2, SAME_LOWER 3, VALID 4), but got padding_kind: 7");
    let mut p = Params::new_2d(2, 2, 3);
    p.raw_mut().layout = 2;
    check(p, "layout must be CONVT_LAYOUT_CHANNELS_FIRST (0) or CONVT_LAYOUT_CHANNELS_LAST (1), but got layout: 2");
    let mut p = Params::new_2d(2, 2, 3);
    p.raw_mut().activation = 8;
    check(p, "but got activation: 8");
    check(Params::new_2d(2, 2, 3).activation(Activation::Clamp { min: 1.0, max: -1.0 }),
          "CLAMP needs activation_alpha (min) <= activation_beta (max), but got activation_alpha: 1 activation_beta: -1");
    check(
        Params::new_2d(2, 2, 3).activation(Activation::LeakyRelu { slope: f32::NAN }),
        "activation_alpha must be a number for LEAKY_RELU",
    );
    check(
        Params::new_2d(2, 2, 3)
            .padding_kind(PaddingKind::Explicit)
            .padding_end((0, -1)),
        "negative padding_end is not supported",
    );
    check(Params::new_2d(2, 2, 3).stride(2).dilation(3).output_padding(2).padding_kind(PaddingKind::SameUpper),
          "output_padding must be >= 0 and smaller than stride under ONNX padding (padding_kind SAME_UPPER)");
    let e = Layer::new(&Params::new_3d(2, 2, 1).padding_end((1, 1)), &w, None).unwrap_err();
    assert!(
        e.message
            .starts_with("padding_end has 2 entries, but a 3-D layer takes 3"),
        "{e}"
    );
}
