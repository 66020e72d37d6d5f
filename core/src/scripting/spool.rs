//! Nothing of a run leaves it before its commit: what a script writes (results, printed
//! lines, messages) is kept here, in memory while small and in an anonymous temporary file
//! beyond [`MEMORY_LIMIT`] (so that an export of any size keeps memory flat), then written
//! out, in order, once the run has committed. A run that is rolled back, or retried after a
//! conflict, leaves nothing behind.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, MutexGuard};

/// How much a spool keeps in memory before moving to a temporary file.
pub const MEMORY_LIMIT: usize = 1 << 20;

/// The most a run may write, in all: an export of the whole data set takes a few hundred
/// megabytes; a script writing without end would fill the disk.
pub const OUTPUT_LIMIT: u64 = 1 << 30;

/// What a write past [`OUTPUT_LIMIT`] fails with.
#[derive(Debug, thiserror::Error)]
#[error("la sortie du script dépasse 1 Gio")]
pub struct OutputTooLarge;

pub use epic_events_api::scripts::{Channel, OutputChunk};

fn tag(channel: Channel) -> u8 {
    match channel {
        Channel::Data => 0,
        Channel::Messages => 1,
    }
}

#[derive(Default)]
struct Stored {
    memory: Vec<u8>,
    file: Option<File>,
    written: u64,
}

/// The held output of one attempt of a run: records of (channel, length, bytes).
#[derive(Clone, Default)]
pub struct Spool(Arc<Mutex<Stored>>);

impl Spool {
    /// An empty spool.
    pub fn new() -> Self {
        Self::default()
    }

    fn stored(&self) -> MutexGuard<'_, Stored> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A writer whose text goes to `channel` once released.
    pub fn writer(&self, channel: Channel) -> SpoolWriter {
        SpoolWriter {
            spool: self.clone(),
            channel,
        }
    }

    fn append(&self, channel: Channel, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        let mut stored = self.stored();
        stored.written = stored.written.saturating_add(bytes.len() as u64);
        if stored.written > OUTPUT_LIMIT {
            return Err(io::Error::other(OutputTooLarge));
        }
        let length = u32::try_from(bytes.len())
            .map_err(|_| io::Error::other("spooled write larger than 4 GiB"))?;
        let mut record = Vec::with_capacity(5 + bytes.len());
        record.push(tag(channel));
        record.extend_from_slice(&length.to_le_bytes());
        record.extend_from_slice(bytes);
        if stored.file.is_none() && stored.memory.len() + record.len() > MEMORY_LIMIT {
            let mut file = tempfile::tempfile()?;
            file.write_all(&stored.memory)?;
            stored.memory = Vec::new();
            stored.file = Some(file);
        }
        match &mut stored.file {
            Some(file) => file.write_all(&record),
            None => {
                stored.memory.extend_from_slice(&record);
                Ok(())
            }
        }
    }

    /// Writes everything held, in order, to `data` and `messages`.
    pub fn release(&self, data: &mut dyn Write, messages: &mut dyn Write) -> io::Result<()> {
        let mut stored = self.stored();
        let memory = std::mem::take(&mut stored.memory);
        let mut reader: Box<dyn Read + '_> = match &mut stored.file {
            Some(file) => {
                file.flush()?;
                file.seek(SeekFrom::Start(0))?;
                Box::new(BufReader::new(file))
            }
            None => Box::new(io::Cursor::new(memory)),
        };
        let mut header = [0u8; 5];
        let mut bytes = Vec::new();
        loop {
            match reader.read_exact(&mut header) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => break,
                Err(error) => return Err(error),
            }
            let length = u32::from_le_bytes([header[1], header[2], header[3], header[4]]);
            bytes.resize(length as usize, 0);
            reader.read_exact(&mut bytes)?;
            let output: &mut dyn Write = if header[0] == tag(Channel::Data) {
                &mut *data
            } else {
                &mut *messages
            };
            output.write_all(&bytes)?;
        }
        data.flush()?;
        messages.flush()
    }

    /// Everything held, in order, piece by piece: read from memory or from the temporary
    /// file as the pieces are asked for, so that an export of any size is never held
    /// whole.
    pub fn into_chunks(self) -> io::Result<Chunks> {
        let mut stored = self.stored();
        let reader: Box<dyn Read + Send> = match stored.file.take() {
            Some(mut file) => {
                file.flush()?;
                file.seek(SeekFrom::Start(0))?;
                Box::new(BufReader::new(file))
            }
            None => Box::new(io::Cursor::new(std::mem::take(&mut stored.memory))),
        };
        Ok(Chunks { reader })
    }

    /// Whether the spool moved to a temporary file.
    #[cfg(test)]
    fn is_on_disk(&self) -> bool {
        self.stored().file.is_some()
    }
}

/// The pieces of a released [`Spool`], in order.
pub struct Chunks {
    reader: Box<dyn Read + Send>,
}

impl Iterator for Chunks {
    type Item = io::Result<OutputChunk>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut header = [0u8; 5];
        match self.reader.read_exact(&mut header) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return None,
            Err(error) => return Some(Err(error)),
        }
        let length = u32::from_le_bytes([header[1], header[2], header[3], header[4]]);
        let mut bytes = vec![0; length as usize];
        if let Err(error) = self.reader.read_exact(&mut bytes) {
            return Some(Err(error));
        }
        let channel = if header[0] == tag(Channel::Data) {
            Channel::Data
        } else {
            Channel::Messages
        };
        Some(Ok(OutputChunk { channel, bytes }))
    }
}

/// One channel of a [`Spool`], as a writer.
pub struct SpoolWriter {
    spool: Spool,
    channel: Channel,
}

impl Write for SpoolWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.spool.append(self.channel, bytes)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_in_order_from_memory_and_from_disk() {
        for repeat in [3usize, 200_000] {
            let spool = Spool::new();
            let mut data_writer = spool.writer(Channel::Data);
            let mut messages_writer = spool.writer(Channel::Messages);
            for index in 0..repeat {
                writeln!(data_writer, "ligne {index}").unwrap();
                if index % 1000 == 0 {
                    writeln!(messages_writer, "note {index}").unwrap();
                }
            }
            assert_eq!(spool.is_on_disk(), repeat > 1000);
            let (mut data, mut messages) = (Vec::new(), Vec::new());
            spool.release(&mut data, &mut messages).unwrap();
            let data = String::from_utf8(data).unwrap();
            assert_eq!(data.lines().count(), repeat);
            assert!(data.ends_with(&format!("ligne {}\n", repeat - 1)));
            assert!(String::from_utf8(messages).unwrap().starts_with("note 0\n"));
        }
    }
}
