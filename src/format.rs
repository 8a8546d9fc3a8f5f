//! How supportlens writes a number (SPEC §5: at most 2 decimals, percentages with 1) and
//! the value a reader of that text gets back. The CSV cells, the feedback messages, the
//! pages and the mail all write numbers through here, so they cannot disagree.

use std::fmt::Write;

/// A number rounded to 2 decimals with trailing zeros dropped: 12.5, 12, 12.33.
pub fn num2(x: f64) -> String {
    let mut out = String::new();
    num2_into(x, &mut out);
    out
}

/// A percentage with one decimal: 66.7, 100.0, 0.0 (never -0.0).
pub fn pct1(x: f64) -> String {
    let mut out = String::new();
    pct1_into(x, &mut out);
    out
}

/// Appends [`num2`] of `x` to `out`.
pub fn num2_into(x: f64, out: &mut String) {
    let start = out.len();
    let _ = write!(out, "{x:.2}");
    if out[start..].contains('.') {
        let kept = out.trim_end_matches('0').trim_end_matches('.').len();
        out.truncate(kept);
    }
    fix_zero(out, start);
}

/// Appends [`pct1`] of `x` to `out`.
pub fn pct1_into(x: f64, out: &mut String) {
    let start = out.len();
    let _ = write!(out, "{x:.1}");
    fix_zero(out, start);
}

/// A negative zero (`-0`, `-0.0`) written from `start` loses its sign.
fn fix_zero(out: &mut String, start: usize) {
    let s = &out[start..];
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        out.remove(start);
    }
}

/// The number [`num2`] writes for `x`: `x` rounded to 2 decimals.
pub fn round2(x: f64) -> f64 {
    round_decimals(x, 100.0, TWO_DECIMALS_EXACT)
}

/// The number [`pct1`] writes for `x`: `x` rounded to 1 decimal.
pub fn round1(x: f64) -> f64 {
    round_decimals(x, 10.0, ONE_DECIMAL_EXACT)
}

/// From 2^46 up, neighbouring doubles are more than 0.01 apart, so the double nearest to
/// `x` rounded to 2 decimals is `x` itself.
const TWO_DECIMALS_EXACT: f64 = (1u64 << 46) as f64;
/// From 2^49 up, neighbouring doubles are more than 0.1 apart.
const ONE_DECIMAL_EXACT: f64 = (1u64 << 49) as f64;

/// `x` rounded to 1/`scale` as `format!("{x:.N$}")` rounds it: the decimal nearest to the
/// exact binary value of `x`, ties to even, returned as the double nearest to that decimal
/// (so `-0.001` gives `0.0`, and 1.005, stored as 1.00499999…, gives 1.0). Worked out
/// without writing text: the fraction is scaled with its exact rounding error (a fused
/// multiply-add), which decides the cases `(x * 100.0).round()` gets wrong.
fn round_decimals(x: f64, scale: f64, exact_from: f64) -> f64 {
    let a = x.abs();
    if !a.is_finite() || a >= exact_from {
        return x + 0.0;
    }
    // a = whole + frac exactly; frac × scale = p + err exactly.
    let whole = a.trunc();
    let frac = a - whole;
    let p = frac * scale;
    let err = frac.mul_add(scale, -p);
    let low = p.floor();
    // p - low is exact (Sterbenz), and so is that minus 0.5 once it is ≥ 0.25; below 0.25
    // the sum is negative whatever `err` is (|err| < 2^-46), so its sign is exact.
    let above = (p - low - 0.5) + err;
    let up = match above.partial_cmp(&0.0) {
        Some(std::cmp::Ordering::Greater) => true,
        Some(std::cmp::Ordering::Less) => false,
        // An exact tie (x = 0.125 for 2 decimals): to even, as `format!` does.
        _ => low % 2.0 != 0.0,
    };
    // whole × scale + n < 2^53: exact, and one division gives the nearest double.
    let n = whole * scale + low + f64::from(u8::from(up));
    (n / scale).copysign(x) + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_follow_the_spec() {
        assert_eq!(num2(12.5), "12.5");
        assert_eq!(num2(12.0), "12");
        assert_eq!(num2(12.3333), "12.33");
        assert_eq!(num2(-0.001), "0");
        assert_eq!(num2(-30.0), "-30");
        assert_eq!(pct1(200.0 / 3.0), "66.7");
        assert_eq!(pct1(100.0), "100.0");
        assert_eq!(pct1(-0.04), "0.0");
    }

    /// Edges worked out by hand: 1.005 is stored as 1.00499999… → 1; 0.125 and 0.375 are
    /// exact ties → to even (0.12, 0.38); -0.004 → 0, not -0.
    #[test]
    fn rounding_matches_the_written_text() {
        assert_eq!(round2(1.005), 1.0);
        assert_eq!(round2(0.125), 0.12);
        assert_eq!(round2(0.375), 0.38);
        assert_eq!(round2(2.999), 3.0);
        assert_eq!(round2(-12.3456), -12.35);
        assert!(round2(-0.004).is_sign_positive());
        assert_eq!(round2(-0.004), 0.0);
        assert_eq!(round1(0.25), 0.2);
        assert_eq!(round1(0.75), 0.8);
        assert_eq!(round1(99.96), 100.0);
        assert_eq!(round1(200.0 / 3.0), 66.7);
        assert_eq!(round2(1e15 + 0.5), 1e15 + 0.5);
        assert!(round2(f64::NAN).is_nan());
    }

    /// The value read back from the text `format!` writes, the definition `round2` and
    /// `round1` must meet without writing text.
    fn read_back(x: f64, decimals: usize) -> f64 {
        let v: f64 = format!("{x:.decimals$}").parse().unwrap();
        v + 0.0
    }

    fn check(x: f64) {
        assert_eq!(round2(x).to_bits(), read_back(x, 2).to_bits(), "{x:e}");
        assert_eq!(round1(x).to_bits(), read_back(x, 1).to_bits(), "{x:e}");
        assert_eq!(num2(round2(x)), num2(x), "{x:e}");
        assert_eq!(pct1(round1(x)), pct1(x), "{x:e}");
    }

    #[test]
    fn ties_and_near_ties_round_as_written() {
        for k in -4000..4000 {
            let tie = f64::from(k) / 8.0;
            check(tie);
            check(tie.next_up());
            check(tie.next_down());
            let decimal = f64::from(k) * 0.005;
            check(decimal);
            check(decimal.next_up());
            check(decimal.next_down());
        }
    }

    proptest! {
        #[test]
        fn rounding_is_reading_back_the_text(
            mantissa in -1_000_000_000i64..1_000_000_000,
            exp in -12i32..12,
        ) {
            check(mantissa as f64 * 10f64.powi(exp));
        }

        #[test]
        fn rounding_is_reading_back_the_text_at_any_magnitude(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            if x.is_finite() && x.abs() < 1e300 {
                check(x);
            }
        }
    }
}
