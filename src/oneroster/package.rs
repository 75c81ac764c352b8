//! Where a package's files come from: a `.zip` (as uploaded, or on disk) or a folder. Files
//! are found by name whatever their case and wherever they sit in the zip (exports often put
//! them in a folder of their own), and are read as streams.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

/// The largest file Cairn reads out of a package, uncompressed: far above any school's
/// enrolments, far below a zip bomb's.
const LARGEST_FILE: u64 = 1 << 30;

/// A OneRoster CSV package.
pub enum Package {
    Zip(zip::ZipArchive<Cursor<Vec<u8>>>),
    Folder(PathBuf),
}

impl Package {
    /// A package from a zip file's bytes, or why they are not one.
    pub fn zip(bytes: Vec<u8>) -> Result<Package, String> {
        zip::ZipArchive::new(Cursor::new(bytes))
            .map(Package::Zip)
            .map_err(|error| format!("is not a zip file Cairn can read ({error})"))
    }

    /// A package from a path: a folder of CSV files or a `.zip`.
    pub fn open(path: &Path) -> Result<Package, String> {
        if path.is_dir() {
            return Ok(Package::Folder(path.to_path_buf()));
        }
        let bytes = std::fs::read(path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        Package::zip(bytes)
    }

    /// The file called `name` (`users.csv`), to read, if the package has it.
    pub fn file(&mut self, name: &str) -> Result<Option<Box<dyn Read + '_>>, String> {
        match self {
            Package::Folder(folder) => {
                let entries = std::fs::read_dir(&*folder)
                    .map_err(|error| format!("cannot read {}: {error}", folder.display()))?;
                for entry in entries.flatten() {
                    if entry
                        .file_name()
                        .to_string_lossy()
                        .eq_ignore_ascii_case(name)
                    {
                        let file = std::fs::File::open(entry.path()).map_err(|error| {
                            format!("cannot read {}: {error}", entry.path().display())
                        })?;
                        return Ok(Some(Box::new(std::io::BufReader::new(file))));
                    }
                }
                Ok(None)
            }
            Package::Zip(archive) => {
                let found = (0..archive.len()).find(|index| {
                    archive
                        .name_for_index(*index)
                        .and_then(Result::ok)
                        .is_some_and(|path| {
                            !path.ends_with('/')
                                && !path.contains("__MACOSX")
                                && path
                                    .rsplit('/')
                                    .next()
                                    .is_some_and(|file| file.eq_ignore_ascii_case(name))
                        })
                });
                let Some(index) = found else {
                    return Ok(None);
                };
                let file = archive
                    .by_index(index)
                    .map_err(|error| format!("{name} cannot be read from the zip: {error}"))?;
                if file.size() > LARGEST_FILE {
                    return Err(format!(
                        "{name} is {} MB uncompressed; Cairn reads files up to {} MB",
                        file.size() >> 20,
                        LARGEST_FILE >> 20
                    ));
                }
                Ok(Some(Box::new(file.take(LARGEST_FILE))))
            }
        }
    }
}
