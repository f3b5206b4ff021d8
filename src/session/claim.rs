//! Opening a session in a workbench: it takes the session's lock, or, when
//! another prism has the session open, works on a copy under a new id.

use super::store::{SessionStore, StoreError};
use super::types::{Session, new_id};

/// Opens `session` in a workbench: takes its lock, or, when another prism
/// has it open, turns it into a copy under a new id (the original is left
/// to its holder). The second value is what to tell the user, if anything.
pub fn claim_or_copy(
    store: &SessionStore,
    mut session: Session,
    now_unix: i64,
) -> (Session, Option<String>) {
    match store.claim(&session.id) {
        Ok(()) => (session, None),
        Err(held @ StoreError::Locked { .. }) => {
            session.id = new_id(now_unix, fastrand::u16(..));
            session.name = Some(format!("{} (copy)", session.title()));
            let notice = format!(
                "{held}: opened a copy ({}); the original is left as it is",
                session.id
            );
            (session, Some(notice))
        }
        // Saving will say what is wrong with the directory; the session opens.
        Err(other) => {
            let notice = format!("cannot lock session {}: {other}", session.id);
            (session, Some(notice))
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_workbench_gets_a_copy_and_cannot_overwrite() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = SessionStore::new(dir.path()).locking();
        let second = SessionStore::new(dir.path()).locking();
        let mut session = crate::session::fixtures::sample();
        let original_id = session.id.clone();
        first.save(&session).expect("the first workbench saves");

        let (copy, notice) = claim_or_copy(&second, session.clone(), 1_800_000_000);
        assert_ne!(copy.id, original_id);
        assert_eq!(copy.turns, session.turns);
        let notice = notice.expect("the user is told");
        assert!(
            notice.starts_with(&format!(
                "session {original_id} is open in another prism (pid {}): opened a copy (",
                std::process::id()
            )),
            "{notice}"
        );
        second.save(&copy).expect("the copy saves");
        session.name = Some("changed by the second".into());
        assert!(matches!(
            second.save(&session),
            Err(StoreError::Locked { .. })
        ));
        assert_ne!(first.load(&original_id).expect("load").name, session.name);

        // Once the first lets go, the session is the second's to open.
        first.release(&original_id);
        let (same, notice) = claim_or_copy(&second, first.load(&original_id).expect("load"), 0);
        assert_eq!((same.id.as_str(), notice), (original_id.as_str(), None));
    }
}
