//! A progress line for a long run of many items (a class of students): how
//! many are done of how many, how many went wrong so far, and the time
//! left, redrawn in place on stderr. Drawn only on a terminal; on a pipe it
//! is hidden and nothing is written.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::i18n::{Lang, trf};

pub(crate) struct Progress {
    bar: indicatif::ProgressBar,
    label: String,
    total: usize,
    done: AtomicUsize,
    errors: AtomicUsize,
    started: Instant,
    lang: Lang,
}

impl Progress {
    /// `total` items, called `label` ("students checked"); drawn when `on`
    /// (stderr is a terminal).
    pub(crate) fn new(on: bool, total: usize, label: &str, lang: Lang) -> Progress {
        let bar = if on {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:20} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let progress = Progress {
            bar,
            label: label.to_string(),
            total,
            done: AtomicUsize::new(0),
            errors: AtomicUsize::new(0),
            started: Instant::now(),
            lang,
        };
        progress.draw(0, 0);
        progress
    }

    /// One item done (`failed`: it went wrong).
    pub(crate) fn step(&self, failed: bool) {
        let done = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        let errors = self.errors.fetch_add(usize::from(failed), Ordering::SeqCst) + usize::from(failed);
        self.bar.inc(1);
        self.draw(done, errors);
    }

    fn draw(&self, done: usize, errors: usize) {
        self.bar.set_message(line(
            &self.label,
            (done, self.total),
            errors,
            self.started.elapsed(),
            self.lang,
        ));
    }

    /// Clears the line: the report follows on stdout.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// "12/30 students checked · errors so far: 1 · about 40 s left": the time
/// left is the time taken so far per item done, times the items left
/// (unknown before the first one).
pub(crate) fn line(label: &str, (done, total): (usize, usize), errors: usize, elapsed: Duration, lang: Lang) -> String {
    let left = match done {
        0 => trf(lang, "progress.left_unknown", &[]),
        _ if done >= total => trf(lang, "progress.left", &[("time", &short_duration(Duration::ZERO))]),
        _ => {
            let each = elapsed.as_secs_f64() / done as f64;
            let left = Duration::from_secs_f64(each * (total - done) as f64);
            trf(lang, "progress.left", &[("time", &short_duration(left))])
        }
    };
    trf(
        lang,
        "progress.line",
        &[
            ("done", &done),
            ("total", &total),
            ("label", &label),
            ("errors", &errors),
            ("left", &left),
        ],
    )
}

/// `45 s`, `3 min 05 s`, `1 h 02 min`: rounded up to the second.
fn short_duration(d: Duration) -> String {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min {:02} s", s / 60, s % 60),
        s => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_done_of_total_errors_and_the_time_left() {
        let at = |done, errors, secs| {
            line(
                "students checked",
                (done, 30),
                errors,
                Duration::from_secs(secs),
                Lang::En,
            )
        };
        assert_eq!(
            at(0, 0, 0),
            "0/30 students checked · errors so far: 0 · time left not known yet"
        );
        // 10 done in 20 s: 2 s each, 20 left.
        assert_eq!(
            at(10, 1, 20),
            "10/30 students checked · errors so far: 1 · about 40 s left"
        );
        assert_eq!(
            at(15, 0, 150),
            "15/30 students checked · errors so far: 0 · about 2 min 30 s left"
        );
        assert!(line("alunos verificados", (1, 2), 0, Duration::from_secs(3), Lang::Pt).contains("1/2 alunos"));
        assert_eq!(short_duration(Duration::from_secs(3725)), "1 h 02 min");
    }
}
