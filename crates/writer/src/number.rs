//! Numbers as text without `core::fmt`: the writer's hot path writes many short numbers.

use core::fmt::{self, Write};

/// "00" to "99": a number is written two digits a piece, straight from this `str` (no
/// buffer to zero, no UTF-8 check of one).
const PAIRS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839\
                     40414243444546474849505152535455565758596061626364656667686970717273747576777879\
                     8081828384858687888990919293949596979899";

/// Writes `n` in decimal.
pub(crate) fn write_decimal<W: Write + ?Sized>(out: &mut W, n: u64) -> fmt::Result {
    // Two-digit groups from the right; at most 10 for a u64.
    let mut groups = [0u8; 10];
    let mut count = 0;
    let mut rest = n;
    while rest >= 100 {
        // rest % 100 < 100: the cast keeps every bit.
        groups[count] = (rest % 100) as u8;
        rest /= 100;
        count += 1;
    }
    // rest < 100 here.
    let head = rest as usize;
    out.write_str(if head >= 10 { &PAIRS[2 * head..2 * head + 2] } else { &PAIRS[2 * head + 1..2 * head + 2] })?;
    for group in groups[..count].iter().rev() {
        let at = 2 * usize::from(*group);
        out.write_str(&PAIRS[at..at + 2])?;
    }
    Ok(())
}

/// `0x` and `value` in lower-case hexadecimal, zero-padded to `width` digits (at most 16).
pub(crate) fn hex(buf: &mut [u8; 18], mut value: u64, width: usize) -> &str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut at = buf.len();
    let floor = buf.len().saturating_sub(width.min(16));
    loop {
        at -= 1;
        buf[at] = DIGITS[(value & 0xf) as usize];
        value >>= 4;
        if value == 0 && at <= floor {
            break;
        }
    }
    at -= 2;
    buf[at] = b'0';
    buf[at + 1] = b'x';
    ascii(&buf[at..])
}

fn ascii(bytes: &[u8]) -> &str {
    // Only ASCII digits and `x` were written.
    core::str::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    use alloc::format;

    use super::*;

    #[test]
    fn numbers_match_core_fmt() {
        for n in [0, 1, 9, 10, 99, 100, 101, 999, 1000, 12_329, 26_203, 65_535, u64::from(u32::MAX), u64::MAX] {
            let mut written = alloc::string::String::new();
            write_decimal(&mut written, n).unwrap();
            assert_eq!(written, format!("{n}"));
            for width in [0, 1, 2, 4, 16] {
                assert_eq!(hex(&mut [0; 18], n, width), format!("0x{n:0width$x}"), "{n} {width}");
            }
        }
    }
}
