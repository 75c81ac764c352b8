//! Importing people from a CSV file: reading and checking every row against what the
//! institution already holds, before anything is written. Pure: the store supplies the facts
//! (`Known`) and writes the accepted rows; the tracker reports how far it has got.
//!
//! The file has a header line naming its columns, in any order: `name`, `email` and `role` are
//! required; `groups` (group names separated by `;`), `parent_of` (learners' emails separated
//! by `;`), `year_level` and `external_id` are optional.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use crate::model::{
    GroupId, ImportPhase, ImportProgress, ImportReport, InstitutionId, RowError, UserId,
    IMPORT_ERRORS_SHOWN,
};

/// The columns a file may have; the first three are required.
pub const COLUMNS: [&str; 7] = [
    "name",
    "email",
    "role",
    "groups",
    "parent_of",
    "year_level",
    "external_id",
];
const REQUIRED: usize = 3;

/// What the institution already holds that rows are checked against.
#[derive(Clone, Debug, Default)]
pub struct Known {
    /// Every email address in use, lower case (addresses are unique across Cairn).
    pub emails: HashSet<String>,
    /// The institution's learners by email.
    pub learners: HashMap<String, UserId>,
    /// The institution's open groups by lower-case name.
    pub groups: HashMap<String, GroupId>,
    /// The institution's roles: lower-case key and lower-case name both lead to (id, key).
    pub roles: HashMap<String, (i64, String)>,
    /// Every handle in use.
    pub handles: HashSet<String>,
}

/// A learner a parent row links to: one already here, or one on another row of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LearnerLink {
    Existing(UserId),
    InFile(String),
}

/// A row that passed every check, ready to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRow {
    pub line: u64,
    pub name: String,
    pub email: String,
    pub handle: String,
    pub role_id: i64,
    pub role_key: String,
    /// Groups joined, as a learner or a teacher according to the role.
    pub groups: Vec<GroupId>,
    pub children: Vec<LearnerLink>,
    pub year_level: Option<i64>,
    pub external_id: Option<String>,
}

/// The file's rows, checked: those to write and every rejection, by line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    pub rows: usize,
    pub accepted: Vec<PersonRow>,
    pub errors: Vec<RowError>,
}

impl Checked {
    /// The report of an import that wrote `imported` people.
    pub fn report(
        &self,
        file_name: &str,
        mode: crate::model::ImportMode,
        imported: usize,
    ) -> ImportReport {
        let mut rejected_lines: Vec<u64> = self.errors.iter().map(|error| error.line).collect();
        rejected_lines.dedup();
        ImportReport {
            file_name: file_name.to_string(),
            mode,
            rows: self.rows,
            imported,
            rejected: rejected_lines.len(),
            errors: self
                .errors
                .iter()
                .take(IMPORT_ERRORS_SHOWN)
                .cloned()
                .collect(),
            written: Vec::new(),
        }
    }
}

/// How far an import has got, shared between the task doing it and the pages following it.
#[derive(Clone, Debug)]
pub struct Tracker(Arc<Mutex<ImportProgress>>);

impl Tracker {
    pub fn new(id: u64, file_name: &str) -> Tracker {
        Tracker(Arc::new(Mutex::new(ImportProgress {
            id,
            file_name: file_name.to_string(),
            phase: ImportPhase::Reading,
            percent: 0,
            rows: 0,
            report: None,
            oneroster: None,
            case: None,
            failure: None,
        })))
    }

    fn update(&self, change: impl FnOnce(&mut ImportProgress)) {
        let mut progress = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut progress);
    }

    /// In `phase`, `rows` rows done: `fraction` (0 to 1) of the phase's share of the bar.
    pub fn advance(&self, phase: ImportPhase, rows: usize, fraction: f64) {
        let (start, end) = match phase {
            ImportPhase::Reading => (0.0, 20.0),
            ImportPhase::Checking => (20.0, 35.0),
            ImportPhase::Writing => (35.0, 99.0),
            ImportPhase::Done | ImportPhase::Failed => (100.0, 100.0),
        };
        let percent = (start + (end - start) * fraction.clamp(0.0, 1.0)).round() as u8;
        self.update(|progress| {
            progress.phase = phase;
            progress.rows = rows;
            progress.percent = progress.percent.max(percent);
        });
    }

    pub fn finish(&self, report: ImportReport) {
        self.update(|progress| {
            progress.phase = ImportPhase::Done;
            progress.percent = 100;
            progress.report = Some(report);
        });
    }

    /// A OneRoster preview or run finished: what it does or did.
    pub fn finish_oneroster(&self, preview: crate::model::OneRosterPreview) {
        self.update(|progress| {
            progress.phase = ImportPhase::Done;
            progress.percent = 100;
            progress.oneroster = Some(preview);
        });
    }

    /// A CASE preview or import finished: what it does or did.
    pub fn finish_case(&self, preview: crate::model::CasePreview) {
        self.update(|progress| {
            progress.phase = ImportPhase::Done;
            progress.percent = 100;
            progress.case = Some(preview);
        });
    }

    pub fn fail(&self, reason: String) {
        self.update(|progress| {
            progress.phase = ImportPhase::Failed;
            progress.percent = 100;
            progress.failure = Some(reason);
        });
    }

    pub fn snapshot(&self) -> ImportProgress {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// The imports under way or recently finished in this server process, by id; each belongs to
/// one institution and is shown only to it. With them, the OneRoster packages previewed, kept
/// until they are run (the last few only).
#[derive(Clone, Debug, Default)]
pub struct Imports {
    jobs: Arc<Mutex<HashMap<u64, (InstitutionId, Tracker)>>>,
    packages: Arc<Mutex<Vec<(u64, KeptPackage)>>>,
}

/// A package previewed, kept to be run.
#[derive(Clone, Debug)]
pub struct KeptPackage {
    pub institution_id: InstitutionId,
    pub file_name: String,
    pub bytes: Arc<Vec<u8>>,
    pub kind: PackageKind,
}

/// What a kept package is, with how it was previewed.
#[derive(Clone, Copy, Debug)]
pub enum PackageKind {
    OneRoster(crate::oneroster::Options),
    /// A CASE package or spreadsheet: its options are chosen again when it is run.
    Case,
}

/// How many finished imports are remembered before the oldest are forgotten.
const REMEMBERED: usize = 64;

/// How many previewed packages an institution keeps in memory to be run.
const PACKAGES_KEPT: usize = 4;

/// How many previewed packages are kept in memory in all.
const PACKAGES_KEPT_IN_ALL: usize = 16;

impl Imports {
    /// A new import's tracker.
    pub fn start(&self, institution_id: InstitutionId, file_name: &str) -> Tracker {
        let mut jobs = self
            .jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if jobs.len() >= REMEMBERED {
            let finished: Vec<u64> = jobs
                .iter()
                .filter(|(_, (_, tracker))| tracker.snapshot().phase.finished())
                .map(|(id, _)| *id)
                .collect();
            for id in finished.into_iter().take(REMEMBERED / 2) {
                jobs.remove(&id);
            }
        }
        let mut id = u64::from(rand::random::<u32>());
        while id == 0 || jobs.contains_key(&id) {
            id = u64::from(rand::random::<u32>());
        }
        let tracker = Tracker::new(id, file_name);
        jobs.insert(id, (institution_id, tracker.clone()));
        tracker
    }

    /// Where an import of this institution is, if there is one by that id.
    pub fn progress(&self, institution_id: InstitutionId, id: u64) -> Option<ImportProgress> {
        let jobs = self
            .jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        jobs.get(&id)
            .filter(|(owner, _)| *owner == institution_id)
            .map(|(_, tracker)| tracker.snapshot())
    }

    /// Waits until import `id` has finished, or `within` has passed: a page drawn next then
    /// shows what a short import wrote at once, and follows a long one.
    pub async fn settled(
        &self,
        institution_id: InstitutionId,
        id: u64,
        within: std::time::Duration,
    ) {
        let deadline = tokio::time::Instant::now() + within;
        while tokio::time::Instant::now() < deadline {
            match self.progress(institution_id, id) {
                Some(now) if !now.phase.finished() => {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                _ => return,
            }
        }
    }

    /// Keeps the package previewed by import `id`, forgetting the institution's oldest past a
    /// few (so one institution's previews never push out another's), and the oldest of all
    /// past a bound on memory.
    pub fn keep_package(&self, id: u64, package: KeptPackage) {
        let mut packages = self
            .packages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let institution = package.institution_id;
        let theirs = packages
            .iter()
            .filter(|(_, kept)| kept.institution_id == institution)
            .count();
        if theirs >= PACKAGES_KEPT {
            if let Some(oldest) = packages
                .iter()
                .position(|(_, kept)| kept.institution_id == institution)
            {
                packages.remove(oldest);
            }
        } else if packages.len() >= PACKAGES_KEPT_IN_ALL {
            packages.remove(0);
        }
        packages.push((id, package));
    }

    /// The package previewed by import `id`, if it is the institution's and still kept.
    pub fn package(&self, institution_id: InstitutionId, id: u64) -> Option<KeptPackage> {
        self.packages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .find(|(kept, package)| *kept == id && package.institution_id == institution_id)
            .map(|(_, package)| package.clone())
    }
}

fn error(line: u64, field: &str, reason: impl Into<String>) -> RowError {
    RowError {
        line,
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// The file's header and data rows as text, or the errors that stop it being read at all (a
/// wrong header, a file that is not UTF-8 text). Rows that are not UTF-8 are rejected one by one.
struct Table {
    /// Column index of each of `COLUMNS`, where present.
    columns: [Option<usize>; COLUMNS.len()],
    width: usize,
    rows: Vec<(u64, Result<Vec<String>, RowError>)>,
}

fn header(bytes: &[u8]) -> Result<(), RowError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(error(
            1,
            "file",
            "is UTF-16 text; save it as CSV UTF-8 and upload it again",
        ));
    }
    if bytes.iter().all(|byte| byte.is_ascii_whitespace()) {
        return Err(error(
            1,
            "file",
            format!(
                "is empty; the first line names the columns: {}",
                COLUMNS.join(",")
            ),
        ));
    }
    Ok(())
}

fn read_table(bytes: &[u8], tracker: &Tracker) -> Result<Table, Vec<RowError>> {
    header(bytes).map_err(|error| vec![error])?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let head = match records.next() {
        Some(Ok(record)) => record,
        Some(Err(fault)) => return Err(vec![error(1, "file", format!("cannot be read: {fault}"))]),
        None => return Err(vec![error(1, "file", "is empty")]),
    };
    let mut columns = [None; COLUMNS.len()];
    let mut errors = Vec::new();
    for (index, raw) in head.iter().enumerate() {
        let Ok(name) = std::str::from_utf8(raw) else {
            errors.push(error(
                1,
                "header",
                "is not UTF-8 text; save the file as CSV UTF-8",
            ));
            continue;
        };
        let name = name.trim().to_lowercase();
        match COLUMNS.iter().position(|column| *column == name) {
            Some(_) if name.is_empty() => {}
            Some(known) if columns[known].is_some() => {
                errors.push(error(1, &name, "is named twice in the header"));
            }
            Some(known) => columns[known] = Some(index),
            None => errors.push(error(
                1,
                if name.is_empty() { "header" } else { &name },
                format!(
                    "is not a column Cairn knows; the columns are {}",
                    COLUMNS.join(", ")
                ),
            )),
        }
    }
    for (index, column) in COLUMNS.iter().enumerate().take(REQUIRED) {
        if columns[index].is_none() && errors.iter().all(|error| error.field != "header") {
            errors.push(error(
                1,
                column,
                "is missing from the header, which must name it",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let total = bytes.len().max(1) as f64;
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(fault) => {
                let line = fault.position().map_or(0, |position| position.line());
                rows.push((
                    line,
                    Err(error(line, "row", format!("cannot be read: {fault}"))),
                ));
                continue;
            }
        };
        let (line, byte) = record
            .position()
            .map_or((0, 0), |position| (position.line(), position.byte()));
        if record
            .iter()
            .all(|field| field.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        if rows.len() % 2000 == 0 {
            tracker.advance(ImportPhase::Reading, rows.len(), byte as f64 / total);
        }
        let mut fields = Vec::with_capacity(record.len());
        let mut fault = None;
        for (index, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(text) => fields.push(text.trim().to_string()),
                Err(_) => {
                    let column = columns
                        .iter()
                        .position(|column| *column == Some(index))
                        .map_or("row", |known| COLUMNS[known]);
                    fault = Some(error(
                        line,
                        column,
                        "is not UTF-8 text; save the file as CSV UTF-8",
                    ));
                    break;
                }
            }
        }
        rows.push((line, fault.map_or(Ok(fields), Err)));
    }
    Ok(Table {
        columns,
        width: head.len(),
        rows,
    })
}

pub(crate) fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A handle not yet in use, from the person's name (or their email when the name has no
/// letters or digits).
pub(crate) fn handle_for(name: &str, email: &str, handles: &mut HashSet<String>) -> String {
    let slug = |text: &str| -> String {
        let mut slug = String::new();
        for c in text.to_lowercase().chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('.') {
                slug.push('.');
            }
        }
        slug.trim_end_matches('.').chars().take(40).collect()
    };
    let mut base = slug(name);
    if base.is_empty() {
        base = slug(email.split('@').next().unwrap_or_default());
    }
    if base.is_empty() {
        base = "person".into();
    }
    let mut handle = base.clone();
    let mut n = 2;
    while handles.contains(&handle) {
        handle = format!("{base}.{n}");
        n += 1;
    }
    handles.insert(handle.clone());
    handle
}

fn split_list(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads and checks every row of `bytes`. A row is accepted only when every field is right;
/// a parent row is rejected when a learner it names was rejected.
pub fn check(bytes: &[u8], known: &Known, tracker: &Tracker) -> Checked {
    let table = match read_table(bytes, tracker) {
        Ok(table) => table,
        Err(errors) => {
            return Checked {
                rows: 0,
                accepted: Vec::new(),
                errors,
            }
        }
    };
    let total = table.rows.len();
    let mut checked = Checked {
        rows: total,
        ..Checked::default()
    };
    let mut handles = known.handles.clone();
    // Emails seen on earlier rows, with their line.
    let mut seen: HashMap<String, u64> = HashMap::new();
    // Learners of the file, with whether their row was accepted.
    let mut file_learners: HashMap<String, (u64, bool)> = HashMap::new();
    let role_names: Vec<&str> = {
        let mut keys: Vec<&str> = known.roles.values().map(|(_, key)| key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    };
    let mut pending_parents = Vec::new();
    for (index, (line, row)) in table.rows.into_iter().enumerate() {
        if index % 2000 == 0 {
            tracker.advance(ImportPhase::Checking, index, index as f64 / total as f64);
        }
        let fields = match row {
            Ok(fields) => fields,
            Err(fault) => {
                checked.errors.push(fault);
                continue;
            }
        };
        if fields.len() != table.width {
            checked.errors.push(error(
                line,
                "row",
                format!(
                    "has {} fields where the header has {}",
                    fields.len(),
                    table.width
                ),
            ));
            continue;
        }
        let field = |column: usize| -> &str {
            table.columns[column].map_or("", |index| fields[index].as_str())
        };
        let mut faults = Vec::new();
        let name = field(0);
        if name.is_empty() {
            faults.push(error(line, "name", "is empty"));
        } else if name.chars().count() > 200 {
            faults.push(error(line, "name", "is longer than 200 characters"));
        }
        let email = crate::store::accounts::normalize_email(field(1));
        if email.is_empty() {
            faults.push(error(line, "email", "is empty"));
        } else if !valid_email(&email) {
            faults.push(error(
                line,
                "email",
                format!("'{email}' is not an email address"),
            ));
        } else if let Some(first) = seen.get(&email) {
            faults.push(error(
                line,
                "email",
                format!("{email} is already on line {first}"),
            ));
        } else if known.emails.contains(&email) {
            faults.push(error(
                line,
                "email",
                // One answer wherever the address is taken — in this institution or another
                // on the same Cairn — so that an import says nothing about other institutions.
                format!("{email} cannot be used for a new account; choose another address"),
            ));
        }
        let role = known.roles.get(&field(2).to_lowercase()).cloned();
        if role.is_none() {
            faults.push(error(
                line,
                "role",
                if field(2).is_empty() {
                    format!("is empty; it is one of {}", role_names.join(", "))
                } else {
                    format!(
                        "'{}' is not a role here; the roles are {}",
                        field(2),
                        role_names.join(", ")
                    )
                },
            ));
        }
        let role_key = role.as_ref().map_or("", |(_, key)| key.as_str());
        let mut groups = Vec::new();
        for group in split_list(field(3)) {
            match known.groups.get(&group.to_lowercase()) {
                Some(id) if groups.contains(id) => {}
                Some(id) => groups.push(*id),
                None => faults.push(error(
                    line,
                    "groups",
                    format!("no open group is named '{group}'"),
                )),
            }
        }
        if !groups.is_empty() && role.is_some() && !matches!(role_key, "learner" | "teacher") {
            faults.push(error(
                line,
                "groups",
                format!("only learners and teachers join groups, not a {role_key}"),
            ));
        }
        let children = split_list(field(4));
        if !children.is_empty() && role.is_some() && role_key != "parent" {
            faults.push(error(
                line,
                "parent_of",
                format!("only a parent is linked to learners, not a {role_key}"),
            ));
        }
        let year_level = match field(5) {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(level) if (0..=13).contains(&level) => Some(level),
                _ => {
                    faults.push(error(
                        line,
                        "year_level",
                        format!("'{text}' is not a year level from 0 to 13"),
                    ));
                    None
                }
            },
        };
        let external_id = Some(field(6)).filter(|id| !id.is_empty());
        if external_id.is_some_and(|id| id.chars().count() > 100) {
            faults.push(error(line, "external_id", "is longer than 100 characters"));
        }
        if valid_email(&email) {
            seen.entry(email.clone()).or_insert(line);
        }
        if role_key == "learner" {
            file_learners.insert(email.clone(), (line, faults.is_empty()));
        }
        if !faults.is_empty() {
            checked.errors.extend(faults);
            continue;
        }
        let (role_id, role_key) = role.expect("checked above");
        let handle = handle_for(name, &email, &mut handles);
        pending_parents.push((checked.accepted.len(), children));
        checked.accepted.push(PersonRow {
            line,
            name: name.to_string(),
            email,
            handle,
            role_id,
            role_key,
            groups,
            children: Vec::new(),
            year_level,
            external_id: external_id.map(str::to_string),
        });
    }
    // Parents' children, now that every learner row of the file is known.
    let mut rejected_parents = HashSet::new();
    for (index, children) in pending_parents {
        let line = checked.accepted[index].line;
        let mut links = Vec::new();
        for child in children {
            let child = crate::store::accounts::normalize_email(&child);
            if let Some(id) = known.learners.get(&child) {
                links.push(LearnerLink::Existing(*id));
            } else {
                match file_learners.get(&child) {
                    Some((_, true)) => links.push(LearnerLink::InFile(child)),
                    Some((learner_line, false)) => {
                        checked.errors.push(error(
                            line,
                            "parent_of",
                            format!(
                                "{child} is the learner on line {learner_line}, which was rejected"
                            ),
                        ));
                        rejected_parents.insert(index);
                    }
                    None => {
                        checked.errors.push(error(
                            line,
                            "parent_of",
                            format!("no learner has the email {child}"),
                        ));
                        rejected_parents.insert(index);
                    }
                }
            }
        }
        checked.accepted[index].children = links;
    }
    if !rejected_parents.is_empty() {
        let mut index = 0;
        checked.accepted.retain(|_| {
            let keep = !rejected_parents.contains(&index);
            index += 1;
            keep
        });
    }
    checked.errors.sort_by_key(|error| error.line);
    tracker.advance(ImportPhase::Checking, total, 1.0);
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        let mut known = Known::default();
        known.emails.insert("taken@example.org".into());
        known.learners.insert("ada@example.org".into(), 7);
        known.groups.insert("7 blue".into(), 3);
        for (id, key, name) in [
            (1, "learner", "Learner"),
            (2, "parent", "Parent"),
            (3, "teacher", "Teacher"),
        ] {
            known.roles.insert(key.into(), (id, key.into()));
            known.roles.insert(name.to_lowercase(), (id, key.into()));
        }
        known.handles.insert("mia.chen".into());
        known
    }

    fn run(csv: &str) -> Checked {
        check(csv.as_bytes(), &known(), &Tracker::new(1, "people.csv"))
    }

    #[test]
    fn good_rows_are_accepted_with_their_groups_links_and_a_free_handle() {
        let checked = run("name,email,role,groups,parent_of\n\
             Mia Chen,Mia@Example.org,learner,7 Blue,\n\
             Sam Chen,sam@example.org,Parent,,mia@example.org; ada@example.org\n");
        assert_eq!(checked.errors, vec![]);
        assert_eq!(checked.rows, 2);
        let mia = &checked.accepted[0];
        assert_eq!(
            (mia.email.as_str(), mia.handle.as_str(), &mia.groups[..]),
            ("mia@example.org", "mia.chen.2", &[3][..])
        );
        assert_eq!(
            checked.accepted[1].children,
            vec![
                LearnerLink::InFile("mia@example.org".into()),
                LearnerLink::Existing(7)
            ]
        );
    }

    #[test]
    fn each_bad_row_is_named_by_line_field_and_reason() {
        let checked = run("email,name,role,groups\n\
             a@example.org,A,learner,\n\
             taken@example.org,B,learner,\n\
             a@example.org,C,learner,\n\
             d@example.org,D,pilot,\n\
             e@example.org,E,learner,Red Room\n\
             not-an-email,F,learner,\n\
             g@example.org,G,learner\n");
        let found: Vec<(u64, &str)> = checked
            .errors
            .iter()
            .map(|error| (error.line, error.field.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, "email"),
                (4, "email"),
                (5, "role"),
                (6, "groups"),
                (7, "email"),
                (8, "row")
            ]
        );
        assert!(checked.errors[1].reason.contains("already on line 2"));
        assert_eq!(checked.accepted.len(), 1);
    }

    #[test]
    fn a_wrong_header_rejects_the_file_at_line_one() {
        let checked = run("name,mail,role\nA,a@example.org,learner\n");
        assert_eq!(checked.accepted, vec![]);
        let fields: Vec<&str> = checked.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["mail", "email"]);
        assert!(checked.errors.iter().all(|error| error.line == 1));
    }

    #[test]
    fn text_that_is_not_utf8_is_named_by_line_and_column() {
        let mut bytes = b"name,email,role\n".to_vec();
        bytes.extend_from_slice(b"Jos\xE9,jose@example.org,learner\n");
        bytes.extend_from_slice(b"Ana,ana@example.org,learner\n");
        let checked = check(&bytes, &known(), &Tracker::new(1, "x.csv"));
        assert_eq!(
            checked.errors,
            vec![error(
                2,
                "name",
                "is not UTF-8 text; save the file as CSV UTF-8"
            )]
        );
        assert_eq!(checked.accepted.len(), 1);
        let utf16 = check(b"\xFF\xFEn\0", &known(), &Tracker::new(1, "x.csv"));
        assert_eq!(utf16.errors[0].field, "file");
    }

    #[test]
    fn a_parent_of_a_rejected_learner_is_rejected_too() {
        let checked = run("name,email,role,parent_of\n\
             ,kid@example.org,learner,\n\
             Pat,pat@example.org,parent,kid@example.org\n\
             Lee,lee@example.org,parent,nobody@example.org\n");
        let lines: Vec<(u64, &str)> = checked
            .errors
            .iter()
            .map(|error| (error.line, error.field.as_str()))
            .collect();
        assert_eq!(lines, vec![(2, "name"), (3, "parent_of"), (4, "parent_of")]);
        assert!(checked.errors[1].reason.contains("line 2"));
        assert_eq!(checked.accepted, vec![]);
        let report = checked.report("x.csv", crate::model::ImportMode::ValidRows, 0);
        assert_eq!((report.rows, report.rejected), (3, 3));
    }

    #[test]
    fn progress_only_moves_forward_and_ends_at_the_top() {
        let tracker = Tracker::new(9, "x.csv");
        tracker.advance(ImportPhase::Writing, 10, 0.5);
        let halfway = tracker.snapshot().percent;
        tracker.advance(ImportPhase::Checking, 10, 0.0);
        assert_eq!(tracker.snapshot().percent, halfway);
        tracker.finish(ImportReport::default());
        assert_eq!(tracker.snapshot().percent, 100);
        let imports = Imports::default();
        let job = imports.start(1, "x.csv");
        let id = job.snapshot().id;
        assert!(imports.progress(1, id).is_some());
        assert_eq!(
            imports.progress(2, id),
            None,
            "another institution's import"
        );
    }
}
