//! Files people upload (a training record's certificate, later goal evidence and project
//! images): kept under the data directory by content hash, size-limited, and accepted only when
//! their bytes — not their name — say they are one of the allowed types.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::Store;
use crate::clock;
use crate::error::{CoreError, CoreResult};
use crate::model::UserId;

/// The default upload limit (`--max-upload-mb`).
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 20 * 1024 * 1024;

/// The types Cairn accepts, by the signature their content starts with. The allow-list is five
/// signatures, so it is spelled out here rather than taken from a general sniffing library.
const ALLOWED: [(&str, &str); 5] = [
    ("application/pdf", "a PDF"),
    ("image/png", "a PNG image"),
    ("image/jpeg", "a JPEG image"),
    ("image/gif", "a GIF image"),
    ("image/webp", "a WebP image"),
];

/// The content type the bytes show, if it is one Cairn accepts.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let kind = if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "image/gif"
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else {
        return None;
    };
    ALLOWED
        .iter()
        .find(|(mime, _)| *mime == kind)
        .map(|(mime, _)| *mime)
}

/// A stored file as the store describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredFile {
    pub id: i64,
    pub owner_id: UserId,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub path: PathBuf,
    /// A small PNG of an image (at most `THUMBNAIL_SIZE` pixels each way), when it could be made.
    pub thumbnail: Option<PathBuf>,
}

/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIZE: u32 = 320;

/// The most pixels an uploaded image may declare (40 megapixels: any phone photo of the usual
/// sizes). An image is refused on its header's word, before a byte of it is decoded: a small
/// file can declare a picture that would take gigabytes to decode (an "image bomb").
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

/// The most memory one thumbnail's decoding may take. A larger image is kept without one.
const THUMBNAIL_DECODE_BYTES: u64 = 64 * 1024 * 1024;

/// Thumbnails made at once: decoding is the memory-hungry part of an upload.
static IMAGE_WORK: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// An image's width and height as its header declares them, read without decoding it.
pub fn declared_size(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// Refuses an image whose header declares more than `MAX_IMAGE_PIXELS`.
fn check_image_size(name: &str, bytes: &[u8]) -> CoreResult<()> {
    match declared_size(bytes) {
        Some((width, height)) if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS => {
            Err(CoreError::invalid(
                "file",
                format!(
                    "{name} is {width} × {height} pixels; Cairn takes images of up to {} \
                     megapixels — please send a smaller copy",
                    MAX_IMAGE_PIXELS / 1_000_000
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// A PNG thumbnail of an image, or `None` when its bytes do not decode (the sniffer looks only
/// at the signature) or decoding it would take more than `THUMBNAIL_DECODE_BYTES`.
pub fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(THUMBNAIL_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().ok()?;
    let small = image.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE);
    let mut png = Vec::new();
    small
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .ok()?;
    Some(png)
}

impl Store {
    /// Where uploaded files are kept (`<data-dir>/files`) and how large one may be.
    pub fn set_file_storage(&self, dir: PathBuf, max_bytes: u64) {
        if let Ok(mut storage) = self.files.write() {
            *storage = (Some(dir), max_bytes);
        }
    }

    pub fn max_upload_bytes(&self) -> u64 {
        self.files
            .read()
            .map(|storage| storage.1)
            .unwrap_or(DEFAULT_MAX_UPLOAD_BYTES)
    }

    fn files_dir(&self) -> CoreResult<PathBuf> {
        self.files
            .read()
            .ok()
            .and_then(|storage| storage.0.clone())
            .ok_or_else(|| CoreError::invalid("file", "this Cairn has no place to keep files"))
    }

    /// Keeps an upload: refused (and nothing written) when it is empty, too large, or not one
    /// of the allowed types by its content.
    pub async fn save_file(
        &self,
        owner: UserId,
        name: &str,
        bytes: &[u8],
    ) -> CoreResult<StoredFile> {
        let max = self.max_upload_bytes();
        if bytes.is_empty() {
            return Err(CoreError::invalid("file", "is empty"));
        }
        if bytes.len() as u64 > max {
            return Err(CoreError::invalid(
                "file",
                format!("is larger than {} MB", max / (1024 * 1024)),
            ));
        }
        let content_type = sniff(bytes).ok_or_else(|| {
            CoreError::invalid(
                "file",
                format!(
                    "{} is not {}: Cairn looks at what a file contains, not at its name",
                    display_name(name),
                    allowed_list()
                ),
            )
        })?;
        let name = display_name(name);
        let is_image = content_type.starts_with("image/");
        if is_image {
            check_image_size(&name, bytes)?;
        }
        let hash: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let dir = self.files_dir()?;
        let path = dir.join(&hash);
        let thumbnail_name = format!("{hash}.thumb.png");
        let thumbnail_path = dir.join(&thumbnail_name);
        if !path.exists() || (is_image && !thumbnail_path.exists()) {
            let temporary = dir.join(format!("{hash}.part"));
            let bytes = bytes.to_vec();
            let (write_to, rename_to) = (temporary.clone(), path.clone());
            let thumbnail_to = thumbnail_path.clone();
            // One image decoded at a time; other uploads wait their turn here.
            let _turn = match is_image {
                true => Some(
                    IMAGE_WORK
                        .acquire()
                        .await
                        .map_err(|_| CoreError::Conflict("the upload was interrupted".into()))?,
                ),
                false => None,
            };
            tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                std::fs::create_dir_all(write_to.parent().expect("a file in a directory"))?;
                if is_image {
                    if let Some(png) = thumbnail(&bytes) {
                        let part = thumbnail_to.with_extension("part");
                        std::fs::write(&part, png)?;
                        std::fs::rename(&part, &thumbnail_to)?;
                    }
                }
                if rename_to.exists() {
                    return Ok(());
                }
                std::fs::write(&write_to, bytes)?;
                std::fs::rename(&write_to, &rename_to)
            })
            .await
            .map_err(|_| CoreError::Conflict("the upload was interrupted".into()))?
            .map_err(|error| {
                tracing::error!(%error, "cannot write an uploaded file");
                CoreError::Conflict("the file could not be kept; nothing was saved".into())
            })?;
        }
        let thumbnail = thumbnail_path.exists().then_some(thumbnail_path);
        let mut tx = self.write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO files (owner_id, name, content_type, size_bytes, sha256, stored_path, \
               thumbnail_path, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(owner)
        .bind(&name)
        .bind(content_type)
        .bind(bytes.len() as i64)
        .bind(&hash)
        .bind(&hash)
        .bind(thumbnail.as_ref().map(|_| thumbnail_name))
        .bind(clock::now())
        .fetch_one(&mut *tx)
        .await?;
        // Nothing a kept page shows.
        tx.touch_no_page();
        tx.commit().await?;
        Ok(StoredFile {
            id,
            owner_id: owner,
            name,
            content_type: content_type.to_owned(),
            size_bytes: bytes.len() as i64,
            path,
            thumbnail,
        })
    }

    /// A kept file by id (the core decides who may download it).
    pub async fn stored_file(&self, id: i64) -> CoreResult<StoredFile> {
        let row: Option<(i64, String, String, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT owner_id, name, content_type, size_bytes, stored_path, thumbnail_path \
             FROM files WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let (owner_id, name, content_type, size_bytes, stored, thumbnail) =
            row.ok_or_else(|| CoreError::NotFound(format!("file {id}")))?;
        let dir = self.files_dir()?;
        Ok(StoredFile {
            id,
            owner_id,
            name,
            content_type,
            size_bytes,
            path: dir.join(stored),
            thumbnail: thumbnail.map(|name| dir.join(name)),
        })
    }

    /// The learner whose goal or project the file is attached to, if it is.
    pub async fn file_attached_to(&self, id: i64) -> CoreResult<Option<UserId>> {
        Ok(sqlx::query_scalar(
            "SELECT g.learner_id FROM goal_files gf JOIN goals g ON g.id = gf.goal_id \
               WHERE gf.file_id = $1 \
             UNION \
             SELECT p.learner_id FROM project_media m JOIN projects p ON p.id = m.project_id \
               WHERE m.file_id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }
}

/// The file's name as people see it: no directories, at most 200 characters.
fn display_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    let base = if base.is_empty() { "upload" } else { base };
    base.chars().filter(|c| !c.is_control()).take(200).collect()
}

fn allowed_list() -> String {
    let names: Vec<&str> = ALLOWED.iter().map(|(_, name)| *name).collect();
    format!(
        "{} or {}",
        names[..names.len() - 1].join(", "),
        names[names.len() - 1]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_told_by_content_not_by_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        // A Windows executable, an ELF binary, a script, an HTML page: none of them.
        for hostile in [
            &b"MZ\x90\0\x03"[..],
            b"\x7fELF\x02\x01",
            b"#!/bin/sh\n",
            b"<html><script>",
        ] {
            assert_eq!(sniff(hostile), None);
        }
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("C:\\evil\\x.png"), "x.png");
        assert_eq!(
            allowed_list(),
            "a PDF, a PNG image, a JPEG image, a GIF image or a WebP image"
        );
    }
}
