use pretty_assertions::assert_eq;

use super::*;
use crate::session::fixtures;
use crate::session::store::SessionStore;

#[test]
fn markdown_report() {
    insta::assert_snapshot!(markdown(&fixtures::sample()));
}

#[test]
fn markdown_blind_unrevealed_hides_names_and_costs() {
    let session = fixtures::blind_sample();
    let report = markdown(&session);
    insta::assert_snapshot!(report);
    for secret in ["gpt-4o", "claude", "OpenAI", "Anthropic", "$0"] {
        assert!(!report.contains(secret), "{secret} leaked");
    }
}

#[test]
fn markdown_blind_revealed_shows_names() {
    let mut session = fixtures::blind_sample();
    session.revealed = true;
    session.turns[0].vote = Some(fixtures::vote(Verdict::Best { column: 2 }, true));
    let report = markdown(&session);
    assert!(report.contains("names revealed after the vote"));
    assert!(report.contains("### anthropic/claude-haiku-4.5"));
    assert!(report.contains("**Vote:** anthropic/claude-haiku-4.5 was best (blind vote)"));
    assert!(!report.contains("Model A"));
}

#[test]
fn text_view() {
    insta::assert_snapshot!(text(&fixtures::sample()));
}

#[test]
fn text_view_blind_unrevealed() {
    let report = text(&fixtures::blind_sample());
    insta::assert_snapshot!(report);
    assert!(!report.contains("gpt-4o") && !report.contains("$"));
}

#[test]
fn model_output_cannot_reach_the_terminal_raw() {
    let mut session = fixtures::sample();
    session.turns[0].answers[0].result.text = "hi \u{1b}]52;c;cHdu\u{7} there".into();
    for report in [text(&session), markdown(&session)] {
        assert!(!report.contains('\u{1b}') && !report.contains('\u{7}'));
        assert!(report.contains("hi ␛]52;c;cHdu␇ there"));
    }
}

#[test]
fn json_is_the_file_and_round_trips() {
    let session = fixtures::sample();
    let exported = json(&session);
    let back: Session = serde_json::from_str(&exported).expect("parses");
    assert_eq!(back, session);
    let home = tempfile::tempdir().expect("temp dir");
    let store = SessionStore::new(home.path());
    store.save(&session).expect("save");
    let file = std::fs::read_to_string(store.path_for(&session.id)).expect("read");
    assert_eq!(file, exported);
    assert!(exported.contains("\"schema_version\": 1"));
}

#[test]
fn blind_labels_default_to_letters() {
    let mut session = fixtures::blind_sample();
    session.columns[1].blind_label = None;
    assert_eq!(column_name(&session, 2), "Model B");
    assert_eq!(column_name(&session, 9), "column 9");
}

#[test]
fn answers_are_listed_in_column_order_whatever_order_they_finished_in() {
    let mut session = fixtures::sample();
    // The second column answered first.
    session.turns[0].answers.reverse();
    let first = column_name(&session, session.columns[0].id);
    let second = column_name(&session, session.columns[1].id);
    for report in [text(&session), markdown(&session)] {
        // Past the columns list: the turn's answers.
        let turn = report.find("Turn 1").expect("a turn");
        let in_turn = |name: &str| report[turn..].find(name).expect("answered");
        assert!(in_turn(&first) < in_turn(&second), "{report}");
    }
}
