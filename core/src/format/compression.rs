//! Objects compressed whole, read as Glue reads them: the name's extension says the codec
//! (`.gz`: gzip, `.bz2`: bzip2), so `a.csv.gz` is CSV text, decompressed before the reader sees
//! it. Line numbers in messages are lines of the decompressed text.
//!
//! Decompression is bounded: a stream that inflates past [`MAX_DECOMPRESSED_BYTES`] is refused
//! (a decompression bomb must not take the page's memory), and a sample (a preview, a crawler's
//! look, a schema fit) inflates only as much as it reads.

use std::borrow::Cow;
use std::io::Read;

use crate::error::{Error, Location, Result};

/// The most one object may decompress to: 256 MiB, well above the 100 MB files the benchmarks
/// read, well below what a browser tab can hold twice.
pub const MAX_DECOMPRESSED_BYTES: usize = 256 * 1024 * 1024;

/// A whole-object compression Glue recognises by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Compression {
    Gzip,
    Bzip2,
}

impl Compression {
    /// The compression a file name's last extension tells, and the name without it.
    pub fn of_file_name(name: &str) -> Option<(Compression, &str)> {
        let (stem, ext) = name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "gz" => Some((Compression::Gzip, stem)),
            "bz2" => Some((Compression::Bzip2, stem)),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Bzip2 => "bzip2",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Compression::Gzip => ".gz",
            Compression::Bzip2 => ".bz2",
        }
    }
}

/// The bytes of `object` as its readers take them: decompressed when its name ends in `.gz` or
/// `.bz2`, else as they are. With `sample`, at most that many bytes are inflated (the rest is
/// not looked at); without, the whole stream, refused past [`MAX_DECOMPRESSED_BYTES`].
pub fn decompressed<'a>(object: &str, body: &'a [u8], sample: Option<usize>) -> Result<Cow<'a, [u8]>> {
    let Some((compression, _)) = Compression::of_file_name(object) else {
        return Ok(Cow::Borrowed(body));
    };
    decompress(object, compression, body, sample, MAX_DECOMPRESSED_BYTES).map(Cow::Owned)
}

fn decompress(
    object: &str,
    compression: Compression,
    body: &[u8],
    sample: Option<usize>,
    limit: usize,
) -> Result<Vec<u8>> {
    let want = sample.unwrap_or(limit).min(limit);
    let mut out = Vec::new();
    let read = match compression {
        Compression::Gzip => gunzip(body, want, &mut out),
        Compression::Bzip2 => bunzip2(body, want, &mut out),
    };
    let fail = |message: String| {
        // Where the stream broke, as a line of the text inflated so far.
        let line = out.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        Error::data(Location::object(object).at_line(line), message)
    };
    match read {
        Ok(()) => {}
        Err(Unavailable) if body.is_empty() => return Ok(out),
        Err(Unavailable) => {
            return Err(Error::data(
                Location::object(object),
                format!(
                    "{}-compressed ({}), but this build of gluelab has no {} decoder (the browser workbench leaves it out): read it with the gluelab CLI, or upload it decompressed",
                    compression.name(),
                    compression.extension(),
                    compression.name()
                ),
            ))
        }
        Err(Broken(e)) => {
            return Err(fail(format!(
                "not valid {} data (the name ends in {}): {e}",
                compression.name(),
                compression.extension()
            )))
        }
    }
    if sample.is_none() && out.len() > limit {
        return Err(Error::data(
            Location::object(object),
            format!(
                "decompresses to more than {} MiB (MAX_DECOMPRESSED_BYTES): refused, as a possible decompression bomb; split the file into smaller objects",
                limit / (1024 * 1024)
            ),
        ));
    }
    out.truncate(want);
    Ok(out)
}

/// Why a stream could not be inflated.
#[cfg_attr(all(feature = "gzip", feature = "bzip2"), allow(dead_code))]
enum Failure {
    /// This build has no decoder for it (a core feature left out).
    Unavailable,
    Broken(std::io::Error),
}
use Failure::{Broken, Unavailable};

/// Reads at most `want + 1` bytes of `reader` (one more tells that the limit was passed).
#[allow(dead_code)]
fn read_bounded(reader: impl Read, want: usize, out: &mut Vec<u8>) -> std::result::Result<(), Failure> {
    reader
        .take(want as u64 + 1)
        .read_to_end(out)
        .map(|_| ())
        .map_err(Broken)
}

#[cfg(feature = "gzip")]
fn gunzip(body: &[u8], want: usize, out: &mut Vec<u8>) -> std::result::Result<(), Failure> {
    if body.is_empty() {
        return Ok(());
    }
    // Multi-member, as `gzip -c a b > ab.gz` writes and gunzip (and Hadoop's codec) reads.
    read_bounded(flate2::read::MultiGzDecoder::new(body), want, out)
}

#[cfg(not(feature = "gzip"))]
fn gunzip(_: &[u8], _: usize, _: &mut Vec<u8>) -> std::result::Result<(), Failure> {
    Err(Unavailable)
}

#[cfg(feature = "bzip2")]
fn bunzip2(body: &[u8], want: usize, out: &mut Vec<u8>) -> std::result::Result<(), Failure> {
    if body.is_empty() {
        return Ok(());
    }
    read_bounded(bzip2::read::MultiBzDecoder::new(body), want, out)
}

#[cfg(not(feature = "bzip2"))]
fn bunzip2(_: &[u8], _: usize, _: &mut Vec<u8>) -> std::result::Result<(), Failure> {
    Err(Unavailable)
}

#[cfg(all(test, feature = "gzip", feature = "bzip2"))]
mod tests {
    use super::*;
    use std::io::Write;

    pub(crate) fn gzip(text: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text).unwrap();
        e.finish().unwrap()
    }

    fn bzip2(text: &[u8]) -> Vec<u8> {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        e.write_all(text).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn the_extension_says_the_codec() {
        assert_eq!(
            Compression::of_file_name("s3://b/a.csv.GZ"),
            Some((Compression::Gzip, "s3://b/a.csv"))
        );
        assert_eq!(
            Compression::of_file_name("a.json.bz2"),
            Some((Compression::Bzip2, "a.json"))
        );
        assert_eq!(Compression::of_file_name("a.csv"), None);
        let plain = decompressed("s3://b/a.csv", b"x\n", None).unwrap();
        assert!(matches!(plain, Cow::Borrowed(b"x\n")));
    }

    #[test]
    fn gzip_and_bzip2_inflate_whole_or_sampled() {
        let text = b"id,name\n1,a\n2,b\n";
        assert_eq!(&*decompressed("s3://b/a.csv.gz", &gzip(text), None).unwrap(), text);
        assert_eq!(&*decompressed("s3://b/a.csv.bz2", &bzip2(text), None).unwrap(), text);
        // Two gzip members, as `cat a.gz b.gz` makes.
        let two = [gzip(b"1\n"), gzip(b"2\n")].concat();
        assert_eq!(&*decompressed("s3://b/a.gz", &two, None).unwrap(), b"1\n2\n");
        assert_eq!(&*decompressed("s3://b/a.gz", &gzip(text), Some(4)).unwrap(), b"id,n");
    }

    #[test]
    fn a_bomb_is_refused_with_the_named_limit_and_a_sample_is_not() {
        let bomb = gzip(&vec![b'a'; 10_000]);
        let err = decompress("s3://b/bomb.json.gz", Compression::Gzip, &bomb, None, 1000).unwrap_err();
        let m = err.to_string();
        assert!(
            m.contains("s3://b/bomb.json.gz") && m.contains("MAX_DECOMPRESSED_BYTES"),
            "{m}"
        );
        let sample = decompress("s3://b/bomb.json.gz", Compression::Gzip, &bomb, Some(100), 1000).unwrap();
        assert_eq!(sample.len(), 100);
        // Exactly at the limit is fine.
        let at = decompress("s3://b/a.gz", Compression::Gzip, &gzip(&[b'a'; 1000]), None, 1000).unwrap();
        assert_eq!(at.len(), 1000);
    }

    #[test]
    fn broken_streams_name_object_and_line() {
        let mut cut = gzip(b"{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");
        cut.truncate(cut.len() - 12);
        let m = decompressed("s3://b/in/a.json.gz", &cut, None).unwrap_err().to_string();
        assert!(
            m.contains("s3://b/in/a.json.gz") && m.contains("not valid gzip data"),
            "{m}"
        );
        let m = decompressed("s3://b/in/a.csv.bz2", b"id,name\n1,a\n", None)
            .unwrap_err()
            .to_string();
        assert!(
            m.contains("s3://b/in/a.csv.bz2") && m.contains("line 1") && m.contains("bzip2"),
            "{m}"
        );
        assert!(decompressed("s3://b/empty.csv.gz", b"", None).unwrap().is_empty());
    }
}
