//! The core's `tracing` events, delivered to Python's `logging` under the logger `langdock`.
//!
//! The level comes from `LANGDOCK_LOG` (read by the core's `binding::log_level_from_env`) and can be
//! changed at run time with `langdock.set_log_level`. Only the core's events are forwarded (targets
//! `langdock::…`), never the in-process emulator's.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// The enabled level: 0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace.
static LEVEL: AtomicU8 = AtomicU8::new(2);
static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn rank_of_filter(filter: LevelFilter) -> u8 {
    match filter.into_level() {
        None => 0,
        Some(Level::ERROR) => 1,
        Some(Level::WARN) => 2,
        Some(Level::INFO) => 3,
        Some(Level::DEBUG) => 4,
        Some(_) => 5,
    }
}

fn rank_of_level(level: &Level) -> u8 {
    rank_of_filter(LevelFilter::from_level(*level))
}

fn python_level(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        _ => 5,
    }
}

fn is_core(target: &str) -> bool {
    target == "langdock" || target.starts_with("langdock::")
}

/// Installs the forwarding subscriber (once per process) at the `LANGDOCK_LOG` level.
pub fn install() {
    LEVEL.store(rank_of_filter(langdock::binding::log_level_from_env()), Ordering::Relaxed);
    let subscriber = tracing_subscriber::registry().with(ToPython);
    // Another library of this process may have installed a global subscriber first: then it gets the events.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Sets the level: "off", "error", "warn", "info", "debug" or "trace" (any case).
#[pyfunction]
pub fn set_log_level(level: &str) -> PyResult<()> {
    let filter = langdock::binding::parse_log_level(level).ok_or_else(|| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "unknown log level {level:?}: use off, error, warn, info, debug or trace"
        ))
    })?;
    LEVEL.store(rank_of_filter(filter), Ordering::Relaxed);
    Ok(())
}

/// The level `LANGDOCK_LOG` names, as `set_log_level` takes it, or None when it names none (the core parses it).
#[pyfunction]
pub fn _log_level_from_env() -> Option<&'static str> {
    langdock::binding::log_level_is_set()
        .then(|| langdock::binding::log_level_name(langdock::binding::log_level_from_env()))
}

/// The level events are forwarded at, as `set_log_level` takes it.
#[pyfunction]
pub fn log_level() -> &'static str {
    match LEVEL.load(Ordering::Relaxed) {
        0 => "off",
        1 => "error",
        2 => "warn",
        3 => "info",
        4 => "debug",
        _ => "trace",
    }
}

struct ToPython;

impl<S: Subscriber> Layer<S> for ToPython {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        // "sometimes", so that a level change at run time is seen by every call site.
        if is_core(metadata.target()) { Interest::sometimes() } else { Interest::never() }
    }

    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        is_core(metadata.target()) && rank_of_level(metadata.level()) <= LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let metadata = event.metadata();
        if !is_core(metadata.target()) || rank_of_level(metadata.level()) > LEVEL.load(Ordering::Relaxed) {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let level = python_level(metadata.level());
        // Not during interpreter shutdown: then the event is dropped. (A runtime thread keeps its thread state.)
        crate::runtime::try_attach_keeping_state(|py| {
            let sent = (|| -> PyResult<()> {
                let logger = LOGGER.get_or_try_init(py, || {
                    py.import("logging")?.call_method1("getLogger", ("langdock",)).map(Bound::unbind)
                })?;
                let logger = logger.bind(py);
                if !logger.call_method1("isEnabledFor", (level,))?.is_truthy()? {
                    return Ok(());
                }
                let values = PyDict::new(py);
                for (name, value) in &fields.pairs {
                    values.set_item(name, value)?;
                }
                values.set_item("target", metadata.target())?;
                let extra = PyDict::new(py);
                extra.set_item("langdock", values)?;
                let kwargs = PyDict::new(py);
                kwargs.set_item("extra", extra)?;
                logger.call_method("log", (level, fields.line()), Some(&kwargs))?;
                Ok(())
            })();
            if let Err(e) = sent {
                e.print(py);
            }
        });
    }
}

/// An event's message and its other fields.
#[derive(Default)]
struct Fields {
    message: String,
    pairs: Vec<(String, String)>,
}

impl Fields {
    /// `message key=value key=value`.
    fn line(&self) -> String {
        let mut line = self.message.clone();
        for (name, value) in &self.pairs {
            let _ = write!(line, " {name}={value}");
        }
        line
    }
}

impl tracing::field::Visit for Fields {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_owned();
        } else {
            self.pairs.push((field.name().to_owned(), value.to_owned()));
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.pairs.push((field.name().to_owned(), format!("{value:?}")));
        }
    }
}
