//! Ctrl-C while the account changes. Armed, the first SIGINT only raises a
//! flag: the engine finishes (or records) the call in flight, prints what
//! was done and exits 130. A second one, or any while not armed, ends the
//! process at once as usual.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The flags the signal handler sets, registered once per process.
struct Flags {
    /// A SIGINT arrived while armed.
    hit: Arc<AtomicBool>,
    /// The next SIGINT takes the default action (ends the process).
    default: Arc<AtomicBool>,
}

fn flags() -> &'static Flags {
    static FLAGS: std::sync::OnceLock<Flags> = std::sync::OnceLock::new();
    FLAGS.get_or_init(|| {
        let flags = Flags {
            hit: Arc::new(AtomicBool::new(false)),
            default: Arc::new(AtomicBool::new(true)),
        };
        #[cfg(unix)]
        {
            use signal_hook::consts::SIGINT;
            use signal_hook::flag;
            // In this order: the default action when it is due, else note
            // the signal, and make the next one end the process.
            let _ = flag::register_conditional_default(SIGINT, flags.default.clone());
            let _ = flag::register(SIGINT, flags.hit.clone());
            let _ = flag::register(SIGINT, flags.default.clone());
        }
        flags
    })
}

/// Armed while it lives: a Ctrl-C is noted, not fatal.
pub(super) struct Guard(());

impl Guard {
    pub(super) fn arm() -> Guard {
        let flags = flags();
        flags.hit.store(false, Ordering::SeqCst);
        flags.default.store(false, Ordering::SeqCst);
        Guard(())
    }

    /// Ctrl-C was pressed since the guard was armed.
    pub(super) fn hit(&self) -> bool {
        flags().hit.load(Ordering::SeqCst)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        flags().default.store(true, Ordering::SeqCst);
    }
}
