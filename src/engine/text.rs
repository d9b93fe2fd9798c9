//! Message text built by concatenation instead of `format!`.
//!
//! `core::fmt` (the formatting state machine, padding, `Display` for every
//! integer width) would be a large share of the wasm (BENCHMARKS.md, "Size
//! work"); the messages only ever need strings and integers put end to end,
//! which `cat!` does with a handful of small functions.

use crate::prelude::*;

/// Something `cat!` can append to a message.
pub trait Piece {
    fn push_to(&self, out: &mut String);
}

impl Piece for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for char {
    fn push_to(&self, out: &mut String) {
        out.push(*self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

macro_rules! unsigned_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn push_to(&self, out: &mut String) {
                push_decimal(out, *self as u64);
            }
        }
    )*};
}
unsigned_pieces!(u8, u16, u32, u64, usize);

macro_rules! signed_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn push_to(&self, out: &mut String) {
                if *self < 0 {
                    out.push('-');
                }
                push_decimal(out, self.unsigned_abs() as u64);
            }
        }
    )*};
}
signed_pieces!(i32, i64);

/// Appends `n` in decimal, as `Display` would (64-bit arithmetic: i128
/// division would pull in compiler-rt).
fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(d) = digits.get_mut(start) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    for &d in digits.get(start..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// `parts` with `separator` between them, as `[..].join(separator)`.
pub fn join<P: Piece>(parts: impl IntoIterator<Item = P>, separator: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        part.push_to(&mut out);
    }
    out
}

/// Where `needle` first occurs in `haystack`, as a byte offset; an empty
/// needle is at 0. A byte-window search: `str::find(&str)` would bring the
/// two-way searcher into the wasm for a few short strings.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let Some((first, rest)) = needle.as_bytes().split_first() else {
        return Some(0);
    };
    // Windows are compared only where the first byte matches: comparing
    // every window (a `memcmp` call each) was most of the time an error
    // record took, which redacts each of its texts.
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.split_first() == Some((first, rest)))
}

/// `s` cut at its first `separator` (an ASCII byte): what is before and
/// after it. Like `str::split_once`, without the generic pattern searcher,
/// which brings `memchr` and a panic path into the wasm for these few short
/// strings (BENCHMARKS.md, "Size work").
pub fn split_once_at(s: &str, separator: u8) -> Option<(&str, &str)> {
    let at = s.bytes().position(|b| b == separator)?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// The pieces of `s` between `separator`s (an ASCII byte), as `str::split`.
pub fn split_at_each(s: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    ::core::iter::from_fn(move || {
        let current = rest?;
        Some(match split_once_at(current, separator) {
            Some((piece, after)) => {
                rest = Some(after);
                piece
            }
            None => {
                rest = None;
                current
            }
        })
    })
}

/// Concatenates strings, chars and integers into a new `String`.
macro_rules! cat {
    ($($piece:expr),+ $(,)?) => {{
        let mut out = $crate::prelude::String::new();
        $( $crate::engine::text::Piece::push_to(&$piece, &mut out); )+
        out
    }};
}
pub(crate) use cat;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_as_display_writes_them() {
        for n in [0i64, 7, 10, 99, 100, -1, -450, i64::MAX, i64::MIN] {
            assert_eq!(cat!(n), n.to_string());
        }
        assert_eq!(cat!(u64::MAX), u64::MAX.to_string());
        assert_eq!(cat!(429u16, ' ', 0usize), "429 0");
    }

    #[test]
    fn pieces_go_end_to_end() {
        let owned = String::from("b");
        assert_eq!(cat!("a", owned, &owned, 'c', 1u32), "abbc1");
    }

    #[test]
    fn splits_as_str_split_does() {
        for s in ["", ",", "a", "a,b", ",a,,b,", "é,ü,", "t=1,v1=ab"] {
            assert_eq!(
                split_at_each(s, b',').collect::<Vec<_>>(),
                s.split(',').collect::<Vec<_>>(),
                "{s:?}"
            );
            assert_eq!(split_once_at(s, b','), s.split_once(','), "{s:?}");
        }
    }

    proptest::proptest! {
        /// The same pieces as `str::split` / `split_once`, for any text.
        #[test]
        fn splits_like_str_on_any_text(
            s in "[a,=é \\x00-\\x7f]{0,24}|\\PC{0,12}",
            separator in proptest::sample::select(vec![b',', b'=', b'.', b'@']),
        ) {
            let c = char::from(separator);
            let pieces: Vec<&str> = split_at_each(&s, separator).collect();
            proptest::prop_assert_eq!(pieces, s.split(c).collect::<Vec<_>>());
            proptest::prop_assert_eq!(split_once_at(&s, separator), s.split_once(c));
        }
    }

    #[test]
    fn finds_as_str_find_does() {
        for (haystack, needle) in [
            ("https://x", "://"),
            ("abc", ""),
            ("", "a"),
            ("aab", "ab"),
            ("é://", "://"),
            ("ab", "abc"),
        ] {
            assert_eq!(
                find(haystack, needle),
                haystack.find(needle),
                "{haystack:?} {needle:?}"
            );
        }
    }

    #[test]
    fn join_puts_the_separator_between_parts_only() {
        assert_eq!(join(["x", "y", "z"], ", "), "x, y, z");
        assert_eq!(join(["x"], ", "), "x");
        assert_eq!(join(Vec::<String>::new(), ", "), "");
    }
}
