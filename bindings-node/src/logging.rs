//! Logging: the core's `tracing` events go to stderr at the level `LANGDOCK_LOG` names (default `warn`).

use std::io::IsTerminal;
use std::sync::Once;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

static INSTALL: Once = Once::new();

/// Installs the stderr subscriber once per process, at the level the core reads from `LANGDOCK_LOG`. Only the
/// langdock crates log through it (not the HTTP stack). Does nothing when another subscriber is installed.
pub(crate) fn install() {
    INSTALL.call_once(|| {
        let level = langdock::binding::log_level_from_env();
        if level == LevelFilter::OFF {
            return;
        }
        let fmt = tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .with_target(true);
        let targets = Targets::new().with_target("langdock", level);
        let _ = tracing_subscriber::registry().with(fmt.with_filter(targets)).try_init();
    });
}
