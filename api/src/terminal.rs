//! The writer every text for a person goes through, on the people's side and in the core
//! (a script's tables): it neutralises every character that could act on a terminal
//! ([`crate::formatting::is_unsafe_in_output`]: control characters but line breaks and
//! tabs, characters that hide or reorder text) and every byte that is not UTF-8, whatever
//! wrote it. The program's own colours are the only escape sequences written, by
//! [`Terminal::styled`].

use std::io::{self, Write};

use anstyle::Style;

use crate::formatting::is_unsafe_in_output;

/// What replaces a character that must not reach a terminal.
const REPLACEMENT: char = '\u{fffd}';

/// A writer to a terminal or a pipe that neutralises what it is given (see the module's
/// documentation).
pub struct Terminal<W: Write> {
    inner: W,
    /// The first bytes of a character whose last bytes are still to come.
    incomplete: Vec<u8>,
}

impl<W: Write> Terminal<W> {
    /// A writer to `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            incomplete: Vec::new(),
        }
    }

    /// Writes `text` in `style` (colours vanish where `inner` does not show them: anstream
    /// on a pipe, or with `NO_COLOR`): the style's codes as they are, `text` neutralised.
    pub fn styled(&mut self, style: Style, text: &str) -> io::Result<()> {
        self.end_incomplete_character()?;
        write!(self.inner, "{}", style.render())?;
        self.write_all(text.as_bytes())?;
        write!(self.inner, "{}", style.render_reset())
    }

    /// The writer it writes to.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// Bytes kept for a character that never came whole are not UTF-8: one `�`.
    fn end_incomplete_character(&mut self) -> io::Result<()> {
        if self.incomplete.is_empty() {
            return Ok(());
        }
        self.incomplete.clear();
        write_char(&mut self.inner, REPLACEMENT)
    }

    /// Writes `text`, whole characters, neutralised.
    fn write_neutralised(&mut self, text: &str) -> io::Result<()> {
        let mut clean_from = 0;
        for (index, character) in text.char_indices() {
            if is_unsafe_in_output(character) {
                self.inner.write_all(&text.as_bytes()[clean_from..index])?;
                write_char(&mut self.inner, REPLACEMENT)?;
                clean_from = index + character.len_utf8();
            }
        }
        self.inner.write_all(&text.as_bytes()[clean_from..])
    }
}

fn write_char(output: &mut impl Write, character: char) -> io::Result<()> {
    let mut buffer = [0; 4];
    output.write_all(character.encode_utf8(&mut buffer).as_bytes())
}

impl<W: Write> Write for Terminal<W> {
    /// Takes all of `bytes`: whole characters are written neutralised, bytes that are not
    /// UTF-8 as `�`, and the first bytes of a character cut by the caller's buffer are
    /// kept for the next write.
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut pending: Vec<u8>;
        let mut rest: &[u8] = if self.incomplete.is_empty() {
            bytes
        } else {
            pending = std::mem::take(&mut self.incomplete);
            pending.extend_from_slice(bytes);
            &pending[..]
        };
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.write_neutralised(text)?;
                    break;
                }
                Err(error) => {
                    let (valid, after) = rest.split_at(error.valid_up_to());
                    // Cannot fail: `valid_up_to` bytes are UTF-8.
                    self.write_neutralised(std::str::from_utf8(valid).unwrap_or_default())?;
                    match error.error_len() {
                        Some(invalid) => {
                            write_char(&mut self.inner, REPLACEMENT)?;
                            rest = &after[invalid..];
                        }
                        None => {
                            self.incomplete = after.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for Terminal<W> {
    fn drop(&mut self) {
        let _ = self.end_incomplete_character();
        let _ = self.inner.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through_terminal(writes: &[&[u8]]) -> Vec<u8> {
        let mut terminal = Terminal::new(Vec::new());
        for bytes in writes {
            terminal.write_all(bytes).unwrap();
        }
        terminal.end_incomplete_character().unwrap();
        std::mem::take(terminal.get_mut())
    }

    #[test]
    fn data_cannot_act_on_the_terminal() {
        let hostile = "Gala\u{1b}]0;PWNED\u{7}\u{1b}[2J\r\u{9b}31m\u{202e}xyz\u{2066}\u{200b}\u{feff}fin\n\tok";
        assert_eq!(
            String::from_utf8(through_terminal(&[hostile.as_bytes()])).unwrap(),
            "Gala\u{fffd}]0;PWNED\u{fffd}\u{fffd}[2J\u{fffd}\u{fffd}31m\u{fffd}xyz\u{fffd}\u{fffd}\u{fffd}fin\n\tok"
        );
    }

    #[test]
    fn characters_cut_between_writes_and_bytes_that_are_not_utf8() {
        let text = "Théâtre \u{202e}";
        let bytes = text.as_bytes();
        // Cut inside « é » and inside U+202E.
        let written = through_terminal(&[&bytes[..3], &bytes[3..11], &bytes[11..]]);
        assert_eq!(String::from_utf8(written).unwrap(), "Théâtre \u{fffd}");
        let written = through_terminal(&[b"a\xffb\xc3", b"(c"]);
        assert_eq!(String::from_utf8(written).unwrap(), "a\u{fffd}b\u{fffd}(c");
        // A character that never comes whole.
        let written = through_terminal(&[b"fin\xe2\x80"]);
        assert_eq!(String::from_utf8(written).unwrap(), "fin\u{fffd}");
    }

    #[test]
    fn the_programs_own_styles_pass_and_nothing_else() {
        let mut terminal = Terminal::new(Vec::new());
        let title = Style::new().bold();
        terminal.styled(title, "Client \u{1b}[31mrouge").unwrap();
        let written = String::from_utf8(std::mem::take(terminal.get_mut())).unwrap();
        assert_eq!(
            written,
            format!(
                "{}Client \u{fffd}[31mrouge{}",
                title.render(),
                title.render_reset()
            )
        );
    }
}
