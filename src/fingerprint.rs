//! Fingerprints: 64-bit hashes of what an output was made from. A live preview's
//! session keeps each rendered page with the fingerprint of everything its template
//! read, and gives the page back when a later build's fingerprint is the same.
//!
//! XXH3: as fast as the hashers of hash maps, but of the quality of SipHash on
//! structured input (FxHash, faster still, is not): two different inputs that gave
//! one fingerprint would serve a stale page. It buffers small writes, which is what
//! serialising a view to JSON makes.

use std::hash::Hash;
use std::io;

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3Default;

/// A fingerprint being made, from parts fed in order.
#[derive(Default)]
pub struct Fingerprint(Xxh3Default);

impl Fingerprint {
    pub fn new() -> Fingerprint {
        Fingerprint::default()
    }

    /// Adds a value that hashes.
    pub fn with(mut self, value: &(impl Hash + ?Sized)) -> Fingerprint {
        value.hash(&mut self.0);
        self
    }

    /// Adds a value as its JSON, as a template would read it.
    pub fn with_json(mut self, value: &(impl Serialize + ?Sized)) -> Fingerprint {
        // Writing to a hasher does not fail; a value that cannot be serialised
        // fails the same way when the template reads it.
        let failed = serde_json::to_writer(&mut self, value).is_err();
        failed.hash(&mut self.0);
        self
    }

    pub fn finish(&self) -> u64 {
        self.0.digest()
    }
}

impl io::Write for Fingerprint {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.update(bytes);
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
    fn parts_are_told_apart_by_their_order_and_their_bounds() {
        let ab = Fingerprint::new().with("a").with("b").finish();
        assert_ne!(ab, Fingerprint::new().with("b").with("a").finish());
        assert_ne!(ab, Fingerprint::new().with("ab").with("").finish());
        assert_eq!(ab, Fingerprint::new().with("a").with("b").finish());
        let json = Fingerprint::new().with_json(&serde_json::json!({"x": [1, 2]}));
        assert_ne!(
            json.finish(),
            Fingerprint::new()
                .with_json(&serde_json::json!({"x": [1, 3]}))
                .finish()
        );
    }
}
