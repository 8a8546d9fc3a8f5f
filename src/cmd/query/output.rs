//! Where `query` prints its result: standard output, which may fail under it. A reader that
//! went away (`supportlens query … | head`) took what it wanted, so the run ends quietly
//! with exit 0, as a filter ended by SIGPIPE does; any other failure to write (a redirect
//! onto a full disk) is exit 2 naming standard output. Neither is an internal error.

use std::io::{self, Write};

use polars::prelude::{CsvWriter, DataFrame, SerWriter};

use crate::error::Failure;

/// Writes `df` to `out` as CSV (`csv`) or as polars' table, and flushes it.
pub(super) fn print(out: impl Write, df: &mut DataFrame, csv: bool) -> anyhow::Result<()> {
    let mut out = Watched {
        inner: out,
        failed: None,
    };
    let written = if csv {
        CsvWriter::new(&mut out)
            .finish(df)
            .map_err(anyhow::Error::from)
    } else {
        writeln!(out, "{df}").map_err(anyhow::Error::from)
    };
    let written = written.and_then(|()| out.flush().map_err(anyhow::Error::from));
    match (written, out.failed) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        (Err(_), Some(e)) => Err(Failure::usage(format!(
            "cannot write the query's result to standard output: {e}; check where it goes \
             (a full disk?)"
        ))
        .into()),
        (Err(e), None) => Err(e.context("writing the query's result")),
    }
}

/// A writer that keeps the first error its stream gave: polars wraps it in text of its
/// own, and its kind tells a closed pipe from a full disk.
struct Watched<W> {
    inner: W,
    failed: Option<io::Error>,
}

impl<W: Write> Watched<W> {
    fn keep<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        result.inspect_err(|e| {
            if self.failed.is_none() {
                self.failed = Some(io::Error::new(e.kind(), e.to_string()));
            }
        })
    }
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        self.keep(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.keep(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Kind;
    use polars::df;

    /// Takes `room` bytes, then fails every write with `kind`.
    struct Failing {
        room: usize,
        kind: io::ErrorKind,
        taken: Vec<u8>,
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from(self.kind));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.taken.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn frame() -> DataFrame {
        df!("key" => ["SUP-1", "SUP-2"], "n" => [1i64, 2]).unwrap()
    }

    #[test]
    fn a_result_is_printed_whole() {
        let mut out = Vec::new();
        print(&mut out, &mut frame(), true).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "key,n\nSUP-1,1\nSUP-2,2\n");
    }

    #[test]
    fn a_reader_that_went_away_ends_the_query_quietly() {
        for csv in [true, false] {
            let mut out = Failing {
                room: 3,
                kind: io::ErrorKind::BrokenPipe,
                taken: Vec::new(),
            };
            print(&mut out, &mut frame(), csv).unwrap();
            assert_eq!(out.taken.len(), 3);
        }
    }

    #[test]
    fn a_full_disk_under_standard_output_is_a_usage_error_naming_it() {
        for csv in [true, false] {
            let mut out = Failing {
                room: 0,
                kind: io::ErrorKind::StorageFull,
                taken: Vec::new(),
            };
            let err = print(&mut out, &mut frame(), csv).unwrap_err();
            let failure = err.downcast_ref::<Failure>().unwrap();
            assert_eq!(failure.kind, Kind::Usage);
            assert_eq!(
                failure.message,
                "cannot write the query's result to standard output: no storage space; check \
                 where it goes (a full disk?)"
            );
        }
    }
}
