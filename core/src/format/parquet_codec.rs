//! The Parquet codecs gluelab reads and writes, and the sink's `compression` option that picks
//! the writer's (Glue's Parquet `format_options` / `connection_options` `compression`, default
//! `snappy`; a catalog table's `parquet.compression`, as Athena and Hive set it).
//!
//! Each codec beyond snappy is a core feature, because the browser bundle cannot carry them all
//! (gzipped wasm, measured with `trunk build --release`):
//! brotli is about 0.47 MB and zstd is C (zstd-sys), which does not build for
//! wasm32-unknown-unknown without a C compiler for wasm; the CLI has every one.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A Parquet page codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParquetCodec {
    Uncompressed,
    /// Glue's default.
    #[default]
    Snappy,
    Gzip,
    Lz4,
    Zstd,
    Brotli,
}

impl ParquetCodec {
    pub const ALL: [ParquetCodec; 6] = [
        ParquetCodec::Uncompressed,
        ParquetCodec::Snappy,
        ParquetCodec::Gzip,
        ParquetCodec::Lz4,
        ParquetCodec::Zstd,
        ParquetCodec::Brotli,
    ];

    /// Parses Glue's / Spark's spelling, any case: `uncompressed` (or `none`), `snappy`,
    /// `gzip`, `lz4`, `zstd`, `brotli`. `lzo` is Spark's too, but no Rust Parquet writer has it.
    pub fn from_glue(name: &str) -> Result<ParquetCodec> {
        let codec = match name.trim().to_ascii_lowercase().as_str() {
            "uncompressed" | "none" => ParquetCodec::Uncompressed,
            "snappy" => ParquetCodec::Snappy,
            "gzip" => ParquetCodec::Gzip,
            "lz4" | "lz4_raw" => ParquetCodec::Lz4,
            "zstd" => ParquetCodec::Zstd,
            "brotli" => ParquetCodec::Brotli,
            _ => {
                return Err(Error::InvalidInput(format!(
                    "unknown Parquet compression \"{name}\": expected uncompressed, snappy, gzip, lz4, zstd or brotli"
                )))
            }
        };
        Ok(codec)
    }

    pub fn name(self) -> &'static str {
        match self {
            ParquetCodec::Uncompressed => "uncompressed",
            ParquetCodec::Snappy => "snappy",
            ParquetCodec::Gzip => "gzip",
            ParquetCodec::Lz4 => "lz4",
            ParquetCodec::Zstd => "zstd",
            ParquetCodec::Brotli => "brotli",
        }
    }

    /// Whether this build reads and writes it.
    pub fn built_in(self) -> bool {
        match self {
            ParquetCodec::Uncompressed | ParquetCodec::Snappy => true,
            ParquetCodec::Gzip => cfg!(feature = "parquet-gzip"),
            ParquetCodec::Lz4 => cfg!(feature = "parquet-lz4"),
            ParquetCodec::Zstd => cfg!(feature = "parquet-zstd"),
            ParquetCodec::Brotli => cfg!(feature = "parquet-brotli"),
        }
    }

    /// The writer's codec, or why this build cannot write it.
    pub(crate) fn to_parquet(self) -> Result<parquet::basic::Compression> {
        use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
        if !self.built_in() {
            return Err(Error::InvalidInput(lacks(self.name())));
        }
        Ok(match self {
            ParquetCodec::Uncompressed => Compression::UNCOMPRESSED,
            ParquetCodec::Snappy => Compression::SNAPPY,
            ParquetCodec::Gzip => Compression::GZIP(GzipLevel::default()),
            // LZ4_RAW: the codec the Parquet format recommends (plain LZ4 is deprecated).
            ParquetCodec::Lz4 => Compression::LZ4_RAW,
            ParquetCodec::Zstd => Compression::ZSTD(ZstdLevel::default()),
            ParquetCodec::Brotli => Compression::BROTLI(BrotliLevel::default()),
        })
    }
}

impl fmt::Display for ParquetCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to say when this build lacks `codec`.
pub(crate) fn lacks(codec: &str) -> String {
    format!(
        "this build of gluelab has no {codec} Parquet codec (the browser workbench has only {}): read or write it with the gluelab CLI",
        ParquetCodec::ALL
            .iter()
            .filter(|c| c.built_in())
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The parquet crate's "Disabled feature at compile time: zstd", said as [`lacks`] says it.
pub(crate) fn explain_disabled(message: &str) -> Option<String> {
    let feature = message.split("Disabled feature at compile time: ").nth(1)?;
    let codec = match feature.split_whitespace().next()? {
        "flate2" => "gzip",
        other => other,
    };
    Some(lacks(codec))
}
