//! Numbers as text without `core::fmt`: the writer's hot path writes many short numbers.

/// `n` in decimal, in the end of `buf`.
pub(crate) fn decimal(buf: &mut [u8; 20], mut n: u64) -> &str {
    let mut at = buf.len();
    loop {
        at -= 1;
        // n % 10 < 10: the cast keeps every bit.
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    ascii(&buf[at..])
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
        for n in [0, 1, 9, 10, 99, 100, 12_329, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(decimal(&mut [0; 20], n), format!("{n}"));
            for width in [0, 1, 2, 4, 16] {
                assert_eq!(hex(&mut [0; 18], n, width), format!("0x{n:0width$x}"), "{n} {width}");
            }
        }
    }
}
