//! The administrator's pages, named once: the landing page at `/admin` and the home page's
//! institution tile both list them from here.

use cairn::model::InstitutionSummary;
use leptos::prelude::*;

/// Each administration page: its address, its name and what it is for.
pub const ADMIN_PAGES: [(&str, &str, &str); 10] = [
    (
        "/admin/people",
        "People",
        "search, import, approve, roles, families and groups",
    ),
    ("/admin/groups", "Groups", "create, fill and archive"),
    (
        "/admin/oneroster",
        "Rosters",
        "people, classes and enrolments from your student information system (OneRoster)",
    ),
    (
        "/admin/attendance",
        "Attendance",
        "the feed from your attendance system: its status, deliveries and file imports",
    ),
    (
        "/admin/frameworks",
        "Frameworks",
        "competencies, tags, rubrics and mastery methods",
    ),
    (
        "/admin/settings",
        "Settings",
        "module names and colours, pictures, time zone and home tiles",
    ),
    (
        "/admin/issuers",
        "Trusted issuers",
        "whose credentials are shown under their names",
    ),
    (
        "/admin/integrations",
        "Integrations",
        "learning platform tokens and line items",
    ),
    (
        "/admin/audit",
        "Audit log",
        "who changed what, when and from where",
    ),
    ("/learners", "Learners", "browse every learner's progress"),
];

/// The pages as links, each saying what it is for ("Groups: create, fill and archive").
#[component]
pub fn AdminLinks() -> impl IntoView {
    view! {
        <ul class="admin-links">
            {ADMIN_PAGES
                .iter()
                .map(|(href, name, what)| view! { <li><a href=*href>{format!("{name}: {what}")}</a></li> })
                .collect_view()}
        </ul>
    }
}

/// The institution in figures: people by role, groups, frameworks, competencies, evidence.
#[component]
pub fn InstitutionFigures(institution: InstitutionSummary) -> impl IntoView {
    view! {
        <dl class="figures">
            {institution
                .users_by_role
                .into_iter()
                .map(|(role, count)| view! {
                    <div><dt>{format!("{}s", role.label())}</dt><dd>{count}</dd></div>
                })
                .collect_view()}
            <div><dt>"Groups"</dt><dd>{institution.groups}</dd></div>
            <div><dt>"Frameworks"</dt><dd>{institution.frameworks}</dd></div>
            <div><dt>"Competencies"</dt><dd>{institution.competencies}</dd></div>
            <div><dt>"Evidence records"</dt><dd>{institution.evidence}</dd></div>
        </dl>
    }
}
