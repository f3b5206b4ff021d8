//! The terminal, owned by one task: raw mode, the alternate screen, mouse,
//! bracketed paste and (where supported) the kitty keyboard protocol on the
//! way in; all of it undone on every way out, a panic included. Frames are
//! written inside synchronized updates so no half-drawn frame is ever seen.

// The workbench owns the terminal here; what it draws is sanitised as it
// enters the pane documents and views (`crate::sanitize`).
#![allow(clippy::disallowed_methods)]

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    KeyboardEnhancementFlags, PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::state::AppState;
use super::view;

/// Whether the terminal is in our modes, so restoring twice is harmless.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static KEYBOARD_ENHANCED: AtomicBool = AtomicBool::new(false);

/// Frames are built in a buffer and written with one syscall each.
type Backend = CrosstermBackend<BufWriter<Stdout>>;

pub struct Tty {
    terminal: Terminal<Backend>,
}

impl Tty {
    pub fn enter() -> io::Result<Tty> {
        install_panic_hook();
        set_modes()?;
        let writer = BufWriter::with_capacity(256 * 1024, io::stdout());
        let terminal = Terminal::new(CrosstermBackend::new(writer))?;
        Ok(Tty { terminal })
    }

    pub fn size(&self) -> io::Result<(u16, u16)> {
        let size = self.terminal.size()?;
        Ok((size.width, size.height))
    }

    pub fn draw(&mut self, state: &AppState) -> io::Result<()> {
        self.draw_with(|frame| view::draw(frame, state))
    }

    /// Draws a frame with `draw` (the workbench's or another view's),
    /// inside a synchronized update.
    pub fn draw_with(&mut self, draw: impl FnOnce(&mut ratatui::Frame)) -> io::Result<()> {
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        self.terminal.draw(draw)?;
        execute!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        Ok(())
    }

    /// Gives the terminal back (for `$EDITOR`); `resume` takes it again.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore();
        Ok(())
    }

    pub fn resume(&mut self) -> io::Result<()> {
        set_modes()?;
        self.terminal.clear()
    }

    /// Writes an OSC 52 sequence that asks the terminal to set the clipboard.
    pub fn copy_to_clipboard(&mut self, text: &str) -> io::Result<()> {
        let backend = self.terminal.backend_mut();
        execute!(
            backend,
            crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
        )
    }
}

impl Drop for Tty {
    fn drop(&mut self) {
        restore();
    }
}

fn set_modes() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture,
        cursor::Hide
    )?;
    // Reports Shift+Enter and other modified keys distinctly where the
    // terminal speaks the kitty protocol; others ignore the request.
    if matches!(
        crossterm::terminal::supports_keyboard_enhancement(),
        Ok(true)
    ) {
        execute!(
            out,
            PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES)
        )?;
        KEYBOARD_ENHANCED.store(true, Ordering::SeqCst);
    }
    Ok(())
}

/// Leaves every mode we entered. Safe to call more than once and from the
/// panic hook; errors are ignored because there is nowhere left to report them.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    if KEYBOARD_ENHANCED.swap(false, Ordering::SeqCst) {
        let _ = execute!(out, PopKeyboardEnhancementFlags);
    }
    let _ = execute!(
        out,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
