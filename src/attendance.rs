//! The attendance feed (I3) and the attendance module (D5): records as an attendance system
//! sends them — pushed as JSON or a CSV file — checked one by one, and the rates, weeks and
//! recent absences the dashboards show, under the one policy.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use jiff::ToSpan;

use crate::access::authorize_learner;
use crate::error::{CoreError, CoreResult};
use crate::model::{
    AttendanceEntry, AttendanceError, AttendanceFeed, AttendancePeriod, AttendanceRun,
    AttendanceStatus, AttendanceTally, AttendanceWeek, ImportMode, InstitutionId,
    LearnerAttendance, UserId, Viewer,
};
use crate::oneroster::table::{self, Table};
use crate::policy::may_view_institution;
use crate::store::attendance::Delivery;
pub use crate::store::attendance::{Outcome, Sender};
use crate::store::Store;

/// Records one push may carry.
pub const MAX_PUSH: usize = 1000;
/// Absences and lates a dashboard lists.
const RECENT_SHOWN: usize = 8;
/// The span counted when an institution has no terms: thirteen weeks, a term's length.
const DEFAULT_WEEKS: i64 = 13;

/// A record that passed every check, its learner and class still named as the feed named them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The id the source gave it; a file may leave it out (then the learner, day and session
    /// are its identity).
    pub sourced_id: Option<String>,
    /// The learner's email or external id.
    pub learner: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `day` when the system records whole days; `AM`, `PM`, `Period 3` otherwise.
    pub session: String,
    pub status: AttendanceStatus,
    /// The class (group) by external id or class code.
    pub class: Option<String>,
    pub note: Option<String>,
}

/// One record as read: where it was (an index, a line), and the record or what is wrong.
pub type Read = (u64, Result<Record, Vec<AttendanceError>>);

/// A record's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    SourcedId,
    Learner,
    Day,
    Session,
    Status,
    Class,
    Note,
}

impl Field {
    const ALL: [Field; 7] = [
        Field::SourcedId,
        Field::Learner,
        Field::Day,
        Field::Session,
        Field::Status,
        Field::Class,
        Field::Note,
    ];

    /// The names it goes by, in a pushed object (the first is the one errors use) and as CSV
    /// headers (any case, spaces ignored): OneRoster's words, and the ones attendance exports
    /// use.
    fn names(self) -> &'static [&'static str] {
        match self {
            Field::SourcedId => &["sourcedId", "id", "recordId"],
            // Ids and addresses first: a column called just "Student" may hold a name.
            Field::Learner => &[
                "userId",
                "userSourcedId",
                "email",
                "studentId",
                "studentEmail",
                "studentSourcedId",
                "studentNumber",
                "learnerId",
                "learnerEmail",
                "userEmail",
                "pupilId",
                "upn",
                "learner",
                "student",
                "pupil",
            ],
            Field::Day => &["date", "day", "attendanceDate", "sessionDate"],
            Field::Session => &["session", "period", "lesson"],
            Field::Status => &[
                "status",
                "attendanceStatus",
                "attendanceCode",
                "code",
                "mark",
            ],
            Field::Class => &[
                "classSourcedId",
                "class",
                "classCode",
                "className",
                "group",
                "section",
                "sectionId",
            ],
            Field::Note => &["note", "comment", "notes", "reason", "remarks"],
        }
    }

    fn name(self) -> &'static str {
        self.names()[0]
    }
}

/// Checks one record's fields (`field` looks one up by its names); `sourced_id_required` for
/// a push, where every record must carry its id.
fn check(
    field: impl Fn(Field) -> Option<String>,
    sourced_id_required: bool,
    today: Date,
) -> Result<Record, Vec<(&'static str, String)>> {
    let mut faults = Vec::new();
    let sourced_id = field(Field::SourcedId);
    match &sourced_id {
        None if sourced_id_required => faults.push((
            "sourcedId",
            "is required: the record's id at its source".into(),
        )),
        Some(id) if id.chars().count() > 200 => {
            faults.push(("sourcedId", "is longer than 200 characters".into()))
        }
        _ => {}
    }
    let learner = field(Field::Learner);
    if learner.is_none() {
        faults.push((
            "userId",
            "is required: the learner's email or external id".into(),
        ));
    }
    let day = match field(Field::Day) {
        None => {
            faults.push(("date", "is required (YYYY-MM-DD)".into()));
            None
        }
        Some(text) => match table::day(&text).ok().and_then(|d| d.parse::<Date>().ok()) {
            None => {
                faults.push(("date", format!("“{text}” is not a date (YYYY-MM-DD)")));
                None
            }
            // A day ahead allows for the source's time zone; a register is not taken later.
            Some(day) if day > today.saturating_add(1.day()) => {
                faults.push(("date", format!("{day} is in the future")));
                None
            }
            Some(day) => Some(day.to_string()),
        },
    };
    let session = field(Field::Session).unwrap_or_else(|| "day".into());
    if session.chars().count() > 40 {
        faults.push(("session", "is longer than 40 characters".into()));
    }
    let status = match field(Field::Status) {
        None => {
            faults.push((
                "status",
                "is required: present, absent, late or excused".into(),
            ));
            None
        }
        Some(text) => {
            let status = AttendanceStatus::parse(&text);
            if status.is_none() {
                faults.push((
                    "status",
                    format!("“{text}” is not present, absent, late or excused"),
                ));
            }
            status
        }
    };
    let class = field(Field::Class);
    let note = field(Field::Note);
    if note.as_ref().is_some_and(|note| note.chars().count() > 500) {
        faults.push(("note", "is longer than 500 characters".into()));
    }
    match (learner, day, status) {
        (Some(learner), Some(day), Some(status)) if faults.is_empty() => Ok(Record {
            sourced_id,
            learner,
            day,
            session,
            status,
            class,
            note,
        }),
        _ => Err(faults),
    }
}

fn errors(
    at: u64,
    sourced_id: Option<String>,
    faults: Vec<(&str, String)>,
) -> Vec<AttendanceError> {
    faults
        .into_iter()
        .map(|(field, reason)| AttendanceError {
            at,
            sourced_id: sourced_id.clone(),
            field: field.to_string(),
            reason,
        })
        .collect()
}

/// A pushed body: a JSON array of up to `MAX_PUSH` record objects (or one object), each read
/// on its own; or why the body as a whole is refused.
pub fn read_push(body: &[u8], today: Date) -> Result<Vec<Read>, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|error| format!("the body is not JSON: {error}"))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        object @ serde_json::Value::Object(_) => vec![object],
        _ => return Err("the body must be a JSON array of attendance records".into()),
    };
    if items.is_empty() {
        return Err("the body is an empty array: there is nothing to record".into());
    }
    if items.len() > MAX_PUSH {
        return Err(format!(
            "{} records in one request; send at most {MAX_PUSH}",
            items.len()
        ));
    }
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let at = index as u64;
            let serde_json::Value::Object(object) = item else {
                return (
                    at,
                    Err(errors(
                        at,
                        None,
                        vec![("record", "is not a JSON object".into())],
                    )),
                );
            };
            let field = |field: Field| {
                field
                    .names()
                    .iter()
                    .find_map(|name| match object.get(*name) {
                        Some(serde_json::Value::String(text)) => {
                            Some(text.trim().to_string()).filter(|text| !text.is_empty())
                        }
                        Some(serde_json::Value::Number(number)) => Some(number.to_string()),
                        _ => None,
                    })
            };
            let sourced_id = field(Field::SourcedId);
            let record = check(field, true, today).map_err(|faults| errors(at, sourced_id, faults));
            (at, record)
        })
        .collect())
}

/// A CSV file of records, read leniently (a byte-order mark, CRLF, headers in any case, extra
/// columns, blank lines): each row by its line; or why the file as a whole cannot be read.
pub fn read_csv(file: &str, bytes: &[u8], today: Date) -> Result<Vec<Read>, AttendanceError> {
    let refused = |error: crate::model::OneRosterError| AttendanceError {
        at: error.line,
        sourced_id: None,
        field: error.field,
        reason: error.reason,
    };
    let mut table = Table::open(file, bytes, &[]).map_err(refused)?;
    // Each field's column: the first of its names the header has.
    let columns: Vec<Option<String>> = Field::ALL
        .iter()
        .map(|field| {
            field
                .names()
                .iter()
                .map(|name| name.to_lowercase())
                .find(|name| table.columns.has(name))
        })
        .collect();
    for (field, what) in [
        (Field::Learner, "the learner"),
        (Field::Day, "the date"),
        (Field::Status, "the status"),
    ] {
        if columns[field as usize].is_none() {
            let names = field.names();
            return Err(AttendanceError {
                at: 1,
                sourced_id: None,
                field: field.name().to_string(),
                reason: format!(
                    "the header has no column for {what}: name it {}",
                    names[..names.len().min(4)].join(", ") + " or similar"
                ),
            });
        }
    }
    let mut read = Vec::new();
    while let Some(row) = table.next_row() {
        match row {
            Ok(row) => {
                let field = |field: Field| {
                    let column = columns[field as usize].as_deref()?;
                    Some(table.columns.get(&row, column).to_string())
                        .filter(|value| !value.is_empty())
                };
                let sourced_id = field(Field::SourcedId);
                let record = check(field, false, today)
                    .map_err(|faults| errors(row.line, sourced_id, faults));
                read.push((row.line, record));
            }
            Err(error) => {
                let at = error.line;
                read.push((at, Err(vec![refused(error)])));
            }
        }
    }
    Ok(read)
}

/// The span attendance is counted over, from the institution's terms (`(title, start, end)`,
/// dates `YYYY-MM-DD`): the term under way (the latest-starting one, so a term rather than its
/// school year); between terms, the last one to start, up to today (records keep coming before
/// the next term is set up, and a dashboard shows them); without terms, the last thirteen weeks.
pub fn period(terms: &[(String, String, String)], today: Date) -> AttendancePeriod {
    let started: Vec<(&String, Date, Date)> = terms
        .iter()
        .filter_map(|(title, start, end)| {
            Some((
                title,
                start.parse::<Date>().ok()?,
                end.parse::<Date>().ok()?,
            ))
        })
        .filter(|(_, start, end)| start <= end && *start <= today)
        .collect();
    let current = started
        .iter()
        .filter(|(_, _, end)| *end >= today)
        .max_by_key(|(_, start, _)| *start);
    let last = || started.iter().max_by_key(|(_, start, end)| (*start, *end));
    match current.or_else(last) {
        Some((title, start, end)) => AttendancePeriod {
            title: (*title).clone(),
            start: start.to_string(),
            end: (*end).max(today).to_string(),
        },
        None => AttendancePeriod {
            title: format!("the last {DEFAULT_WEEKS} weeks"),
            start: monday(today)
                .saturating_sub((DEFAULT_WEEKS - 1).weeks())
                .to_string(),
            end: today.to_string(),
        },
    }
}

/// The Monday of a day's week.
fn monday(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.saturating_sub(back.days())
}

/// Whole weeks from the Monday `first` to the Monday `monday` (`YYYY-MM-DD`).
fn weeks_between(first: Date, monday: &str) -> u32 {
    monday
        .parse::<Date>()
        .ok()
        .and_then(|monday| first.until(monday).ok())
        .map_or(0, |span| (span.get_days().max(0) / 7) as u32)
}

/// One stored record as a dashboard reads it: day, session, status, class, note.
pub type Stored = (
    String,
    String,
    AttendanceStatus,
    Option<String>,
    Option<String>,
);

/// A learner's attendance over `period` from their records in it: the tally, this week's, the
/// weeks with sessions, and the latest absences and lates.
pub fn summarize(
    learner_id: UserId,
    period: AttendancePeriod,
    today: Date,
    records: &[Stored],
) -> LearnerAttendance {
    let this_monday = monday(today).to_string();
    let first_monday = period.start.parse::<Date>().map_or(today, monday);
    let mut term = AttendanceTally::default();
    let mut this_week = AttendanceTally::default();
    let mut weeks: BTreeMap<String, AttendanceTally> = BTreeMap::new();
    for (day, _, status, _, _) in records {
        term.add(*status);
        let Ok(date) = day.parse::<Date>() else {
            continue;
        };
        let week = monday(date).to_string();
        if week == this_monday {
            this_week.add(*status);
        }
        weeks.entry(week).or_default().add(*status);
    }
    let mut recent: Vec<AttendanceEntry> = records
        .iter()
        .filter(|(_, _, status, _, _)| *status != AttendanceStatus::Present)
        .map(|(day, session, status, group, note)| AttendanceEntry {
            day: day.clone(),
            session: session.clone(),
            status: *status,
            group: group.clone(),
            note: note.clone(),
        })
        .collect();
    recent.sort_by(|a, b| (&b.day, &b.session).cmp(&(&a.day, &a.session)));
    recent.truncate(RECENT_SHOWN);
    LearnerAttendance {
        learner_id,
        period,
        today: today.to_string(),
        term,
        this_week,
        weeks: weeks
            .into_iter()
            .map(|(starts, tally)| AttendanceWeek {
                number: weeks_between(first_monday, &starts),
                starts,
                tally,
            })
            .collect(),
        recent,
    }
}

/// The institution's "today" and the span counted over.
pub async fn today_and_period(
    store: &Store,
    institution_id: InstitutionId,
) -> CoreResult<(Date, AttendancePeriod)> {
    let today = crate::zones::today(&store.time_zone(Some(institution_id)).await?);
    let terms = store.attendance_terms(institution_id).await?;
    Ok((today, period(&terms, today)))
}

/// A learner's attendance, for whoever may see the learner.
pub async fn learner_attendance(
    store: &Store,
    viewer: &Viewer,
    learner_id: UserId,
) -> CoreResult<LearnerAttendance> {
    let relations = authorize_learner(store, viewer, learner_id).await?;
    let (today, period) = today_and_period(store, relations.institution_id).await?;
    let attendance = store.learner_attendance(learner_id, period, today).await?;
    Ok(Arc::unwrap_or_clone(attendance))
}

/// The feed's status, for the institution's administrators, and one of its runs (the import
/// they have just made).
pub async fn feed(
    store: &Store,
    viewer: &Viewer,
    run: Option<i64>,
) -> CoreResult<(AttendanceFeed, Option<AttendanceRun>)> {
    if !may_view_institution(viewer, viewer.institution_id) {
        return Err(CoreError::Forbidden);
    }
    let feed = store.attendance_feed(viewer.institution_id).await?;
    let run = match run {
        Some(id) => store.attendance_run(viewer.institution_id, id).await?,
        None => None,
    };
    Ok((feed, run))
}

/// An administrator's CSV file of records, imported from the page (see `import`).
pub async fn import_csv(
    store: &Store,
    viewer: &Viewer,
    file: &str,
    bytes: &[u8],
    mode: ImportMode,
) -> CoreResult<AttendanceRun> {
    if !may_view_institution(viewer, viewer.institution_id) {
        return Err(CoreError::Forbidden);
    }
    let sender = Sender::Import {
        actor_id: Some(viewer.id),
        origin: viewer.origin.as_deref(),
    };
    import(
        store,
        viewer.institution_id,
        sender,
        file,
        bytes,
        mode,
        false,
    )
    .await
}

/// A CSV file of records: checked, and — unless `dry_run` — written as `mode` says (every
/// row, or nothing when any is wrong; or the valid rows), with its audit line and its place in
/// the feed's history. A file that cannot be read at all is refused whole.
pub async fn import(
    store: &Store,
    institution_id: InstitutionId,
    sender: Sender<'_>,
    file: &str,
    bytes: &[u8],
    mode: ImportMode,
    dry_run: bool,
) -> CoreResult<AttendanceRun> {
    let today = crate::zones::today(&store.time_zone(Some(institution_id)).await?);
    let records = read_csv(file, bytes, today).map_err(|error| {
        CoreError::invalid(
            "file",
            format!(
                "{file}, line {}: {} {}",
                error.at, error.field, error.reason
            ),
        )
    })?;
    let delivery = Delivery {
        institution_id,
        source: file.to_string(),
        sender,
        valid_only: mode == ImportMode::ValidRows,
        dry_run,
    };
    Ok(store.record_attendance(&delivery, records).await?.0)
}

/// A pushed body from a system holding the institution's token `source` (its name): each
/// record's `sourcedId` and outcome in order, or why the body is refused whole.
#[allow(clippy::type_complexity)]
pub async fn push(
    store: &Store,
    institution_id: InstitutionId,
    source: &str,
    body: &[u8],
) -> CoreResult<Result<(AttendanceRun, Vec<(Option<String>, Outcome)>), String>> {
    let today = crate::zones::today(&store.time_zone(Some(institution_id)).await?);
    let records = match read_push(body, today) {
        Ok(records) => records,
        Err(reason) => return Ok(Err(reason)),
    };
    let sourced_ids: Vec<Option<String>> = records
        .iter()
        .map(|(_, read)| match read {
            Ok(record) => record.sourced_id.clone(),
            Err(errors) => errors.first().and_then(|e| e.sourced_id.clone()),
        })
        .collect();
    let delivery = Delivery {
        institution_id,
        source: source.to_string(),
        sender: Sender::Push,
        valid_only: true,
        dry_run: false,
    };
    let (run, outcomes) = store.record_attendance(&delivery, records).await?;
    Ok(Ok((run, sourced_ids.into_iter().zip(outcomes).collect())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        "2026-12-07".parse().unwrap()
    }

    #[test]
    fn statuses_read_in_the_words_and_codes_systems_use() {
        for (text, status) in [
            ("present", AttendanceStatus::Present),
            ("P", AttendanceStatus::Present),
            ("Absent", AttendanceStatus::Absent),
            ("unexcused", AttendanceStatus::Absent),
            ("TARDY", AttendanceStatus::Late),
            ("L", AttendanceStatus::Late),
            // A UK register's late after it closed counts as an absence.
            ("U", AttendanceStatus::Absent),
            ("I", AttendanceStatus::Excused),
            ("Authorised", AttendanceStatus::Excused),
            ("excused", AttendanceStatus::Excused),
        ] {
            assert_eq!(AttendanceStatus::parse(text), Some(status), "{text}");
        }
        assert_eq!(AttendanceStatus::parse("sick"), None);
    }

    #[test]
    fn a_pushed_record_is_checked_field_by_field() {
        let body = br#"[
            {"sourcedId": "a1", "userId": "ana@school.example", "date": "2026-12-07",
             "session": "AM", "status": "absent", "note": "dentist"},
            {"userId": "ben@school.example", "date": "07/12/2026", "status": "sick"},
            {"sourcedId": "a3", "userId": "cy@school.example", "date": "2026-12-07T08:40:00Z",
             "status": "L"},
            {"sourcedId": "a4", "userId": "di@school.example", "date": "2027-01-10",
             "status": "present"},
            7
        ]"#;
        let read = read_push(body, today()).unwrap();
        assert_eq!(read.len(), 5);
        let first = read[0].1.as_ref().unwrap();
        assert_eq!(first.session, "AM");
        assert_eq!(first.status, AttendanceStatus::Absent);
        assert_eq!(first.note.as_deref(), Some("dentist"));
        let faults: Vec<&str> = read[1]
            .1
            .as_ref()
            .unwrap_err()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(faults, ["sourcedId", "date", "status"]);
        let third = read[2].1.as_ref().unwrap();
        assert_eq!(
            (third.day.as_str(), third.session.as_str()),
            ("2026-12-07", "day")
        );
        assert_eq!(third.status, AttendanceStatus::Late);
        assert!(read[3].1.as_ref().unwrap_err()[0].reason.contains("future"));
        assert_eq!(read[4].1.as_ref().unwrap_err()[0].field, "record");
    }

    #[test]
    fn a_body_that_is_not_a_list_of_records_is_refused_whole() {
        assert!(read_push(b"[]", today()).unwrap_err().contains("empty"));
        assert!(read_push(b"\"x\"", today()).is_err());
        assert!(read_push(b"{not json", today()).is_err());
        let many = format!("[{}]", vec!["{}"; MAX_PUSH + 1].join(","));
        assert!(read_push(many.as_bytes(), today())
            .unwrap_err()
            .contains("at most 1000"));
        // One object is a list of one.
        let one = br#"{"sourcedId": "x", "userId": "a@b.c", "date": "2026-12-01", "status": "P"}"#;
        assert!(read_push(one, today()).unwrap()[0].1.is_ok());
    }

    #[test]
    fn a_messy_csv_export_reads_by_line() {
        let file = "\u{feff} Student ID ,Date,Period,Attendance Status,Class,Comment,extra\r\n\
                    s-1,2026-12-01,AM,P,7A,,x\r\n\
                    \r\n\
                    s-2,2026-12-01,AM,Tardy,7A,bus late,x\r\n\
                    s-3,2026-12-01,AM,,7A,,x\r\n";
        let read = read_csv("register.csv", file.as_bytes(), today()).unwrap();
        assert_eq!(read.len(), 3);
        let first = read[0].1.as_ref().unwrap();
        assert_eq!(first.learner, "s-1");
        assert_eq!(first.class.as_deref(), Some("7A"));
        assert_eq!(first.sourced_id, None);
        let second = read[1].1.as_ref().unwrap();
        assert_eq!(read[1].0, 4);
        assert_eq!(second.status, AttendanceStatus::Late);
        assert_eq!(second.note.as_deref(), Some("bus late"));
        let third = read[2].1.as_ref().unwrap_err();
        assert_eq!((third[0].at, third[0].field.as_str()), (5, "status"));
        let missing = read_csv("r.csv", b"email,date\na@b.c,2026-12-01\n", today()).unwrap_err();
        assert_eq!(missing.field, "status");
    }

    #[test]
    fn the_period_is_the_term_under_way_or_the_last_one() {
        let terms = vec![
            (
                "2026-27".to_string(),
                "2026-08-24".to_string(),
                "2027-07-16".to_string(),
            ),
            (
                "Autumn".to_string(),
                "2026-08-24".to_string(),
                "2026-11-22".to_string(),
            ),
            (
                "Spring".to_string(),
                "2027-01-05".to_string(),
                "2027-04-01".to_string(),
            ),
        ];
        // Between terms the school year is under way: it counts.
        assert_eq!(period(&terms, today()).title, "2026-27");
        let autumn = period(&terms[1..], today());
        assert_eq!(autumn.title, "Autumn");
        assert_eq!(
            (autumn.start.as_str(), autumn.end.as_str()),
            ("2026-08-24", "2026-12-07")
        );
        let in_spring: Date = "2027-02-01".parse().unwrap();
        assert_eq!(period(&terms, in_spring).title, "Spring");
        let none = period(&[], today());
        assert_eq!(none.title, "the last 13 weeks");
        assert_eq!(none.start, "2026-09-14");
        assert_eq!(none.end, "2026-12-07");
    }

    #[test]
    fn rates_count_present_and_late_of_every_session() {
        let record = |day: &str, status| (day.to_string(), "day".to_string(), status, None, None);
        let records = vec![
            record("2026-11-23", AttendanceStatus::Present),
            record("2026-11-24", AttendanceStatus::Absent),
            record("2026-11-30", AttendanceStatus::Late),
            record("2026-12-07", AttendanceStatus::Present),
            record("2026-12-08", AttendanceStatus::Excused),
        ];
        let period = period(&[], today());
        let summary = summarize(1, period, today(), &records);
        assert_eq!(summary.term.sessions(), 5);
        assert_eq!(summary.term.rate(), Some(3.0 / 5.0));
        assert_eq!(summary.this_week.sessions(), 2);
        assert_eq!(summary.this_week.rate(), Some(0.5));
        let weeks: Vec<(&str, u32)> = summary
            .weeks
            .iter()
            .map(|w| (w.starts.as_str(), w.number))
            .collect();
        // Counted from the period's first week, 14 September.
        assert_eq!(
            weeks,
            [("2026-11-23", 10), ("2026-11-30", 11), ("2026-12-07", 12)]
        );
        let recent: Vec<&str> = summary.recent.iter().map(|e| e.day.as_str()).collect();
        assert_eq!(recent, ["2026-12-08", "2026-11-30", "2026-11-24"]);
        assert_eq!(AttendanceTally::default().rate(), None);
    }
}
