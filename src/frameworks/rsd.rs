//! Competencies in and out as Rich Skill Descriptors: one descriptor, a list or a collection
//! imported into a framework (and one of its areas), and a competency exported as its
//! descriptor.

use super::administrator;
use crate::error::{CoreError, CoreResult};
use crate::model::Viewer;
use crate::store::people_import::ImportedBy;
use crate::store::rsd::RsdImport;
use crate::store::Store;

/// Imports descriptors into a framework of the institution, for an administrator.
pub async fn import_rsd(
    store: &Store,
    viewer: &Viewer,
    framework_id: i64,
    area_id: Option<i64>,
    file_name: &str,
    bytes: &[u8],
) -> CoreResult<RsdImport> {
    let by = administrator(viewer)?;
    let by = ImportedBy {
        institution_id: by.institution_id,
        actor_id: Some(by.actor_id),
        origin: by.origin,
        file_name,
        rejected: 0,
    };
    import_rsd_as(store, &by, framework_id, area_id, bytes).await
}

/// Imports descriptors as `by` (an administrator, or the command line): every descriptor is
/// read first, and when one is wrong nothing is written.
pub async fn import_rsd_as(
    store: &Store,
    by: &ImportedBy<'_>,
    framework_id: i64,
    area_id: Option<i64>,
    bytes: &[u8],
) -> CoreResult<RsdImport> {
    let skills =
        crate::rsd::read(bytes).map_err(|error| CoreError::invalid("file", error.to_string()))?;
    store.import_rsd(by, framework_id, area_id, &skills).await
}

/// A competency of the institution as a Rich Skill Descriptor, for an administrator. Its URL
/// is the descriptor's it came from, else its CASE item's on this Cairn.
pub async fn export_rsd(
    store: &Store,
    viewer: &Viewer,
    competency_id: i64,
) -> CoreResult<serde_json::Value> {
    let by = administrator(viewer)?;
    export_rsd_of(store, by.institution_id, competency_id).await
}

/// A competency of `institution_id` as a Rich Skill Descriptor (the command line's export).
pub async fn export_rsd_of(
    store: &Store,
    institution_id: crate::model::InstitutionId,
    competency_id: i64,
) -> CoreResult<serde_json::Value> {
    let held = store.held_skill(institution_id, competency_id).await?;
    let original = held
        .document
        .as_deref()
        .and_then(|document| serde_json::from_str(document).ok());
    // A descriptor's id is a web address: one known only by its uuid (a URN) is given its
    // CASE item's address on this Cairn.
    let url = held
        .uri
        .clone()
        .filter(|uri| !uri.starts_with("urn:"))
        .unwrap_or_else(|| {
            format!(
                "{}/ims/case/v1p0/CFItems/{}",
                store.public_url().trim_end_matches('/'),
                held.identifier
            )
        });
    let descriptor = crate::rsd::Descriptor {
        url: &url,
        uuid: &held.identifier,
        name: &held.name,
        statement: &held.statement,
        category: &held.category,
        keywords: held
            .keywords
            .split(',')
            .map(str::trim)
            .filter(|word| !word.is_empty())
            .collect(),
        alignments: held
            .alignments
            .iter()
            .map(|a| (a.name.as_str(), a.url.as_deref(), a.framework.as_deref()))
            .collect(),
        author: &held.institution,
        original: original.as_ref(),
    };
    Ok(crate::rsd::export(&descriptor))
}
