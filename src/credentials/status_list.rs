//! Bitstring Status List (W3C): one bit per issued credential, 1 = revoked. Published as the
//! `encodedList` of a status list credential: multibase base64url (`u`, no padding) of the
//! GZIP-compressed bitstring, index 0 being the most significant bit of the first byte.

use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::error::{CoreError, CoreResult};

/// The smallest list the standard allows (16 KB), so that an index tells nobody much.
pub const LIST_SIZE: usize = 131_072;

/// A status list's bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitstring(Vec<u8>);

impl Bitstring {
    /// An all-clear list of [`LIST_SIZE`] entries.
    pub fn new() -> Self {
        Bitstring(vec![0; LIST_SIZE / 8])
    }

    pub fn len(&self) -> usize {
        self.0.len() * 8
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<bool> {
        self.0
            .get(index / 8)
            .map(|byte| byte >> (7 - index % 8) & 1 == 1)
    }

    pub fn set(&mut self, index: usize) -> CoreResult<()> {
        let byte = self
            .0
            .get_mut(index / 8)
            .ok_or_else(|| CoreError::invalid("statusListIndex", "is beyond the list"))?;
        *byte |= 1 << (7 - index % 8);
        Ok(())
    }

    /// The `encodedList` form.
    pub fn encode(&self) -> String {
        let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
        gzip.write_all(&self.0).expect("writing to memory");
        format!(
            "u{}",
            URL_SAFE_NO_PAD.encode(gzip.finish().expect("writing to memory"))
        )
    }

    /// Reads an `encodedList`; refuses lists shorter than the standard's minimum and
    /// decompressed sizes beyond 16 MB (a zip bomb).
    pub fn decode(encoded: &str) -> CoreResult<Bitstring> {
        let invalid = |reason: &str| CoreError::invalid("encodedList", reason);
        let compressed = encoded
            .strip_prefix('u')
            .and_then(|text| URL_SAFE_NO_PAD.decode(text).ok())
            .ok_or_else(|| invalid("is not multibase base64url"))?;
        let mut bits = Vec::new();
        GzDecoder::new(compressed.as_slice())
            .take(16 * 1024 * 1024 + 1)
            .read_to_end(&mut bits)
            .map_err(|_| invalid("is not GZIP-compressed"))?;
        if bits.len() > 16 * 1024 * 1024 {
            return Err(invalid("is too large"));
        }
        if bits.len() * 8 < LIST_SIZE {
            return Err(invalid("is shorter than 131,072 entries"));
        }
        Ok(Bitstring(bits))
    }
}

impl Default for Bitstring {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_numbered_from_the_left() {
        let mut list = Bitstring::new();
        list.set(0).unwrap();
        list.set(9).unwrap();
        assert_eq!(list.0[0], 0b1000_0000);
        assert_eq!(list.0[1], 0b0100_0000);
        let decoded = Bitstring::decode(&list.encode()).unwrap();
        assert_eq!(decoded.get(0), Some(true));
        assert_eq!(decoded.get(1), Some(false));
        assert_eq!(decoded.get(9), Some(true));
        assert_eq!(decoded.len(), LIST_SIZE);
        assert!(list.set(LIST_SIZE).is_err());
    }

    #[test]
    fn the_standards_example_decodes_to_an_empty_list() {
        // The encodedList of the example in W3C's Bitstring Status List v1.0.
        let example = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";
        let list = Bitstring::decode(example).unwrap();
        assert_eq!(list, Bitstring::new());
    }

    #[test]
    fn short_and_malformed_lists_are_refused() {
        let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
        gzip.write_all(&[0; 100]).unwrap();
        let short = format!("u{}", URL_SAFE_NO_PAD.encode(gzip.finish().unwrap()));
        assert!(Bitstring::decode(&short).is_err());
        assert!(Bitstring::decode("zabc").is_err());
        assert!(Bitstring::decode("uAAAA").is_err());
    }
}
