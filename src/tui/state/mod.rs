//! The workbench's whole state, in parts with one job each: the workspace
//! (panes, focus, the prompt editor, the layout), the UI around it
//! (overlays, the notice), the catalogs and the account, the session record,
//! and the settings requests are made with; plus the time and the seeded
//! randomness the runtime hands in. Only the reducer changes it; views only
//! read it. Totals are derived from the session, never kept beside it.

pub mod overlay;
mod pane;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use ratatui::style::Style;
use ratatui_textarea::{TextArea, WrapMode};
use rust_decimal::Decimal;

use crate::router::account::KeyInfo;
use crate::router::catalog::{Catalog, ModelInfo};
use crate::router::events::CostSum;
use crate::router::policy::Policy;
use crate::router::{Providers, Target};
use crate::session::Session;

use super::ids::Ids;
use super::keymap::Context;
use super::layout::AppLayout;
use super::msg::Now;
use super::params::Params;
use super::theme::Theme;

pub use super::ids::{PaneId, RunId};
pub use overlay::{LeaderboardView, Overlay, PickerTarget, TextView};
pub use pane::{Estimate, PaneState, PaneStatus, RunState, Scroll};

pub struct AppState {
    pub workspace: Workspace,
    pub ui: Ui,
    pub catalogs: Catalogs,
    pub record: SessionRecord,
    pub settings: Settings,
    /// The latest time a message brought.
    pub now: Now,
    /// Seeded by the runtime: blind labels and session ids.
    pub rng: fastrand::Rng,
}

/// The panes, what has focus, the prompt editor and where things go.
pub struct Workspace {
    pub panes: Vec<PaneState>,
    pub focus: Focus,
    /// A pane shown alone, by id.
    pub zoom: Option<PaneId>,
    pub editor: TextArea<'static>,
    /// Lines in the prompt editor (the editor grows with them).
    pub editor_lines: u16,
    /// The pane `d` removed last and where it was, until `u` puts it back
    /// (or another session opens).
    pub removed: Option<(usize, Box<PaneState>)>,
    pub size: (u16, u16),
    pub layout: AppLayout,
    pub ids: Ids,
    /// Via-OpenRouter / direct pane pairs (the picker's Ctrl+D).
    pub pairs: Vec<ViaDirect>,
}

/// Two panes asking one model via OpenRouter and directly.
#[derive(Clone, Debug, PartialEq)]
pub struct ViaDirect {
    pub routed: PaneId,
    pub direct: PaneId,
    pub pair: crate::router::direct::Pair,
}

/// What has keyboard focus when no overlay is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Editor,
    /// A pane, by position.
    Pane(usize),
}

/// What surrounds the panes: an open overlay, the footer's notice, a
/// question waiting for a second Enter; and whether to draw or stop.
#[derive(Debug, Default)]
pub struct Ui {
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    /// The prompt the user was warned about; Enter again sends it.
    pub confirm_costly: Option<String>,
    /// The judge's latest verdict (or the one being asked), kept so the
    /// judge key shows it again without asking again.
    pub judgement: Option<crate::tui::judge::Judgement>,
    /// The judge's grouping for the agreement view (when `[judge] model`
    /// is set), asked or arrived, kept so `A` shows it without asking again.
    pub grouping: Option<crate::tui::judge::JudgeGrouping>,
    /// Asks handed out (judge verdicts, upstream lists): results carry
    /// their ask's number, and only the latest ask's are taken.
    pub asks: u64,
    /// The upstream list being fetched for the picker's Ctrl+E.
    pub upstreams_ask: Option<u64>,
    /// Something visible changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
}

/// A line for the user where they are looking (the footer), until it
/// expires (the footer's figures come back) or another replaces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub level: NoticeLevel,
    pub expires_at: Instant,
}

impl NoticeLevel {
    /// How long a notice stays: news briefly, problems longer.
    pub fn lasts(self) -> std::time::Duration {
        std::time::Duration::from_secs(match self {
            NoticeLevel::Info => 5,
            NoticeLevel::Warning => 10,
            NoticeLevel::Error => 15,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeLevel {
    Info,
    Warning,
    Error,
}

/// The model catalogs per provider, and the OpenRouter key's figures.
#[derive(Debug, Default)]
pub struct Catalogs {
    pub by_provider: BTreeMap<String, CatalogEntry>,
    /// The OpenRouter key's credit and limits, refreshed after each turn.
    pub key_info: Option<KeyInfo>,
}

/// A catalog and its freshness.
#[derive(Clone, Debug)]
pub struct CatalogEntry {
    pub catalog: Arc<Catalog>,
    pub refreshing: bool,
    pub warning: Option<String>,
}

/// The session on disk and the cadence of saving it.
pub struct SessionRecord {
    /// Columns, finished turns' answers, votes. Live answers are merged in
    /// when a snapshot is saved.
    pub session: Session,
    /// When the last snapshot was handed to the writer, to flush at least
    /// once a second while streaming (and not much more often).
    pub last_saved_at: Option<Instant>,
}

/// Cost and tokens of the latest turn and of the whole session, as the
/// session's answers say: known sums with the answers whose cost is
/// unknown counted beside them (a floor, never unknown as $0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub turn: CostSum,
    pub session: CostSum,
    pub session_tokens: u64,
}

/// How requests are made and shown.
pub struct Settings {
    pub providers: Providers,
    /// Shared parameters; each pane may override them.
    pub params: Params,
    pub markdown: bool,
    /// `data_collection: deny` on every OpenRouter request (F3; shown in the footer).
    pub privacy: bool,
    /// Warn before a turn whose estimated input cost is above this.
    pub warn_turn_cost_usd: Option<Decimal>,
    /// Routers from the config file: a router pane's model is decided per prompt.
    pub policies: Vec<Policy>,
    /// The config file: per-model provider preferences, discovery, limits.
    pub config: Arc<crate::config::Config>,
    pub theme: Theme,
}

impl AppState {
    /// Marks the screen for redrawing.
    pub fn touch(&mut self) {
        self.ui.dirty = true;
    }

    /// Whose keys apply: the open overlay's, else the focused part's.
    pub fn key_context(&self) -> Context {
        match (&self.ui.overlay, self.workspace.focus) {
            (Some(overlay), _) => overlay.context(),
            (None, Focus::Editor) => Context::Editor,
            (None, Focus::Pane(_)) => Context::Pane,
        }
    }

    /// When the notice goes, for the runtime to wake then (idle, nothing
    /// else would).
    pub fn notice_expires_at(&self) -> Option<Instant> {
        self.ui.notice.as_ref().map(|n| n.expires_at)
    }

    /// The catalog entry for a model on a provider, if loaded.
    pub fn model_info(&self, provider: &str, model: &str) -> Option<&ModelInfo> {
        self.catalogs.model_info(provider, model)
    }

    /// Model names and costs are hidden (a blind session not yet voted on).
    pub fn hidden(&self) -> bool {
        self.record.session.names_hidden()
    }

    /// What a pane is called on screen: its model, or "Model A" while blind.
    pub fn pane_label(&self, pane: &PaneState) -> String {
        if self.hidden()
            && let Some(label) = self
                .record
                .session
                .column(pane.id.0)
                .and_then(|c| c.blind_label.clone())
        {
            return label;
        }
        crate::sanitize::one_line(&pane.target.label).into_owned()
    }
}

impl Workspace {
    pub fn new(targets: Vec<Target>, size: (u16, u16)) -> Workspace {
        let mut ids = Ids::default();
        let panes = targets
            .into_iter()
            .map(|target| PaneState::new(ids.pane(), target))
            .collect();
        Workspace {
            panes,
            focus: Focus::Editor,
            zoom: None,
            editor: new_editor(""),
            editor_lines: 1,
            removed: None,
            size,
            layout: AppLayout::default(),
            ids,
            pairs: Vec::new(),
        }
    }

    pub fn pane_index(&self, id: PaneId) -> Option<usize> {
        self.panes.iter().position(|p| p.id == id)
    }

    pub fn pane_mut(&mut self, id: PaneId) -> Option<&mut PaneState> {
        self.panes.iter_mut().find(|p| p.id == id)
    }

    pub fn any_live(&self) -> bool {
        self.panes.iter().any(|p| p.status.is_live())
    }

    pub fn focused_pane(&self) -> Option<usize> {
        match self.focus {
            Focus::Pane(i) if i < self.panes.len() => Some(i),
            Focus::Pane(_) | Focus::Editor => None,
        }
    }

    pub fn editor_text(&self) -> String {
        self.editor.lines().join("\n")
    }

    /// The input-cost estimate's token count: the largest of the panes'.
    pub fn estimate_tokens(&self) -> Option<u64> {
        self.panes
            .iter()
            .filter_map(|p| p.estimate.map(|e| e.tokens))
            .max()
    }
}

/// A prompt editor holding `text`, the cursor at its end.
pub fn new_editor(text: &str) -> TextArea<'static> {
    let lines: Vec<String> = if text.is_empty() {
        vec![String::new()]
    } else {
        text.split('\n').map(str::to_string).collect()
    };
    let mut editor = TextArea::new(lines);
    editor.set_wrap_mode(WrapMode::WordOrGlyph);
    editor.set_cursor_line_style(Style::default());
    editor.set_placeholder_text(
        "Type a prompt · Enter sends it to every pane · Alt+Enter for a new line",
    );
    editor.move_cursor(ratatui_textarea::CursorMove::Bottom);
    editor.move_cursor(ratatui_textarea::CursorMove::End);
    editor
}

impl Catalogs {
    pub fn model_info(&self, provider: &str, model: &str) -> Option<&ModelInfo> {
        self.by_provider.get(provider)?.catalog.get(model)
    }

    /// "openrouter: cache, fetched 2h ago · refreshing…" for each loaded catalog.
    pub fn status(&self, now_unix: i64) -> String {
        self.by_provider
            .iter()
            .map(|(provider, entry)| {
                let mut text = format!("{provider}: {}", entry.catalog.describe(now_unix));
                if entry.refreshing {
                    text.push_str(" · refreshing…");
                } else if let Some(warning) = &entry.warning {
                    text.push_str(&format!(" · {warning}"));
                }
                text
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

impl SessionRecord {
    /// Turns asked in this session.
    pub fn turns(&self) -> usize {
        self.session.turns.len()
    }

    /// The figures the footer shows, summed from the finished answers.
    pub fn totals(&self) -> Totals {
        let turns = &self.session.turns;
        let results = || {
            turns
                .iter()
                .flat_map(|t| t.answers.iter().map(|a| &a.result))
        };
        // Figures were checked on their way in; the sum saturates rather
        // than panic all the same.
        let session_tokens = results()
            .map(|r| r.usage.map_or(0, |u| u.total_tokens))
            .fold(0u64, u64::saturating_add);
        Totals {
            turn: CostSum::of(
                turns
                    .last()
                    .into_iter()
                    .flat_map(|t| t.answers.iter().map(|a| &a.result)),
            ),
            session: CostSum::of(results()),
            session_tokens,
        }
    }
}
