//! Verifiable credentials: Open Badges 3.0 `OpenBadgeCredential`s signed with the institution's
//! Ed25519 key — a Data Integrity proof (`eddsa-rdfc-2022`) and a VC-JWT — revocable through a
//! Bitstring Status List, and verification of any OB 3.0 credential, offline.

pub mod canon;
pub mod jwt;
pub mod keys;
pub mod open_badge;
pub mod proof;
pub mod status_list;
pub mod verify;
