//! The shell in a pseudo-terminal of a given size, its output rendered by a terminal
//! emulator (vt100): tests assert on what a person sees on the screen, not on bytes.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use epic_events_core::database::url::DatabaseUrl;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// How long to wait for something to appear on the screen.
const PATIENCE: Duration = Duration::from_secs(30);

/// The Down arrow, the Up arrow and Tab, as a terminal sends them.
pub const UP: &str = "\u{1b}[A";
pub const TAB: &str = "\t";

/// A running `epic-events` in a pseudo-terminal, and its rendered screen.
pub struct Terminal {
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    reader: Option<std::thread::JoinHandle<()>>,
    // Kept open until the end: the child's terminal (and resized by `resize`).
    master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Terminal {
    /// Starts `epic-events arguments…` on `url` in `directory` (configuration in
    /// `directory/config`), in a terminal of `columns`×`rows`, colours on, time zone UTC.
    pub fn start(
        url: &DatabaseUrl,
        directory: &std::path::Path,
        arguments: &[&str],
        columns: u16,
        rows: u16,
    ) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols: columns,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_epic-events"));
        command.args(arguments);
        command.cwd(directory);
        command.env("DATABASE_URL", url.expose());
        command.env("EPIC_EVENTS_CONFIG_DIR", directory.join("config"));
        command.env("TZ", "UTC");
        command.env("TERM", "xterm-256color");
        for variable in [
            "NO_COLOR",
            "EPIC_EVENTS_JWT_SECRET",
            "EPIC_EVENTS_SESSION_MINUTES",
            "EPIC_EVENTS_DATABASE_TIMEOUT_SECONDS",
            "SENTRY_DSN",
        ] {
            command.env_remove(variable);
        }
        let child = pair.slave.spawn_command(command).expect("the shell starts");
        drop(pair.slave);
        let mut output = pair
            .master
            .try_clone_reader()
            .expect("the terminal's output");
        let writer = pair.master.take_writer().expect("the terminal's input");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(rows).expect("rows"),
            NonZeroU16::new(columns).expect("columns"),
            0,
        )));
        let shared = Arc::clone(&screen);
        let reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(read) = output.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                shared.lock().unwrap().process(&buffer[..read]);
            }
        });
        Self {
            writer,
            screen,
            child,
            reader: Some(reader),
            master: pair.master,
        }
    }

    /// Resizes the terminal to `columns`×`rows`, as a person dragging the window's corner:
    /// the program is told (SIGWINCH) and the emulator's screen takes the new size.
    pub fn resize(&mut self, columns: u16, rows: u16) {
        self.screen.lock().unwrap().set_size(
            NonZeroU16::new(rows).expect("rows"),
            NonZeroU16::new(columns).expect("columns"),
        );
        self.master
            .resize(PtySize {
                rows,
                cols: columns,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("the terminal resized");
    }

    /// Types `text` (keys included: [`UP`], [`TAB`]) without Enter.
    pub fn keys(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Types `line`, waits for the terminal to show it (so that what follows cannot be
    /// mistaken for the screen before), and presses Enter.
    pub fn line(&mut self, line: &str) {
        self.keys(line);
        if !line.is_empty() {
            self.wait_until(
                |_| self.cursor_row().ends_with(line.trim_end()),
                &format!("{line:?} typed"),
            );
        }
        self.keys("\r");
    }

    /// Types a secret (not shown) and Enter.
    pub fn secret_line(&mut self, secret: &str) {
        self.keys(secret);
        self.keys("\r");
    }

    /// What the screen shows now, one string per row, trailing spaces removed; the
    /// no-break spaces of French typography read as the spaces a person sees.
    pub fn rows(&self) -> Vec<String> {
        self.raw_rows()
            .into_iter()
            .map(|row| row.replace(['\u{a0}', '\u{202f}'], " "))
            .collect()
    }

    /// [`Terminal::rows`] with their no-break spaces as they are.
    pub fn raw_rows(&self) -> Vec<String> {
        let screen = self.screen.lock().unwrap();
        let (_, columns) = screen.screen().size();
        screen
            .screen()
            .rows(0, columns.get())
            .map(|row| row.trim_end().to_owned())
            .collect()
    }

    /// The screen as text, rows joined by line breaks.
    pub fn screen(&self) -> String {
        self.rows().join("\n")
    }

    /// The row the cursor is on.
    pub fn cursor_row(&self) -> String {
        let row = self.screen.lock().unwrap().screen().cursor_position().0;
        self.rows()[usize::from(row)].clone()
    }

    /// Waits until the screen shows `text`; the screen then.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(|screen| screen.contains(text), text)
    }

    /// Waits until the row the cursor is on (the prompt being typed at) ends with
    /// `text`, so that what is typed next answers that prompt.
    pub fn wait_for_prompt(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            if self.cursor_row().trim_end().ends_with(text.trim_end()) {
                return self.screen();
            }
            assert!(
                started.elapsed() < PATIENCE,
                "the prompt never read {text:?}:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until `condition` holds of the screen; `what` names it in a failure.
    pub fn wait_until(&self, condition: impl Fn(&str) -> bool, what: &str) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if condition(&screen) {
                return screen;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "the screen never showed {what:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the program to end; whether it succeeded.
    pub fn finish(mut self) -> bool {
        let status = self.child.wait().expect("the shell ends");
        // The reader ends with the terminal; do not wait for it if it lingers.
        drop(self.reader.take());
        status.success()
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
