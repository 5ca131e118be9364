//! The write stage's queue: the render stages hand it files from many threads, and
//! one thread writes them to the sink in the order they come. Pages thus never all
//! sit in memory, and thousands of files are not created in one folder from several
//! threads at once, where the file system contends on the folder's lock and loses
//! more than it gains. A sink in memory (the live preview's) is written from the
//! render threads themselves: there, waking the writer for each page cost more
//! than the write.

use std::collections::HashSet;
use std::io::{self, Write};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Mutex;
use std::thread::{Scope, ScopedJoinHandle};

use super::{Bytes, Sink};
use crate::diagnostics::Diagnostic;

/// Files on their way to a sink.
pub struct Queue<'scope> {
    way: Way<'scope>,
    sink: &'scope dyn Sink,
    /// Files written in pieces, through `open`, outside the queue.
    opened: Mutex<Vec<String>>,
}

/// How files reach the sink: through the writing thread, or, for a sink whose
/// writes cost less than waking another thread (one in memory), from the thread
/// that sends them.
enum Way<'scope> {
    Thread {
        sender: SyncSender<(String, Bytes)>,
        writer: ScopedJoinHandle<'scope, Written>,
    },
    Direct(Mutex<Written>),
}

/// The paths written so far, and what failed.
#[derive(Default)]
struct Written {
    paths: HashSet<String>,
    failures: Vec<Diagnostic>,
}

impl Written {
    fn write(&mut self, sink: &dyn Sink, path: String, bytes: Bytes) {
        // The checks of the earlier stages keep paths apart; this is the last
        // guard, so that no file ever silently replaces another.
        if self.paths.contains(&path) {
            self.failures.push(
                Diagnostic::error(format!(
                    "two files of the site have the path {path}: the second would replace the first"
                ))
                .hint("rename the page or the tag that makes one of them"),
            );
            return;
        }
        if let Err(err) = sink.write(&path, bytes) {
            self.failures.push(cannot_write(&path, &err));
        }
        self.paths.insert(path);
    }
}

impl<'scope> Queue<'scope> {
    /// Starts the writing thread, in `scope`, unless the sink writes at once.
    pub fn start<'env>(scope: &'scope Scope<'scope, 'env>, sink: &'scope dyn Sink) -> Self {
        let way = if sink.writes_at_once() {
            Way::Direct(Mutex::default())
        } else {
            // Enough to keep the writer busy, few enough to bound the memory held.
            let (sender, receiver) = sync_channel::<(String, Bytes)>(256);
            let writer = scope.spawn(move || {
                let mut written = Written::default();
                for (path, bytes) in receiver {
                    written.write(sink, path, bytes);
                }
                written
            });
            Way::Thread { sender, writer }
        };
        Queue {
            way,
            sink,
            opened: Mutex::default(),
        }
    }

    /// Queues one file.
    pub fn send(&self, path: String, bytes: impl Into<Bytes>) {
        match &self.way {
            // The writer only stops once every sender is gone.
            Way::Thread { sender, .. } => {
                let _ = sender.send((path, bytes.into()));
            }
            Way::Direct(written) => written.lock().unwrap_or_else(|e| e.into_inner()).write(
                self.sink,
                path,
                bytes.into(),
            ),
        }
    }

    pub fn send_all<B: Into<Bytes>>(&self, files: impl IntoIterator<Item = (String, B)>) {
        for (path, bytes) in files {
            self.send(path, bytes);
        }
    }

    /// Writes one large file in pieces, directly (the print book).
    pub fn open(&self, path: &str) -> io::Result<Box<dyn Write + Send + 'scope>> {
        self.opened
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_string());
        self.sink.open(path)
    }

    /// Waits for the queued files to be written: their number, and what failed.
    pub fn finish(self) -> (usize, Vec<Diagnostic>) {
        let (paths, failures) = self.finish_with_paths();
        (paths.len(), failures)
    }

    /// Waits for the queued files to be written: their paths, and what failed.
    pub fn finish_with_paths(self) -> (HashSet<String>, Vec<Diagnostic>) {
        let Written {
            mut paths,
            failures,
        } = match self.way {
            Way::Thread { sender, writer } => {
                drop(sender);
                writer.join().expect("the writing thread does not panic")
            }
            Way::Direct(written) => written.into_inner().unwrap_or_else(|e| e.into_inner()),
        };
        paths.extend(self.opened.into_inner().unwrap_or_else(|e| e.into_inner()));
        (paths, failures)
    }
}

pub fn cannot_write(path: &str, err: &io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {path}: {err}"))
        .hint("check the output folder's permissions and free space")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::MemorySink;

    #[test]
    fn a_second_file_at_one_path_is_an_error_and_the_first_stays() {
        let sink = MemorySink::default();
        let (count, failures) = std::thread::scope(|scope| {
            let out = Queue::start(scope, &sink);
            out.send("pages/a.html".into(), b"premier".to_vec());
            out.send("pages/b.html".into(), b"autre".to_vec());
            out.send("pages/a.html".into(), b"second".to_vec());
            out.finish()
        });
        assert_eq!(count, 2);
        assert_eq!(failures.len(), 1);
        assert!(failures[0].message.contains("pages/a.html"), "{failures:?}");
        assert_eq!(sink.into_files()["pages/a.html"], &b"premier"[..]);
    }
}
