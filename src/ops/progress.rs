//! `pipe`'s progress bar: drawn only when standard error is a terminal, so logs and CI output
//! stay clean (the summary line is printed either way).

use crate::transport::stdio::PipeSummary;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

pub struct PipeProgress {
    bar: Option<ProgressBar>,
}

impl PipeProgress {
    /// A spinner with the rate and the counts by outcome, or nothing when stderr is not a
    /// terminal.
    pub fn for_stderr() -> PipeProgress {
        if !std::io::stderr().is_terminal() {
            return PipeProgress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
        let style = ProgressStyle::with_template(
            "{spinner} {elapsed_precise} {human_pos} articles · {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(250));
        PipeProgress { bar: Some(bar) }
    }

    pub fn update(&self, s: &PipeSummary) {
        if let Some(bar) = &self.bar {
            bar.set_position(s.lines);
            let secs = bar.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{:.0}/s · {}",
                s.lines as f64 / secs,
                Self::message(s)
            ));
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn message(s: &PipeSummary) -> String {
        format!(
            "new {} · exact dup {} · near dup {} · rejected {}",
            s.new, s.exact_duplicates, s.near_duplicates, s.rejected
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_every_outcome() {
        let s = PipeSummary {
            lines: 10,
            new: 6,
            exact_duplicates: 2,
            near_duplicates: 1,
            rejected: 1,
        };
        let m = PipeProgress::message(&s);
        for part in ["new 6", "exact dup 2", "near dup 1", "rejected 1"] {
            assert!(m.contains(part), "{m}");
        }
        // Not a terminal under test: nothing is drawn, nothing fails.
        let p = PipeProgress { bar: None };
        p.update(&s);
        p.finish();
    }
}
