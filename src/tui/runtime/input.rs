//! Terminal input as a task of its own, and how what it reads becomes
//! messages. Events that were ready together (one read of the terminal)
//! are kept together: several keys at once were pasted in a terminal
//! without bracketed paste (or typed ahead faster than any hand), so they
//! go to the reducer as one burst it types as text, Enter included.

use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEvent, KeyEventKind};
use futures_util::StreamExt;

use super::Outbox;
use crate::tui::msg::{Msg, Stamped, TerminalError};

/// The most events read in one go; a longer burst continues in the next.
const BURST_EVENTS: usize = 256 * 1024;
/// A burst still arriving (a long paste comes in many reads): the reader
/// waits this long for the rest, so it lands in a few inserts, not
/// thousands (each insert costs the prompt's length).
const BURST_GAP: Duration = Duration::from_millis(5);
/// "Is more input waiting?" without waiting. Not `Duration::ZERO`: the
/// `/dev/tty` reader (crossterm's `use-dev-tty`) returns at once on a zero
/// timeout without looking at the terminal, so a paste would come key by
/// key. Under a millisecond, its poll(2) gets a zero timeout and reads
/// what is there.
const READY_NOW: Duration = Duration::from_micros(100);

/// Reads the terminal until the loop is gone. It is woken by crossterm's
/// `EventStream`, so streaming traffic never makes the loop poll the
/// terminal (crossterm's reader lock is contended on every poll); once an
/// event is in, the ones already waiting are taken with zero-timeout polls
/// (the stream's wake thread is idle then, so nothing blocks).
pub(super) fn spawn_input(outbox: Outbox) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        let mut continues = false;
        while let Some(first) = events.next().await {
            let mut ready = vec![first];
            loop {
                while ready.len() < BURST_EVENTS
                    && matches!(crossterm::event::poll(READY_NOW), Ok(true))
                {
                    ready.push(crossterm::event::read());
                }
                // One key alone is typing (and mouse moves are no paste):
                // they go at once.
                let keys = ready
                    .iter()
                    .filter(|e| matches!(e, Ok(Event::Key(_))))
                    .count();
                if keys < 2 || ready.len() >= BURST_EVENTS {
                    break;
                }
                match tokio::time::timeout(BURST_GAP, events.next()).await {
                    Ok(Some(event)) => ready.push(event),
                    Ok(None) | Err(_) => break,
                }
            }
            let capped = ready.len() == BURST_EVENTS;
            for msg in messages(ready, continues) {
                if !outbox.send(msg).await {
                    return;
                }
            }
            continues = capped;
        }
    })
}

/// Events read together, as messages in their order: a run of two or more
/// key presses (or any run, when the read continues a capped one) is one
/// `Msg::Keys` burst; a lone key is a `Msg::Key`.
pub(super) fn messages(ready: Vec<std::io::Result<Event>>, continues: bool) -> Vec<Msg> {
    let mut out = Vec::new();
    let mut keys: Vec<KeyEvent> = Vec::new();
    let flush = |keys: &mut Vec<KeyEvent>, out: &mut Vec<Msg>| match keys.len() {
        0 => {}
        1 if !continues => out.extend(keys.pop().map(Msg::Key)),
        _ => out.push(Msg::Keys(std::mem::take(keys))),
    };
    for event in ready {
        match event {
            Ok(Event::Key(key)) if key.kind == KeyEventKind::Release => {}
            Ok(Event::Key(key)) => keys.push(key),
            Ok(other) => {
                flush(&mut keys, &mut out);
                out.extend(terminal_msg(other));
            }
            Err(err) => {
                flush(&mut keys, &mut out);
                out.push(Msg::TerminalError(TerminalError::Read(err)));
            }
        }
    }
    flush(&mut keys, &mut out);
    out
}

/// Joins bursts that follow each other in a pass into one, so a long paste
/// without bracketed paste is inserted in a few pieces, not thousands.
pub(super) fn join_bursts(inbox: Vec<Stamped>) -> Vec<Stamped> {
    let mut joined: Vec<Stamped> = Vec::with_capacity(inbox.len());
    for stamped in inbox {
        if let (Some(last), Msg::Keys(more)) = (joined.last_mut(), &stamped.msg)
            && let Msg::Keys(keys) = &mut last.msg
        {
            keys.extend_from_slice(more);
            last.now = last.now.latest(stamped.now);
            continue;
        }
        joined.push(stamped);
    }
    joined
}

fn terminal_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize(width, height)),
        Event::FocusGained | Event::FocusLost => None,
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;

    fn press(code: KeyCode) -> std::io::Result<Event> {
        Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    fn shape(msgs: &[Msg]) -> Vec<String> {
        msgs.iter()
            .map(|msg| match msg {
                Msg::Key(key) => format!("key {:?}", key.code),
                Msg::Keys(keys) => format!("burst of {}", keys.len()),
                Msg::Resize(w, h) => format!("resize {w}x{h}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_lone_key_is_a_key_and_keys_read_together_are_a_burst() {
        assert_eq!(
            shape(&messages(vec![press(KeyCode::Enter)], false)),
            ["key Enter"]
        );
        let pasted = vec![
            press(KeyCode::Char('a')),
            press(KeyCode::Enter),
            press(KeyCode::Char('b')),
            Ok(Event::Resize(80, 24)),
            press(KeyCode::Enter),
        ];
        assert_eq!(
            shape(&messages(pasted, false)),
            ["burst of 3", "resize 80x24", "key Enter"]
        );
    }

    #[test]
    fn bursts_in_a_row_are_joined_and_nothing_else_is() {
        let now = crate::tui::msg::Now::current();
        let burst = |n: usize| {
            let keys = vec![KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE); n];
            Stamped::new(Msg::Keys(keys), now)
        };
        let inbox = vec![
            burst(3),
            burst(4),
            Stamped::new(Msg::Resize(1, 2), now),
            burst(2),
            Stamped::new(
                Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
                now,
            ),
        ];
        let joined: Vec<Msg> = join_bursts(inbox).into_iter().map(|s| s.msg).collect();
        assert_eq!(
            shape(&joined),
            ["burst of 7", "resize 1x2", "burst of 2", "key Enter"]
        );
    }

    #[test]
    fn the_tail_of_a_capped_read_is_still_part_of_the_burst() {
        // A long paste arrives in reads of BURST_EVENTS; its last Enter,
        // alone in the next read, must not send the prompt.
        assert_eq!(
            shape(&messages(vec![press(KeyCode::Enter)], true)),
            ["burst of 1"]
        );
    }
}
