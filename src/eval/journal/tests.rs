use std::fs::{File, OpenOptions};
use std::io::{BufReader, Write as _};

use super::*;
use crate::router::events::RunResult;

fn header() -> Header {
    Header {
        schema_version: SCHEMA_VERSION,
        run_id: "r1".into(),
        created_at_unix: 1,
        suite_file: "/s.toml".into(),
        suite: crate::eval::suite::fixture(&["m/a"], &["c1", "c2", "c3"]),
    }
}

fn result(case: &str) -> EvalResult {
    let mut run = RunResult::new("m/a");
    run.text = "answer".into();
    EvalResult::judge(case, "m/a", 0, run, &[])
}

#[tokio::test]
async fn a_torn_last_line_is_ignored_then_cut_before_appending() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("r1.jsonl");
    let mut writer = JournalWriter::create(&path, &header())
        .await
        .expect("created");
    writer.result(&result("c1")).await.expect("written");
    writer.close().await.expect("closed");
    // A crash in the middle of the next write.
    let mut file = OpenOptions::new().append(true).open(&path).expect("open");
    file.write_all(b"{\"type\":\"result\",\"case_id\":\"c2\",\"te")
        .expect("torn write");
    drop(file);

    let contents = read(&path).expect("still parses");
    assert_eq!(contents.digests.len(), 1);
    assert!(contents.torn_at.is_some());

    let mut writer = JournalWriter::resume(&path, &contents, 2)
        .await
        .expect("resumed");
    writer.result(&result("c2")).await.expect("written");
    writer
        .ended(Ending {
            at_unix: 3,
            ..Ending::default()
        })
        .await
        .expect("written");
    writer.close().await.expect("closed");
    let text = std::fs::read_to_string(&path).expect("text");
    assert!(!text.contains("\"te\n"), "the torn line is gone");
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("every line parses");
    }
    let contents = read(&path).expect("parses");
    let ids: Vec<u32> = contents.digests.iter().map(|d| d.cell.case).collect();
    assert_eq!(ids, [0, 1]);
    assert_eq!((contents.torn_at, contents.endings.len()), (None, 1));
}

#[tokio::test]
async fn lines_are_on_disk_as_soon_as_written_and_results_do_not_repeat() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("r1.jsonl");
    let mut writer = JournalWriter::create(&path, &header())
        .await
        .expect("created");
    let offset = writer.result(&result("c1")).await.expect("written");
    writer.result(&result("c1")).await.expect("written twice");
    writer
        .result(&result("unknown-case"))
        .await
        .expect("written");
    writer.close().await.expect("closed");
    let contents = read(&path).expect("parses");
    assert_eq!(
        contents.digests.len(),
        1,
        "the first result of a cell counts, strangers are skipped"
    );
    assert_eq!(contents.digests[0].offset, offset);
    let mut file = BufReader::new(File::open(&path).expect("open"));
    let back = read_result_at(&mut file, offset, &mut Vec::new()).expect("reads");
    assert_eq!(back.map(|r| r.case_id), Some("c1".to_string()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never replaces a file.
    assert!(JournalWriter::create(&path, &header()).await.is_err());
}

#[test]
fn other_files_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("dir");
    let junk = dir.path().join("junk.jsonl");
    std::fs::write(&junk, "hello\n").expect("write");
    assert!(matches!(read(&junk), Err(JournalError::NotAJournal { .. })));
    let newer = dir.path().join("newer.jsonl");
    std::fs::write(&newer, "{\"type\":\"run\",\"schema_version\":99}\n").expect("write");
    assert!(matches!(
        read(&newer),
        Err(JournalError::Newer { found: 99, .. })
    ));
}

/// A result is in the file when `result` returns, before any fsync or
/// close: a kill -9 from then on cannot lose it, so a run killed mid-way
/// loses only the requests in flight.
#[tokio::test]
async fn a_result_is_in_the_file_when_result_returns() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("r1.jsonl");
    let mut writer = JournalWriter::create(&path, &header())
        .await
        .expect("created");
    for case in ["c1", "c2", "c3"] {
        writer.result(&result(case)).await.expect("written");
        let text = std::fs::read_to_string(&path).expect("text");
        assert!(
            text.contains(&format!("\"case_id\":\"{case}\"")),
            "{case} is not in the file yet"
        );
    }
    writer.close().await.expect("closed");
}
