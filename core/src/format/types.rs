//! Glue / Hive type names ↔ Arrow data types.
//!
//! The Glue Data Catalog stores column types as Hive type strings (`bigint`, `decimal(10,2)`,
//! `array<struct<a:int>>`). The readers work on Arrow types, so a declared table schema is turned
//! into an Arrow schema here, and messages such as `expected bigint, found string "abc"` turn Arrow
//! types back into the names the user typed in the catalog.

use std::sync::Arc;

use crate::arrow::datatypes::{DataType, Field, Fields, TimeUnit};

use crate::error::{Error, Result};
use crate::limits::TYPE_MAX_DEPTH;

/// Parses a Glue/Hive column type (case-insensitive) into the Arrow type the readers produce.
///
/// Why these choices: `timestamp` becomes `Timestamp(Millisecond, None)` because Glue/Hive
/// timestamps carry no zone and milliseconds are what the rest of gluelab (the virtual clock)
/// uses; `decimal` without arguments is Hive's `decimal(10,0)`; every nested field is nullable,
/// as in a catalog table. Unknown names are an `InvalidInput` error rather than a guess.
pub fn parse_glue_type(type_name: &str) -> Result<DataType> {
    let mut parser = TypeParser {
        text: type_name,
        pos: 0,
        depth: 0,
    };
    let data_type = parser.parse_type()?;
    parser.skip_ws();
    if parser.pos != type_name.len() {
        return Err(parser.error("unexpected text after the type"));
    }
    Ok(data_type)
}

/// Names an Arrow type the way the Glue catalog would (`bigint`, `array<string>`, ...).
///
/// Used in error messages and when a schema inferred from data is shown or stored as a table.
/// Types with no Glue equivalent get Arrow's own name in lower case (`uint64`), so the message
/// is still truthful.
pub fn glue_type_name(data_type: &DataType) -> String {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "string".into(),
        DataType::Int64 => "bigint".into(),
        DataType::Int32 => "int".into(),
        DataType::Int16 => "smallint".into(),
        DataType::Int8 => "tinyint".into(),
        DataType::Float64 => "double".into(),
        DataType::Float32 => "float".into(),
        DataType::Boolean => "boolean".into(),
        DataType::Date32 | DataType::Date64 => "date".into(),
        DataType::Timestamp(_, _) => "timestamp".into(),
        DataType::Decimal128(p, s) => format!("decimal({p},{s})"),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => "binary".into(),
        DataType::Null => "void".into(),
        DataType::List(item) | DataType::LargeList(item) => {
            format!("array<{}>", glue_type_name(item.data_type()))
        }
        DataType::Struct(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|f| format!("{}:{}", f.name(), glue_type_name(f.data_type())))
                .collect();
            format!("struct<{}>", inner.join(","))
        }
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => {
                format!(
                    "map<{},{}>",
                    glue_type_name(kv[0].data_type()),
                    glue_type_name(kv[1].data_type())
                )
            }
            other => format!("map<{}>", glue_type_name(other)),
        },
        other => other.to_string().to_ascii_lowercase(),
    }
}

/// A tiny recursive-descent parser over the type string; `pos` is a byte offset into `text`.
struct TypeParser<'a> {
    text: &'a str,
    pos: usize,
    /// How many `array<`/`map<`/`struct<` enclose `pos`, bounded by [`TYPE_MAX_DEPTH`].
    depth: usize,
}

impl TypeParser<'_> {
    fn error(&self, why: &str) -> Error {
        // A hostile type can be megabytes long: the message quotes its start only.
        let shown: String = self.text.chars().take(80).collect();
        let more = if shown.len() < self.text.len() { "..." } else { "" };
        Error::InvalidInput(format!(
            "invalid Glue type \"{shown}{more}\": {why} at character {}",
            self.pos + 1
        ))
    }

    fn skip_ws(&mut self) {
        while self.text[self.pos..].starts_with(|c: char| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// Reads a type keyword or field name: letters, digits and `_`; a `backquoted` name may hold anything.
    fn word(&mut self) -> Result<&str> {
        self.skip_ws();
        let rest = &self.text[self.pos..];
        if let Some(quoted) = rest.strip_prefix('`') {
            let end = quoted.find('`').ok_or_else(|| self.error("unclosed backquote"))?;
            self.pos += end + 2;
            return Ok(&quoted[..end]);
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            return Err(self.error("expected a type name"));
        }
        self.pos += len;
        Ok(&rest[..len])
    }

    /// Consumes `c` (after optional spaces) if it is next.
    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.text[self.pos..].starts_with(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(&format!("expected '{c}'")))
        }
    }

    fn number(&mut self) -> Result<u32> {
        let word = self.word()?;
        word.parse().map_err(|_| self.error("expected a number"))
    }

    /// Optional `(n)` or `(p,s)` arguments.
    fn args(&mut self) -> Result<Vec<u32>> {
        let mut args = Vec::new();
        if self.eat('(') {
            loop {
                args.push(self.number()?);
                if self.eat(')') {
                    break;
                }
                self.expect(',')?;
            }
        }
        Ok(args)
    }

    fn parse_type(&mut self) -> Result<DataType> {
        if self.depth >= TYPE_MAX_DEPTH {
            return Err(self.error(&format!(
                "nested more than {TYPE_MAX_DEPTH} levels deep (the limit TYPE_MAX_DEPTH)"
            )));
        }
        self.depth += 1;
        let parsed = self.parse_type_here();
        self.depth -= 1;
        parsed
    }

    fn parse_type_here(&mut self) -> Result<DataType> {
        let start = self.pos;
        let name = self.word()?.to_ascii_lowercase();
        let simple = match name.as_str() {
            "string" => Some(DataType::Utf8),
            "bigint" | "long" => Some(DataType::Int64),
            "int" | "integer" => Some(DataType::Int32),
            "smallint" | "short" => Some(DataType::Int16),
            "tinyint" | "byte" => Some(DataType::Int8),
            "double" => Some(DataType::Float64),
            "float" | "real" => Some(DataType::Float32),
            "boolean" | "bool" => Some(DataType::Boolean),
            "date" => Some(DataType::Date32),
            "timestamp" => Some(DataType::Timestamp(TimeUnit::Millisecond, None)),
            "binary" => Some(DataType::Binary),
            _ => None,
        };
        if let Some(data_type) = simple {
            return Ok(data_type);
        }
        match name.as_str() {
            "varchar" | "char" => {
                let args = self.args()?;
                if args.len() != 1 {
                    return Err(self.error(&format!("{name} takes one length, as in {name}(10)")));
                }
                Ok(DataType::Utf8)
            }
            "decimal" | "numeric" => {
                let (precision, scale) = match self.args()?.as_slice() {
                    [] => (10, 0),
                    [p] => (*p, 0),
                    [p, s] => (*p, *s),
                    _ => return Err(self.error("decimal takes (precision, scale)")),
                };
                if !(1..=38).contains(&precision) || scale > precision {
                    return Err(self.error("decimal needs 1 <= precision <= 38 and scale <= precision"));
                }
                Ok(DataType::Decimal128(precision as u8, scale as i8))
            }
            "array" => {
                self.expect('<')?;
                let item = self.parse_type()?;
                self.expect('>')?;
                Ok(DataType::List(Arc::new(Field::new("item", item, true))))
            }
            "map" => {
                self.expect('<')?;
                let key = self.parse_type()?;
                self.expect(',')?;
                let value = self.parse_type()?;
                self.expect('>')?;
                let entries = Fields::from(vec![Field::new("key", key, false), Field::new("value", value, true)]);
                Ok(DataType::Map(
                    Arc::new(Field::new("entries", DataType::Struct(entries), false)),
                    false,
                ))
            }
            "struct" => {
                self.expect('<')?;
                let mut fields = Vec::new();
                if !self.eat('>') {
                    loop {
                        let field_name = self.word()?.to_string();
                        self.expect(':')?;
                        let field_type = self.parse_type()?;
                        fields.push(Field::new(field_name, field_type, true));
                        if self.eat('>') {
                            break;
                        }
                        self.expect(',')?;
                    }
                }
                Ok(DataType::Struct(Fields::from(fields)))
            }
            _ => {
                self.pos = start;
                Err(self.error(&format!("unknown type \"{name}\"")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_stops_at_the_named_limit() {
        let nested = |depth: usize| format!("{}int{}", "array<".repeat(depth), ">".repeat(depth));
        assert!(parse_glue_type(&nested(TYPE_MAX_DEPTH - 1)).is_ok());
        let e = parse_glue_type(&nested(100_000)).unwrap_err().to_string();
        assert!(e.contains("TYPE_MAX_DEPTH"), "{e}");
        assert!(e.len() < 300, "the message quotes the type's start only: {e}");
    }

    #[test]
    fn test_types_simple_names_case_insensitive() {
        assert_eq!(parse_glue_type("string").unwrap(), DataType::Utf8);
        assert_eq!(parse_glue_type("BIGINT").unwrap(), DataType::Int64);
        assert_eq!(parse_glue_type(" Int ").unwrap(), DataType::Int32);
        assert_eq!(parse_glue_type("integer").unwrap(), DataType::Int32);
        assert_eq!(parse_glue_type("smallint").unwrap(), DataType::Int16);
        assert_eq!(parse_glue_type("tinyint").unwrap(), DataType::Int8);
        assert_eq!(parse_glue_type("double").unwrap(), DataType::Float64);
        assert_eq!(parse_glue_type("float").unwrap(), DataType::Float32);
        assert_eq!(parse_glue_type("boolean").unwrap(), DataType::Boolean);
        assert_eq!(parse_glue_type("date").unwrap(), DataType::Date32);
        assert_eq!(
            parse_glue_type("timestamp").unwrap(),
            DataType::Timestamp(TimeUnit::Millisecond, None)
        );
        assert_eq!(parse_glue_type("binary").unwrap(), DataType::Binary);
        assert_eq!(parse_glue_type("varchar(20)").unwrap(), DataType::Utf8);
        assert_eq!(parse_glue_type("CHAR( 3 )").unwrap(), DataType::Utf8);
    }

    #[test]
    fn test_types_decimal() {
        assert_eq!(parse_glue_type("decimal(10,2)").unwrap(), DataType::Decimal128(10, 2));
        assert_eq!(
            parse_glue_type("DECIMAL( 38 , 0 )").unwrap(),
            DataType::Decimal128(38, 0)
        );
        assert_eq!(parse_glue_type("decimal").unwrap(), DataType::Decimal128(10, 0));
        assert!(parse_glue_type("decimal(39,2)").is_err());
        assert!(parse_glue_type("decimal(5,6)").is_err());
    }

    #[test]
    fn test_types_nested() {
        let t = parse_glue_type("array<struct<a:int,`b c`:map<string,array<bigint>>>>").unwrap();
        assert_eq!(glue_type_name(&t), "array<struct<a:int,b c:map<string,array<bigint>>>>");
        let DataType::List(item) = &t else { panic!("{t}") };
        let DataType::Struct(fields) = item.data_type() else {
            panic!()
        };
        assert_eq!(fields.len(), 2);
        assert!(fields[0].is_nullable());
        assert!(matches!(fields[1].data_type(), DataType::Map(_, false)));
        assert_eq!(glue_type_name(&parse_glue_type("struct<>").unwrap()), "struct<>");
    }

    #[test]
    fn test_types_errors_name_the_problem() {
        let err = parse_glue_type("bigintt").unwrap_err().to_string();
        assert!(err.contains("unknown type \"bigintt\""), "{err}");
        assert!(parse_glue_type("array<int").is_err());
        assert!(parse_glue_type("int extra").is_err());
        assert!(parse_glue_type("varchar").is_err());
        assert!(parse_glue_type("").is_err());
        assert!(parse_glue_type("struct<a int>").is_err());
    }

    #[test]
    fn test_types_round_trip_names() {
        for name in [
            "string",
            "bigint",
            "int",
            "smallint",
            "tinyint",
            "double",
            "float",
            "boolean",
            "date",
            "timestamp",
            "decimal(12,3)",
            "binary",
            "array<string>",
            "map<string,int>",
            "struct<x:double,y:array<date>>",
        ] {
            assert_eq!(glue_type_name(&parse_glue_type(name).unwrap()), name);
        }
        assert_eq!(glue_type_name(&DataType::UInt64), "uint64");
    }
}
