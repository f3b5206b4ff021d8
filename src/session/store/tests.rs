use std::fs;

use pretty_assertions::assert_eq;

use super::*;
use crate::fs_safe::names_in;
use crate::session::fixtures;
use crate::session::types::SCHEMA_VERSION;

fn new_store() -> (tempfile::TempDir, SessionStore) {
    let home = tempfile::tempdir().expect("temp dir");
    let store = SessionStore::new(home.path().join("prism").join("sessions"));
    (home, store)
}

fn session(id: &str, updated_at_unix: i64) -> Session {
    let mut session = fixtures::sample();
    session.id = id.to_string();
    session.updated_at_unix = updated_at_unix;
    session
}

#[test]
fn saved_then_loaded_is_equal() {
    let (_home, store) = new_store();
    let session = fixtures::sample();
    store.save(&session).expect("save");
    assert_eq!(store.load(&session.id).expect("load"), session);
    // A second save replaces the file in place.
    let mut changed = session.clone();
    changed.name = Some("renamed".into());
    store.save(&changed).expect("save again");
    assert_eq!(store.load(&session.id).expect("load"), changed);
    assert_eq!(names_in(store.dir()), vec![format!("{}.json", session.id)]);
}

#[cfg(unix)]
#[test]
fn files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (_home, store) = new_store();
    store.save(&fixtures::sample()).expect("save");
    let mode = |p: &Path| fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(store.dir()), 0o700);
    assert_eq!(mode(&store.path_for(&fixtures::sample().id)), 0o600);
}

#[test]
fn ids_are_validated() {
    let (_home, store) = new_store();
    for bad in ["", "../x", "a/b", "a.b", "a b", "é"] {
        assert!(
            matches!(store.resolve(bad), Err(StoreError::InvalidId { .. })),
            "{bad:?}"
        );
    }
    let mut session = fixtures::sample();
    session.id = "../escape".into();
    assert!(matches!(
        store.save(&session),
        Err(StoreError::InvalidId { .. })
    ));
    assert!(!store.dir().exists(), "nothing written");
}

#[test]
fn prefixes_resolve_when_unique() {
    let (_home, store) = new_store();
    store
        .save(&session("20261124-153012-aaaa", 1))
        .expect("save");
    store
        .save(&session("20261124-153012-aabb", 2))
        .expect("save");
    store
        .save(&session("20261125-090000-cccc", 3))
        .expect("save");
    assert_eq!(
        store.resolve("20261125").expect("unique"),
        "20261125-090000-cccc"
    );
    assert_eq!(
        store.load("20261124-153012-aab").expect("load").id,
        "20261124-153012-aabb"
    );
    match store.resolve("20261124-153012-aa") {
        Err(StoreError::Ambiguous { matches, .. }) => assert_eq!(
            matches,
            vec!["20261124-153012-aaaa", "20261124-153012-aabb"]
        ),
        other => panic!("expected ambiguous, got {other:?}"),
    }
    assert!(matches!(
        store.resolve("2027"),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn list_is_newest_first_and_reports_unreadable_files_untouched() {
    let (_home, store) = new_store();
    store.save(&session("older", 100)).expect("save");
    store.save(&session("newer", 200)).expect("save");
    let corrupt = store.path_for("corrupt");
    let corrupt_bytes = b"{\"schema_version\": 1, \"id\": \"corr".to_vec();
    fs::write(&corrupt, &corrupt_bytes).expect("write corrupt");
    let newer = store.path_for("future");
    let newer_bytes = br#"{"schema_version": 99, "whatever": true}"#.to_vec();
    fs::write(&newer, &newer_bytes).expect("write newer");
    // Not session files: ignored.
    fs::write(store.dir().join("notes.txt"), "hi").expect("write");
    fs::write(store.dir().join(".newer.json.tmp-1-2"), "{").expect("write");

    let (summaries, errors) = store.list();
    let ids: Vec<&str> = summaries.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec!["newer", "older"]);
    assert_eq!(errors.len(), 2);
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        matches!(errors[0], StoreError::Corrupt { .. }),
        "{messages:?}"
    );
    assert!(messages[0].contains(&corrupt.display().to_string()));
    assert!(
        matches!(
            errors[1],
            StoreError::NewerSchema {
                found: 99,
                supported: SCHEMA_VERSION,
                ..
            }
        ),
        "{messages:?}"
    );
    assert!(messages[1].contains(&newer.display().to_string()));

    assert!(matches!(
        store.load("corrupt"),
        Err(StoreError::Corrupt { .. })
    ));
    assert!(matches!(
        store.load("future"),
        Err(StoreError::NewerSchema { .. })
    ));
    assert_eq!(
        store.latest().expect("latest").map(|s| s.id),
        Some("newer".into())
    );
    assert_eq!(fs::read(&corrupt).expect("read"), corrupt_bytes);
    assert_eq!(fs::read(&newer).expect("read"), newer_bytes);
}

#[test]
fn save_never_replaces_a_file_it_cannot_read() {
    let (_home, store) = new_store();
    fs::create_dir_all(store.dir()).expect("mkdir");
    let cases: [(&str, &[u8]); 3] = [
        ("truncated", b"{\"schema_version\": 1, \"id\": \"trunc"),
        ("garbage", b"\x00\x01not json"),
        ("future", br#"{"schema_version": 7, "id": "future"}"#),
    ];
    for (id, bytes) in cases {
        let path = store.path_for(id);
        fs::write(&path, bytes).expect("write");
        let err = store.save(&session(id, 1)).expect_err("refused");
        match (id, &err) {
            ("future", StoreError::NewerSchema { found: 7, .. }) => {}
            (_, StoreError::Corrupt { path: p, .. }) if id != "future" => assert_eq!(p, &path),
            _ => panic!("{id}: unexpected {err:?}"),
        }
        assert!(err.to_string().contains(&path.display().to_string()));
        assert_eq!(fs::read(&path).expect("read"), bytes, "{id} untouched");
    }
    assert_eq!(
        names_in(store.dir()),
        vec!["future.json", "garbage.json", "truncated.json"]
    );
}

#[test]
fn a_failed_save_leaves_no_temp_file() {
    let (home, _) = new_store();
    // The sessions "dir" is a file: creating it fails.
    let blocker = home.path().join("blocker");
    fs::write(&blocker, "x").expect("write");
    let store = SessionStore::new(&blocker);
    assert!(matches!(
        store.save(&fixtures::sample()),
        Err(StoreError::Io { .. })
    ));

    // The target is a directory: the rename fails after the temp file was written.
    let (_home, store) = new_store();
    let session = fixtures::sample();
    fs::create_dir_all(store.path_for(&session.id)).expect("mkdir");
    store.mark_checked(&session.id);
    let err = store.save(&session).expect_err("rename over a dir fails");
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
    assert_eq!(names_in(store.dir()), vec![format!("{}.json", session.id)]);
}

#[test]
fn a_renamed_file_takes_its_file_name_as_id() {
    let (_home, store) = new_store();
    let session = fixtures::sample();
    store.save(&session).expect("save");
    fs::copy(store.path_for(&session.id), store.path_for("copy")).expect("copy");
    assert_eq!(store.load("copy").expect("load").id, "copy");
}

#[test]
fn delete_removes_only_that_session() {
    let (_home, store) = new_store();
    store.save(&session("keep", 1)).expect("save");
    store.save(&session("drop-me", 2)).expect("save");
    store.delete("drop").expect("delete by prefix");
    assert!(matches!(
        store.load("drop-me"),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.delete("drop-me"),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.load_all().0.len(), 1);
}

#[test]
fn a_missing_dir_is_an_empty_store() {
    let (_home, store) = new_store();
    let (summaries, errors) = store.list();
    assert!(summaries.is_empty() && errors.is_empty());
    assert_eq!(store.latest().expect("latest"), None);
    assert!(matches!(store.load("x"), Err(StoreError::NotFound { .. })));
}

#[test]
fn temp_files_left_by_a_killed_writer_are_cleaned_on_the_next_save() {
    let (dir, store) = new_store();
    let first = session("20261124-101500-1a2b", 1);
    store.save(&first).expect("first save");
    // As if another prism had been killed between writing and renaming.
    let stale = dir
        .path()
        .join(".20261124-101500-1a2b.json.tmp-999999-0000abcd");
    fs::write(&stale, b"{half a file").expect("stale temp");
    let other = dir
        .path()
        .join(".20261124-090000-ffff.json.tmp-999999-00000001");
    fs::write(&other, b"{").expect("other temp");
    // A new store (a new run of prism) saving that session removes its leftovers only.
    let restarted = SessionStore::new(dir.path());
    restarted.save(&first).expect("save again");
    assert!(!stale.exists());
    assert!(
        other.exists(),
        "another session's temp file is not ours to judge"
    );
    assert_eq!(restarted.load("20261124-101500-1a2b").expect("load"), first);
}

#[test]
fn a_resumed_session_clears_a_killed_writers_temp_file_on_its_first_save() {
    let (_home, store) = new_store();
    let first = session("20261124-101500-1a2b", 1);
    store.save(&first).expect("first save");
    let stale = store
        .dir()
        .join(".20261124-101500-1a2b.json.tmp-999999-0000abcd");
    fs::write(&stale, b"{half a file").expect("stale temp");
    // `--resume` loads the session first (which marks it checked), then saves.
    let restarted = SessionStore::new(store.dir());
    let resumed = restarted.load(&first.id).expect("load");
    if let Err(e) = restarted.save(&resumed) {
        panic!("save: {e}");
    }
    assert!(!stale.exists(), "the killed writer's temp file is gone");
}
