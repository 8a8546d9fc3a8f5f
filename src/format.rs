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
    match Digits::num2(x) {
        Some(d) => out.push_str(d.as_str()),
        None => num2_text(x, out),
    }
}

/// Appends [`pct1`] of `x` to `out`.
pub fn pct1_into(x: f64, out: &mut String) {
    match Digits::pct1(x) {
        Some(d) => out.push_str(d.as_str()),
        None => pct1_text(x, out),
    }
}

/// Appends the bytes of [`num2`] of `x` to `out` (the CSV writer's buffer).
pub fn num2_bytes(x: f64, out: &mut Vec<u8>) {
    push_bytes(Digits::num2(x), || num2(x), out);
}

/// Appends the bytes of [`pct1`] of `x` to `out` (the CSV writer's buffer).
pub fn pct1_bytes(x: f64, out: &mut Vec<u8>) {
    push_bytes(Digits::pct1(x), || pct1(x), out);
}

/// The fast path's digits, or the text of the slow one (rare: NaN, infinities, huge values).
fn push_bytes(digits: Option<Digits>, text: impl FnOnce() -> String, out: &mut Vec<u8>) {
    match digits {
        Some(d) => out.extend_from_slice(d.as_bytes()),
        None => out.extend_from_slice(text().as_bytes()),
    }
}

/// Appends the decimal digits of `n` to `out`, as `n.to_string()` writes them.
pub fn int_bytes(n: i64, out: &mut Vec<u8>) {
    let mut d = Digits::empty();
    d.push_digits(n.unsigned_abs());
    if n < 0 {
        d.push_byte(b'-');
    }
    out.extend_from_slice(d.as_bytes());
}

/// [`num2`] through `format!`: for the numbers [`Digits`] leaves to it (NaN, infinities,
/// magnitudes from 2^46 up), and the definition the fast path is tested against.
fn num2_text(x: f64, out: &mut String) {
    let start = out.len();
    let _ = write!(out, "{x:.2}");
    if out[start..].contains('.') {
        let kept = out.trim_end_matches('0').trim_end_matches('.').len();
        out.truncate(kept);
    }
    fix_zero(out, start);
}

/// [`pct1`] through `format!`, as [`num2_text`] is for [`num2`].
fn pct1_text(x: f64, out: &mut String) {
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

/// The text of a rounded number built from its count of hundredths or tenths, right to
/// left in a buffer on the stack: the same text `format!` writes, without its exact
/// (big-integer) float path, which a large report would take millions of times.
pub struct Digits {
    buf: [u8; 24],
    start: usize,
}

impl Digits {
    /// [`num2`] of `x`, or None when `x` is NaN, infinite or at least 2^46 in magnitude.
    fn num2(x: f64) -> Option<Digits> {
        let n = steps(x, 100.0, TWO_DECIMALS_EXACT)?;
        let mut d = Digits::empty();
        let (whole, cents) = (n / 100, n % 100);
        // Trailing zeros dropped: .50 → .5, .00 → nothing.
        if cents % 10 != 0 {
            d.push(cents % 10);
            d.push(cents / 10);
            d.push_byte(b'.');
        } else if cents != 0 {
            d.push(cents / 10);
            d.push_byte(b'.');
        }
        d.push_whole(whole, n, x);
        Some(d)
    }

    /// [`pct1`] of `x`, or None when `x` is NaN, infinite or at least 2^49 in magnitude.
    fn pct1(x: f64) -> Option<Digits> {
        let n = steps(x, 10.0, ONE_DECIMAL_EXACT)?;
        let mut d = Digits::empty();
        d.push(n % 10);
        d.push_byte(b'.');
        d.push_whole(n / 10, n, x);
        Some(d)
    }

    fn empty() -> Digits {
        Digits {
            buf: [0; 24],
            start: 24,
        }
    }

    fn push_byte(&mut self, b: u8) {
        self.start -= 1;
        self.buf[self.start] = b;
    }

    fn push(&mut self, digit: u64) {
        self.push_byte(b'0' + digit as u8);
    }

    /// The whole part (at least one digit), then the sign: a number that rounds to zero
    /// has none (never `-0`).
    fn push_whole(&mut self, whole: u64, steps: u64, x: f64) {
        self.push_digits(whole);
        if steps != 0 && x.is_sign_negative() {
            self.push_byte(b'-');
        }
    }

    /// The digits of `n`, at least one.
    fn push_digits(&mut self, mut n: u64) {
        loop {
            self.push(n % 10);
            n /= 10;
            if n == 0 {
                break;
            }
        }
    }

    /// The text's bytes (ASCII).
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Digits, a point and a sign only: always UTF-8.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
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

/// More than the rounding error of a fraction scaled by 100 (at most 2^-47).
const EXACT_ENOUGH: f64 = 1.0 / (1u64 << 46) as f64;

/// From 2^46 up, neighbouring doubles are more than 0.01 apart, so the double nearest to
/// `x` rounded to 2 decimals is `x` itself.
const TWO_DECIMALS_EXACT: f64 = (1u64 << 46) as f64;
/// From 2^49 up, neighbouring doubles are more than 0.1 apart.
const ONE_DECIMAL_EXACT: f64 = (1u64 << 49) as f64;

/// `x` rounded to 1/`scale` as `format!("{x:.N$}")` rounds it: the decimal nearest to the
/// exact binary value of `x`, ties to even, returned as the double nearest to that decimal
/// (so `-0.001` gives `0.0`, and 1.005, stored as 1.00499999…, gives 1.0).
fn round_decimals(x: f64, scale: f64, exact_from: f64) -> f64 {
    match steps(x, scale, exact_from) {
        // One division of two exact doubles gives the nearest double.
        Some(n) => (n as f64 / scale).copysign(x) + 0.0,
        None => x + 0.0,
    }
}

/// |`x`| rounded to a whole number of 1/`scale` steps as `format!("{x:.N$}")` rounds it
/// (the decimal nearest to the exact binary value, ties to even), as that count; None when
/// `x` is NaN, infinite or at least `exact_from` in magnitude. Worked out without writing
/// text: the fraction is scaled with its exact rounding error (a fused multiply-add),
/// which decides the cases `(x * 100.0).round()` gets wrong.
fn steps(x: f64, scale: f64, exact_from: f64) -> Option<u64> {
    let a = x.abs();
    if !a.is_finite() || a >= exact_from {
        return None;
    }
    // a = whole + frac exactly; frac × scale = p + err exactly. Truncating casts, exact
    // below 2^53 and for p ≥ 0, are trunc and floor without a call into libm.
    let whole = a as u64 as f64;
    let frac = a - whole;
    let p = frac * scale;
    let low = p as u64 as f64;
    // p - low is exact (Sterbenz), and so is that minus 0.5 once it is ≥ 0.25; below 0.25
    // the sum is negative whatever `err` is (|err| ≤ half an ulp of p < 128, 2^-47), so its
    // sign is exact. Only a distance to the tie within 2^-46 needs `err` (a fused
    // multiply-add, a libm call on a CPU without FMA) to decide the side.
    let near = (p - low) - 0.5;
    let above = if near.abs() > EXACT_ENOUGH {
        near
    } else {
        near + frac.mul_add(scale, -p)
    };
    let up = match above.partial_cmp(&0.0) {
        Some(std::cmp::Ordering::Greater) => true,
        Some(std::cmp::Ordering::Less) => false,
        // An exact tie (x = 0.125 for 2 decimals): to even, as `format!` does.
        _ => low % 2.0 != 0.0,
    };
    // whole × scale + n < 2^53: exact, and so is the conversion to an integer.
    Some((whole * scale + low + f64::from(u8::from(up))) as u64)
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

    /// The fast text of `x` against the text `format!` writes (`num2_text`, `pct1_text`),
    /// through every entry point.
    fn check_text(x: f64) {
        let mut slow = String::new();
        num2_text(x, &mut slow);
        assert_eq!(num2(x), slow, "{x:e}");
        let mut bytes = b"a".to_vec();
        num2_bytes(x, &mut bytes);
        assert_eq!(bytes, format!("a{slow}").into_bytes(), "{x:e}");
        let mut slow = String::new();
        pct1_text(x, &mut slow);
        assert_eq!(pct1(x), slow, "{x:e}");
        let mut bytes = b"a".to_vec();
        pct1_bytes(x, &mut bytes);
        assert_eq!(bytes, format!("a{slow}").into_bytes(), "{x:e}");
    }

    /// Hand-worked text of the fast path: ties to even, trailing zeros, signs.
    #[test]
    fn digits_by_hand() {
        assert_eq!(num2(0.125), "0.12");
        assert_eq!(num2(0.375), "0.38");
        assert_eq!(num2(2.675), "2.67"); // stored as 2.67499999…
        assert_eq!(num2(1.005), "1");
        assert_eq!(num2(-1.5), "-1.5");
        assert_eq!(num2(-0.0), "0");
        assert_eq!(num2(-0.005), "-0.01"); // stored as -0.005000000000000000104…
        assert_eq!(num2(-0.0049), "0");
        assert_eq!(num2(100.0), "100");
        assert_eq!(num2(1234.1), "1234.1");
        assert_eq!(num2(0.07), "0.07");
        assert_eq!(pct1(0.05), "0.1"); // stored as 0.05000000000000000277…
        assert_eq!(pct1(0.25), "0.2");
        assert_eq!(pct1(-0.0), "0.0");
        assert_eq!(pct1(-2.25), "-2.2");
        assert_eq!(num2(f64::NAN), "NaN");
        assert_eq!(num2(f64::NEG_INFINITY), "-inf");
        assert_eq!(pct1(f64::INFINITY), "inf");
        assert_eq!(num2(1e20), "100000000000000000000");
    }

    /// Ties, near ties, zeros, non-finite values and both sides of where the fast path
    /// hands over to `format!`.
    #[test]
    fn fast_text_is_the_formatted_text_at_the_edges() {
        for x in [
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
        ] {
            check_text(x);
            check_text(-x);
        }
        for edge in [
            TWO_DECIMALS_EXACT,
            ONE_DECIMAL_EXACT,
            1e15,
            9.007_199_254_740_992e15,
        ] {
            let mut x = edge;
            for _ in 0..64 {
                check_text(x);
                check_text(-x);
                x = x.next_down();
            }
            x = edge;
            for _ in 0..64 {
                check_text(x);
                x = x.next_up();
            }
        }
        for k in -40_000..40_000 {
            for x in [
                f64::from(k) / 8.0,
                f64::from(k) * 0.005,
                f64::from(k) * 0.05,
            ] {
                check_text(x);
                check_text(x.next_up());
                check_text(x.next_down());
            }
            check_text(f64::from(k) * 1e-5);
            check_text(f64::from(k) * 1234.567);
        }
    }

    /// Two million values of the shapes a report writes (minutes from milliseconds, shares,
    /// hours) and of any shape, from a fixed seed.
    #[test]
    fn fast_text_is_the_formatted_text_over_millions() {
        let mut rng = fastrand::Rng::with_seed(17);
        for _ in 0..500_000 {
            check_text(rng.i64(-10_000_000_000..10_000_000_000) as f64 / 60_000.0);
            check_text(rng.u32(..) as f64 / rng.u32(1..) as f64 * 100.0);
            check_text(rng.i64(..) as f64 / 3.0 * 10f64.powi(rng.i32(-20..20)));
            let x = f64::from_bits(rng.u64(..));
            if x.is_finite() && x.abs() < 1e300 {
                check_text(x);
            }
        }
    }

    #[test]
    fn integers_are_their_display() {
        let mut rng = fastrand::Rng::with_seed(3);
        let edges = [
            0,
            1,
            -1,
            9,
            10,
            -10,
            99,
            100,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ];
        let random = (0..100_000).map(|_| rng.i64(..) >> rng.u32(0..64));
        for n in edges.into_iter().chain(random) {
            let mut bytes = b"x".to_vec();
            int_bytes(n, &mut bytes);
            assert_eq!(bytes, format!("x{n}").into_bytes());
        }
    }

    proptest! {
        #[test]
        fn fast_text_is_the_formatted_text(bits in any::<u64>()) {
            check_text(f64::from_bits(bits));
        }

        #[test]
        fn fast_text_is_the_formatted_text_near_decimals(
            mantissa in -1_000_000_000i64..1_000_000_000,
            exp in -12i32..12,
        ) {
            let x = mantissa as f64 * 10f64.powi(exp);
            check_text(x);
            check_text(x.next_up());
            check_text(x.next_down());
        }

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
