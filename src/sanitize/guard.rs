//! The writer between the headless commands and the terminal: whatever is
//! written through it is sanitised on the way (ESC, C0 and C1 controls, DEL
//! and bidi overrides become symbols; newlines and tabs stay), so an output
//! path that forgets to sanitise a value still cannot reach the terminal
//! with it. prism's own styling goes through [`Guarded::dim`], the one way
//! to emit an escape sequence.

use std::io::{self, Write};

use super::sanitize;

/// Sanitises everything written to the inner writer. Bytes that are not
/// UTF-8 become U+FFFD; a character split across two writes is held until
/// its end arrives.
pub struct Guarded<W: Write> {
    inner: W,
    /// The start of a character whose remaining bytes have not come yet.
    pending: Vec<u8>,
}

impl<W: Write> Guarded<W> {
    pub fn new(inner: W) -> Guarded<W> {
        Guarded {
            inner,
            pending: Vec::new(),
        }
    }

    /// What was written so far (for tests of a guarded buffer).
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// `text` dimmed with SGR 2 (prism's reasoning on a colour terminal); the
    /// text itself is sanitised like everything else.
    pub fn dim(&mut self, text: &str) -> io::Result<()> {
        self.inner.write_all(b"\x1b[2m")?;
        self.inner.write_all(sanitize(text).as_bytes())?;
        self.inner.write_all(b"\x1b[0m")
    }

    fn write_text(&mut self, text: &str) -> io::Result<()> {
        self.inner.write_all(sanitize(text).as_bytes())
    }
}

impl<W: Write> Write for Guarded<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let joined;
        let mut bytes = buf;
        if !self.pending.is_empty() {
            let mut held = std::mem::take(&mut self.pending);
            held.extend_from_slice(buf);
            joined = held;
            bytes = &joined;
        }
        loop {
            match std::str::from_utf8(bytes) {
                Ok(text) => {
                    self.write_text(text)?;
                    break;
                }
                Err(error) => {
                    let (valid, rest) = bytes.split_at(error.valid_up_to());
                    // Checked by from_utf8 just above.
                    self.write_text(std::str::from_utf8(valid).unwrap_or_default())?;
                    match error.error_len() {
                        Some(bad) => {
                            self.inner.write_all("\u{FFFD}".as_bytes())?;
                            bytes = &rest[bad..];
                        }
                        None => {
                            self.pending = rest.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for Guarded<W> {
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            let _ = self.inner.write_all("\u{FFFD}".as_bytes());
            let _ = self.inner.flush();
        }
    }
}
