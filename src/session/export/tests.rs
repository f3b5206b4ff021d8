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

/// A session file saved by the workbench before judge votes kept their
/// cost (stored as written then), with a judge vote on its first turn.
const JUDGED_BEFORE_COST: &str =
    include_str!("../../../tests/fixtures/sessions/judged-before-cost.json");

fn judged(session: &mut Session, cost: Option<crate::session::JudgeCost>) {
    session.turns[0].judge_votes.push(Vote {
        source: crate::session::VoteSource::Judge {
            model: "openai/gpt-4o-mini".into(),
        },
        reason: Some("B names the right city".into()),
        judge_cost: cost,
        ..fixtures::vote(Verdict::Best { column: 2 }, false)
    });
}

#[test]
fn a_judge_vote_keeps_its_cost_exactly_and_old_files_still_load() {
    use rust_decimal::Decimal;
    let mut session = fixtures::sample();
    let cost =
        crate::session::JudgeCost::of([Some(Decimal::new(3, 5)), None, Some(Decimal::new(1, 17))]);
    judged(&mut session, Some(cost));
    let exported = json(&session);
    // Exact: a decimal string, not a float.
    assert!(
        exported.contains(r#""usd": "0.00003000000000001""#),
        "{exported}"
    );
    let back: Session = serde_json::from_str(&exported).expect("parses");
    assert_eq!(back, session);
    for report in [text(&session), markdown(&session)] {
        assert!(
            report.contains(
                "openai/gpt-4o-mini: anthropic/claude-haiku-4.5 was best · why: B names the right city · judge's cost $0.00003+ (1 unknown), 3 calls"
            ),
            "{report}"
        );
    }

    // The stored old file: its judge vote has no cost, and says so.
    let home = tempfile::tempdir().expect("temp dir");
    let store = SessionStore::new(home.path());
    let old: Session = serde_json::from_str(JUDGED_BEFORE_COST).expect("the old file parses");
    std::fs::write(store.path_for(&old.id), JUDGED_BEFORE_COST).expect("stored");
    let loaded = store.load(&old.id).expect("an old file loads");
    assert_eq!(loaded.turns[0].judge_votes.len(), 1);
    assert_eq!(loaded.turns[0].judge_votes[0].judge_cost, None);
    assert!(
        text(&loaded).contains("· judge's cost not recorded"),
        "{}",
        text(&loaded)
    );
    // Saved again, it stays without the field.
    assert!(!json(&loaded).contains("judge_cost"));
}
