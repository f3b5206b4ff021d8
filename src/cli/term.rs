//! The only way the headless commands reach the terminal: stdout and stderr
//! through the sanitiser's guard, so no output path, old or new, can write
//! a server's escape sequence raw. The linter enforces it: `clippy.toml`
//! refuses `std::io::stdout`, `std::io::stderr`, `println!` and `eprintln!`
//! everywhere but here and the workbench's terminal.

#![allow(clippy::disallowed_methods)]

use std::fmt;
use std::io::{self, IsTerminal, StderrLock, StdoutLock, Write};

use crate::sanitize::Guarded;

/// Standard output, sanitised on the way.
pub fn stdout() -> Guarded<StdoutLock<'static>> {
    Guarded::new(io::stdout().lock())
}

/// Standard error, sanitised on the way.
pub fn stderr() -> Guarded<StderrLock<'static>> {
    Guarded::new(io::stderr().lock())
}

pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

pub fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}

/// One line on stderr, sanitised (what `eprintln!` was): a failed write to
/// stderr has nowhere to be reported, so it is ignored.
pub fn err_line(args: fmt::Arguments<'_>) {
    let mut err = stderr();
    let _ = err.write_fmt(args);
    let _ = err.write_all(b"\n");
}

/// `eprintln!` through the guard.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::term::err_line(format_args!($($arg)*))
    };
}

pub(crate) use errln;
