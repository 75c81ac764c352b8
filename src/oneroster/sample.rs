//! A OneRoster CSV package made up for a school: the demo school's sample (so a new user can try
//! the import) and the scale benchmark's (10,000 users). Deterministic: the same size gives the
//! same files.

use std::fmt::Write;
use std::io::Write as _;

use super::Version;

/// How big a school to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub learners: usize,
    /// Classes each learner is enrolled in.
    pub classes_per_learner: usize,
    /// Learners in a class.
    pub class_size: usize,
    pub version: Version,
    /// A gradebook for the first class: two line items whose ids are the demo school's
    /// competency codes, one that no competency is mapped to, and a result for each learner.
    pub gradebook: bool,
}

impl Size {
    /// A small school: the demo's sample.
    pub const DEMO: Size = Size {
        learners: 60,
        classes_per_learner: 3,
        class_size: 20,
        version: Version::V1_2,
        gradebook: true,
    };

    /// The benchmark's: 5,000 learners, 4,500 guardians and 502 staff (10,002 users), 2,004
    /// classes of 25 learners and a teacher, and 52,004 enrolments.
    pub const SCALE: Size = Size {
        learners: 5000,
        classes_per_learner: 10,
        class_size: 25,
        version: Version::V1_2,
        gradebook: true,
    };
}

const SUBJECTS: [&str; 9] = [
    "Mathematics",
    "English",
    "Science",
    "History",
    "Geography",
    "Art",
    "Music",
    "Physical Education",
    "Languages",
];
const GIVEN: [&str; 12] = [
    "Ana", "Ben", "Chloé", "Dara", "Emeka", "Farah", "Gus", "Hana", "Ivo", "Jia", "Kofi", "Lena",
];
const FAMILY: [&str; 10] = [
    "Silva", "Okafor", "Nguyen", "Müller", "Haddad", "Kowalski", "Tanaka", "Reyes", "Dubois",
    "Osei",
];

/// A gradebook for one class: `categories.csv`, `lineItems.csv` and `results.csv`. Scores are
/// out of 20; every tenth result is only submitted (not yet graded).
fn gradebook(class: &str, learners: &[String], stamp: &str) -> (String, String, String) {
    let categories =
        format!("sourcedId,status,dateLastModified,title\ncategory-tests,,{stamp},Tests\n");
    let mut line_items = String::from(
        "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,\
         categorySourcedId,gradingPeriodSourcedId,resultValueMin,resultValueMax\n",
    );
    let items = [
        ("MA4-ALG-C-01", "Algebra test", "2026-10-12"),
        ("MA4-LIN-C-01", "Linear relationships quiz", "2026-11-02"),
        ("homework-1", "Homework 1", "2026-09-21"),
    ];
    for (id, title, due) in items {
        let _ = writeln!(
            line_items,
            "{id},,{stamp},{title},,{due},{due},{class},category-tests,term-1,0,20"
        );
    }
    let mut results = String::from(
        "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,\
         score,scoreDate,comment\n",
    );
    let mut n = 0;
    for (item, (id, _, due)) in items.iter().enumerate() {
        for learner in learners {
            n += 1;
            let (status, score) = if n % 10 == 0 {
                ("submitted", String::new())
            } else {
                ("fully graded", ((n * 7 + item * 3) % 21).to_string())
            };
            let _ = writeln!(
                results,
                "result-{n},,{stamp},{id},{learner},{status},{score},{due},"
            );
        }
    }
    (categories, line_items, results)
}

/// The package's files, by name, in the order a manifest lists them.
pub fn files(size: Size) -> Vec<(String, String)> {
    let v12 = size.version == Version::V1_2;
    let stamp = "2026-09-01T08:00:00.000Z";
    let years = 7..=12;
    let year_count = years.clone().count();
    let learners_per_year = size.learners.div_ceil(year_count);
    let classes_per_year =
        (learners_per_year * size.classes_per_learner).div_ceil(size.class_size.max(1));
    let class_count = classes_per_year * year_count;
    let guardians = size.learners * 9 / 10;
    let teachers = (class_count / 4).max(1);

    let mut orgs =
        String::from("sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n");
    let _ = writeln!(orgs, "district-1,,{stamp},Demo District,district,D1,");
    let _ = writeln!(orgs, "school-1,,{stamp},Demo School,school,S1,district-1");

    let mut sessions = String::from(
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n",
    );
    let _ = writeln!(
        sessions,
        "year-2026,,{stamp},2026–27,schoolYear,2026-09-01,2027-07-15,,2027"
    );
    let _ = writeln!(
        sessions,
        "term-1,,{stamp},Autumn term,term,2026-09-01,2026-12-18,year-2026,2027"
    );
    let _ = writeln!(
        sessions,
        "term-2,,{stamp},Spring term,term,2027-01-05,2027-07-15,year-2026,2027"
    );

    let mut courses = String::from(
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes\n",
    );
    for year in years.clone() {
        for subject in SUBJECTS {
            let code = &subject[..3].to_uppercase();
            let _ = writeln!(
                courses,
                "course-{year}-{code},,{stamp},year-2026,Year {year} {subject},{code}{year},{year:02},school-1,{subject},"
            );
        }
    }

    let mut classes = String::from(
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n",
    );
    let mut class_ids = Vec::with_capacity(class_count);
    for (y, year) in years.clone().enumerate() {
        for n in 0..classes_per_year {
            let subject = SUBJECTS[n % SUBJECTS.len()];
            let code = &subject[..3].to_uppercase();
            let section = n / SUBJECTS.len() + 1;
            let id = format!("class-{}", y * classes_per_year + n + 1);
            let _ = writeln!(
                classes,
                "{id},,{stamp},Year {year} {subject} {section},{year:02},course-{year}-{code},{code}{year}-{section},scheduled,Room {},school-1,\"term-1,term-2\",{subject},,{}",
                100 + n,
                n % 6 + 1
            );
            class_ids.push((y, id));
        }
    }

    let user_head = if v12 {
        "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n"
    } else {
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
    };
    let mut users = String::from(user_head);
    let mut roles = String::from(
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\n",
    );
    let mut user = |id: &str,
                    role: &str,
                    given: &str,
                    family: &str,
                    email: &str,
                    agents: &str,
                    grade: &str| {
        if v12 {
            let _ = writeln!(
                users,
                "{id},,{stamp},true,{email},,{given},{family},,{id},{email},,,\"{agents}\",{grade},,,,,,,school-1,"
            );
            let _ = writeln!(roles, "role-{id},,{stamp},{id},primary,{role},,,school-1,");
        } else {
            let _ = writeln!(
                users,
                "{id},,{stamp},true,school-1,{role},{email},,{given},{family},,{id},{email},,,\"{agents}\",{grade},"
            );
        }
    };
    let name = |n: usize| {
        (
            GIVEN[n % GIVEN.len()],
            FAMILY[(n / GIVEN.len()) % FAMILY.len()],
        )
    };
    for n in 0..size.learners {
        let (given, family) = name(n);
        let year = 7 + (n / learners_per_year).min(year_count - 1);
        // Half the links are carried by the learner, half by the guardian.
        let agents = if n < guardians && n % 2 == 0 {
            format!("guardian-{}", n + 1)
        } else {
            String::new()
        };
        user(
            &format!("learner-{}", n + 1),
            "student",
            given,
            family,
            &format!("learner{}@roster.demo.cairn", n + 1),
            &agents,
            &format!("{year:02}"),
        );
    }
    for n in 0..guardians {
        let (given, family) = name(n + 7);
        let agents = if n % 2 == 1 {
            format!("learner-{}", n + 1)
        } else {
            String::new()
        };
        user(
            &format!("guardian-{}", n + 1),
            "guardian",
            given,
            family,
            &format!("guardian{}@roster.demo.cairn", n + 1),
            &agents,
            "",
        );
    }
    for n in 0..teachers {
        let (given, family) = name(n + 3);
        user(
            &format!("teacher-{}", n + 1),
            "teacher",
            given,
            family,
            &format!("teacher{}@roster.demo.cairn", n + 1),
            "",
            "",
        );
    }
    user(
        "admin-1",
        if v12 {
            "siteAdministrator"
        } else {
            "administrator"
        },
        "Sam",
        "Principal",
        "principal@roster.demo.cairn",
        "",
        "",
    );

    let mut enrollments = String::from(
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n",
    );
    let mut enrollment = 0;
    // The first class's learners: the sample gradebook's students.
    let first_class = class_ids
        .first()
        .map(|(_, id)| id.clone())
        .unwrap_or_default();
    let mut graded: Vec<String> = Vec::new();
    let mut enrol = |class: &str, user: &str, role: &str, primary: bool| {
        enrollment += 1;
        if class == first_class && role == "student" {
            graded.push(user.to_string());
        }
        let _ = writeln!(
            enrollments,
            "enrollment-{enrollment},,{stamp},{class},school-1,{user},{role},{primary},2026-09-01,"
        );
    };
    for (index, (_, class)) in class_ids.iter().enumerate() {
        enrol(
            class,
            &format!("teacher-{}", index % teachers + 1),
            "teacher",
            true,
        );
    }
    for n in 0..size.learners {
        let year = (n / learners_per_year).min(year_count - 1);
        let in_year = n % learners_per_year;
        let year_classes: Vec<&str> = class_ids
            .iter()
            .filter(|(y, _)| *y == year)
            .map(|(_, id)| id.as_str())
            .collect();
        for k in 0..size.classes_per_learner.min(year_classes.len()) {
            // Spread the year's learners over its classes, each learner in different ones.
            let class = year_classes[(in_year * size.classes_per_learner + k) % year_classes.len()];
            enrol(class, &format!("learner-{}", n + 1), "student", false);
        }
    }

    let mut manifest = String::from("propertyName,value\n");
    let _ = writeln!(manifest, "manifest.version,1.0");
    let _ = writeln!(manifest, "oneroster.version,{}", size.version.label());
    let mut files = vec![
        ("orgs", orgs),
        ("academicSessions", sessions),
        ("courses", courses),
        ("classes", classes),
        ("users", users),
    ];
    if v12 {
        files.push(("roles", roles));
    }
    files.push(("enrollments", enrollments));
    if size.gradebook {
        let (categories, line_items, results) = gradebook(&first_class, &graded, stamp);
        files.push(("categories", categories));
        files.push(("lineItems", line_items));
        files.push(("results", results));
    }
    for key in [
        "academicSessions",
        "categories",
        "classes",
        "classResources",
        "courses",
        "courseResources",
        "demographics",
        "enrollments",
        "lineItems",
        "orgs",
        "resources",
        "results",
        "roles",
        "users",
    ] {
        let present = files.iter().any(|(name, _)| *name == key);
        let _ = writeln!(
            manifest,
            "file.{key},{}",
            if present { "bulk" } else { "absent" }
        );
    }
    let _ = writeln!(manifest, "source.systemName,Cairn sample");
    let _ = writeln!(manifest, "source.systemCode,cairn");
    let mut named = vec![("manifest.csv".to_string(), manifest)];
    named.extend(
        files
            .into_iter()
            .map(|(name, text)| (format!("{name}.csv"), text)),
    );
    named
}

/// The files as a zip, as a student information system would export them.
pub fn zip(files: &[(String, String)]) -> std::io::Result<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in files {
        writer.start_file(name.as_str(), options)?;
        writer.write_all(text.as_bytes())?;
    }
    Ok(writer.finish()?.into_inner())
}

/// Writes the files into a folder, or as one `.zip` when `path` ends so.
pub fn write(path: &std::path::Path, files: &[(String, String)]) -> std::io::Result<()> {
    let is_zip = path
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("zip"));
    if is_zip {
        return std::fs::write(path, zip(files)?);
    }
    std::fs::create_dir_all(path)?;
    for (name, text) in files {
        std::fs::write(path.join(name), text)?;
    }
    Ok(())
}
