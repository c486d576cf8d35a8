//! Serde adapter that stores object bodies as base64 text inside the JSON snapshot, or, during
//! a hand-over, as an index into a side table of bodies.

use std::cell::RefCell;
use std::sync::Arc;

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serializer};

/// Bodies a hand-over document points at, each taken once.
pub(crate) type SideBodies = Vec<Option<Arc<Vec<u8>>>>;

thread_local! {
    /// Set by `save_handover`: bodies go here and the document holds their index.
    pub(crate) static SIDE_TABLE: RefCell<Option<Vec<Arc<Vec<u8>>>>> = const { RefCell::new(None) };
    /// Set by `load_handover`: the bodies the document's indexes point at.
    pub(crate) static SIDE_BODIES: RefCell<Option<SideBodies>> = const { RefCell::new(None) };
}

pub fn serialize<S: Serializer>(body: &Arc<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    let index = SIDE_TABLE.with(|t| {
        t.borrow_mut().as_mut().map(|table| {
            table.push(body.clone());
            table.len() - 1
        })
    });
    match index {
        Some(i) => s.serialize_u64(i as u64),
        None => s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(body.as_slice())),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Text(String),
    Index(u64),
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Vec<u8>>, D::Error> {
    match Stored::deserialize(d)? {
        Stored::Text(text) => base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Arc::new)
            .map_err(|e| serde::de::Error::custom(format!("object body is not valid base64: {e}"))),
        Stored::Index(i) => SIDE_BODIES
            .with(|t| {
                t.borrow_mut()
                    .as_mut()
                    .and_then(|bodies| bodies.get_mut(i as usize).and_then(Option::take))
            })
            .ok_or_else(|| serde::de::Error::custom(format!("object body {i} is missing from the hand-over"))),
    }
}
