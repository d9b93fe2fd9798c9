//! The two float operations the core needs that `core` (no_std) lacks.

/// Whether `n` is a whole number that fits an i64 (so `n as i64` is exact).
pub fn is_integer(n: f64) -> bool {
    n.is_finite() && n.abs() < 9.2e18 && (n as i64) as f64 == n
}

/// Rounds up to a whole number; leaves huge and non-finite values alone.
pub fn ceil(x: f64) -> f64 {
    if !x.is_finite() || x.abs() >= 9.2e18 {
        return x;
    }
    let truncated = (x as i64) as f64;
    if truncated < x {
        truncated + 1.0
    } else {
        truncated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_integer_and_ceil_agree_with_std() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            2.5,
            -2.5,
            1e15 + 0.5,
            1785698220563.0,
            0.1,
            -0.9,
        ] {
            assert_eq!(is_integer(x), x.fract() == 0.0, "{x}");
            assert_eq!(ceil(x), x.ceil(), "{x}");
        }
        assert!(!is_integer(f64::NAN) && !is_integer(f64::INFINITY) && !is_integer(1e300));
    }

    #[test]
    fn the_exact_range_stops_short_of_i64_max() {
        // The largest double below the cut-off is whole and exact in i64;
        // from the cut-off on, `as i64` is not trusted.
        let below = 9.2e18 - 1024.0;
        assert!(is_integer(below) && !is_integer(9.2e18) && !is_integer(-9.2e18));
    }

    #[test]
    fn ceil_leaves_non_finite_values_alone() {
        assert!(ceil(f64::NAN).is_nan());
        assert_eq!(ceil(f64::INFINITY), f64::INFINITY);
        assert_eq!(ceil(f64::NEG_INFINITY), f64::NEG_INFINITY);
        assert_eq!(ceil(-1e300), -1e300);
    }
}
