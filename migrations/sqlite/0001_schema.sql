-- Cairn's schema: every concept of PRODUCT.md. Timestamps are UTC text (RFC 3339, 'Z'),
-- which sorts and compares the same way in SQLite and PostgreSQL.

CREATE TABLE institutions (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL UNIQUE,
    points_enabled INTEGER NOT NULL DEFAULT 1,
    dark_theme_allowed INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);

-- People ------------------------------------------------------------------------------------

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    handle          TEXT NOT NULL UNIQUE,
    password_hash   TEXT,
    status          TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('pending', 'active', 'disabled', 'alumni')),
    external_id     TEXT,
    year_level      INTEGER,
    points_opt_out  INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
CREATE INDEX users_institution ON users(institution_id);
CREATE UNIQUE INDEX users_external ON users(institution_id, external_id);

-- Built-in roles (learner, parent, teacher, manager, admin) and custom roles are both rows:
-- a role is a named set of permissions.
CREATE TABLE roles (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    key             TEXT NOT NULL,
    name            TEXT NOT NULL,
    builtin         INTEGER NOT NULL DEFAULT 0,
    -- a custom role may be limited to the groups of one year level ("head of year")
    scope_year_level INTEGER,
    UNIQUE (institution_id, key)
);

CREATE TABLE role_permissions (
    role_id     INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    permission  TEXT NOT NULL,
    PRIMARY KEY (role_id, permission)
);

CREATE TABLE user_roles (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role_id  INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles(role_id);

CREATE TABLE parent_links (
    parent_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    learner_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (parent_id, learner_id)
);
CREATE INDEX parent_links_learner ON parent_links(learner_id);

CREATE TABLE groups (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    name            TEXT NOT NULL,
    year_level      INTEGER,
    external_id     TEXT,
    archived_at     TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX groups_institution ON groups(institution_id);

-- Membership keeps its history: moving a learner closes one row (left_at) and opens another.
CREATE TABLE group_members (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES groups(id),
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    member_role TEXT NOT NULL CHECK (member_role IN ('teacher', 'learner')),
    joined_at   TEXT NOT NULL,
    left_at     TEXT
);
CREATE INDEX group_members_group ON group_members(group_id, member_role);
CREATE INDEX group_members_user ON group_members(user_id);

-- Frameworks, competencies, rubrics ---------------------------------------------------------

CREATE TABLE categories (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    key             TEXT NOT NULL,
    name            TEXT NOT NULL,
    position        INTEGER NOT NULL DEFAULT 0,
    builtin         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (institution_id, key)
);

CREATE TABLE rubrics (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    name            TEXT NOT NULL,
    -- the level number at and above which a competency counts as mastered
    mastery_level   REAL NOT NULL
);

CREATE TABLE rubric_levels (
    id          INTEGER PRIMARY KEY,
    rubric_id   INTEGER NOT NULL REFERENCES rubrics(id) ON DELETE CASCADE,
    level       INTEGER NOT NULL,
    name        TEXT NOT NULL,
    points      REAL NOT NULL,
    color       TEXT NOT NULL,
    UNIQUE (rubric_id, level)
);

CREATE TABLE frameworks (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    category_id     INTEGER NOT NULL REFERENCES categories(id),
    rubric_id       INTEGER NOT NULL REFERENCES rubrics(id),
    mastery_method  TEXT NOT NULL DEFAULT 'decaying_average',
    mastery_param   REAL,
    case_identifier TEXT,
    source_uri      TEXT,
    created_at      TEXT NOT NULL
);

CREATE TABLE framework_areas (
    id              INTEGER PRIMARY KEY,
    framework_id    INTEGER NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    position        INTEGER NOT NULL DEFAULT 0
);

-- Rich Skill Descriptor fields: skill_statement, category, keywords, alignments.
CREATE TABLE competencies (
    id              INTEGER PRIMARY KEY,
    framework_id    INTEGER NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    area_id         INTEGER REFERENCES framework_areas(id),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    skill_statement TEXT NOT NULL DEFAULT '',
    keywords        TEXT NOT NULL DEFAULT '',
    category_id     INTEGER NOT NULL REFERENCES categories(id),
    mastery_method  TEXT,
    mastery_param   REAL,
    case_identifier TEXT,
    position        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (framework_id, code)
);
CREATE INDEX competencies_category ON competencies(category_id);

CREATE TABLE competency_alignments (
    id              INTEGER PRIMARY KEY,
    competency_id   INTEGER NOT NULL REFERENCES competencies(id) ON DELETE CASCADE,
    target_name     TEXT NOT NULL,
    target_url      TEXT,
    target_framework TEXT,
    target_code     TEXT
);

CREATE TABLE indicators (
    id              INTEGER PRIMARY KEY,
    competency_id   INTEGER NOT NULL REFERENCES competencies(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    position        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE rubric_criteria (
    rubric_id       INTEGER NOT NULL REFERENCES rubrics(id) ON DELETE CASCADE,
    competency_id   INTEGER NOT NULL REFERENCES competencies(id) ON DELETE CASCADE,
    level           INTEGER NOT NULL,
    text            TEXT NOT NULL,
    PRIMARY KEY (rubric_id, competency_id, level)
);

CREATE TABLE tags (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('skill', 'value')),
    UNIQUE (institution_id, name)
);

CREATE TABLE competency_tags (
    competency_id   INTEGER NOT NULL REFERENCES competencies(id) ON DELETE CASCADE,
    tag_id          INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (competency_id, tag_id)
);

-- Evidence: append-only. A correction is a new row whose supersedes_id names the old one.
CREATE TABLE evidence (
    id              INTEGER PRIMARY KEY,
    learner_id      INTEGER NOT NULL REFERENCES users(id),
    competency_id   INTEGER NOT NULL REFERENCES competencies(id),
    level           REAL NOT NULL,
    score_given     REAL,
    score_maximum   REAL,
    given_by        INTEGER REFERENCES users(id),
    source          TEXT NOT NULL
                    CHECK (source IN ('teacher', 'lms', 'import', 'self', 'project')),
    source_ref      TEXT,
    group_id        INTEGER REFERENCES groups(id),
    comment         TEXT,
    supersedes_id   INTEGER REFERENCES evidence(id),
    observed_at     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
);
CREATE INDEX evidence_learner ON evidence(learner_id, competency_id, observed_at);
CREATE INDEX evidence_competency ON evidence(competency_id);
CREATE UNIQUE INDEX evidence_source_ref ON evidence(source, source_ref);
CREATE INDEX evidence_supersedes ON evidence(supersedes_id);

CREATE TABLE files (
    id              INTEGER PRIMARY KEY,
    owner_id        INTEGER NOT NULL REFERENCES users(id),
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    stored_path     TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE evidence_artefacts (
    id              INTEGER PRIMARY KEY,
    evidence_id     INTEGER NOT NULL REFERENCES evidence(id),
    kind            TEXT NOT NULL CHECK (kind IN ('file', 'link', 'video')),
    title           TEXT NOT NULL,
    url             TEXT,
    file_id         INTEGER REFERENCES files(id)
);

-- Achievements and credentials --------------------------------------------------------------

CREATE TABLE achievements (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    name            TEXT NOT NULL,
    description     TEXT NOT NULL,
    image_url       TEXT,
    category_id     INTEGER REFERENCES categories(id),
    criteria_narrative TEXT NOT NULL DEFAULT '',
    auto_issue      INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL
);

CREATE TABLE achievement_criteria (
    achievement_id  INTEGER NOT NULL REFERENCES achievements(id) ON DELETE CASCADE,
    competency_id   INTEGER NOT NULL REFERENCES competencies(id),
    min_level       REAL NOT NULL,
    PRIMARY KEY (achievement_id, competency_id)
);

CREATE TABLE achievement_alignments (
    id              INTEGER PRIMARY KEY,
    achievement_id  INTEGER NOT NULL REFERENCES achievements(id) ON DELETE CASCADE,
    target_name     TEXT NOT NULL,
    target_url      TEXT NOT NULL,
    target_framework TEXT,
    target_code     TEXT
);

CREATE TABLE signing_keys (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    public_key      TEXT NOT NULL,
    secret_key      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    retired_at      TEXT
);

CREATE TABLE status_lists (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    purpose         TEXT NOT NULL DEFAULT 'revocation',
    size            INTEGER NOT NULL,
    next_index      INTEGER NOT NULL DEFAULT 0
);

-- Credentials are immutable once issued; a provisional one is re-issued with the same
-- credential_uri and a newer valid_from, and the earned one supersedes it.
CREATE TABLE credentials (
    id              INTEGER PRIMARY KEY,
    credential_uri  TEXT NOT NULL,
    achievement_id  INTEGER NOT NULL REFERENCES achievements(id),
    learner_id      INTEGER REFERENCES users(id),
    kind            TEXT NOT NULL CHECK (kind IN ('provisional', 'earned')),
    document        TEXT NOT NULL,
    issued_by       INTEGER REFERENCES users(id),
    valid_from      TEXT NOT NULL,
    status_list_id  INTEGER REFERENCES status_lists(id),
    status_index    INTEGER,
    revoked_at      TEXT,
    revocation_reason TEXT,
    issued_at       TEXT NOT NULL
);
CREATE INDEX credentials_learner ON credentials(learner_id);
CREATE INDEX credentials_uri ON credentials(credential_uri, valid_from);

-- Backpack --------------------------------------------------------------------------------

CREATE TABLE backpack_items (
    id              INTEGER PRIMARY KEY,
    owner_id        INTEGER NOT NULL REFERENCES users(id),
    credential_id   INTEGER REFERENCES credentials(id),
    imported_document TEXT,
    source          TEXT NOT NULL CHECK (source IN ('issued', 'imported', 'uploaded')),
    title           TEXT NOT NULL,
    verified_at     TEXT,
    file_id         INTEGER REFERENCES files(id),
    added_at        TEXT NOT NULL
);

CREATE TABLE backpack_collections (
    id              INTEGER PRIMARY KEY,
    owner_id        INTEGER NOT NULL REFERENCES users(id),
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    is_public       INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);

CREATE TABLE collection_items (
    collection_id   INTEGER NOT NULL REFERENCES backpack_collections(id) ON DELETE CASCADE,
    item_id         INTEGER NOT NULL REFERENCES backpack_items(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (collection_id, item_id)
);

CREATE TABLE share_links (
    id              INTEGER PRIMARY KEY,
    collection_id   INTEGER NOT NULL REFERENCES backpack_collections(id) ON DELETE CASCADE,
    token           TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    expires_at      TEXT,
    revoked_at      TEXT
);

-- Growth: goals, reflections, projects, feedback, check-ins ---------------------------------

CREATE TABLE goals (
    id              INTEGER PRIMARY KEY,
    learner_id      INTEGER NOT NULL REFERENCES users(id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'achieved', 'archived')),
    due_on          TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX goals_learner ON goals(learner_id);

CREATE TABLE goal_steps (
    id              INTEGER PRIMARY KEY,
    goal_id         INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    position        INTEGER NOT NULL DEFAULT 0,
    done_at         TEXT
);

CREATE TABLE goal_files (
    goal_id         INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    file_id         INTEGER NOT NULL REFERENCES files(id),
    PRIMARY KEY (goal_id, file_id)
);

CREATE TABLE projects (
    id              INTEGER PRIMARY KEY,
    learner_id      INTEGER NOT NULL REFERENCES users(id),
    title           TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX projects_learner ON projects(learner_id);

CREATE TABLE project_competencies (
    project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    competency_id   INTEGER NOT NULL REFERENCES competencies(id),
    PRIMARY KEY (project_id, competency_id)
);

CREATE TABLE project_media (
    id              INTEGER PRIMARY KEY,
    project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('image', 'video', 'file', 'link')),
    title           TEXT NOT NULL,
    url             TEXT,
    file_id         INTEGER REFERENCES files(id),
    position        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE reflections (
    id              INTEGER PRIMARY KEY,
    learner_id      INTEGER NOT NULL REFERENCES users(id),
    goal_id         INTEGER REFERENCES goals(id) ON DELETE CASCADE,
    project_id      INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE feedback (
    id              INTEGER PRIMARY KEY,
    author_id       INTEGER NOT NULL REFERENCES users(id),
    learner_id      INTEGER NOT NULL REFERENCES users(id),
    goal_id         INTEGER REFERENCES goals(id) ON DELETE CASCADE,
    project_id      INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX feedback_learner ON feedback(learner_id);

CREATE TABLE checkins (
    id              INTEGER PRIMARY KEY,
    learner_id      INTEGER NOT NULL REFERENCES users(id),
    teacher_id      INTEGER NOT NULL REFERENCES users(id),
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    answer          TEXT,
    answered_at     TEXT
);

-- Training, seats, orders --------------------------------------------------------------------

CREATE TABLE trainings (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    starts_on       TEXT,
    ends_on         TEXT,
    class_url       TEXT,
    instructor_id   INTEGER REFERENCES users(id),
    achievement_id  INTEGER REFERENCES achievements(id),
    created_at      TEXT NOT NULL
);

CREATE TABLE training_prerequisites (
    training_id     INTEGER NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    prerequisite_id INTEGER NOT NULL REFERENCES trainings(id),
    PRIMARY KEY (training_id, prerequisite_id)
);

CREATE TABLE training_materials (
    id              INTEGER PRIMARY KEY,
    training_id     INTEGER NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    url             TEXT,
    file_id         INTEGER REFERENCES files(id)
);

CREATE TABLE enrolments (
    id              INTEGER PRIMARY KEY,
    training_id     INTEGER NOT NULL REFERENCES trainings(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    status          TEXT NOT NULL CHECK (status IN ('upcoming', 'in_progress', 'completed')),
    enrolled_at     TEXT NOT NULL,
    completed_at    TEXT,
    score           REAL,
    certificate_credential_id INTEGER REFERENCES credentials(id),
    UNIQUE (training_id, user_id)
);

CREATE TABLE external_training_records (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    title           TEXT NOT NULL,
    provider        TEXT NOT NULL,
    completed_on    TEXT,
    file_id         INTEGER REFERENCES files(id),
    created_at      TEXT NOT NULL
);

CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    manager_id      INTEGER NOT NULL REFERENCES users(id),
    training_id     INTEGER NOT NULL REFERENCES trainings(id),
    reference       TEXT NOT NULL,
    seats           INTEGER NOT NULL CHECK (seats > 0),
    amount_cents    INTEGER NOT NULL DEFAULT 0,
    currency        TEXT NOT NULL DEFAULT 'AUD',
    ordered_at      TEXT NOT NULL
);

CREATE TABLE registration_codes (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    manager_id      INTEGER NOT NULL REFERENCES users(id),
    training_id     INTEGER NOT NULL REFERENCES trainings(id),
    order_id        INTEGER REFERENCES orders(id),
    code            TEXT NOT NULL UNIQUE,
    seats           INTEGER NOT NULL CHECK (seats > 0),
    created_at      TEXT NOT NULL,
    expires_at      TEXT
);

CREATE TABLE seat_assignments (
    id              INTEGER PRIMARY KEY,
    code_id         INTEGER NOT NULL REFERENCES registration_codes(id),
    email           TEXT NOT NULL,
    user_id         INTEGER REFERENCES users(id),
    invited_at      TEXT NOT NULL,
    redeemed_at     TEXT,
    UNIQUE (code_id, email)
);

-- Attendance and points -----------------------------------------------------------------------

CREATE TABLE attendance (
    id              INTEGER PRIMARY KEY,
    learner_id      INTEGER NOT NULL REFERENCES users(id),
    group_id        INTEGER REFERENCES groups(id),
    day             TEXT NOT NULL,
    session         TEXT NOT NULL DEFAULT 'day',
    status          TEXT NOT NULL CHECK (status IN ('present', 'absent', 'late', 'excused')),
    source          TEXT NOT NULL DEFAULT 'feed',
    recorded_at     TEXT NOT NULL,
    UNIQUE (learner_id, day, session)
);

CREATE TABLE point_rules (
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    activity        TEXT NOT NULL,
    points          INTEGER NOT NULL,
    PRIMARY KEY (institution_id, activity)
);

CREATE TABLE points (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    activity        TEXT NOT NULL,
    points          INTEGER NOT NULL,
    reference       TEXT,
    awarded_at      TEXT NOT NULL
);
CREATE INDEX points_user ON points(user_id);

-- Shaping the platform: theme, module names, tiles --------------------------------------------

CREATE TABLE theme_settings (
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    name            TEXT NOT NULL,
    value           TEXT NOT NULL,
    PRIMARY KEY (institution_id, name)
);

CREATE TABLE module_names (
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    module          TEXT NOT NULL,
    label           TEXT NOT NULL,
    PRIMARY KEY (institution_id, module)
);

CREATE TABLE role_tiles (
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    role_key        TEXT NOT NULL,
    tile            TEXT NOT NULL,
    position        INTEGER NOT NULL DEFAULT 0,
    visible         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (institution_id, role_key, tile)
);

-- Integrations --------------------------------------------------------------------------------

CREATE TABLE integration_tokens (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    revoked_at      TEXT
);

CREATE TABLE line_items (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    source_id       TEXT NOT NULL,
    title           TEXT NOT NULL,
    competency_id   INTEGER NOT NULL REFERENCES competencies(id),
    UNIQUE (institution_id, source_id)
);

-- Audit, sessions, outbox ---------------------------------------------------------------------

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    actor_id        INTEGER REFERENCES users(id),
    action          TEXT NOT NULL,
    subject_type    TEXT NOT NULL,
    subject_id      TEXT,
    detail          TEXT NOT NULL DEFAULT '',
    at              TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(institution_id, at);

-- The cookie holds a random token; the table holds only its SHA-256.
CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_email        TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
