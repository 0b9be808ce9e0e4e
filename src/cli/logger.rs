//! Where the engine's log lines go: warnings and errors to stderr, prefixed with the
//! program's name (as its `eprintln!`s were before the engine became a crate that
//! must not print). The window shows failures itself; this is for the record.

struct StderrLog;

impl log::Log for StderrLog {
    /// Photo Atlas's own warnings and errors; the toolkit's (winit's complaints about
    /// a virtual display, say) are not the user's business.
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::Level::Warn && metadata.target().starts_with("photo_atlas")
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            eprintln!("photo-atlas: {}", record.args());
        }
    }

    fn flush(&self) {}
}

static LOGGER: StderrLog = StderrLog;

/// Installs the logger once; later calls change nothing.
pub fn install() {
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
}
